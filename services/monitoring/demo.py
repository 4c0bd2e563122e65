"""The demo region's last half-year monitoring: closed, with some organizations' reports submitted and some not."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from services.monitoring import logic
from services.registry.logic import Actor, today
from shared.db import Level, Scope, current_connection, rescope

REPORTING = (
    "МБОУ «СОШ № 1»",
    "МОУ «Озёрская СШ»",
    "МОУ «Берёзовская ОШ»",
    "ГПОУ «Светлогорский политехнический колледж»",
)


async def seed_monitoring(region_id: UUID) -> None:
    """Idempotent: the period of the last passed deadline is created only once."""
    day = today()
    deadline = max(d for d in logic.deadlines_near(day) if d < day)
    await rescope(Scope.for_region(region_id))
    opened = await logic.open_due(region_id, deadline - timedelta(days=20))
    if opened:
        period_id = opened[0]["id"]
        organizations = await current_connection().fetch(
            """SELECT id, municipality_id, short_name FROM organization
               WHERE region_id = $1 AND short_name = ANY($2::text[])""",
            region_id,
            list(REPORTING),
        )
        for organization in organizations:
            scope = Scope(Level.organization, None, region_id, organization["municipality_id"], organization["id"])
            await rescope(scope)
            await logic.submit(
                Actor(None, region_id, organization["id"], "seed-demo"),
                period_id,
                logic.ReportForm(
                    achievements="Утверждены Положение и программа, сформированы базы наставников и наставляемых, "
                    "проведён отбор наставников",
                    problems="Не все родители сдали согласия на обработку персональных данных",
                    plans="Сформировать пары, провести групповую встречу, запустить школу наставников",
                ),
            )
        await rescope(Scope.for_region(region_id))
        await logic.close_due(deadline + timedelta(days=1))
    await rescope(Scope(Level.platform))
