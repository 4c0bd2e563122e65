"""The demo region's dashboards are counted at seeding, as the hourly job would have done."""

from __future__ import annotations

from uuid import UUID

from services.reports import indicators
from services.reports.jobs import default_period
from shared.clock import today
from shared.db import Level, Scope, rescope


async def seed_indicators(region_id: UUID) -> None:
    await rescope(Scope.for_region(region_id))
    for point in indicators.trend_points(default_period(today())):
        await indicators.refresh(point)
    await rescope(Scope(Level.platform))
