"""Enrolment in a cohort: a curator nominates, a person applies and their curator confirms, the school accepts up
to the capacity and keeps a waiting list, and the enrolment and completion orders are prepared.

The pages and the API both come here; the cohort row is locked (SELECT … FOR UPDATE) for every change of who is
accepted, so two decisions at once never exceed the capacity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

import asyncpg
import msgspec

from services.mentoring import person_of
from services.programmes import BASIS, LevelOrder, OrderKind, Owner, create_level_order, get_order
from services.registry import ParticipationRole, base_members, people_brief
from services.school.access import NOMINATORS, SchoolAccess
from services.school.enrolment_mail import enqueue_enrolment_mail
from services.school.records import (
    ENROLMENT_COLUMNS,
    CohortRecord,
    EnrolmentRecord,
    ProgrammeRecord,
    SchoolRecord,
    enrolments_of,
    get_cohort,
    get_enrolment,
    get_programme,
    get_school,
    list_cohorts,
    list_programmes,
    record,
)
from services.school.tables import TRAINING_LABELS, Audience, EnrolmentState, Training
from shared.actor import Actor
from shared.audit import audit
from shared.clock import today
from shared.db import current_connection
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.i18n import format_date, format_number, sort_key
from tenants import Role, get_organization

OPEN_STATES = (EnrolmentState.applied, EnrolmentState.nominated, EnrolmentState.accepted, EnrolmentState.waiting)
# The roles of the mentor base a programme's audience takes, in the order a person's fitting audience is chosen.
AUDIENCE_ROLES: dict[Audience, tuple[ParticipationRole, ...]] = {
    Audience.mentor: (ParticipationRole.mentor,),
    Audience.mentor_candidate: (ParticipationRole.mentor_candidate,),
    Audience.curator: (ParticipationRole.curator, ParticipationRole.curator_candidate),
}
CONTROL = "Контроль за исполнением настоящего приказа оставляю за собой."
NO_CONSENT = "Нет согласия на обработку персональных данных"
REASON_MAX = 1000


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """A person of the organization's mentor base as the nominating curator sees them against one cohort."""

    person_id: UUID
    full_name: str
    audience: str | None  # the programme's audience they fit, or None
    consented: bool
    state: str | None  # their current enrolment in the cohort (not declined or withdrawn)

    @property
    def problem(self) -> str:
        if self.state is not None:
            return "уже записан(а) на этот поток"
        if not self.consented:
            return NO_CONSENT.lower()
        if self.audience is None:
            return "программа не для его (её) роли"
        return ""


@dataclass(frozen=True)
class Decision:
    """One step on an enrolment: the curator confirms or declines an application, the school accepts or declines a
    nomination, anyone concerned withdraws."""

    decision: str  # confirm | accept | decline | withdraw
    reason: str = ""


DECISIONS = ("confirm", "accept", "decline", "withdraw")


# Who may be nominated -----------------------------------------------------------------------------------------


def accepting_problem(cohort: CohortRecord, programme: ProgrammeRecord) -> str:
    """Why a cohort takes no one now, or ""."""
    if cohort.cancelled_at is not None:
        return "Поток отменён"
    if not programme.published or programme.archived_at is not None or not cohort.published:
        return "Программа не опубликована"
    if not cohort.enrolment_open:
        return "Набор на поток закрыт"
    if cohort.starts_on < today():
        return "Поток уже начался: набор закрыт"
    return ""


def reaches(programme: ProgrammeRecord, municipality_id: UUID | None) -> bool:
    """The programme is offered region-wide or to this municipality."""
    return programme.offered_to_all or (municipality_id is not None and municipality_id in programme.municipality_ids)


def fitting_audience(programme: ProgrammeRecord, roles: Iterable[ParticipationRole]) -> Audience | None:
    held = set(roles)
    for audience in (Audience.mentor, Audience.mentor_candidate, Audience.curator):
        if audience.value in programme.audience and held & set(AUDIENCE_ROLES[audience]):
            return audience
    return None


