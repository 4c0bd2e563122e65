"""Dashboards of the region, a municipality and an organization; the lists behind each number; the indicators API."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from dateutil.relativedelta import relativedelta
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from services.mentoring.logic import STATUS_LABELS
from services.programmes.logic import read_date, school_year
from services.reports import charts, indicators
from services.reports.indicators import DRILLS, TARGET_SHARE, Period, Reach
from shared.auth import roles
from shared.errors import Errors, NotFound
from shared.pages import page
from tenants.access import Principal
from tenants.logic import get_municipality, get_organization
from tenants.roles import Role

VIEWERS = (Role.regional_coordinator, Role.municipal_coordinator, Role.curator, Role.head)
MONTHS = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]


async def reach_of(principal: Principal, municipality_id: str, organization_id: str) -> Reach:
    """The viewer's own level or below it; anything outside answers 404, as a record of another tenant would."""
    scope = principal.scope
    if principal.role in (Role.curator, Role.head):
        return Reach(organization_id=scope.organization_id)
    try:
        organization = UUID(organization_id) if organization_id else None
        municipality = UUID(municipality_id) if municipality_id else None
    except ValueError:
        raise NotFound() from None
    if organization:
        row = await get_organization(organization)
        if principal.role == Role.municipal_coordinator and row["municipality_id"] != scope.municipality_id:
            raise NotFound()
        return Reach(organization_id=organization)
    if principal.role == Role.municipal_coordinator:
        if municipality and municipality != scope.municipality_id:
            raise NotFound()
        return Reach(municipality_id=scope.municipality_id)
    if municipality:
        await get_municipality(municipality)
        return Reach(municipality_id=municipality)
    return Reach()


def period_of(starts: str, ends: str) -> Period:
    errors = Errors()
    today = date.today()
    start = read_date(errors, "from", starts, required=False) or school_year(today)[0]
    end = read_date(errors, "to", ends, required=False) or today
    if end < start:
        errors.add("to", "Конец периода раньше начала")
    errors.raise_if_any()
    return Period(start, end)


async def place(reach: Reach) -> str:
    if reach.organization_id:
        row = await get_organization(reach.organization_id)
        return str(row["short_name"] or row["name"])
    if reach.municipality_id:
        return str((await get_municipality(reach.municipality_id))["name"])
    return "Регион"


async def monthly(reach: Reach, period: Period) -> list[tuple[str, float | None]]:
    """The share of learners involved at each month's end, for the last twelve months of the period at most."""
    points = []
    month = max(period.starts_on.replace(day=1), period.ends_on.replace(day=1) - relativedelta(months=11))
    while month <= period.ends_on:
        end = min(month + relativedelta(months=1, days=-1), period.ends_on)
        values = await indicators.compute(reach, Period(period.starts_on, end))
        points.append((f"{MONTHS[month.month - 1]} {month:%y}", values["learners_share"]))
        month += relativedelta(months=1)
    return points


@get("/dashboard", guards=[roles(*VIEWERS)])
async def dashboard(
    principal: NamedDependency[Principal],
    municipality_id: FromQuery[str] = "",
    organization_id: FromQuery[str] = "",
    starts: FromQuery[str] = "",
    ends: FromQuery[str] = "",
) -> Template:
    reach = await reach_of(principal, municipality_id, organization_id)
    period = period_of(starts, ends)
    values = await indicators.compute(reach, period)
    lines = await indicators.breakdown(reach, period)
    query = {"starts": period.starts_on.strftime("%d.%m.%Y"), "ends": period.ends_on.strftime("%d.%m.%Y")}
    here = {"municipality_id": reach.municipality_id or "", "organization_id": reach.organization_id or ""}

    def link(line: dict[str, Any]) -> str:
        key = "organization_id" if reach.municipality_id else "municipality_id"
        return "/dashboard?" + urlencode({key: line["id"], **query})

    by_form: dict[str, int] = {}
    for row in values["by_form"]:
        if row["status"] in indicators.WORKING:
            by_form[row["form"]] = by_form.get(row["form"], 0) + int(row["pairs"])
    return page(
        "reports/dashboard.html",
        values=values,
        lines=lines,
        place=await place(reach),
        reach=reach,
        period=period,
        query=urlencode({**query, **{k: v for k, v in here.items() if v}}),
        target=TARGET_SHARE,
        comparison=charts.hbar(
            [charts.Bar(line["name"], line["learners_share"], link(line)) for line in lines],
            unit=" %",
            maximum=100,
            target=TARGET_SHARE,
        )
        if lines
        else "",
        forms_chart=charts.hbar([charts.Bar(form, count) for form, count in by_form.items()]) if by_form else "",
        trend=charts.trend(await monthly(reach, period), unit=" %", target=TARGET_SHARE),
        drills=DRILLS,
        link=link,
        status_labels=STATUS_LABELS,
    )


@get("/dashboard/people", guards=[roles(*VIEWERS)])
async def drill_down(
    principal: NamedDependency[Principal],
    key: FromQuery[str] = "",
    municipality_id: FromQuery[str] = "",
    organization_id: FromQuery[str] = "",
    starts: FromQuery[str] = "",
    ends: FromQuery[str] = "",
) -> Template:
    if key not in DRILLS:
        raise NotFound()
    reach = await reach_of(principal, municipality_id, organization_id)
    period = period_of(starts, ends)
    people = await indicators.drill(reach, period, key)
    return page(
        "reports/people.html",
        title=DRILLS[key][0],
        people=people,
        place=await place(reach),
        period=period,
    )


@get("/api/v1/indicators", guards=[roles(*VIEWERS)], tags=["Показатели"])
async def indicators_api(
    principal: NamedDependency[Principal],
    municipality_id: FromQuery[str] = "",
    organization_id: FromQuery[str] = "",
    starts: FromQuery[str] = "",
    ends: FromQuery[str] = "",
) -> dict[str, Any]:
    """The indicators of the viewer's scope, or of one municipality or organization in it, for a period
    (`starts`, `ends`: ISO dates; by default the current school year up to today)."""
    reach = await reach_of(principal, municipality_id, organization_id)
    period = period_of(starts, ends)
    values = await indicators.compute(reach, period)
    return {
        "place": await place(reach),
        "starts": period.starts_on.isoformat(),
        "ends": period.ends_on.isoformat(),
        "target_share": TARGET_SHARE,
        **values,
        "breakdown": [
            {"id": str(line["id"]), "name": line["name"], "learners_share": line["learners_share"]}
            for line in await indicators.breakdown(reach, period)
        ],
    }


page_router = Router(path="/", route_handlers=[dashboard, drill_down], include_in_schema=False)
api_router = Router(path="/", route_handlers=[indicators_api])
