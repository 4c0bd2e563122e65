"""Contest routes: setup — the contests' API (list, one, create, nominations, stages). Thin: rules live in setup."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import Redirect, Template

from services.contests import access, jury, presets, records, setup, showcase
from services.contests.application_routes import applying_links
from services.contests.records import ContestRecord, NominationRecord, PanelRecord, StageRecord
from services.contests.visitors import visible_contest
from shared import clock
from shared.actor import Actor
from shared.auth import public
from shared.db import Scope, widened
from shared.errors import NotFound, ValidationFailed
from shared.pages import flash, flashed, form_into, page, see_other
from tenants import Principal, Role, allow, list_municipalities, organization_names, visitor

SIGNED_IN = tuple(r for r in Role if r != Role.platform_admin)
TAGS = ["Конкурсы"]


class ContestOut(msgspec.Struct, kw_only=True):
    contest: ContestRecord
    nominations: list[NominationRecord]
    stages: list[StageRecord]


class ContestIn(msgspec.Struct, kw_only=True):
    title: str = ""
    year: str = ""
    description: str = ""
    rules_url: str = ""


def _form(form_type: type[Any], data: dict[str, Any]) -> Any:
    """Only the form's own fields, as bounded strings; unknown keys are ignored."""
    names = {f.name for f in fields(form_type)}
    return form_type(**{k: str(v)[:4000] for k, v in data.items() if k in names and v is not None})


async def _contest_out(contest_id: UUID) -> ContestOut:
    return ContestOut(
        contest=await records.get_contest(contest_id),
        nominations=await records.nominations_of(contest_id),
        stages=await records.stages_of(contest_id),
    )


@get("/api/v1/contests", guards=[public], tags=TAGS)
async def contests_api(request: Request[Any, Any, Any]) -> list[ContestOut]:
    """The contests the caller sees: announced ones, and drafts only to their organizer; without signing in, the
    announced and finished contests of every region."""
    if visitor(request) is not None:
        return [await _contest_out(c.id) for c in await records.list_contests()]
    found = []
    for group in await showcase.public_contests():
        async with widened(Scope.public_region(group.region_id)):
            found += [await _contest_out(c.id) for c in group.contests]
    return found


@post("/api/v1/contests", guards=[allow(*access.ORGANIZER_ROLES)], tags=TAGS)
async def create_contest_api(
    actor: NamedDependency[Actor], principal: NamedDependency[Principal], data: JSONBody[ContestIn]
) -> ContestOut:
    """A draft contest at the caller's level: the region, their municipality, or their organization."""
    values = setup.clean_contest(setup.ContestForm(**msgspec.structs.asdict(data)), principal)
    contest_id = await setup.create_contest(actor, values)
    return await _contest_out(contest_id)


@get("/api/v1/contests/{contest_id:uuid}", guards=[public], tags=TAGS)
async def contest_api(request: Request[Any, Any, Any], contest_id: FromPath[UUID]) -> ContestOut:
    if visitor(request) is None:
        await visible_contest(request, contest_id)  # the public reads no draft, in the contest's region
    return await _contest_out(contest_id)


@post("/api/v1/contests/{contest_id:uuid}/nominations", guards=[allow(*access.ORGANIZER_ROLES)], tags=TAGS)
async def nomination_api(
    actor: NamedDependency[Actor],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
    data: JSONBody[dict[str, Any]],
) -> ContestOut:
    """Fields of the nomination form: `kind` (mentor_of_year, ...), `roles` comma separated, `use_preset`: "on"."""
    contest = await access.organized_contest(principal, contest_id)
    values = setup.clean_nomination(_form(setup.NominationForm, data), contest)
    await setup.add_nomination(actor, contest, values)
    return await _contest_out(contest_id)


@post("/api/v1/contests/{contest_id:uuid}/stages", guards=[allow(*access.ORGANIZER_ROLES)], tags=TAGS)
async def stage_api(
    actor: NamedDependency[Actor],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
    data: JSONBody[dict[str, Any]],
) -> ContestOut:
    """`level`, `title`, dates дд.мм.гггг or ISO, `advance_count` (required on every stage but the last)."""
    contest = await access.organized_contest(principal, contest_id)
    values = setup.clean_stage(_form(setup.StageForm, data), contest, await records.stages_of(contest_id))
    await setup.add_stage(actor, contest, values)
    return await _contest_out(contest_id)


# Pages ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelLine:
    panel: PanelRecord
    unit: str
    entries: int
    jurors: int
    owed: int


