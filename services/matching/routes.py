"""The matching page of a programme: run, proposals with their reasons, accept, swap, reject; choices; API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services import mentoring, programmes
from services.matching import choices, logic
from shared.actor import Actor
from shared.errors import NotFound, ValidationFailed
from shared.pages import flash_problem, flashed, page, see_other
from tenants import Principal, Role, allow

# An organization's curator matches its programme; a municipal or regional coordinator, the level's own programme
# (its pool: every organization of the municipality or region, partner employers among them).
MATCHERS = (Role.curator, Role.municipal_coordinator, Role.regional_coordinator)


async def _programme(principal: Principal, programme_id: UUID) -> programmes.ProgrammeRecord:
    """The programme of the asker's own level, else 404 (RLS hides other tenants' altogether)."""
    owner = programmes.Access.of(principal.role, principal.scope).owner
    return await programmes.get_programme(programme_id, owner)


def _pooled(programme: programmes.ProgrammeRecord) -> bool:
    return programme.organization_id is None


@get("/programmes/{programme_id:uuid}/matching", guards=[allow(*MATCHERS)])
async def matching_page(principal: NamedDependency[Principal], programme_id: FromPath[UUID]) -> Template:
    programme = await _programme(principal, programme_id)
    run = await logic.latest_run(programme_id)
    mentors, mentees = await mentoring.eligible(programme)
    names = {m.id: m.full_name for m in mentors + mentees}
    return page(
        "matching/matching.html",
        programme=programme,
        run=run,
        weights={**logic.default_weights(_pooled(programme)), **((run.weights if run else None) or {})},
        weight_labels=logic.weight_labels(_pooled(programme)),
        pooled=_pooled(programme),
        mentors=[m for m in mentors if m.consented],
        mentees=[m for m in mentees if m.consented],
        exclusions=[
            {"mentor": names.get(e.mentor_id, "—"), "mentee": names.get(e.mentee_id, "—")}
            for e in await logic.exclusions(programme_id)
        ],
        rankings=await choices.rankings(programme_id),
        available=await choices.available_mentors(programme),
        drafts=await mentoring.list_pairs(programme_id, "draft"),
    )


@post("/programmes/{programme_id:uuid}/matching", guards=[allow(*MATCHERS)])
async def run_matching(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
) -> Redirect:
    programme = await _programme(principal, programme_id)
    data = await request.form()
    with flashed(request, "Подбор выполнен: проверьте предложения"):
        weights = logic.clean_weights(
            {k.removeprefix("weight_"): str(v) for k, v in data.items() if k.startswith("weight_")},
            _pooled(programme),
        )
        await logic.run(actor, programme, str(data.get("objective", "score")), weights)
    return see_other(f"/programmes/{programme_id}/matching")


@post("/programmes/{programme_id:uuid}/matching/{run_id:uuid}/proposals", guards=[allow(*MATCHERS)])
async def act_on_proposal(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
    run_id: FromPath[UUID],
) -> Redirect:
    programme = await _programme(principal, programme_id)
    data = await request.form()
    mentee_id, action = str(data.get("mentee_id", "")), str(data.get("action", ""))
    try:
        if action == "accept":
            await logic.accept(actor, programme, run_id, mentee_id)
            flash(request, "Пара добавлена в проекты: её закрепит приказ", category="success")
        elif action == "reject":
            await logic.reject(programme, run_id, mentee_id)
            flash(request, "Предложение отклонено: наставляемый — в списке продолжения поиска", category="success")
        elif action == "swap":
            await logic.swap(programme, run_id, mentee_id, str(data.get("other_mentee_id", "")))
            flash(request, "Наставники поменяны местами", category="success")
        else:
            raise ValidationFailed({"action": "Неизвестное действие"})
    except ValidationFailed as exc:
        flash_problem(request, exc)
    return see_other(f"/programmes/{programme_id}/matching#proposals")


@post("/programmes/{programme_id:uuid}/matching/exclusions", guards=[allow(*MATCHERS)])
async def add_exclusion(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
) -> Redirect:
    programme = await _programme(principal, programme_id)
    data = await request.form()
    try:
        await logic.exclude(actor, programme, str(data.get("mentor_id", "")), str(data.get("mentee_id", "")))
    except ValidationFailed as exc:
        flash_problem(request, exc)
    return see_other(f"/programmes/{programme_id}/matching#exclusions")


@post("/programmes/{programme_id:uuid}/matching/choices", guards=[allow(Role.curator)])
async def add_choices(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
) -> Redirect:
    """After the group meeting: whom a participant chose, in order (or a mentee's ranking of mentors)."""
    programme = await _programme(principal, programme_id)
    data = await request.form()
    with flashed(request, "Выбор записан"):
        await choices.record_choices(
            actor,
            programme,
            str(data.get("chooser_id", "")),
            [str(v) for v in data.getall("chosen_ids", [])],
        )
    return see_other(f"/programmes/{programme_id}/matching#choices")


@post("/programmes/{programme_id:uuid}/matching/choices/{choice_id:uuid}/confirm", guards=[allow(Role.curator)])
async def confirm_choice(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
    choice_id: FromPath[UUID],
) -> Redirect:
    programme = await _programme(principal, programme_id)
    try:
        pair_id = await choices.confirm(actor, programme, choice_id)
    except ValidationFailed as exc:
        flash_problem(request, exc)
        return see_other(f"/programmes/{programme_id}/matching#choices")
    return see_other(f"/pairs/{pair_id}")


@post("/cabinet/choices", guards=[allow(Role.mentee)])
async def rank_mentors(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Redirect:
    """A mentee ranks up to five mentors who still have places; each mentor then accepts or declines."""
    person_id = await mentoring.cabinet_person(principal)
    programme = await programmes.current_programme(programmes.Owner(organization_id=principal.scope.organization_id))
    if person_id is None or programme is None:
        raise NotFound()
    full = await programmes.get_programme(programme.id)
    chosen = [str(v) for v in (await request.form()).getall("chosen_ids", []) if v]
    with flashed(request, "Ваш выбор отправлен наставникам"):
        await choices.rank_mentors(actor, full, person_id, chosen)
    return see_other("/cabinet")


@post("/cabinet/choices/{choice_id:uuid}", guards=[allow(Role.mentor)])
async def respond_to_choice(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], choice_id: FromPath[UUID]
) -> Redirect:
    """A mentor accepts or declines a mentee who ranked them."""
    person_id = await mentoring.cabinet_person(principal)
    programme = await programmes.current_programme(programmes.Owner(organization_id=principal.scope.organization_id))
    if person_id is None or programme is None:
        raise NotFound()
    data = await request.form()
    try:
        await choices.respond(
            await programmes.get_programme(programme.id), choice_id, person_id, data.get("response") == "accept"
        )
    except ValidationFailed as exc:
        flash_problem(request, exc)
    return see_other("/cabinet")


@post("/api/v1/programmes/{programme_id:uuid}/matching", guards=[allow(*MATCHERS)], tags=["Подбор пар"])
async def run_matching_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
    data: JSONBody[dict[str, Any]],
) -> dict[str, Any]:
    """`objective`: score (the highest total score) or count (the most mentees, then the highest score);
    `weights`: {form, tags, choice, age, subject, time} from 0 to 5, and for a municipal or regional programme the
    distance rules {organization, municipality} (same organization first, then the same municipality).
    Answers the proposals and the unmatched."""
    programme = await _programme(principal, programme_id)
    weights = logic.clean_weights({k: str(v) for k, v in (data.get("weights") or {}).items()}, _pooled(programme))
    run_id = await logic.run(actor, programme, str(data.get("objective", "score")), weights)
    run = await logic.latest_run(programme_id)
    assert run is not None
    return {"run_id": str(run_id), "proposals": run.proposals, "unmatched": run.unmatched}