async def _roles_in(organization_id: UUID) -> dict[UUID, tuple[set[ParticipationRole], str, bool]]:
    """Everyone of the organization's mentor and curator bases: their roles, name and consent."""
    people: dict[UUID, tuple[set[ParticipationRole], str, bool]] = {}
    for role in [role for roles in AUDIENCE_ROLES.values() for role in roles]:
        for member in await base_members(organization_id, (role,)):
            roles, _, _ = people.setdefault(member.id, (set(), member.full_name, member.consented))
            roles.add(role)
    return people


async def _current_states(cohort_id: UUID, person_ids: list[UUID]) -> dict[UUID, str]:
    rows = await current_connection().fetch(
        """SELECT person_id, state FROM school_enrolment
           WHERE cohort_id = $1 AND person_id = ANY($2::uuid[]) AND state = ANY($3::text[])""",
        cohort_id,
        person_ids,
        [s.value for s in OPEN_STATES],
    )
    return {r["person_id"]: r["state"] for r in rows}


async def candidates(organization_id: UUID, cohort: CohortRecord, programme: ProgrammeRecord) -> list[Candidate]:
    """The organization's people the curator may tick, with why those who cannot be nominated cannot."""
    people = await _roles_in(organization_id)
    states = await _current_states(cohort.id, list(people))
    found = [
        Candidate(
            person_id=person_id,
            full_name=name,
            audience=(audience.value if (audience := fitting_audience(programme, roles)) else None),
            consented=consented,
            state=states.get(person_id),
        )
        for person_id, (roles, name, consented) in people.items()
    ]
    return sorted(found, key=lambda c: sort_key(c.full_name))


async def _organization_reach(organization_id: UUID) -> tuple[UUID, str]:
    organization = await get_organization(organization_id)
    return organization.municipality_id, organization.short_name or organization.name


def _names(people: list[Candidate]) -> str:
    return ", ".join(p.full_name for p in people)


async def _cohort_open_to(cohort_id: UUID, organization_id: UUID) -> tuple[CohortRecord, ProgrammeRecord, str]:
    cohort = await get_cohort(cohort_id)
    programme = await get_programme(cohort.programme_id)
    municipality_id, organization_name = await _organization_reach(organization_id)
    problem = accepting_problem(cohort, programme)
    if not problem and not reaches(programme, municipality_id):
        problem = "Программа не предлагается вашему муниципалитету"
    if problem:
        raise ValidationFailed({"cohort_id": problem})
    return cohort, programme, organization_name


# Nominating and applying --------------------------------------------------------------------------------------


async def nominate(actor: Actor, access: SchoolAccess, cohort_id: UUID, person_ids: list[UUID]) -> list[UUID]:
    """The curator puts people of their organization forward; every one is checked before anything is written."""
    if access.role not in NOMINATORS or actor.organization_id is None:
        raise Forbidden()
    cohort, programme, organization_name = await _cohort_open_to(cohort_id, actor.organization_id)
    wanted = list(dict.fromkeys(person_ids))
    if not wanted:
        raise ValidationFailed({"person_ids": "Отметьте хотя бы одного человека"})
    by_id = {c.person_id: c for c in await candidates(actor.organization_id, cohort, programme)}
    if any(p not in by_id for p in wanted):
        raise NotFound()  # not in the organization's mentor base: someone else's, and not said so
    chosen = [by_id[p] for p in wanted]
    problems = []
    if missing := [c for c in chosen if not c.consented]:
        problems.append(f"{NO_CONSENT}: {_names(missing)}")
    if taken := [c for c in chosen if c.consented and c.state is not None]:
        problems.append(f"Уже записаны на этот поток: {_names(taken)}")
    if unfit := [c for c in chosen if c.consented and c.state is None and c.audience is None]:
        problems.append(f"Программа не для их роли: {_names(unfit)}")
    if problems:
        raise ValidationFailed({"person_ids": "; ".join(problems)})
    return await _insert(
        actor, cohort, [(c, EnrolmentState.nominated) for c in chosen], organization_name, actor.organization_id
    )