async def _panel_lines(principal: Principal, contest: ContestRecord) -> list[PanelLine]:
    """The panels the caller runs, with who still owes sheets; nobody's points."""
    municipalities = {m.id: m.name for m in await list_municipalities()}
    panels = [p for p in await records.panels_of(contest.id) if access.runs(principal, contest, p)]
    organizations = await organization_names([p.organization_id for p in panels if p.organization_id])
    lines = []
    for panel in panels:
        progress = await jury.progress(panel)
        entries = [e for e in await records.entries_of(panel.id) if e.state != "withdrawn"]
        if panel.organization_id:
            unit = organizations.get(panel.organization_id, "")
        elif panel.municipality_id:
            unit = municipalities.get(panel.municipality_id, "")
        else:
            unit = "Регион"
        lines.append(PanelLine(panel, unit, len(entries), len(progress), sum(p.owes for p in progress)))
    return lines


def _creates(principal: Principal) -> bool:
    return principal.role in access.ORGANIZER_ROLES


@get("/contests", guards=[allow(*SIGNED_IN)])
async def contests_page(principal: NamedDependency[Principal]) -> Template:
    contests = await records.list_contests()
    return page(
        "contests/list.html",
        contests=contests,
        organized={c.id for c in contests if access.organizes(principal, c)},
        creates=_creates(principal),
        level_labels=records.LEVEL_LABELS,
    )


def _contest_form_page(form: setup.ContestForm, errors: dict[str, str], status: int = 200) -> Template:
    return page("contests/new.html", status, form=form, errors=errors)


@get("/contests/new", guards=[allow(*access.ORGANIZER_ROLES)])
async def new_contest_page() -> Template:
    return _contest_form_page(setup.ContestForm(year=str(clock.today().year)), {})


@post("/contests/new", guards=[allow(*access.ORGANIZER_ROLES)])
async def new_contest(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], principal: NamedDependency[Principal]
) -> Template | Redirect:
    form = await form_into(request, setup.ContestForm)
    try:
        contest_id = await setup.create_contest(actor, setup.clean_contest(form, principal))
    except ValidationFailed as exc:
        return _contest_form_page(form, exc.errors, 400)
    flash(request, "Конкурс создан как черновик: добавьте номинации, этапы и критерии", category="success")
    return see_other(f"/contests/{contest_id}")


async def _card(principal: Principal, contest_id: UUID, **extra: Any) -> dict[str, Any]:
    contest = await records.get_contest(contest_id)
    organizes = access.organizes(principal, contest)
    stages = await records.stages_of(contest_id)
    nominations = await records.nominations_of(contest_id)
    criteria = {(s.id, n.id): await records.criteria_of(s.id, n.id) for s in stages for n in nominations}
    return {
        "contest": contest,
        "organizes": organizes,
        "stages": stages,
        "nominations": nominations,
        "criteria": criteria,
        "panels": await _panel_lines(principal, contest),
        "problems": await setup.announce_problems(contest) if organizes and contest.status == "draft" else [],
        "levels": [(lv.value, records.STAGE_LABELS[lv]) for lv in setup.allowed_levels(contest)],
        "kinds": [(k.value, label) for k, label in records.KIND_LABELS.items()],
        "voting_modes": [(m.value, label) for m, label in records.VOTING_LABELS.items()],
        "presets": list(presets.CRITERIA_PRESETS.values()),
        "level_labels": records.LEVEL_LABELS,
        "nomination_form": setup.NominationForm(),
        "stage_form": setup.StageForm(),
        "errors": {},
        "applying": await applying_links(principal, contest, stages, nominations),
        **extra,
    }


@get("/contests/{contest_id:uuid}", guards=[allow(*SIGNED_IN)])
async def contest_page(principal: NamedDependency[Principal], contest_id: FromPath[UUID]) -> Template:
    return page("contests/card.html", **await _card(principal, contest_id))


@dataclass
class ContestAction:
    action: str = ""


@post("/contests/{contest_id:uuid}", guards=[allow(*access.ORGANIZER_ROLES)])
async def contest_action(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
) -> Redirect:
    contest = await access.organized_contest(principal, contest_id)
    form = await form_into(request, ContestAction)
    if form.action == "announce":
        with flashed(request, "Конкурс объявлен: он виден на публичной странице, приём заявок — по датам этапов"):
            await setup.announce(actor, contest)
    elif form.action == "finish":
        with flashed(request, "Конкурс завершён"):
            await setup.finish(actor, contest)
    return see_other(f"/contests/{contest_id}")


