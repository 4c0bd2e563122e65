"""Monitoring pages: the curator submits the half-year report; coordinators see who has and who has not; API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.monitoring import logic
from services.monitoring.logic import ReportForm
from services.registry.routes import actor_of
from shared.auth import roles
from shared.errors import ValidationFailed
from shared.pages import form_into, page, see_other
from tenants.access import Principal
from tenants.roles import Role

VIEWERS = (Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)
COORDINATORS = (Role.municipal_coordinator, Role.regional_coordinator)


@get("/monitoring", guards=[roles(*VIEWERS)])
async def monitoring_index(principal: NamedDependency[Principal]) -> Template:
    periods = await logic.periods()
    own: dict[Any, Any] = {}
    if principal.scope.organization_id:
        for period in periods:
            reports = await logic.reports(period["id"])
            own[period["id"]] = next(
                (r for r in reports if r["organization_id"] == principal.scope.organization_id), None
            )
    return page("monitoring/index.html", periods=periods, own=own, is_coordinator=principal.role in COORDINATORS)


@get("/monitoring/{period_id:uuid}", guards=[roles(*VIEWERS)])
async def monitoring_period(principal: NamedDependency[Principal], period_id: FromPath[UUID]) -> Template:
    period = await logic.get_period(period_id)
    if principal.role in COORDINATORS:
        reports = await logic.reports(period_id, principal.scope.municipality_id)
        return page("monitoring/period.html", period=period, reports=reports, report=None, errors={}, form=None)
    assert principal.scope.organization_id is not None
    report = await logic.report_of(period_id, principal.scope.organization_id)
    form = ReportForm(report["achievements"], report["problems"], report["plans"])
    return page(
        "monitoring/period.html",
        period=period,
        reports=[],
        report=report,
        form=form,
        errors={},
        can_submit=principal.role == Role.curator and period["closed_on"] is None,
    )


@post("/monitoring/{period_id:uuid}", guards=[roles(Role.curator)])
async def submit_report(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], period_id: FromPath[UUID]
) -> Template | Redirect:
    form = await form_into(request, ReportForm)
    try:
        await logic.submit(actor_of(request, principal), period_id, form)
    except ValidationFailed as exc:
        period = await logic.get_period(period_id)
        assert principal.scope.organization_id is not None
        report = await logic.report_of(period_id, principal.scope.organization_id)
        return page(
            "monitoring/period.html",
            422,
            period=period,
            reports=[],
            report=report,
            form=form,
            errors=exc.errors,
            can_submit=True,
        )
    flash(request, "Отчёт отправлен", category="success")
    return see_other(f"/monitoring/{period_id}")


@get("/api/v1/monitoring/periods", guards=[roles(*VIEWERS)], tags=["Мониторинг"])
async def periods_api() -> list[dict[str, Any]]:
    return [
        {
            "id": str(p["id"]),
            "title": p["title"],
            "covers_from": p["covers_from"].isoformat(),
            "deadline": p["deadline"].isoformat(),
            "closed": p["closed_on"] is not None,
            "reports": p["reports"],
            "submitted": p["submitted"],
        }
        for p in await logic.periods()
    ]


@get("/api/v1/monitoring/{period_id:uuid}/reports", guards=[roles(*COORDINATORS)], tags=["Мониторинг"])
async def reports_api(principal: NamedDependency[Principal], period_id: FromPath[UUID]) -> list[dict[str, Any]]:
    """Who has submitted and who has not, with the indicators each report carries."""
    await logic.get_period(period_id)
    return [
        {
            "organization_id": str(r["organization_id"]),
            "organization": r["organization"],
            "municipality": r["municipality"],
            "submitted_at": r["submitted_at"].isoformat() if r["submitted_at"] else None,
            "indicators": r["indicators"],
        }
        for r in await logic.reports(period_id, principal.scope.municipality_id)
    ]


@post("/api/v1/monitoring/{period_id:uuid}/report", guards=[roles(Role.curator)], tags=["Мониторинг"])
async def submit_api(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    period_id: FromPath[UUID],
    data: JSONBody[dict[str, str]],
) -> dict[str, Any]:
    form = ReportForm(data.get("achievements", ""), data.get("problems", ""), data.get("plans", ""))
    await logic.submit(actor_of(request, principal), period_id, form)
    assert principal.scope.organization_id is not None
    report = await logic.report_of(period_id, principal.scope.organization_id)
    return {"submitted_at": report["submitted_at"].isoformat(), "indicators": report["indicators"]}


page_router = Router(
    path="/", route_handlers=[monitoring_index, monitoring_period, submit_report], include_in_schema=False
)
api_router = Router(path="/", route_handlers=[periods_api, reports_api, submit_api])