async def apply(actor: Actor, access: SchoolAccess, email: str, cohort_id: UUID) -> UUID:
    """A mentor (or a curator, for a curator's programme) asks for a place; a mentor's curator confirms it, a
    curator's own application goes straight to the school."""
    if access.role not in (Role.mentor, Role.curator) or actor.organization_id is None:
        raise Forbidden()
    cohort, programme, organization_name = await _cohort_open_to(cohort_id, actor.organization_id)
    person_id = await person_of(email, actor.organization_id, mentor=True if access.role == Role.mentor else None)
    people = await _roles_in(actor.organization_id)
    if person_id is None or person_id not in people:
        raise ValidationFailed({"cohort_id": "Вашей записи нет в базе организации: обратитесь к куратору"})
    roles, name, consented = people[person_id]
    states = await _current_states(cohort.id, [person_id])
    audience = fitting_audience(programme, roles)
    if person_id in states:
        raise ValidationFailed({"cohort_id": "Вы уже записаны на этот поток"})
    if not consented:
        raise ValidationFailed({"cohort_id": f"{NO_CONSENT}: обратитесь к куратору организации"})
    if audience is None:
        raise ValidationFailed({"cohort_id": "Программа не для вашей роли"})
    candidate = Candidate(person_id=person_id, full_name=name, audience=audience.value, consented=True, state=None)
    state = EnrolmentState.applied if access.role == Role.mentor else EnrolmentState.nominated
    [enrolment_id] = await _insert(
        actor, cohort, [(candidate, state)], organization_name, actor.organization_id, user_id=actor.user_id
    )
    if state == EnrolmentState.applied:
        await enqueue_enrolment_mail(actor.region_id, enrolment_id, "applied")
    return enrolment_id


async def _insert(
    actor: Actor,
    cohort: CohortRecord,
    people: list[tuple[Candidate, EnrolmentState]],
    organization_name: str,
    organization_id: UUID,
    user_id: UUID | None = None,
) -> list[UUID]:
    briefs = await people_brief([c.person_id for c, _ in people])
    connection = current_connection()
    ids = []
    try:
        # A savepoint: a refused duplicate leaves the request usable. Each row gets its own instant, so the waiting
        # list keeps the order in which people were ticked.
        async with connection.transaction():
            for candidate, state in people:
                nominated = state == EnrolmentState.nominated
                brief = briefs.get(candidate.person_id)
                ids.append(
                    await connection.fetchval(
                        """INSERT INTO school_enrolment (region_id, school_id, cohort_id, organization_id, person_id,
                               user_id, audience, full_name, organization_name, position, state, nominated_by,
                               requested_at, nominated_at)
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, clock_timestamp(),
                                   CASE WHEN $13 THEN clock_timestamp() END)
                           RETURNING id""",
                        cohort.region_id,
                        cohort.school_id,
                        cohort.id,
                        organization_id,
                        candidate.person_id,
                        user_id,
                        candidate.audience,
                        candidate.full_name,
                        organization_name,
                        brief.position if brief else "",
                        state.value,
                        actor.user_id if nominated else None,
                        nominated,
                    )
                )
    except asyncpg.UniqueViolationError:
        raise ValidationFailed({"person_ids": "Кто-то из них уже записан на этот поток"}) from None
    for candidate, state in people:
        what = "выдвинут на обучение" if state == EnrolmentState.nominated else "заявка на обучение"
        await audit(actor, "create", candidate.person_id, f"школа наставников: {what}")
    return ids


# Decisions ----------------------------------------------------------------------------------------------------


