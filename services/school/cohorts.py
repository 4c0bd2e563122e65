"""Cohorts (потоки) of a programme: dates, place or link, capacity, trainers, enrolment open or closed, cancel.

Enrolment itself and the sessions are the enrolment's and the teaching's modules; this one keeps the cohort."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec

from services.school.access import SchoolAccess
from services.school.catalogue import programme_to_edit, visible_programme
from services.school.records import CohortRecord, EnrolmentRecord, enrolments_of, get_cohort, get_school, trainers_of
from services.school.tables import EnrolmentState
from shared.actor import Actor
from shared.audit import audit, audit_many
from shared.clock import now
from shared.db import Scope, current_connection, widened
from shared.errors import Errors, ValidationFailed
from shared.i18n import parse_date
from tenants import Role, list_people

ALL_STATES = tuple(s.value for s in EnrolmentState)
STAGE_LABELS = {
    "planned": "Набор открыт",
    "planned_closed": "Набор закрыт, ещё не начался",
    "running": "Идёт",
    "finished": "Завершён",
    "cancelled": "Отменён",
}


def stage_of(cohort: CohortRecord, today: date) -> str:
    """The school home's grouping: a planned cohort is «набор открыт» only while enrolment is open."""
    stage = cohort.stage(today)
    if stage == "planned" and not cohort.enrolment_open:
        return "planned_closed"
    return stage


@dataclass
class CohortForm:
    title: str = ""
    starts_on: str = ""
    ends_on: str = ""
    place: str = ""
    online_link: str = ""
    capacity: str = ""
    enrolment_open: bool = True

    @classmethod
    def of(cls, cohort: CohortRecord) -> CohortForm:
        return cls(
            title=cohort.title,
            starts_on=cohort.starts_on.strftime("%d.%m.%Y"),
            ends_on=cohort.ends_on.strftime("%d.%m.%Y"),
            place=cohort.place,
            online_link=cohort.online_link,
            capacity=str(cohort.capacity),
            enrolment_open=cohort.enrolment_open,
        )


def _date(errors: Errors, name: str, text: str) -> date | None:
    if not text.strip():
        errors.add(name, "Укажите дату")
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        errors.add(name, str(exc))
        return None


def _values(form: CohortForm) -> tuple[str, date, date, str, str, int]:
    errors = Errors()
    title = " ".join(form.title.split())
    if not title:
        errors.add("title", "Укажите название потока")
    starts = _date(errors, "starts_on", form.starts_on)
    ends = _date(errors, "ends_on", form.ends_on)
    if starts and ends and ends < starts:
        errors.add("ends_on", "Поток не может закончиться раньше, чем начнётся")
    place, link = form.place.strip(), form.online_link.strip()
    if not place and not link:
        errors.add("place", "Укажите место проведения или ссылку на онлайн-занятия")
    if link and not link.startswith(("https://", "http://")):
        errors.add("online_link", "Ссылка начинается с https:// или http://")
    capacity = 0
    try:
        capacity = int(form.capacity.strip())
    except ValueError:
        errors.add("capacity", "Укажите число мест — целое число от 1")
    else:
        if not 1 <= capacity <= 1000:
            errors.add("capacity", "Число мест — от 1 до 1000")
    errors.raise_if_any()
    assert starts is not None and ends is not None
    return title, starts, ends, place, link, capacity


async def create_cohort(actor: Actor, access: SchoolAccess, programme_id: UUID, form: CohortForm) -> UUID:
    programme = await programme_to_edit(access, programme_id)
    if programme.archived_at is not None:
        raise ValidationFailed({"title": "Программа в архиве: новый поток не открыть"})
    title, starts, ends, place, link, capacity = _values(form)
    cohort_id: UUID = await current_connection().fetchval(
        """INSERT INTO school_cohort (region_id, school_id, programme_id, title, starts_on, ends_on, place, online_link,
               capacity, enrolment_open) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id""",
        programme.region_id,
        programme.school_id,
        programme.id,
        title,
        starts,
        ends,
        place,
        link,
        capacity,
        form.enrolment_open,
    )
    await audit(actor, "create", None, "школа наставников: поток")
    return cohort_id


async def visible_cohort(access: SchoolAccess, cohort_id: UUID) -> CohortRecord:
    """A cohort the asker teaches, or one of a programme the asker sees."""
    cohort = await get_cohort(cohort_id)
    if await access.teaches(cohort_id):
        return cohort
    await visible_programme(access, cohort.programme_id)
    return cohort


async def cohort_to_edit(access: SchoolAccess, cohort_id: UUID) -> CohortRecord:
    cohort = await visible_cohort(access, cohort_id)
    access.require_runner(await get_school(cohort.school_id))
    return cohort


async def update_cohort(actor: Actor, access: SchoolAccess, cohort_id: UUID, form: CohortForm) -> None:
    cohort = await cohort_to_edit(access, cohort_id)
    if cohort.cancelled_at is not None:
        raise ValidationFailed({"title": "Поток отменён: его уже не изменить"})
    title, starts, ends, place, link, capacity = _values(form)
    if capacity < cohort.accepted:
        raise ValidationFailed({"capacity": f"Уже зачислено {cohort.accepted}: мест не может быть меньше"})
    await current_connection().execute(
        """UPDATE school_cohort SET title = $2, starts_on = $3, ends_on = $4, place = $5, online_link = $6,
               capacity = $7, enrolment_open = $8 WHERE id = $1""",
        cohort_id,
        title,
        starts,
        ends,
        place,
        link,
        capacity,
        form.enrolment_open,
    )
    await audit(actor, "change", None, "школа наставников: поток")


