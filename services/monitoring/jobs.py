"""The daily monitoring job: opens each half-year period, reminds curators who have not reported, closes it."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from services.monitoring import logic, satisfaction
from services.registry.logic import today
from shared.db import Level, Scope, tenant_transaction
from shared.i18n import format_date
from shared.mail import send_mail
from tenants.logic import list_people, region_ids
from tenants.roles import Role


async def check_monitoring(ctx: dict[str, Any], day: str = "") -> dict[str, int]:
    on = date.fromisoformat(day) if day else today()
    async with tenant_transaction(Scope(Level.platform)):
        regions = await region_ids()
    opened = reminded = 0
    for region_id in regions:
        async with tenant_transaction(Scope.for_region(region_id)):
            for period in await logic.open_due(region_id, on):
                opened += 1
                for report in await logic.reports(period["id"]):
                    await _mail(ctx, report["organization_id"], period["id"], period["title"], period["deadline"], True)
            for report in await logic.due_reminders(on):
                reminded += 1
                await _mail(
                    ctx, report["organization_id"], report["period_id"], report["title"], report["deadline"], False
                )
            await logic.close_due(on)
            reminded += await satisfaction.remind(ctx["redis"])
    return {"opened": opened, "reminded": reminded}


async def _mail(
    ctx: dict[str, Any], organization_id: UUID, period_id: UUID, title: str, deadline: date, opening: bool
) -> None:
    settings = ctx["settings"]
    curators = [p["email"] for p in await list_people(organization_id) if p["role"] == Role.curator]
    lead = "Открыт" if opening else "Напоминаем: не сдан отчёт —"
    text = (
        f"Здравствуйте!\n\n{lead} {title}.\n"
        f"Отчёт организации нужно отправить до {format_date(deadline)}: {settings.base_url}/monitoring/{period_id}\n"
        "Показатели за полугодие система подставит сама; опишите результаты, трудности и планы.\n"
    )
    for email in curators:
        await send_mail(settings, email, "Наставничество: мониторинг эффективности", text)