async def _lock(cohort_id: UUID) -> tuple[int, int]:
    """The cohort's capacity and accepted count, with the cohort row locked until the transaction ends."""
    connection = current_connection()
    capacity = await connection.fetchval("SELECT capacity FROM school_cohort WHERE id = $1 FOR UPDATE", cohort_id)
    accepted = await connection.fetchval(
        "SELECT count(*) FROM school_enrolment WHERE cohort_id = $1 AND state = 'accepted'", cohort_id
    )
    return int(capacity), int(accepted)


async def _set_state(actor: Actor, enrolment: EnrolmentRecord, state: EnrolmentState, reason: str = "") -> None:
    nominated = state == EnrolmentState.nominated
    await current_connection().execute(
        """UPDATE school_enrolment SET state = $2, reason = $3,
               nominated_by = CASE WHEN $5 THEN $4 ELSE nominated_by END,
               nominated_at = CASE WHEN $5 THEN now() ELSE nominated_at END,
               decided_by = CASE WHEN $5 THEN decided_by ELSE $4 END,
               decided_at = CASE WHEN $5 THEN decided_at ELSE now() END
           WHERE id = $1""",
        enrolment.id,
        state.value,
        reason,
        actor.user_id,
        nominated,
    )
    await audit(
        actor,
        "edit",
        enrolment.person_id,
        f"школа наставников: {state.value}",
        organization_id=enrolment.organization_id,
    )


def _reason(decision: Decision, required: bool) -> str:
    reason = " ".join(decision.reason.split())
    if required and not reason:
        raise ValidationFailed({"reason": "Укажите причину"})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": f"Причина — не длиннее {REASON_MAX} знаков"})
    return reason


async def decide(actor: Actor, access: SchoolAccess, enrolment_id: UUID, decision: Decision) -> EnrolmentRecord:
    """One step on an enrolment, checked against who asks and the state it is in."""
    enrolment = await get_enrolment(enrolment_id)  # first: another tenant's answers 404, whatever was asked
    school = await get_school(enrolment.school_id)
    if decision.decision not in DECISIONS:
        raise ValidationFailed({"decision": "Выберите решение"})
    curator = access.role == Role.curator and access.organization_id == enrolment.organization_id
    runner = access.runs(school)
    own = enrolment.user_id is not None and enrolment.user_id == access.user_id
    state = EnrolmentState(enrolment.state)
    if decision.decision == "withdraw":
        if not (own or curator or runner):
            raise Forbidden()
        if state not in OPEN_STATES:
            raise ValidationFailed({"decision": "Заявка уже закрыта"})
        if enrolment.outcome:
            raise ValidationFailed({"decision": "Итог обучения уже подведён, отозвать заявку нельзя"})
        await _leave(actor, enrolment, EnrolmentState.withdrawn, _reason(decision, required=not own))
    elif state == EnrolmentState.applied:
        if not curator:
            raise ValidationFailed({"decision": "Заявку сначала подтверждает куратор организации"})
        if decision.decision == "confirm":
            await _set_state(actor, enrolment, EnrolmentState.nominated)
            await enqueue_enrolment_mail(actor.region_id, enrolment.id, "confirmed")
        elif decision.decision == "decline":
            await _set_state(actor, enrolment, EnrolmentState.declined, _reason(decision, required=True))
            await enqueue_enrolment_mail(actor.region_id, enrolment.id, "declined")
        else:
            raise ValidationFailed({"decision": "Заявку куратор подтверждает или отклоняет"})
    else:
        if not runner:
            raise Forbidden()
        if decision.decision == "accept" and state in (EnrolmentState.nominated, EnrolmentState.waiting):
            await _accept(actor, enrolment)
        elif decision.decision == "decline" and state in (
            EnrolmentState.nominated,
            EnrolmentState.waiting,
            EnrolmentState.accepted,
        ):
            await _leave(actor, enrolment, EnrolmentState.declined, _reason(decision, required=True))
        else:
            raise ValidationFailed({"decision": "Это решение сейчас невозможно"})
    return await get_enrolment(enrolment_id)


