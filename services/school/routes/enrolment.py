"""Enrolment pages and API: the curator nominates and confirms, a mentor applies, the school decides, raises the
capacity and prepares the orders. The rules are in services/school/enrolment.py; these handlers only translate."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.school import enrolment as logic
from services.school.access import RUNNER_ROLES, SchoolAccess
from services.school.enrolment import Decision
from services.school.records import EnrolmentRecord, get_cohort, get_programme, get_school
from services.school.tables import AUDIENCE_LABELS, STATE_LABELS, EnrolmentState
from shared.actor import Actor
from shared.audit import audit_many
from shared.errors import ValidationFailed
from shared.pages import flashed, page, safe_next, see_other
from tenants import Principal, Role, allow, get_organization

VIEWERS = (*RUNNER_ROLES, Role.mentor)
APPLICANTS = (Role.mentor, Role.curator)
LISTERS = (*RUNNER_ROLES, Role.trainer)
HOME = "/school/enrolment"


def _access(principal: Principal) -> SchoolAccess:
    return SchoolAccess.of(principal)


async def _municipality(principal: Principal) -> UUID | None:
    if principal.scope.organization_id is not None:
        return (await get_organization(principal.scope.organization_id)).municipality_id
    return principal.scope.municipality_id


# Pages --------------------------------------------------------------------------------------------------------


@get("/school/enrolment", guards=[allow(*VIEWERS)])
async def enrolment_home(principal: NamedDependency[Principal], actor: NamedDependency[Actor]) -> Template:
    """The curator's applications to confirm and the cohorts open to the organization; a mentor's own applications;
    a runner's cohorts with nominations waiting for the school."""
    access = _access(principal)
    organization_id = principal.scope.organization_id
    municipality_id = await _municipality(principal)
    own = await logic.enrolments_of_user(principal.user_id) if principal.role in APPLICANTS else []
    applications = (
        await logic.enrolments_of_organization(organization_id, (EnrolmentState.applied.value,))
        if principal.role == Role.curator and organization_id
        else []
    )
    organization = (
        await logic.enrolments_of_organization(
            organization_id, tuple(s.value for s in EnrolmentState if s != EnrolmentState.applied)
        )
        if principal.role in (Role.curator, Role.head) and organization_id
        else []
    )
    shown = {r.enrolment.id: r.enrolment for r in [*own, *applications, *organization]}
    await _audit_view(actor, list(shown.values()))
    return page(
        "school/enrolment.html",
        role=principal.role.value if principal.role else "",
        own=own,
        applications=applications,
        organization=organization,
        open_cohorts=await logic.open_cohorts(municipality_id) if principal.role != Role.regional_coordinator else [],
        running=await logic.open_cohorts(None, runner_of=access),
        labels=STATE_LABELS,
        audience_labels=AUDIENCE_LABELS,
        can_nominate=principal.role == Role.curator,
        can_apply=principal.role in APPLICANTS,
    )


async def _audit_view(actor: Actor, enrolments: list[EnrolmentRecord]) -> None:
    """The lists name people: each read is logged in the audit log, as the registry logs its card."""
    await audit_many(
        actor,
        "view",
        [(e.organization_id, e.person_id, "школа наставников: запись на обучение") for e in enrolments],
    )


async def _cohort_page(
    principal: Principal,
    actor: Actor,
    cohort_id: UUID,
    errors: dict[str, str] | None = None,
    ticked: list[str] | None = None,
) -> Template:
    access = _access(principal)
    cohort = await get_cohort(cohort_id)
    programme = await get_programme(cohort.programme_id)
    school = await get_school(cohort.school_id)
    runs = access.runs(school)
    enrolments = await logic.enrolments_in(cohort_id)
    waiting = await logic.waiting_list(cohort_id)
    by_state: dict[str, list[EnrolmentRecord]] = {s.value: [] for s in EnrolmentState}
    for enrolment in enrolments:
        by_state[enrolment.state].append(enrolment)
    by_state[EnrolmentState.waiting.value] = waiting
    candidates: list[logic.Candidate] = []
    problem = logic.accepting_problem(cohort, programme)
    if principal.role == Role.curator and principal.scope.organization_id:
        candidates = await logic.candidates(principal.scope.organization_id, cohort, programme)
        if not problem and not logic.reaches(programme, await _municipality(principal)):
            problem = "Программа не предлагается вашему муниципалитету"
    await _audit_view(actor, enrolments)
    return page(
        "school/enrolment_cohort.html",
        422 if errors else 200,
        cohort=cohort,
        programme=programme,
        school=school,
        runs=runs,
        by_state=by_state,
        states=list(EnrolmentState),
        labels=STATE_LABELS,
        audience_labels=AUDIENCE_LABELS,
        candidates=candidates,
        problem=problem,
        can_nominate=principal.role == Role.curator,
        errors=errors or {},
        ticked=set(ticked or []),
    )


