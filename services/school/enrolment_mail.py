"""Letters about enrolment: to the organization's curators when someone applies, to the person on a decision.
Queued after the commit, one job per enrolment and event; the job rereads the enrolment in its own transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from arq import Retry

from services.school.records import get_cohort, get_enrolment, get_programme
from shared.db import Scope, tenant_transaction
from shared.errors import NotFound
from shared.i18n import format_date
from shared.jobs import JOB_MAX_TRIES, enqueue_after_commit
from shared.mail import send_mail
from tenants import curator_emails, list_people

SUBJECT = "Наставничество: школа наставников"
EVENTS = {
    "confirmed": "Куратор подтвердил вашу заявку; решение о зачислении примет школа.",
    "declined": "Заявка отклонена.",
    "accepted": "Вы зачислены на обучение.",
    "waiting": "Мест в потоке нет: вы в листе ожидания. Освободится место — зачислим и сообщим.",
    "promoted": "Освободилось место: вы зачислены на обучение из листа ожидания.",
}


async def enqueue_enrolment_mail(region_id: UUID, enrolment_id: UUID, event: str) -> None:
    await enqueue_after_commit(
        send_enrolment_mail,
        str(region_id),
        str(enrolment_id),
        event,
        _job_id=f"school-enrolment-mail:{enrolment_id}:{event}",
    )


async def send_enrolment_mail(ctx: dict[str, Any], region_id: str, enrolment_id: str, event: str) -> str:
    settings = ctx["settings"]
    async with tenant_transaction(Scope.for_region(UUID(region_id))):
        try:
            enrolment = await get_enrolment(UUID(enrolment_id))
        except NotFound:
            return "not found"
        cohort = await get_cohort(enrolment.cohort_id)
        programme = await get_programme(cohort.programme_id)
        if event == "applied":
            if enrolment.state != "applied":
                return "already decided"
            recipients = await curator_emails(enrolment.organization_id)
        elif enrolment.user_id is None:
            return "no account"
        else:
            accounts = await list_people(enrolment.organization_id)
            recipients = sorted({a.email for a in accounts if a.id == enrolment.user_id})
    course = (
        f"программа «{programme.title}», поток «{cohort.title}» "
        f"({format_date(cohort.starts_on)} — {format_date(cohort.ends_on)})"
    )
    if event == "applied":
        text = (
            f"Здравствуйте!\n\n{enrolment.full_name} подаёт заявку на обучение в школе наставников: {course}.\n"
            f"Подтвердите или отклоните её на странице {settings.base_url}/school/enrolment\n"
        )
    else:
        reason = f"\nПричина: {enrolment.reason}" if event == "declined" and enrolment.reason else ""
        text = f"Здравствуйте!\n\nШкола наставников, {course}.\n{EVENTS.get(event, '')}{reason}\n"
    try:
        for email in recipients:
            await send_mail(settings, email, SUBJECT, text)
    except Exception as exc:
        if ctx["job_try"] >= JOB_MAX_TRIES:
            raise
        raise Retry(defer=min(300, ctx.get("retry_delay", 10) * ctx["job_try"] ** 2)) from exc
    return f"sent {len(recipients)}"