async def _accept(actor: Actor, enrolment: EnrolmentRecord) -> None:
    capacity, accepted = await _lock(enrolment.cohort_id)
    fresh = await get_enrolment(enrolment.id)  # as it is once the cohort is ours: another decision may have run
    if fresh.state not in (EnrolmentState.nominated, EnrolmentState.waiting):
        raise ValidationFailed({"decision": "Решение по заявке уже принято"})
    if accepted < capacity:
        await _set_state(actor, fresh, EnrolmentState.accepted)
        await enqueue_enrolment_mail(actor.region_id, fresh.id, "accepted")
    elif fresh.state == EnrolmentState.nominated:
        await _set_state(actor, fresh, EnrolmentState.waiting)
        await enqueue_enrolment_mail(actor.region_id, fresh.id, "waiting")
    else:
        raise ValidationFailed({"decision": "Свободных мест нет: участник остаётся в листе ожидания"})


async def _leave(actor: Actor, enrolment: EnrolmentRecord, state: EnrolmentState, reason: str) -> None:
    """Declined or withdrawn; a place freed goes to the first of the waiting list."""
    await _lock(enrolment.cohort_id)
    fresh = await get_enrolment(enrolment.id)
    if fresh.state not in OPEN_STATES:
        raise ValidationFailed({"decision": "Заявка уже закрыта"})
    await _set_state(actor, fresh, state, reason)
    if state == EnrolmentState.declined:
        await enqueue_enrolment_mail(actor.region_id, fresh.id, "declined")
    if fresh.state == EnrolmentState.accepted:
        await fill_from_waiting(actor, fresh.cohort_id)


async def waiting_list(cohort_id: UUID) -> list[EnrolmentRecord]:
    """The waiting list in its order: by when the person was nominated."""
    rows = await current_connection().fetch(
        f"""SELECT {ENROLMENT_COLUMNS} FROM school_enrolment WHERE cohort_id = $1 AND state = 'waiting'
            ORDER BY nominated_at NULLS LAST, requested_at, id""",
        cohort_id,
    )
    return [record(r, EnrolmentRecord) for r in rows]


async def fill_from_waiting(actor: Actor, cohort_id: UUID) -> list[UUID]:
    """Free places go to the waiting list in its order (audited as the system's promotion)."""
    capacity, accepted = await _lock(cohort_id)
    promoted = []
    for enrolment in (await waiting_list(cohort_id))[: max(capacity - accepted, 0)]:
        await current_connection().execute(
            "UPDATE school_enrolment SET state = 'accepted', decided_by = $2, decided_at = now() WHERE id = $1",
            enrolment.id,
            actor.user_id,
        )
        await audit(
            actor,
            "edit",
            enrolment.person_id,
            "школа наставников: переведён из листа ожидания",
            organization_id=enrolment.organization_id,
        )
        await enqueue_enrolment_mail(actor.region_id, enrolment.id, "promoted")
        promoted.append(enrolment.id)
    return promoted


async def runner_cohort(access: SchoolAccess, cohort_id: UUID) -> tuple[CohortRecord, SchoolRecord]:
    cohort = await get_cohort(cohort_id)
    school = await get_school(cohort.school_id)
    access.require_runner(school)
    return cohort, school


async def set_capacity(actor: Actor, access: SchoolAccess, cohort_id: UUID, text: str) -> list[UUID]:
    """The school raises (or lowers, not below those accepted) the capacity; the waiting list moves up."""
    await runner_cohort(access, cohort_id)
    try:
        capacity = int(text.strip())
    except ValueError:
        raise ValidationFailed({"capacity": "Укажите число мест"}) from None
    if not 1 <= capacity <= 1000:
        raise ValidationFailed({"capacity": "Мест — от 1 до 1000"})
    _, accepted = await _lock(cohort_id)
    if capacity < accepted:
        raise ValidationFailed({"capacity": f"Мест не может быть меньше, чем уже зачислено ({accepted})"})
    await current_connection().execute("UPDATE school_cohort SET capacity = $2 WHERE id = $1", cohort_id, capacity)
    return await fill_from_waiting(actor, cohort_id)