@get("/school/cohorts/{cohort_id:uuid}/enrolment", guards=[allow(*RUNNER_ROLES)])
async def cohort_enrolment(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], cohort_id: FromPath[UUID]
) -> Template:
    return await _cohort_page(principal, actor, cohort_id)


@post("/school/cohorts/{cohort_id:uuid}/nominations", guards=[allow(Role.curator)])
async def nominate_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    cohort_id: FromPath[UUID],
) -> Template | Redirect:
    ticked = [str(v) for v in (await request.form()).getall("person_ids", [])]
    try:
        person_ids = [UUID(v) for v in ticked]
        created = await logic.nominate(actor, _access(principal), cohort_id, person_ids)
    except ValueError:
        return await _cohort_page(principal, actor, cohort_id, {"person_ids": "Отметьте людей из списка"}, ticked)
    except ValidationFailed as exc:
        return await _cohort_page(principal, actor, cohort_id, exc.errors, ticked)
    flash(request, f"Выдвинуто на обучение: {len(created)}", category="success")
    return see_other(f"/school/cohorts/{cohort_id}/enrolment")


@get("/school/cohorts/{cohort_id:uuid}/apply", guards=[allow(*APPLICANTS)])
async def apply_form(principal: NamedDependency[Principal], cohort_id: FromPath[UUID]) -> Template:
    return await _apply_page(principal, cohort_id, {})


async def _apply_page(principal: Principal, cohort_id: UUID, errors: dict[str, str]) -> Template:
    cohort = await get_cohort(cohort_id)
    programme = await get_programme(cohort.programme_id)
    mine = [r for r in await logic.enrolments_of_user(principal.user_id) if r.enrolment.cohort_id == cohort_id]
    return page(
        "school/enrolment_apply.html",
        422 if errors else 200,
        cohort=cohort,
        programme=programme,
        school=await get_school(cohort.school_id),
        problem=logic.accepting_problem(cohort, programme),
        mine=mine,
        labels=STATE_LABELS,
        audience_labels=AUDIENCE_LABELS,
        errors=errors,
        curator=principal.role == Role.curator,
    )


@post("/school/cohorts/{cohort_id:uuid}/apply", guards=[allow(*APPLICANTS)])
async def apply_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    cohort_id: FromPath[UUID],
) -> Template | Redirect:
    try:
        await logic.apply(actor, _access(principal), principal.email, cohort_id)
    except ValidationFailed as exc:
        return await _apply_page(principal, cohort_id, exc.errors)
    message = (
        "Заявка отправлена в школу наставников"
        if principal.role == Role.curator
        else "Заявка отправлена куратору организации на подтверждение"
    )
    flash(request, message, category="success")
    return see_other(HOME)


@post("/school/enrolments/{enrolment_id:uuid}/decision", guards=[allow(*VIEWERS)])
async def decision_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    enrolment_id: FromPath[UUID],
) -> Redirect:
    form = await request.form()
    decision = Decision(decision=str(form.get("decision", "")), reason=str(form.get("reason", "")))
    labels = {"confirm": "Заявка подтверждена", "accept": "Решение принято", "decline": "Заявка отклонена"}
    with flashed(request, labels.get(decision.decision, "Заявка отозвана")):
        await logic.decide(actor, _access(principal), enrolment_id, decision)
    return see_other(safe_next(str(form.get("back", "")), HOME))


@post("/school/cohorts/{cohort_id:uuid}/capacity", guards=[allow(*RUNNER_ROLES)])
async def capacity_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    cohort_id: FromPath[UUID],
) -> Redirect:
    form = await request.form()
    try:
        promoted = await logic.set_capacity(actor, _access(principal), cohort_id, str(form.get("capacity", "")))
    except ValidationFailed as exc:
        flash(request, next(iter(exc.errors.values())), category="error")
    else:
        flash(request, f"Число мест изменено; зачислено из листа ожидания: {len(promoted)}", category="success")
    return see_other(f"/school/cohorts/{cohort_id}/enrolment")


@post("/school/cohorts/{cohort_id:uuid}/orders", guards=[allow(*RUNNER_ROLES)])
async def order_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    cohort_id: FromPath[UUID],
) -> Redirect:
    kind = str((await request.form()).get("kind", ""))
    try:
        order_id = await logic.prepare_order(actor, _access(principal), cohort_id, kind)
    except ValidationFailed as exc:
        flash(request, next(iter(exc.errors.values())), category="error")
        return see_other(f"/school/cohorts/{cohort_id}/enrolment")
    flash(request, "Проект приказа готов: проверьте его и отправьте на подпись", category="success")
    return see_other(f"/orders/{order_id}")


# API ----------------------------------------------------------------------------------------------------------


class EnrolmentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    cohort_id: UUID
    organization_id: UUID
    person_id: UUID
    full_name: str
    organization_name: str
    position: str
    audience: str
    state: str
    state_label: str
    requested_at: datetime
    decided_at: datetime | None
    reason: str
    outcome: str | None

    @classmethod
    def of(cls, e: EnrolmentRecord) -> EnrolmentOut:
        return cls(
            id=e.id,
            cohort_id=e.cohort_id,
            organization_id=e.organization_id,
            person_id=e.person_id,
            full_name=e.full_name,
            organization_name=e.organization_name,
            position=e.position,
            audience=e.audience,
            state=e.state,
            state_label=STATE_LABELS[EnrolmentState(e.state)],
            requested_at=e.requested_at,
            decided_at=e.decided_at,
            reason=e.reason,
            outcome=e.outcome,
        )


class NominationsIn(msgspec.Struct, kw_only=True):
    person_ids: list[UUID] = msgspec.field(default_factory=list)


class DecisionIn(msgspec.Struct, kw_only=True):
    decision: str = ""  # confirm | accept | decline | withdraw
    reason: str = ""


class CapacityIn(msgspec.Struct, kw_only=True):
    capacity: int = 0


class CapacityOut(msgspec.Struct, frozen=True, kw_only=True):
    capacity: int
    accepted: int
    waiting: int
    promoted: list[UUID]


class OrderIn(msgspec.Struct, kw_only=True):
    kind: str = ""  # enrolment | completion


class OrderOut(msgspec.Struct, frozen=True, kw_only=True):
    order_id: UUID


@get("/school/cohorts/{cohort_id:uuid}/enrolments", guards=[allow(*LISTERS)], tags=["Школа наставников"])
async def enrolments_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], cohort_id: FromPath[UUID]
) -> list[EnrolmentOut]:
    """The cohort's enrolments in every state the asker sees: a curator their organization's, the school all."""
    await get_cohort(cohort_id)
    enrolments = await logic.enrolments_in(cohort_id)
    await _audit_view(actor, enrolments)
    return [EnrolmentOut.of(e) for e in enrolments]


@post(
    "/school/cohorts/{cohort_id:uuid}/nominations",
    guards=[allow(Role.curator)],
    status_code=201,
    tags=["Школа наставников"],
)
async def nominate_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    cohort_id: FromPath[UUID],
    data: JSONBody[NominationsIn],
) -> list[EnrolmentOut]:
    """`person_ids`: mentors and candidates of the curator's organization, each with a consent to processing."""
    created = await logic.nominate(actor, _access(principal), cohort_id, data.person_ids)
    found = {e.id: e for e in await logic.enrolments_in(cohort_id)}
    return [EnrolmentOut.of(found[i]) for i in created]


@post(
    "/school/cohorts/{cohort_id:uuid}/applications",
    guards=[allow(*APPLICANTS)],
    status_code=201,
    tags=["Школа наставников"],
)
async def apply_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], cohort_id: FromPath[UUID]
) -> EnrolmentOut:
    """The signed-in mentor's application (their curator confirms it); a curator's goes to the school at once."""
    enrolment_id = await logic.apply(actor, _access(principal), principal.email, cohort_id)
    found = {e.id: e for e in await logic.enrolments_in(cohort_id)}
    return EnrolmentOut.of(found[enrolment_id])


@post(
    "/school/enrolments/{enrolment_id:uuid}/decision",
    guards=[allow(*VIEWERS)],
    status_code=200,
    tags=["Школа наставников"],
)
async def decision_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    enrolment_id: FromPath[UUID],
    data: JSONBody[DecisionIn],
) -> EnrolmentOut:
    """`decision`: confirm (the curator, an application) | accept (the school: a place, or the waiting list when
    full) | decline (with `reason`) | withdraw; a place freed goes to the first of the waiting list."""
    decided = await logic.decide(actor, _access(principal), enrolment_id, Decision(data.decision, data.reason))
    return EnrolmentOut.of(decided)


@post(
    "/school/cohorts/{cohort_id:uuid}/capacity",
    guards=[allow(*RUNNER_ROLES)],
    status_code=200,
    tags=["Школа наставников"],
)
async def capacity_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    cohort_id: FromPath[UUID],
    data: JSONBody[CapacityIn],
) -> CapacityOut:
    promoted = await logic.set_capacity(actor, _access(principal), cohort_id, str(data.capacity))
    cohort = await get_cohort(cohort_id)
    return CapacityOut(capacity=cohort.capacity, accepted=cohort.accepted, waiting=cohort.waiting, promoted=promoted)


@post(
    "/school/cohorts/{cohort_id:uuid}/orders",
    guards=[allow(*RUNNER_ROLES)],
    status_code=201,
    tags=["Школа наставников"],
)
async def order_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    cohort_id: FromPath[UUID],
    data: JSONBody[OrderIn],
) -> OrderOut:
    """`kind`: enrolment (the accepted) | completion (those who completed); a draft of the school's level."""
    return OrderOut(order_id=await logic.prepare_order(actor, _access(principal), cohort_id, data.kind))


PAGES = [
    enrolment_home,
    cohort_enrolment,
    nominate_page,
    apply_form,
    apply_page,
    decision_page,
    capacity_page,
    order_page,
]
API = [enrolments_api, nominate_api, apply_api, decision_api, capacity_api, order_api]
