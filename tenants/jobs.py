"""Invitation e-mails."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from arq import Retry
from piccolo.columns.combination import WhereRaw

from shared.clock import now
from shared.db import Scope, tenant_transaction
from shared.errors import NotFound
from shared.i18n import format_datetime
from shared.jobs import JOB_MAX_TRIES, enqueue_after_commit
from shared.mail import send_mail
from tenants.access import full_name
from tenants.logic import get_invitation, invitation_token
from tenants.roles import ROLE_LABELS, Role
from tenants.tables import Invitation, Organization


async def enqueue_invitation(region_id: UUID, invitation_id: UUID) -> None:
    """Once the invitation's transaction commits; one job per invitation: a double click does not send twice."""
    await enqueue_after_commit(
        send_invitation, str(region_id), str(invitation_id), _job_id=f"invitation-mail:{invitation_id}"
    )


async def send_invitation(ctx: dict[str, Any], region_id: str, invitation_id: str) -> str:
    settings = ctx["settings"]
    async with tenant_transaction(Scope.for_region(UUID(region_id))):
        try:
            invitation = msgspec.structs.asdict(await get_invitation(UUID(invitation_id)))
        except NotFound:  # queued after its commit: the invitation is gone, not late
            return "not found"
        if invitation["sent_at"] is not None:
            return "already sent"
        if invitation["used_at"] is not None or invitation["expires_at"] <= now():
            return "no longer valid"
        place = ""
        if invitation["organization_id"]:
            org = (
                await Organization.select(Organization.name)
                .where(Organization.id == invitation["organization_id"])
                .first()
                .run()
            )
            place = org["name"] if org else ""
    link = f"{settings.base_url}/invite/{invitation_token(settings.secret_key, invitation['id'])}"
    name = full_name(invitation["name"], invitation["patronymic"]) or invitation["surname"]
    role = ROLE_LABELS[Role(invitation["role"])].lower()
    text = (
        (f"Здравствуйте, {name}!\n\n" if name else "Здравствуйте!\n\n")
        + f"Вас пригласили в платформу «Наставник» в роли «{role}»"
        + (f" ({place})" if place else "")
        + ".\n\nЧтобы создать учётную запись, откройте ссылку:\n"
        f"{link}\n\n"
        f"Ссылка действует до {format_datetime(invitation['expires_at'])} (мск) и работает один раз.\n"
        "Если вы не ждали этого письма, просто удалите его.\n"
    )
    try:
        await send_mail(settings, invitation["email"], "Приглашение в платформу «Наставник»", text)
    except Exception as exc:
        async with tenant_transaction(Scope.for_region(UUID(region_id))):
            await (
                Invitation.update(
                    {
                        Invitation.send_attempts: Invitation.send_attempts + 1,
                        Invitation.send_error: type(exc).__name__,
                    }
                )
                .where(Invitation.id == UUID(invitation_id))
                .run()
            )
        if ctx["job_try"] >= JOB_MAX_TRIES:
            raise
        raise Retry(defer=min(300, ctx.get("retry_delay", 10) * ctx["job_try"] ** 2)) from exc
    async with tenant_transaction(Scope.for_region(UUID(region_id))):
        await (
            Invitation.update(
                {
                    Invitation.sent_at: now(),
                    Invitation.send_attempts: Invitation.send_attempts + 1,
                    Invitation.send_error: "",
                }
            )
            .where((Invitation.id == UUID(invitation_id)) & WhereRaw("sent_at IS NULL"))
            .run()
        )
    return "sent"