@post("/contests/{contest_id:uuid}/nominations", guards=[allow(*access.ORGANIZER_ROLES)])
async def nomination_add(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
) -> Template | Redirect:
    contest = await access.organized_contest(principal, contest_id)
    posted = await request.form()
    data = {k: str(posted.get(k, "")) for k in posted}
    data["roles"] = ",".join(str(v) for v in posted.getall("roles")) if "roles" in posted else ""
    form = _form(setup.NominationForm, data)
    try:
        await setup.add_nomination(actor, contest, setup.clean_nomination(form, contest))
    except ValidationFailed as exc:
        return page(
            "contests/card.html", 400, **await _card(principal, contest_id, nomination_form=form, errors=exc.errors)
        )
    flash(request, "Номинация добавлена", category="success")
    return see_other(f"/contests/{contest_id}#nominations")


@post("/contests/{contest_id:uuid}/stages", guards=[allow(*access.ORGANIZER_ROLES)])
async def stage_add(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
) -> Template | Redirect:
    contest = await access.organized_contest(principal, contest_id)
    form = await form_into(request, setup.StageForm)
    try:
        await setup.add_stage(actor, contest, setup.clean_stage(form, contest, await records.stages_of(contest_id)))
    except ValidationFailed as exc:
        return page("contests/card.html", 400, **await _card(principal, contest_id, stage_form=form, errors=exc.errors))
    flash(request, "Этап добавлен", category="success")
    return see_other(f"/contests/{contest_id}#stages")


async def _sheet_context(principal: Principal, contest_id: UUID, stage_id: UUID, nomination_id: UUID) -> dict[str, Any]:
    contest = await access.organized_contest(principal, contest_id)
    stage, nomination = await records.get_stage(stage_id), await records.get_nomination(nomination_id)
    if stage.contest_id != contest.id or nomination.contest_id != contest.id:
        raise NotFound()
    return {
        "contest": contest,
        "stage": stage,
        "nomination": nomination,
        "criteria": await records.criteria_of(stage_id, nomination_id),
        "presets": list(presets.CRITERIA_PRESETS.values()),
        "form": setup.CriterionForm(),
        "errors": {},
    }


@get(
    "/contests/{contest_id:uuid}/criteria/{stage_id:uuid}/{nomination_id:uuid}", guards=[allow(*access.ORGANIZER_ROLES)]
)
async def criteria_page(
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
    stage_id: FromPath[UUID],
    nomination_id: FromPath[UUID],
) -> Template:
    return page("contests/criteria.html", **await _sheet_context(principal, contest_id, stage_id, nomination_id))


@dataclass
class CriteriaAction:
    action: str = ""
    preset: str = ""
    criterion_id: str = ""


@post(
    "/contests/{contest_id:uuid}/criteria/{stage_id:uuid}/{nomination_id:uuid}", guards=[allow(*access.ORGANIZER_ROLES)]
)
async def criteria_action(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
    stage_id: FromPath[UUID],
    nomination_id: FromPath[UUID],
) -> Template | Redirect:
    context = await _sheet_context(principal, contest_id, stage_id, nomination_id)
    contest = context["contest"]
    action = await form_into(request, CriteriaAction)
    form = await form_into(request, setup.CriterionForm)
    try:
        if action.action == "preset":
            count = await setup.apply_criteria_preset(actor, contest, stage_id, nomination_id, action.preset)
            flash(request, f"Критерии из набора: {count}", category="success")
        elif action.action == "remove":
            await setup.remove_criterion(actor, contest, UUID(action.criterion_id))
            flash(request, "Критерий удалён", category="success")
        else:
            await setup.add_criterion(actor, contest, stage_id, nomination_id, setup.clean_criterion(form))
            flash(request, "Критерий добавлен", category="success")
    except ValueError:
        raise NotFound() from None
    except ValidationFailed as exc:
        context.update(form=form, errors=exc.errors)
        return page("contests/criteria.html", 400, **context)
    return see_other(f"/contests/{contest_id}/criteria/{stage_id}/{nomination_id}")


PAGES: list[Any] = [
    contests_page,
    new_contest_page,
    new_contest,
    contest_page,
    contest_action,
    nomination_add,
    stage_add,
    criteria_page,
    criteria_action,
]
API: list[Any] = [contests_api, create_contest_api, contest_api, nomination_api, stage_api]