@post(
    "/api/v1/programmes/{programme_id:uuid}/matching/{run_id:uuid}/proposals",
    guards=[allow(*MATCHERS)],
    tags=["Подбор пар"],
)
async def act_on_proposal_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
    run_id: FromPath[UUID],
    data: JSONBody[dict[str, str]],
) -> dict[str, Any]:
    """`action`: accept, reject or swap (with `other_mentee_id`) for the proposal of `mentee_id`."""
    programme = await _programme(principal, programme_id)
    mentee_id, action = data.get("mentee_id", ""), data.get("action", "")
    result: dict[str, Any] = {}
    if action == "accept":
        result["pair_id"] = str(await logic.accept(actor, programme, run_id, mentee_id))
    elif action == "reject":
        await logic.reject(programme, run_id, mentee_id)
    elif action == "swap":
        await logic.swap(programme, run_id, mentee_id, data.get("other_mentee_id", ""))
    else:
        raise ValidationFailed({"action": "accept, reject или swap"})
    run = await logic.latest_run(programme_id)
    assert run is not None
    return {**result, "proposals": run.proposals}


page_router = Router(
    path="/",
    route_handlers=[
        matching_page,
        run_matching,
        act_on_proposal,
        add_exclusion,
        add_choices,
        confirm_choice,
        rank_mentors,
        respond_to_choice,
    ],
    include_in_schema=False,
)
api_router = Router(path="/", route_handlers=[run_matching_api, act_on_proposal_api])