async def set_enrolment_open(actor: Actor, access: SchoolAccess, cohort_id: UUID, is_open: bool) -> None:
    cohort = await cohort_to_edit(access, cohort_id)
    if cohort.cancelled_at is not None:
        raise ValidationFailed({"enrolment_open": "Поток отменён"})
    await current_connection().execute("UPDATE school_cohort SET enrolment_open = $2 WHERE id = $1", cohort_id, is_open)
    await audit(actor, "change", None, "школа наставников: набор " + ("открыт" if is_open else "закрыт"))


async def cancel_cohort(actor: Actor, access: SchoolAccess, cohort_id: UUID) -> None:
    cohort = await cohort_to_edit(access, cohort_id)
    if cohort.cancelled_at is not None:
        raise ValidationFailed({"cohort": "Поток уже отменён"})
    await current_connection().execute(
        "UPDATE school_cohort SET cancelled_at = $2, enrolment_open = false WHERE id = $1", cohort_id, now()
    )
    await audit(actor, "change", None, "школа наставников: поток отменён")


# Trainers -----------------------------------------------------------------------------------------------------


async def trainer_choices(region_id: UUID) -> list[tuple[UUID, str]]:
    """The region's accounts with the trainer role. A trainer's role belongs to no municipality, so a municipal or
    an organization's school reads the list under the region's scope, for this one step."""
    async with widened(Scope.for_region(region_id)):
        accounts = await list_people()
    found = {
        a.id: " ".join(part for part in (a.surname, a.name, a.patronymic) if part)
        for a in accounts
        if a.role == Role.trainer
    }
    return list(found.items())


async def add_trainer(actor: Actor, access: SchoolAccess, cohort_id: UUID, user_id: str) -> None:
    cohort = await cohort_to_edit(access, cohort_id)
    choices = dict(await trainer_choices(cohort.region_id))
    try:
        chosen = UUID(user_id.strip())
    except ValueError:
        chosen = None
    if chosen is None or chosen not in choices:
        raise ValidationFailed({"user_id": "Выберите преподавателя из списка"})
    if chosen in {u for u, _ in await trainers_of(cohort_id)}:
        raise ValidationFailed({"user_id": "Этот преподаватель уже ведёт поток"})
    await current_connection().execute(
        """INSERT INTO school_cohort_trainer (region_id, school_id, cohort_id, user_id, full_name)
           VALUES ($1, $2, $3, $4, $5)""",
        cohort.region_id,
        cohort.school_id,
        cohort_id,
        chosen,
        choices[chosen],
    )
    await audit(actor, "change", None, "школа наставников: преподаватель добавлен в поток")


async def remove_trainer(actor: Actor, access: SchoolAccess, cohort_id: UUID, user_id: str) -> None:
    await cohort_to_edit(access, cohort_id)
    try:
        chosen = UUID(user_id.strip())
    except ValueError:
        raise ValidationFailed({"user_id": "Выберите преподавателя из списка"}) from None
    removed = await current_connection().fetchval(
        "DELETE FROM school_cohort_trainer WHERE cohort_id = $1 AND user_id = $2 RETURNING id", cohort_id, chosen
    )
    if removed is None:
        raise ValidationFailed({"user_id": "Этот преподаватель не ведёт поток"})
    await audit(actor, "change", None, "школа наставников: преподаватель снят с потока")


# Participants -------------------------------------------------------------------------------------------------


async def participants(actor: Actor, cohort_id: UUID) -> dict[str, list[EnrolmentRecord]]:
    """The cohort's enrolments the asker may see (RLS: an organization sees its own people), by state; the read of
    their names is audited as the registry's reads are."""
    found = await enrolments_of(cohort_id, ALL_STATES)
    await audit_many(
        actor, "view", [(e.organization_id, e.person_id, "участник потока школы наставников") for e in found]
    )
    grouped: dict[str, list[EnrolmentRecord]] = {state: [] for state in ALL_STATES}
    for enrolment in found:
        grouped[enrolment.state].append(enrolment)
    return grouped


async def organization_counts(organization_id: UUID) -> dict[UUID, int]:
    """People of one organization in each cohort (nominated, applied, accepted or waiting): a curator's view."""
    rows = await current_connection().fetch(
        """SELECT cohort_id, count(*) AS n FROM school_enrolment
           WHERE organization_id = $1 AND state NOT IN ('declined', 'withdrawn') GROUP BY cohort_id""",
        organization_id,
    )
    return {r["cohort_id"]: int(r["n"]) for r in rows}


class OwnEnrolment(msgspec.Struct, frozen=True, kw_only=True):
    cohort_id: UUID
    title: str
    starts_on: date
    ends_on: date
    state: str
    outcome: str | None
    hours_attended: Decimal
    completed_on: date | None


async def own_training(user_id: UUID) -> list[OwnEnrolment]:
    """The signed-in participant's own enrolments, newest first (the cabinet's and the school home's)."""
    rows = await current_connection().fetch(
        """SELECT c.id AS cohort_id, c.title, c.starts_on, c.ends_on, e.state, e.outcome, e.hours_attended,
                  e.completed_on
           FROM school_enrolment e JOIN school_cohort c ON c.region_id = e.region_id AND c.id = e.cohort_id
           WHERE e.user_id = $1 ORDER BY c.starts_on DESC""",
        user_id,
    )
    return [msgspec.convert(dict(r), OwnEnrolment) for r in rows]