# Orders -------------------------------------------------------------------------------------------------------

ORDER_KINDS = {"enrolment": OrderKind.school_enrolment, "completion": OrderKind.school_completion}


def _hours(programme: ProgrammeRecord) -> str:
    return f"{format_number(float(programme.hours))} ч"


def _training(programme: ProgrammeRecord) -> str:
    return TRAINING_LABELS[Training(programme.training)].lower()


async def prepare_order(actor: Actor, access: SchoolAccess, cohort_id: UUID, kind: str) -> UUID:
    """The enrolment order lists the accepted, the completion order those who completed; the school's level signs
    it through the usual order machinery. A draft not yet sent is replaced by a fresh one."""
    cohort, school = await runner_cohort(access, cohort_id)
    if kind not in ORDER_KINDS:
        raise ValidationFailed({"kind": "Выберите вид приказа"})
    await _lock(cohort_id)
    cohort = await get_cohort(cohort_id)
    existing = cohort.enrolment_order_id if kind == "enrolment" else cohort.completion_order_id
    if existing is not None and (await get_order(existing)).state != "draft":
        raise ValidationFailed({"kind": "Приказ уже отправлен на подпись или зарегистрирован"})
    programme = await get_programme(cohort.programme_id)
    people = await enrolments_of(cohort_id)
    if kind == "completion":
        people = [e for e in people if e.outcome == "completed"]
    if not people:
        problem = "В потоке нет зачисленных участников" if kind == "enrolment" else "Нет завершивших обучение"
        raise ValidationFailed({"kind": problem})
    people.sort(key=lambda e: e.full_name)
    period = f"с {format_date(cohort.starts_on)} по {format_date(cohort.ends_on)}"
    course = f"«{programme.title}» ({_hours(programme)}, {_training(programme)})"
    if kind == "enrolment":
        details = LevelOrder(
            preamble=f"{BASIS}, в целях обучения наставников и кураторов в сетевой школе наставников",
            points=[
                f"Зачислить на обучение по программе {course} в {school.name} на период {period} "
                f"(поток «{cohort.title}») участников согласно приложению.",
                "Руководителям образовательных организаций обеспечить участие работников в занятиях.",
                CONTROL,
            ],
            appendix_title="Список участников, зачисленных на обучение",
            columns=["ФИО участника", "Организация", "Должность"],
            rows=[[e.full_name, e.organization_name, e.position] for e in people],
            starts_on=format_date(cohort.starts_on),
            refs={"cohort_id": str(cohort.id), "enrolment_ids": [str(e.id) for e in people]},
        )
    else:
        details = LevelOrder(
            preamble=f"{BASIS}, по итогам обучения в сетевой школе наставников",
            points=[
                f"Считать завершившими обучение по программе {course} в {school.name} "
                f"(поток «{cohort.title}», {period}) участников согласно приложению.",
                "Выдать завершившим обучение свидетельства о прохождении обучения.",
                CONTROL,
            ],
            appendix_title="Список участников, завершивших обучение",
            columns=["ФИО участника", "Организация", "Посещено часов"],
            rows=[[e.full_name, e.organization_name, format_number(float(e.hours_attended))] for e in people],
            refs={"cohort_id": str(cohort.id), "enrolment_ids": [str(e.id) for e in people]},
        )
    owner = Owner(organization_id=school.organization_id, municipality_id=school.municipality_id)
    order_id = await create_level_order(actor, school.region_id, owner, ORDER_KINDS[kind], details)
    column = "enrolment_order_id" if kind == "enrolment" else "completion_order_id"
    await current_connection().execute(f"UPDATE school_cohort SET {column} = $2 WHERE id = $1", cohort_id, order_id)
    for enrolment in people:
        await audit(
            actor,
            "export",
            enrolment.person_id,
            "школа наставников: проект приказа",
            organization_id=enrolment.organization_id,
        )
    return order_id


