"""The contests' background work: the letter with a vote's confirmation link, the cron that flags bursts of
votes from one network, region by region, and the reminder to a juror who still owes sheets."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from arq import Retry

from services.contests import voting
from shared.clock import now
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.i18n import format_datetime, plural
from shared.jobs import JOB_MAX_TRIES, enqueue_after_commit
from shared.mail import send_mail
from tenants import list_people, region_ids

log = logging.getLogger("nastavnik.jobs")

SUBJECT = "Подтвердите ваш голос"


async def enqueue_vote_mail(region_id: UUID, vote_id: UUID, email: str, secret_key: str) -> None:
    await enqueue_after_commit(
        send_vote_link,
        str(region_id),
        str(vote_id),
        voting.seal_email(secret_key, vote_id, email),
        _job_id=f"contest-vote-mail:{vote_id}",
    )


async def send_vote_link(ctx: dict[str, Any], region_id: str, vote_id: str, sealed_email: str) -> str:
    """The link is rebuilt from the vote's id; a vote already confirmed is not mailed again."""
    settings = ctx["settings"]
    async with tenant_transaction(Scope.for_region(UUID(region_id))):
        row = await current_connection().fetchrow(
            """SELECT v.confirmed_at, n.title, n.voting_until, c.title AS contest
               FROM contest_vote v
               JOIN contest_nomination n ON n.id = v.nomination_id
               JOIN contest c ON c.id = v.contest_id
               WHERE v.id = $1""",
            UUID(vote_id),
        )
    if row is None:
        return "not found"
    if row["confirmed_at"] is not None:
        return "already confirmed"
    email = voting.unseal_email(settings.secret_key, UUID(vote_id), sealed_email)
    if email is None:
        return "unreadable address"
    link = f"{settings.base_url}/contests/votes/confirm/{voting.vote_token(settings.secret_key, UUID(vote_id))}"
    until = f" до {format_datetime(row['voting_until'])} (мск)" if row["voting_until"] else ""
    text = (
        "Здравствуйте!\n\n"
        f"Вы проголосовали в конкурсе «{row['contest']}», номинация «{row['title']}».\n"
        f"Чтобы ваш голос был учтён, откройте ссылку и нажмите «Подтвердить голос»{until}:\n{link}\n\n"
        "В каждой номинации учитывается один голос с одного адреса электронной почты.\n"
        "Если вы не голосовали, просто удалите это письмо.\n"
    )
    try:
        await send_mail(settings, email, SUBJECT, text)
    except Exception as exc:
        if ctx["job_try"] >= JOB_MAX_TRIES:
            raise
        raise Retry(defer=min(300, ctx.get("retry_delay", 10) * ctx["job_try"] ** 2)) from exc
    return "sent"


async def flag_vote_bursts(ctx: dict[str, Any]) -> dict[str, int]:
    """Each region in its own transaction: a failing region does not keep the others' bursts unflagged."""
    async with tenant_transaction(Scope(Level.platform)):
        regions = await region_ids()
    flagged = failed = 0
    moment = now()
    for region_id in regions:
        try:
            async with tenant_transaction(Scope.for_region(region_id)):
                flagged += await voting.flag_bursts(region_id, moment)
        except Exception:
            log.exception("Vote bursts of a region were not flagged")
            failed += 1
    return {"flagged": flagged, "failed_regions": failed}


async def enqueue_reminder(region_id: UUID, juror_id: UUID, owed: int, moment: datetime) -> None:
    """One letter per reminder click: the job id carries the moment, so a double submit does not send twice.
    `owed` is the progress page's count (it knows the member's conflicts of interest)."""
    stamp = int(moment.timestamp())
    await enqueue_after_commit(
        send_jury_reminder, str(region_id), str(juror_id), owed, _job_id=f"jury-remind:{juror_id}:{stamp}"
    )


async def send_jury_reminder(ctx: dict[str, Any], region_id: str, juror_id: str, owed: int) -> str:
    settings = ctx["settings"]
    async with tenant_transaction(Scope.for_region(UUID(region_id))):
        db = current_connection()
        row = await db.fetchrow(
            """SELECT j.user_id, j.full_name, c.title, n.title AS nomination
               FROM contest_juror j JOIN contest c ON c.region_id = j.region_id AND c.id = j.contest_id
               JOIN contest_panel p ON p.region_id = j.region_id AND p.id = j.panel_id
               JOIN contest_nomination n ON n.region_id = p.region_id AND n.id = p.nomination_id
               WHERE j.id = $1""",
            UUID(juror_id),
        )
        if row is None:
            return "not found"
        emails = [a.email for a in await list_people() if a.id == row["user_id"]]
    if not emails:
        return "no account"
    text = (
        f"Здравствуйте, {row['full_name']}!\n\n"
        f"В конкурсе «{row['title']}», номинация «{row['nomination']}», ждут ваших оценок: "
        f"{owed} {plural(owed, 'заявка', 'заявки', 'заявок')}.\n\n"
        f"Оценочные листы: {settings.base_url}/contests/jury\n"
    )
    try:
        await send_mail(settings, emails[0], "Напоминание: оценочные листы конкурса", text)
    except Exception as exc:
        if ctx["job_try"] >= JOB_MAX_TRIES:
            raise
        raise Retry(defer=min(300, ctx.get("retry_delay", 10) * ctx["job_try"] ** 2)) from exc
    return "sent"
