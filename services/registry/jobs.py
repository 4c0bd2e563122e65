"""Imports run in the worker: the uploaded file waits in Redis, the report and progress go back there."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from typing import Any
from uuid import UUID

from arq import ArqRedis, Retry

from services.registry import importer
from services.registry.people import CONSENTED
from services.registry.questionnaire_requests import questionnaire_token
from shared.actor import Actor
from shared.clock import now
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.i18n import format_datetime
from shared.jobs import JOB_MAX_TRIES, not_yet_visible
from shared.mail import send_mail

TTL = 6 * 3600


def _key(import_id: str, part: str) -> str:
    return f"import:{import_id}:{part}"


async def start_import(
    redis: ArqRedis, actor: Actor, municipality_id: UUID | None, content: bytes, filename: str
) -> str:
    import_id = secrets.token_hex(12)
    meta = {
        "region_id": str(actor.region_id),
        "municipality_id": str(municipality_id) if municipality_id else "",
        "organization_id": str(actor.organization_id),
        "user_id": str(actor.user_id) if actor.user_id else "",
        "ip": actor.ip,
        "filename": filename[:200],
        "status": "checking",
        "done": 0,
        "total": 0,
        "report": None,
    }
    await redis.set(_key(import_id, "file"), content, ex=TTL)
    await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)
    await redis.enqueue_job("run_import", import_id, False, _job_id=f"import-check:{import_id}")
    return import_id


async def import_status(redis: ArqRedis, import_id: str, organization_id: UUID | None) -> dict[str, Any] | None:
    """None for an unknown import or one of another organization (the caller answers 404)."""
    raw = await redis.get(_key(import_id, "meta"))
    if raw is None:
        return None
    meta: dict[str, Any] = json.loads(raw)
    return meta if meta["organization_id"] == str(organization_id) else None


async def request_commit(redis: ArqRedis, import_id: str, meta: dict[str, Any]) -> None:
    meta["status"] = "importing"
    await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)
    await redis.enqueue_job("run_import", import_id, True, _job_id=f"import-commit:{import_id}")


async def run_import(ctx: dict[str, Any], import_id: str, commit: bool) -> str:
    redis: ArqRedis = ctx["redis"]
    meta = json.loads(await redis.get(_key(import_id, "meta")) or "null")
    content = await redis.get(_key(import_id, "file"))
    if meta is None or content is None:
        return "expired"
    if commit and meta["status"] == "done":
        return "already imported"
    region_id, organization_id = UUID(meta["region_id"]), UUID(meta["organization_id"])
    actor = Actor(UUID(meta["user_id"]) if meta["user_id"] else None, region_id, organization_id, meta["ip"])
    scope = Scope(
        Level.organization,
        actor.user_id,
        region_id,
        UUID(meta["municipality_id"]) if meta["municipality_id"] else None,
        organization_id,
    )
    progress = {"done": 0, "total": 0}

    def on_progress(done: int, total: int) -> None:
        progress.update(done=done, total=total)

    async def publish() -> None:
        while True:
            await asyncio.sleep(0.5)
            meta.update(progress)
            await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)

    publisher = asyncio.create_task(publish())
    try:
        async with tenant_transaction(scope):
            report = await importer.import_file(
                actor, scope, content, meta["filename"], dry_run=not commit, progress=on_progress
            )
    except Exception:
        meta["status"] = "failed"
        await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)
        raise
    finally:
        publisher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await publisher  # no progress write may land after the final state
    meta.update(
        report=report.as_dict(),
        done=report.total,
        total=report.total,
        status=("done" if commit and report.ok else "checked" if report.ok else "invalid"),
    )
    await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)
    if meta["status"] in ("done", "invalid"):
        await redis.delete(_key(import_id, "file"))  # personal data leaves Redis once it is no longer needed
    status: str = meta["status"]
    return status


async def enqueue_questionnaire_mail(
    redis: ArqRedis, region_id: UUID, request_id: UUID, *, reminder: bool = False
) -> None:
    kind = "reminder" if reminder else "mail"
    await redis.enqueue_job(
        "send_questionnaire_link",
        str(region_id),
        str(request_id),
        reminder,
        _job_id=f"questionnaire-{kind}:{request_id}",
    )


async def send_questionnaire_link(ctx: dict[str, Any], region_id: str, request_id: str, reminder: bool = False) -> str:
    """Idempotent: a link already answered or expired is not mailed; failures are retried by the worker."""
    settings = ctx["settings"]
    async with tenant_transaction(Scope.for_region(UUID(region_id))):
        row = await current_connection().fetchrow(
            f"""SELECT r.id, r.answered_at, r.expires_at, p.email, p.name, t.title, {CONSENTED} AS consented
               FROM questionnaire_request r
               JOIN person p ON p.region_id = r.region_id AND p.id = r.person_id
               JOIN questionnaire_template t ON t.id = r.template_id
               WHERE r.id = $1""",
            UUID(request_id),
        )
    if row is None:
        not_yet_visible(ctx)
        return "not found"
    if row["answered_at"] is not None or row["expires_at"] <= now() or not row["consented"]:
        return "no longer valid"
    if not row["email"]:
        return "no e-mail"
    link = f"{settings.base_url}/q/{questionnaire_token(settings.secret_key, row['id'])}"
    text = (
        f"Здравствуйте, {row['name']}!\n\n{'Напоминаем: к' if reminder else 'К'}уратор программы наставничества "
        "просит заполнить анкету "
        f"«{row['title']}». Это займёт несколько минут, можно с телефона:\n{link}\n\n"
        f"Ссылка личная и действует до {format_datetime(row['expires_at'])} (мск).\n"
    )
    try:
        subject = f"{'Напоминание — анкета' if reminder else 'Анкета'}: {row['title']}"
        await send_mail(settings, row["email"], subject, text)
    except Exception as exc:
        if ctx["job_try"] >= JOB_MAX_TRIES:
            raise
        raise Retry(defer=min(300, ctx.get("retry_delay", 10) * ctx["job_try"] ** 2)) from exc
    return "sent"
