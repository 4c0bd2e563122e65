"""Dashboards of the region, a municipality and an organization; the lists behind each number; the indicators API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import msgspec
from arq import ArqRedis
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import File, Redirect, Template

from services.mentoring import STATUS_LABELS, cabinet_person
from services.programmes import catalogue_choices
from services.reports import charts, evidence, exports, indicators, jobs, rating_routes
from services.reports.filters import ExportForm, clean_filters, period_of
from services.reports.indicators import DRILLS, TARGET_SHARE, Period, Reach
from services.reports.reach import place, reach_of, trail
from services.reports.records import Line
from shared.actor import Actor
from shared.audit import audit
from shared.clock import today
from shared.downloads import download_headers, download_name
from shared.errors import NotFound, ValidationFailed
from shared.pages import flash_problem, fragment, page, see_other
from shared.settings import Settings
from tenants import Principal, Role, allow, list_municipalities, list_organizations

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VIEWERS = (Role.regional_coordinator, Role.municipal_coordinator, Role.curator, Role.head)
MONTHS = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]


def school_year_title(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


async def crumbs(principal: Principal, reach: Reach, period: Period) -> list[tuple[str, str]]:
    """The drill-down's way back up: each level above and at the reach, with its dashboard's address."""
    return [(name, f"/dashboard?{query_of(level, period)}") for name, level in await trail(principal, reach)]


def query_of(reach: Reach, period: Period) -> str:
    """The dashboard's own address for a reach and period: links, the recount and the page's own refresh."""
    query = {"starts": period.starts_on.strftime("%d.%m.%Y"), "ends": period.ends_on.strftime("%d.%m.%Y")}
    here = {"municipality_id": reach.municipality_id, "organization_id": reach.organization_id}
    return urlencode({**query, **{k: v for k, v in here.items() if v}})


async def counted(
    redis: ArqRedis, principal: Principal, reach: Reach, period: Period
) -> tuple[indicators.Snapshot | None, str | None]:
    """The counts behind a dashboard and whether a count is under way ("counting") or has just failed ("failed").
    One organization is counted on the spot when its count is missing; a municipality or the region is counted by
    the worker (no snapshot until then), and meanwhile a period ending today shows the newest count of its start."""
    region_id = principal.scope.region_id
    assert region_id is not None
    found = await indicators.snapshot(reach, period, latest=period.ends_on == today())
    if found is not None and found.period == period and found.stale:
        return found, await jobs.count_later(redis, region_id, reach, [period])
    if found is not None and found.period == period:
        return found, await jobs.count_state(redis, region_id, reach, period.starts_on)
    if reach.organization_id:
        await indicators.recount(region_id, reach, period)
        return await indicators.snapshot(reach, period), None
    _, missing = await indicators.trend(reach, period)
    missing = [point for point in missing if point != period]
    return found, await jobs.count_later(redis, region_id, reach, [period, *missing])


@get("/dashboard", guards=[allow(*VIEWERS)])
async def dashboard(
    principal: NamedDependency[Principal],
    redis: NamedDependency[ArqRedis],
    municipality_id: FromQuery[str] = "",
    organization_id: FromQuery[str] = "",
    starts: FromQuery[str] = "",
    ends: FromQuery[str] = "",
) -> Template:
    reach = await reach_of(principal, municipality_id, organization_id)
    try:
        asked, errors, typed = period_of(starts, ends), {}, {}
    except ValidationFailed as exc:  # the default period is shown, with the error next to the date
        asked, errors, typed = period_of("", ""), exc.errors, {"starts": starts, "ends": ends}
    snapshot, state = await counted(redis, principal, reach, asked)
    if snapshot is None:
        return page(
            "reports/counting.html",
            place=await place(reach),
            period=asked,
            state=state,
            errors=errors,
            query=query_of(reach, asked),
            crumbs=await crumbs(principal, reach, asked),
        )
    period = snapshot.period
    values = snapshot.values
    lines = await indicators.breakdown(reach, period)
    points, pending = await indicators.trend(reach, period)
    if pending and state is None and principal.scope.region_id is not None:
        state = await jobs.count_later(redis, principal.scope.region_id, reach, pending)

    def link(line: Line) -> str:
        key = "organization_id" if reach.municipality_id else "municipality_id"
        return "/dashboard?" + urlencode(
            {key: line.id, "starts": f"{asked.starts_on:%d.%m.%Y}", "ends": f"{asked.ends_on:%d.%m.%Y}"}
        )

    by_form: dict[str, int] = {}
    for row in values.by_form:
        if row.status in indicators.WORKING:
            by_form[row.form] = by_form.get(row.form, 0) + row.pairs
    return page(
        "reports/dashboard.html",
        values=values,
        lines=lines,
        place=await place(reach),
        reach=reach,
        asked=asked,
        period=period,
        computed_at=snapshot.computed_at,
        state=state,
        hourly=asked == jobs.default_period(today()),
        errors=errors,
        typed=typed,
        query=query_of(reach, asked),
        target=TARGET_SHARE,
        comparison=charts.hbar(
            [charts.Bar(line.name, line.learners_share, link(line)) for line in lines],
            unit=" %",
            maximum=100,
            target=TARGET_SHARE,
        )
        if lines
        else "",
        forms_chart=charts.hbar([charts.Bar(form, count) for form, count in by_form.items()]) if by_form else "",
        trend=charts.trend(
            [(f"{MONTHS[point.ends_on.month - 1]} {point.ends_on:%y}", share) for point, share in points],
            unit=" %",
            target=TARGET_SHARE,
        ),
        trend_pending=bool(pending),
        drills=DRILLS,
        link=link,
        status_labels=STATUS_LABELS,
        crumbs=await crumbs(principal, reach, asked),
        school_year=school_year_title(values.school_year),
        today=today(),
    )


@post("/dashboard/recount", guards=[allow(*VIEWERS)])
async def recount(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], redis: NamedDependency[ArqRedis]
) -> Redirect:
    """Counts the dashboard again now (one organization) or in the worker (a municipality, the region)."""
    data = {k: str(v) for k, v in (await request.form()).items()}
    reach = await reach_of(principal, data.get("municipality_id", ""), data.get("organization_id", ""))
    period = period_of(data.get("starts", ""), data.get("ends", ""))
    assert principal.scope.region_id is not None
    if reach.organization_id:
        await indicators.recount(principal.scope.region_id, reach, period)
    else:
        await jobs.count_later(redis, principal.scope.region_id, reach, [period])
    return see_other(f"/dashboard?{query_of(reach, period)}")


@get("/dashboard/people", guards=[allow(*VIEWERS)])
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
        crumbs=await crumbs(principal, reach, period),  # real links: the CSP refuses javascript: URLs
    )


@get("/api/v1/indicators", guards=[allow(*VIEWERS)], tags=["Показатели"])
async def indicators_api(
    principal: NamedDependency[Principal],
    redis: NamedDependency[ArqRedis],
    municipality_id: FromQuery[str] = "",
    organization_id: FromQuery[str] = "",
    starts: FromQuery[str] = "",
    ends: FromQuery[str] = "",
) -> Response[dict[str, Any]]:
    """The indicators of the viewer's scope, or of one municipality or organization in it, for a period
    (`starts`, `ends`: ISO dates; by default the current school year up to today). A municipality or the region
    is counted by the worker: until then the answer is 202 with `"status": "counting"`; ask again. A period ending
    today may be answered by the latest count (`ends` says its day) while today's is made (`recounting`).
    `learners_share` and `teachers_share` are the 70 % target's: general-education organizations' involved
    learners aged 10–18 and teachers over their contingent of `contingent_school_year` (null without one);
    `contingent` gives every kind of organization's own shares, and `base_*_share` the share of the bases.
    `trained_mentors`: people who completed the mentor school's training in the period, one person once;
    `certified_curators`: holders of a curator certificate valid on `ends` (or today, if `ends` is later)."""
    reach = await reach_of(principal, municipality_id, organization_id)
    asked = period_of(starts, ends)
    snapshot, state = await counted(redis, principal, reach, asked)
    if snapshot is None and state == "failed":
        return Response({"status": "failed", "detail": "Расчёт не удался; повторите позже"}, status_code=503)
    if snapshot is None:
        return Response({"status": "counting", "place": await place(reach)}, status_code=202)
    period = snapshot.period
    return Response(
        {
            "status": "counted",
            "recounting": state == "counting",
            "count_failed": state == "failed",
            "place": await place(reach),
            "starts": period.starts_on.isoformat(),
            "ends": period.ends_on.isoformat(),
            "counted_at": snapshot.computed_at.isoformat(),
            "target_share": TARGET_SHARE,
            **msgspec.to_builtins(snapshot.values),
            "contingent_school_year": school_year_title(snapshot.values.school_year),
            "breakdown": [
                {
                    "id": str(line.id),
                    "name": line.name,
                    "learners_share": line.learners_share,
                    "teachers_share": line.teachers_share,
                    "base_learners_share": line.base_learners_share,
                    "without_contingent": line.without_contingent,
                    "contingent": msgspec.to_builtins(line.contingent),
                    "trained_mentors": line.trained_mentors,
                    "certified_curators": line.certified_curators,
                }
                for line in await indicators.breakdown(reach, period)
            ],
        }
    )


# The evidence pack for the attestation -----------------------------------------------------------------------

EVIDENCE_READERS = (*VIEWERS, Role.mentor)
EVIDENCE_TYPES = {"docx": DOCX, "pdf": "application/pdf"}


async def _evidence(
    principal: Principal, actor: Actor, contest_lines: evidence.ContestLines, person_id: UUID, fmt: str
) -> Response[bytes]:
    """The person's curator or head, coordinators over them, or the mentor themself from the cabinet; a read of
    personal data, audited."""
    if principal.role == Role.mentor and await cabinet_person(principal) != person_id:
        raise NotFound()
    pack = await evidence.evidence_pack(person_id, contest_lines)
    content = evidence.docx_bytes(pack) if fmt == "docx" else evidence.pdf_bytes(pack)
    await audit(actor, "view", person_id, f"материалы для аттестации ({fmt.upper()})")
    name = download_name(evidence.TITLE, pack.full_name, pack.made_on, extension=fmt)
    return Response(content, media_type=EVIDENCE_TYPES[fmt], headers=download_headers(name))


@get("/reports/people/{person_id:uuid}/evidence.docx", guards=[allow(*EVIDENCE_READERS)])
async def evidence_docx(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_lines: NamedDependency[evidence.ContestLines],
    person_id: FromPath[UUID],
) -> Response[bytes]:
    return await _evidence(principal, actor, contest_lines, person_id, "docx")


@get("/reports/people/{person_id:uuid}/evidence.pdf", guards=[allow(*EVIDENCE_READERS)])
async def evidence_pdf(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_lines: NamedDependency[evidence.ContestLines],
    person_id: FromPath[UUID],
) -> Response[bytes]:
    return await _evidence(principal, actor, contest_lines, person_id, "pdf")


# Exports -------------------------------------------------------------------------------------------------------

EXPORTERS = (Role.regional_coordinator, Role.municipal_coordinator)


def export_form_of(data: Mapping[str, Any]) -> ExportForm:
    return ExportForm(**{name: str(data.get(name) or "") for name in (f.name for f in fields(ExportForm))})


async def _export_form_context(principal: Principal) -> dict[str, Any]:
    forms, _ = await catalogue_choices()
    return {
        "kinds": {k: v[0] for k, v in exports.KINDS.items()},
        "forms": forms,
        "municipalities": await list_municipalities() if principal.role == Role.regional_coordinator else [],
        "organizations": await list_organizations(principal.scope.municipality_id),
    }


@get("/exports", guards=[allow(*EXPORTERS)])
async def export_form(principal: NamedDependency[Principal]) -> Template:
    return page("reports/exports.html", errors={}, values={}, **await _export_form_context(principal))


@post("/exports", guards=[allow(*EXPORTERS)])
async def export_start(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
) -> Template | Redirect:
    data = {k: str(v) for k, v in (await request.form()).items()}
    try:
        kind, fmt, filters = await clean_filters(principal, export_form_of(data))
    except ValidationFailed as exc:
        return page(
            "reports/exports.html", 422, errors=exc.errors, values=data, **await _export_form_context(principal)
        )
    export_id = await jobs.start_export(actor, principal.scope, kind, fmt, filters)
    return see_other(f"/exports/{export_id}")


@get("/exports/{export_id:uuid}", guards=[allow(*EXPORTERS)])
async def export_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    export_id: FromPath[UUID],
) -> Template | Response[str]:
    meta = await jobs.export_status(export_id, principal.user_id)
    if meta is None:
        raise NotFound()
    if request.headers.get("HX-Request"):
        return fragment(request, "reports/export_status.html", "status", meta=meta, export_id=export_id)
    return page("reports/export_status.html", meta=meta, export_id=export_id)


@post("/exports/{export_id:uuid}/retry", guards=[allow(*EXPORTERS)])
async def export_retry(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], export_id: FromPath[UUID]
) -> Redirect:
    if await jobs.export_status(export_id, principal.user_id) is None:
        raise NotFound()
    try:
        await jobs.retry_export(export_id, principal.user_id)
    except ValidationFailed as exc:
        flash_problem(request, exc)
    return see_other(f"/exports/{export_id}")


@get("/exports/{export_id:uuid}/download", guards=[allow(*EXPORTERS)])
async def export_download(
    principal: NamedDependency[Principal],
    settings: NamedDependency[Settings],
    export_id: FromPath[UUID],
) -> File:
    return await _export_file(principal, settings, export_id)


async def _export_file(principal: Principal, settings: Settings, export_id: UUID) -> File:
    """The file of a finished export, to the person who asked for it, while its link lives."""
    meta = await jobs.export_status(export_id, principal.user_id)
    path = jobs.path_of(settings, export_id, meta.format) if meta else None
    if meta is None or meta.status != "done" or path is None or not path.is_file():
        raise NotFound()
    return File(
        path=path,
        filename=meta.filename,
        media_type=exports.CONTENT_TYPES[meta.format],
        headers=download_headers(meta.filename),
    )


@post("/api/v1/exports", guards=[allow(*EXPORTERS)], tags=["Выгрузки"], status_code=202)
async def export_start_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    data: JSONBody[dict[str, str]],
) -> dict[str, str]:
    """`kind`: people, pairs or meetings; `format`: xlsx, csv or json; optional `municipality_id`,
    `organization_id`, `form_id`, `starts`, `ends` (ISO dates). Poll the status, then download within a day."""
    kind, fmt, filters = await clean_filters(principal, export_form_of(data))
    export_id = await jobs.start_export(actor, principal.scope, kind, fmt, filters)
    return {"id": str(export_id), "status": "queued", "download": f"/api/v1/exports/{export_id}/download"}


@get("/api/v1/exports/{export_id:uuid}", guards=[allow(*EXPORTERS)], tags=["Выгрузки"])
async def export_status_api(principal: NamedDependency[Principal], export_id: FromPath[UUID]) -> dict[str, Any]:
    meta = await jobs.export_status(export_id, principal.user_id)
    if meta is None:
        raise NotFound()
    return meta.as_api()


@post("/api/v1/exports/{export_id:uuid}/retry", guards=[allow(*EXPORTERS)], tags=["Выгрузки"], status_code=202)
async def export_retry_api(principal: NamedDependency[Principal], export_id: FromPath[UUID]) -> dict[str, Any]:
    """Runs a failed export again with the same filters."""
    if await jobs.export_status(export_id, principal.user_id) is None:
        raise NotFound()
    await jobs.retry_export(export_id, principal.user_id)
    meta = await jobs.export_status(export_id, principal.user_id)
    assert meta is not None
    return meta.as_api()


@get("/api/v1/exports/{export_id:uuid}/download", guards=[allow(*EXPORTERS)], tags=["Выгрузки"])
async def export_download_api(
    principal: NamedDependency[Principal],
    settings: NamedDependency[Settings],
    export_id: FromPath[UUID],
) -> File:
    return await _export_file(principal, settings, export_id)


page_router = Router(
    path="/",
    route_handlers=[
        *rating_routes.PAGES,
        dashboard,
        recount,
        drill_down,
        export_form,
        export_start,
        export_page,
        export_retry,
        export_download,
        evidence_docx,
        evidence_pdf,
    ],
    include_in_schema=False,
)
api_router = Router(
    path="/",
    route_handlers=[indicators_api, export_start_api, export_status_api, export_retry_api, export_download_api],
)