# Reads for the pages ------------------------------------------------------------------------------------------


async def enrolments_in(cohort_id: UUID) -> list[EnrolmentRecord]:
    """Every enrolment of a cohort the scope sees (a curator: their organization's), newest requests last."""
    rows = await current_connection().fetch(
        f"""SELECT {ENROLMENT_COLUMNS} FROM school_enrolment WHERE cohort_id = $1
            ORDER BY nominated_at NULLS LAST, requested_at, full_name""",
        cohort_id,
    )
    return [record(r, EnrolmentRecord) for r in rows]


class EnrolmentRow(msgspec.Struct, frozen=True, kw_only=True):
    """An enrolment with its cohort, for the overview lists."""

    enrolment: EnrolmentRecord
    cohort_title: str
    programme_title: str
    starts_on: str


async def enrolments_of_organization(organization_id: UUID, states: tuple[str, ...]) -> list[EnrolmentRow]:
    return await _rows("e.organization_id = $1 AND e.state = ANY($2::text[])", organization_id, list(states))


async def enrolments_of_user(user_id: UUID) -> list[EnrolmentRow]:
    """The signed-in person's own applications and places."""
    return await _rows("e.user_id = $1", user_id)


async def _rows(where: str, *args: object) -> list[EnrolmentRow]:
    columns = ", ".join(f"e.{name}" for name in ENROLMENT_COLUMNS.split(", "))
    rows = await current_connection().fetch(
        f"""SELECT {columns}, c.title AS cohort_title, p.title AS programme_title, c.starts_on AS cohort_starts
            FROM school_enrolment e
            JOIN school_cohort c ON c.region_id = e.region_id AND c.id = e.cohort_id
            JOIN school_programme p ON p.region_id = c.region_id AND p.id = c.programme_id
            WHERE {where} ORDER BY c.starts_on DESC, e.full_name""",
        *args,
    )
    names = ENROLMENT_COLUMNS.split(", ")
    return [
        EnrolmentRow(
            enrolment=msgspec.convert({n: r[n] for n in names}, EnrolmentRecord),
            cohort_title=r["cohort_title"],
            programme_title=r["programme_title"],
            starts_on=format_date(r["cohort_starts"]),
        )
        for r in rows
    ]


class OpenCohort(msgspec.Struct, frozen=True, kw_only=True):
    cohort: CohortRecord
    programme: ProgrammeRecord
    nominated: int  # awaiting the school's decision


async def open_cohorts(municipality_id: UUID | None, *, runner_of: SchoolAccess | None = None) -> list[OpenCohort]:
    """Cohorts taking people now: those offered to the municipality, or (for a runner) the ones of their schools."""
    programmes = {p.id: p for p in await list_programmes()}
    schools: dict[UUID, SchoolRecord] = {}
    found = []
    for cohort in await list_cohorts():
        programme = programmes.get(cohort.programme_id)
        if programme is None or accepting_problem(cohort, programme):
            continue
        if runner_of is not None:
            if cohort.school_id not in schools:
                schools[cohort.school_id] = await get_school(cohort.school_id)
            if not runner_of.runs(schools[cohort.school_id]):
                continue
        elif not reaches(programme, municipality_id):
            continue
        nominated = await current_connection().fetchval(
            "SELECT count(*) FROM school_enrolment WHERE cohort_id = $1 AND state = 'nominated'", cohort.id
        )
        found.append(OpenCohort(cohort=cohort, programme=programme, nominated=int(nominated)))
    found.sort(key=lambda o: (o.cohort.starts_on, o.cohort.title))
    return found
