"""The contests' letters: a reminder to a juror who still owes sheets."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from arq import Retry

from shared.db import Scope, current_connection, tenant_transaction
from shared.i18n import plural
from shared.jobs import JOB_MAX_TRIES, enqueue_after_commit
from shared.mail import send_mail
from tenants import list_people


async def enqueue_reminder(region_id: UUID, juror_id: UUID, moment: datetime) -> None:
    """One letter per reminder click: the job id carries the moment, so a double submit does not send twice."""
    stamp = int(moment.timestamp())
    await enqueue_after_commit(
        send_jury_reminder, str(region_id), str(juror_id), _job_id=f"jury-remind:{juror_id}:{stamp}"
    )


async def send_jury_reminder(ctx: dict[str, Any], region_id: str, juror_id: str) -> str:
    settings = ctx["settings"]
    async with tenant_transaction(Scope.for_region(UUID(region_id))):
        db = current_connection()
        row = await db.fetchrow(
            """SELECT j.user_id, j.full_name, c.title, n.title AS nomination,
                      (SELECT count(*) FROM contest_entry e WHERE e.panel_id = j.panel_id AND e.state <> 'withdrawn')
                      - (SELECT count(*) FROM contest_sheet s WHERE s.juror_id = j.id AND s.submitted_at IS NOT NULL)
                      AS owed
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
    owed = max(int(row["owed"]), 1)
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
