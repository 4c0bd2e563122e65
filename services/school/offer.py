"""The mentor school's public offer: published programmes with their modules and the cohorts taking people now.

Read under the visitor's scope (the public one for an anonymous visitor): RLS lets it see published programmes and
cohorts only. The free places are a count over enrolments that scope cannot read, so that one count runs widened
to the region and returns numbers, never a row about a person.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec

from services.school.records import CohortRecord, ModuleRecord, list_cohorts, list_programmes, list_schools, modules_of
from services.school.tables import AUDIENCE_LABELS, FORMAT_LABELS, TRAINING_LABELS, Audience, ModuleFormat, Training
from shared.db import Scope, current_connection, widened


class OfferedModule(msgspec.Struct, frozen=True, kw_only=True):
    topic: str
    hours: Decimal
    format: str  # as printed


class OfferedCohort(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    starts_on: date
    ends_on: date
    place: str
    online_link: str
    capacity: int
    free_places: int


class OfferedProgramme(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    description: str
    school_name: str
    training: str  # as printed
    audience: list[str]  # as printed
    hours: Decimal
    region_wide: bool
    municipality_ids: list[UUID]
    modules: list[OfferedModule]
    cohorts: list[OfferedCohort]


class Region(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str


async def regions() -> list[Region]:
    """The regions a visitor may choose among (their names are public)."""
    rows = await current_connection().fetch("SELECT id, name FROM region ORDER BY sort_key, name")
    return [Region(id=r["id"], name=r["name"]) for r in rows]


def _taking_people(cohort: CohortRecord, today: date) -> bool:
    return cohort.published and cohort.enrolment_open and cohort.cancelled_at is None and cohort.starts_on >= today


async def _accepted(region_id: UUID, cohort_ids: list[UUID]) -> dict[UUID, int]:
    async with widened(Scope.for_region(region_id)):
        rows = await current_connection().fetch(
            """SELECT cohort_id, count(*) AS accepted FROM school_enrolment
               WHERE region_id = $1 AND cohort_id = ANY($2::uuid[]) AND state = 'accepted' GROUP BY cohort_id""",
            region_id,
            cohort_ids,
        )
    return {r["cohort_id"]: int(r["accepted"]) for r in rows}


def _module(module: ModuleRecord) -> OfferedModule:
    return OfferedModule(topic=module.topic, hours=module.hours, format=FORMAT_LABELS[ModuleFormat(module.format)])


async def public_offer(region_id: UUID, today: date, municipality_id: UUID | None = None) -> list[OfferedProgramme]:
    """Published programmes of the region's schools (only those reaching `municipality_id` when it is given)."""
    schools = {s.id: s.name for s in await list_schools()}
    cohorts = [c for c in await list_cohorts() if _taking_people(c, today)]
    accepted = await _accepted(region_id, [c.id for c in cohorts])
    offered = []
    for programme in await list_programmes():
        if not programme.published or programme.archived_at is not None or programme.region_id != region_id:
            continue
        if municipality_id is not None and not (
            programme.offered_to_all or municipality_id in programme.municipality_ids
        ):
            continue
        own = sorted((c for c in cohorts if c.programme_id == programme.id), key=lambda c: (c.starts_on, c.title))
        offered.append(
            OfferedProgramme(
                id=programme.id,
                title=programme.title,
                description=programme.description,
                school_name=schools.get(programme.school_id, ""),
                training=TRAINING_LABELS[Training(programme.training)],
                audience=[AUDIENCE_LABELS[Audience(a)] for a in programme.audience],
                hours=programme.hours,
                region_wide=programme.offered_to_all,
                municipality_ids=programme.municipality_ids,
                modules=[_module(m) for m in await modules_of(programme.id)],
                cohorts=[
                    OfferedCohort(
                        id=c.id,
                        title=c.title,
                        starts_on=c.starts_on,
                        ends_on=c.ends_on,
                        place=c.place,
                        online_link=c.online_link,
                        capacity=c.capacity,
                        free_places=max(c.capacity - accepted.get(c.id, 0), 0),
                    )
                    for c in own
                ],
            )
        )
    return offered
