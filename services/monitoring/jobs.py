"""The daily monitoring job: opens each half-year period, reminds curators who have not reported, closes it."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from uuid import UUID

from services.monitoring import logic, satisfaction
from shared.clock import today
from shared.db import Level, Scope, tenant_transaction
from shared.i18n import format_date
from shared.mail import send_mail
from tenants import curator_emails, region_ids

log = logging.getLogger("nastavnik.jobs")


async def check_monitoring(ctx: dict[str, Any], day: str = "") -> dict[str, int]:
    on = date.fromisoformat(day) if day else today()
    async with tenant_transaction(Scope(Level.platform)):
        regions = await region_ids()
    opened = reminded = 0
    for region_id in regions:
        mails: list[tuple[list[str], UUID, str, date, bool]] = []
        async with tenant_transaction(Scope.for_region(region_id)):
            for period in await logic.open_due(region_id, on):
                opened += 1
                for report in await logic.reports(period["id"]):
                    curators = await curator_emails(report["organization_id"])
                    mails.append((curators, period["id"], period["title"], period["deadline"], True))
            for report in await logic.due_reminders(on):
                reminded += 1
                curators = await curator_emails(report["organization_id"])
                mails.append((curators, report["period_id"], report["title"], report["deadline"], False))
            await logic.close_due(on)
            reminded += await satisfaction.remind()
        # After the commit: a refused address loses one letter, never the period or the other regions.
        for curators, period_id, title, deadline, opening in mails:
            try:
                await _mail(ctx, curators, period_id, title, deadline, opening)
            except Exception:
                log.exception("A monitoring letter was not sent")
    return {"opened": opened, "reminded": reminded}


async def _mail(
    ctx: dict[str, Any], curators: list[str], period_id: UUID, title: str, deadline: date, opening: bool
) -> None:
    settings = ctx["settings"]
    lead = "Открыт" if opening else "Напоминаем: не сдан отчёт —"
    text = (
        f"Здравствуйте!\n\n{lead} {title}.\n"
        f"Отчёт организации нужно отправить до {format_date(deadline)}: {settings.base_url}/monitoring/{period_id}\n"
        "Показатели за полугодие система подставит сама; опишите результаты, трудности и планы.\n"
    )
    for email in curators:
        await send_mail(settings, email, "Наставничество: мониторинг эффективности", text)
