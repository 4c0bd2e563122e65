"""The jury's pages and API: a juror's panels and sheets, the chair's overview with reopening and the tie order,
and the results of a panel with finishing and publication by whoever runs it. Thin: the rules live in sheets.py and
ranking.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.contests import diplomas, documents, portfolio, ranking, sheets
from services.contests.access import ORGANIZER_ROLES, running_panel, runs
from services.contests.records import (
    STAGE_LABELS,
    criteria_of,
    entries_of,
    get_application,
    get_contest,
    get_entry,
    get_nomination,
    get_panel,
    get_stage,
    juror_seats,
    jurors_of,
)
from shared import clock
from shared.actor import Actor
from shared.downloads import download_headers, download_name
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.pages import flash_problem, flashed, form_into, fragment, page, see_other
from tenants import Principal, Role, allow, organization_names

JUROR = (Role.juror,)
RUNNERS = ORGANIZER_ROLES


async def _panel_title(panel_id: UUID) -> dict[str, Any]:
    panel = await get_panel(panel_id)
    return {
        "panel": panel,
        "contest": await get_contest(panel.contest_id),
        "nomination": await get_nomination(panel.nomination_id),
        "stage": await get_stage(panel.stage_id),
    }


# The juror ---------------------------------------------------------------------------------------------------------


@get("/contests/jury", guards=[allow(*JUROR)])
async def jury_home(principal: NamedDependency[Principal]) -> Template:
    seats = await juror_seats(principal.user_id)
    own = await sheets.sheets_of([s.id for s in seats])
    panels = []
    for seat in seats:
        context = await _panel_title(seat.panel_id)
        entries = [e for e in await entries_of(seat.panel_id) if e.state != "withdrawn"]
        done = sum(1 for e in entries if own.get(e.id) and own[e.id].submitted_at)
        panels.append({**context, "seat": seat, "entries": entries, "done": done})
    names = {}
    for item in panels:
        for entry in item["entries"]:
            names[entry.id] = (await get_application(entry.application_id)).full_name
    return page("contests/jury_home.html", panels=panels, sheets=own, names=names)


async def _sheet_context(principal: Principal, entry_id: UUID) -> dict[str, Any]:
    entry, seat, criteria = await sheets.sheet_context(principal.user_id, entry_id)
    sheet = await sheets.own_sheet(seat, entry_id)
    application = await get_application(entry.application_id)
    organization = (await organization_names([entry.organization_id])).get(entry.organization_id, "")
    uploads = await sheets.uploads_of(application.id)
    return {
        **await _panel_title(entry.panel_id),
        "entry": entry,
        "seat": seat,
        "criteria": criteria,
        "sheet": sheet,
        "application": application,
        "organization": organization,
        "uploads": uploads,
        "portfolio": portfolio.frozen(application.portfolio),  # what was sent: the jury judges that
        "values": {str(k): f"{v.normalize():f}" for k, v in (sheet.points if sheet else {}).items()},
        "comment": sheet.comment if sheet else "",
        "errors": {},
    }


@get("/contests/jury/entries/{entry_id:uuid}", guards=[allow(*JUROR)])
async def sheet_page(principal: NamedDependency[Principal], entry_id: FromPath[UUID]) -> Template:
    return page("contests/jury_sheet.html", **await _sheet_context(principal, entry_id))


@dataclass
class ConflictForm:
    reason: str = ""


@post("/contests/jury/entries/{entry_id:uuid}", guards=[allow(*JUROR)])
async def sheet_save(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    entry_id: FromPath[UUID],
) -> Template | Redirect:
    posted = await request.form()
    form = sheets.SheetForm(
        points={k.removeprefix("points_"): str(v) for k, v in posted.items() if k.startswith("points_")},
        comment=str(posted.get("comment", "")),
    )
    submit = posted.get("action") == "submit"
    try:
        await sheets.save_sheet(actor, principal.user_id, entry_id, form, submit=submit)
    except ValidationFailed as exc:
        context = await _sheet_context(principal, entry_id)
        context.update(values=form.points, comment=form.comment, errors=exc.errors)
        return page("contests/jury_sheet.html", 422, **context)
    flash(request, "Оценка отправлена" if submit else "Черновик сохранён", category="success")
    return see_other("/contests/jury" if submit else f"/contests/jury/entries/{entry_id}")


@post("/contests/jury/entries/{entry_id:uuid}/conflict", guards=[allow(*JUROR)])
async def conflict_declare(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    entry_id: FromPath[UUID],
) -> Redirect:
    form = await form_into(request, ConflictForm)
    try:
        await sheets.declare_conflict(actor, principal.user_id, entry_id, form.reason)
    except ValidationFailed as exc:
        flash_problem(request, exc)
        return see_other(f"/contests/jury/entries/{entry_id}")
    flash(request, "Конфликт интересов заявлен: заявка больше не в вашем списке", category="success")
    return see_other("/contests/jury")


# The chair ---------------------------------------------------------------------------------------------------------


@get("/contests/jury/panels/{panel_id:uuid}", guards=[allow(*JUROR)])
async def chair_page(principal: NamedDependency[Principal], panel_id: FromPath[UUID]) -> Template:
    seat = await sheets.seat_for(principal.user_id, panel_id)  # 404 for a panel one does not sit on
    if not seat.is_chair:
        raise Forbidden()
    context = await _panel_title(panel_id)
    entries = [e for e in await entries_of(panel_id) if e.state != "withdrawn"]
    names = {e.id: (await get_application(e.application_id)).full_name for e in entries}
    return page(
        "contests/jury_chair.html",
        **context,
        seat=seat,
        sheets=await sheets.panel_sheets(principal.user_id, panel_id),
        entries=entries,
        names=names,
    )


@dataclass
class ReopenForm:
    reason: str = ""


@post("/contests/jury/sheets/{sheet_id:uuid}/reopen", guards=[allow(*JUROR)])
async def sheet_reopen(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    sheet_id: FromPath[UUID],
) -> Redirect:
    form = await form_into(request, ReopenForm)
    panel_id = await sheets.panel_of_sheet(sheet_id)
    try:
        await sheets.reopen_sheet(actor, principal.user_id, sheet_id, form.reason)
    except ValidationFailed as exc:
        flash_problem(request, exc)
    else:
        flash(request, "Лист возвращён члену жюри", category="success")
    return see_other(f"/contests/jury/panels/{panel_id}")


@post("/contests/jury/panels/{panel_id:uuid}/ties", guards=[allow(*JUROR)])
async def chair_ties(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    panel_id: FromPath[UUID],
) -> Redirect:
    await sheets.chair_seat(principal.user_id, panel_id)
    posted = await request.form()
    ranks: list[tuple[int, UUID]] = []
    try:
        for key, value in posted.items():
            if key.startswith("order_") and str(value).strip():
                ranks.append((int(str(value)), UUID(key.removeprefix("order_"))))
        await ranking.set_chair_order(actor, panel_id, [e for _, e in sorted(ranks)])
    except ValueError:
        flash(request, "Порядок — целые числа: 1, 2, 3…", category="error")
    except ValidationFailed as exc:
        flash_problem(request, exc)
    else:
        flash(request, "Решение председателя записано", category="success")
    return see_other(f"/contests/jury/panels/{panel_id}")


# Results of a panel ---------------------------------------------------------------------------------------------


async def _results_context(principal: Principal, contest_id: UUID, panel_id: UUID) -> dict[str, Any]:
    contest = await get_contest(contest_id)
    panel = await get_panel(panel_id)
    if panel.contest_id != contest.id:
        raise NotFound()
    running = runs(principal, contest, panel)
    if not running and panel.results_published_at is None:
        raise NotFound()
    lines, problems = await ranking.lines_of(panel) if running else ([], {})
    entries = [e for e in await entries_of(panel_id) if e.state != "withdrawn"]
    names = {e.id: (await get_application(e.application_id)).full_name for e in entries}
    organizations = await organization_names(list({e.organization_id for e in entries}))
    return {
        **await _panel_title(panel_id),
        "running": running,
        "entries": entries,
        "lines": {line.entry.id: line for line in lines},
        "problems": problems,
        "names": names,
        "organizations": organizations,
        "jurors": await jurors_of(panel_id) if running else [],
        "criteria": await criteria_of(panel.stage_id, panel.nomination_id),
        "stage_labels": STAGE_LABELS,
        "errors": {},
        "job": await diplomas.last_job(principal.user_id, panel_id) if running else None,
        "missing": await diplomas.missing(panel_id) if running else 0,
    }


RESULTS = "contests/results_panel.html"


@get("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/results", guards=[allow(*RUNNERS)])
async def results_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
    panel_id: FromPath[UUID],
) -> Template | Response[str]:
    context = await _results_context(principal, contest_id, panel_id)
    if request.headers.get("HX-Request"):  # the diplomas' job polled while it runs
        return fragment(request, RESULTS, "diplomas", **context)
    return Template(RESULTS, context=context, headers={"Vary": "HX-Request"})


@dataclass
class PanelAction:
    action: str = ""


@post("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/results", guards=[allow(*RUNNERS)])
async def results_action(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_id: FromPath[UUID],
    panel_id: FromPath[UUID],
) -> Template | Redirect:
    context = await _results_context(principal, contest_id, panel_id)
    if not context["running"]:
        raise Forbidden()
    form = await form_into(request, PanelAction)
    try:
        if form.action == "finish":
            await ranking.finish_panel(actor, panel_id)
            flash(request, "Этап завершён: места определены", category="success")
        elif form.action == "publish":
            await ranking.publish_results(actor, panel_id)
            flash(request, "Результаты опубликованы", category="success")
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        return page(RESULTS, 422, **context)
    return see_other(f"/contests/{contest_id}/panels/{panel_id}/results")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@get("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/protocol.docx", guards=[allow(*RUNNERS)])
async def protocol_download(
    principal: NamedDependency[Principal], contest_id: FromPath[UUID], panel_id: FromPath[UUID]
) -> Response[bytes]:
    await running_panel(principal, contest_id, panel_id)
    content = await documents.protocol_docx(panel_id)
    name = download_name("Протокол жюри", clock.today(), extension="docx")
    return Response(content, media_type=DOCX, headers=download_headers(name))


@get("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/scores.xlsx", guards=[allow(*RUNNERS)])
async def scores_download(
    principal: NamedDependency[Principal], contest_id: FromPath[UUID], panel_id: FromPath[UUID]
) -> Response[bytes]:
    await running_panel(principal, contest_id, panel_id)
    content = await documents.scores_xlsx(panel_id)
    name = download_name("Оценки жюри", clock.today(), extension="xlsx")
    return Response(content, media_type=XLSX, headers=download_headers(name))


@dataclass
class DiplomaForm:
    signatory_name: str = ""
    signatory_position: str = ""


@post("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/diplomas", guards=[allow(*RUNNERS)])
async def diplomas_issue(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_id: FromPath[UUID],
    panel_id: FromPath[UUID],
) -> Redirect:
    form = await form_into(request, DiplomaForm)
    with flashed(request, "Выдача дипломов и сертификатов запущена"):
        await diplomas.start_diplomas(
            principal, actor, contest_id, panel_id, (form.signatory_name, form.signatory_position)
        )
    return see_other(f"/contests/{contest_id}/panels/{panel_id}/results")


@post("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/diplomas/retry", guards=[allow(*RUNNERS)])
async def diplomas_retry(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
    panel_id: FromPath[UUID],
) -> Redirect:
    with flashed(request, "Выдача дипломов и сертификатов запущена снова"):
        await diplomas.retry_diplomas(principal, contest_id, panel_id)
    return see_other(f"/contests/{contest_id}/panels/{panel_id}/results")


# API ----------------------------------------------------------------------------------------------------------------


class SheetOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    entry_id: UUID
    panel_id: UUID
    submitted: bool
    points: dict[str, Decimal]
    comment: str


class SheetIn(msgspec.Struct, frozen=True, kw_only=True):
    points: dict[str, str | float | int] = {}
    comment: str = ""
    submit: bool = False


@get("/api/v1/contests/jury/sheets", guards=[allow(*JUROR)], tags=["Конкурсы"])
async def sheets_api(principal: NamedDependency[Principal]) -> list[SheetOut]:
    """The juror's own sheets with their points (never another juror's)."""
    seats = await juror_seats(principal.user_id)
    return [
        SheetOut(
            id=s.id,
            entry_id=s.entry_id,
            panel_id=s.panel_id,
            submitted=s.submitted_at is not None,
            points={str(k): v for k, v in s.points.items()},
            comment=s.comment,
        )
        for s in (await sheets.sheets_of([seat.id for seat in seats])).values()
    ]


@put("/api/v1/contests/jury/entries/{entry_id:uuid}/sheet", guards=[allow(*JUROR)], tags=["Конкурсы"])
async def sheet_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    entry_id: FromPath[UUID],
    data: JSONBody[SheetIn],
) -> SheetOut:
    """Saves the sheet (`submit: true` sends it; then it is closed); errors name `points_<criterion id>`."""
    form = sheets.SheetForm(points={k: str(v) for k, v in data.points.items()}, comment=data.comment)
    sheet_id = await sheets.save_sheet(actor, principal.user_id, entry_id, form, submit=data.submit)
    entry = await get_entry(entry_id)
    _, seat, _ = await sheets.sheet_context(principal.user_id, entry_id)
    sheet = await sheets.own_sheet(seat, entry_id)
    assert sheet is not None and sheet.id == sheet_id
    return SheetOut(
        id=sheet.id,
        entry_id=entry.id,
        panel_id=entry.panel_id,
        submitted=sheet.submitted_at is not None,
        points={str(k): v for k, v in sheet.points.items()},
        comment=sheet.comment,
    )


PAGES: list[Any] = [
    jury_home,
    sheet_page,
    sheet_save,
    conflict_declare,
    chair_page,
    sheet_reopen,
    chair_ties,
    results_page,
    results_action,
    protocol_download,
    scores_download,
    diplomas_issue,
    diplomas_retry,
]
API: list[Any] = [sheets_api, sheet_api]
