"""The regional coordinator's page of the destruction of personal data: what falls due, and what each run did."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from services.registry import retention
from shared import clock
from shared.actor import Actor
from shared.pages import page
from shared.settings import Settings
from tenants import Role, allow


@get("/region/retention", guards=[allow(Role.regional_coordinator)])
async def retention_page(actor: NamedDependency[Actor], settings: NamedDependency[Settings]) -> Template:
    """Counts only: the people due and destroyed are never named here."""
    return page(
        "registry/retention.html",
        plan=await retention.due_plan(actor.region_id, settings.withdrawal_destruction_days),
        runs=await retention.recent_runs(),
        totals=await retention.destroyed_totals(),
        grounds=retention.GROUND_LABELS,
        legal=retention.LEGAL_GROUNDS,
        horizon=retention.HORIZON_DAYS,
        today=clock.today(),
    )
