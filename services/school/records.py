"""The mentor school's typed records and their readers, shared by the catalogue, enrolment and teaching modules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from shared.db import current_connection
from shared.errors import NotFound

T = TypeVar("T", bound=msgspec.Struct)


def record(row: Any, cls: type[T]) -> T:
    return msgspec.convert(dict(row), cls)


class SchoolRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A mentor school: the region's (both owner ids None), a municipality's, or a base organization's."""

    id: UUID
    region_id: UUID
    organization_id: UUID | None
    municipality_id: UUID | None
    name: str
    signatory_name: str
    signatory_position: str


class ProgrammeRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    school_id: UUID
    title: str
    description: str
    training: str
    audience: list[str]
    offered_to_all: bool
    municipality_ids: list[UUID]
    min_attendance_pct: int
    min_hours: Decimal
    assessment: str
    pass_mark_pct: int
    max_attempts: int
    assignment_text: str
    published: bool
    archived_at: datetime | None
    hours: Decimal  # the modules' sum


class ModuleRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    programme_id: UUID
    position: int
    topic: str
    hours: Decimal
    format: str
    training: str
    description: str


class CohortRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    school_id: UUID
    programme_id: UUID
    title: str
    starts_on: date
    ends_on: date
    place: str
    online_link: str
    capacity: int
    enrolment_open: bool
    published: bool
    cancelled_at: datetime | None
    enrolment_order_id: UUID | None
    completion_order_id: UUID | None
    accepted: int  # enrolments accepted
    waiting: int  # on the waiting list

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.accepted, 0)

    def stage(self, today: date) -> str:
        """planned (before its start), running, finished or cancelled: what the pages group by."""
        if self.cancelled_at is not None:
            return "cancelled"
        if today < self.starts_on:
            return "planned"
        return "running" if today <= self.ends_on else "finished"


class EnrolmentRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    school_id: UUID
    cohort_id: UUID
    organization_id: UUID
    person_id: UUID
    user_id: UUID | None
    audience: str
    full_name: str
    organization_name: str
    position: str
    state: str
    requested_at: datetime
    nominated_by: UUID | None
    decided_at: datetime | None
    reason: str
    outcome: str | None
    outcome_overridden: bool
    outcome_reason: str
    hours_attended: Decimal
    completed_on: date | None


SCHOOL_COLUMNS = "id, region_id, organization_id, municipality_id, name, signatory_name, signatory_position"
PROGRAMME_SELECT = """SELECT p.*, coalesce((SELECT sum(m.hours) FROM school_module m
    WHERE m.region_id = p.region_id AND m.programme_id = p.id), 0) AS hours FROM school_programme p"""
# Seats are counted region-wide (school_cohort_seats), not only the enrolments the reader's scope shows.
COHORT_SELECT = """SELECT c.*,
    school_cohort_seats(c.region_id, c.id, 'accepted') AS accepted,
    school_cohort_seats(c.region_id, c.id, 'waiting') AS waiting
    FROM school_cohort c"""
ENROLMENT_COLUMNS = ", ".join(f.name for f in msgspec.structs.fields(EnrolmentRecord))


async def get_school(school_id: UUID) -> SchoolRecord:
    row = await current_connection().fetchrow(f"SELECT {SCHOOL_COLUMNS} FROM mentor_school WHERE id = $1", school_id)
    if row is None:
        raise NotFound()
    return record(row, SchoolRecord)


async def list_schools() -> list[SchoolRecord]:
    rows = await current_connection().fetch(f"SELECT {SCHOOL_COLUMNS} FROM mentor_school ORDER BY name")
    return [record(r, SchoolRecord) for r in rows]


async def get_programme(programme_id: UUID) -> ProgrammeRecord:
    row = await current_connection().fetchrow(f"{PROGRAMME_SELECT} WHERE p.id = $1", programme_id)
    if row is None:
        raise NotFound()
    return record(row, ProgrammeRecord)


async def list_programmes(school_id: UUID | None = None) -> list[ProgrammeRecord]:
    rows = await current_connection().fetch(
        f"{PROGRAMME_SELECT} WHERE ($1::uuid IS NULL OR p.school_id = $1) ORDER BY p.archived_at IS NOT NULL, p.title",
        school_id,
    )
    return [record(r, ProgrammeRecord) for r in rows]


async def modules_of(programme_id: UUID) -> list[ModuleRecord]:
    rows = await current_connection().fetch(
        "SELECT * FROM school_module WHERE programme_id = $1 ORDER BY position, topic", programme_id
    )
    return [record(r, ModuleRecord) for r in rows]


async def get_cohort(cohort_id: UUID) -> CohortRecord:
    row = await current_connection().fetchrow(f"{COHORT_SELECT} WHERE c.id = $1", cohort_id)
    if row is None:
        raise NotFound()
    return record(row, CohortRecord)


async def list_cohorts(programme_id: UUID | None = None) -> list[CohortRecord]:
    rows = await current_connection().fetch(
        f"{COHORT_SELECT} WHERE ($1::uuid IS NULL OR c.programme_id = $1) ORDER BY c.starts_on DESC, c.title",
        programme_id,
    )
    return [record(r, CohortRecord) for r in rows]


async def get_enrolment(enrolment_id: UUID) -> EnrolmentRecord:
    row = await current_connection().fetchrow(
        f"SELECT {ENROLMENT_COLUMNS} FROM school_enrolment WHERE id = $1", enrolment_id
    )
    if row is None:
        raise NotFound()
    return record(row, EnrolmentRecord)


async def enrolments_of(cohort_id: UUID, states: tuple[str, ...] = ("accepted",)) -> list[EnrolmentRecord]:
    """A cohort's enrolments in these states; the waiting list in the order people asked."""
    rows = await current_connection().fetch(
        f"""SELECT {ENROLMENT_COLUMNS} FROM school_enrolment WHERE cohort_id = $1 AND state = ANY($2::text[])
            ORDER BY state, requested_at, full_name""",
        cohort_id,
        list(states),
    )
    return [record(r, EnrolmentRecord) for r in rows]


async def trainers_of(cohort_id: UUID) -> list[tuple[UUID, str]]:
    rows = await current_connection().fetch(
        "SELECT user_id, full_name FROM school_cohort_trainer WHERE cohort_id = $1 ORDER BY full_name", cohort_id
    )
    return [(r["user_id"], r["full_name"]) for r in rows]
