"""What a person has learned at the mentor school: read by the curator certification, the cabinet and the card."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec

from shared.db import current_connection


class TrainingRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One enrolment of a person and how it ended (outcome None: not finished yet)."""

    enrolment_id: UUID
    person_id: UUID
    organization_id: UUID
    cohort_id: UUID
    cohort_title: str
    programme_id: UUID
    programme_title: str
    school_name: str
    training: str  # primary | in_process
    starts_on: date
    ends_on: date
    state: str
    outcome: str | None
    hours_attended: Decimal
    programme_hours: Decimal
    completed_on: date | None


async def training_of(person_ids: list[UUID]) -> list[TrainingRecord]:
    """Accepted enrolments of these people (one person may have records in two organizations), newest first."""
    rows = await current_connection().fetch(
        """SELECT e.id AS enrolment_id, e.person_id, e.organization_id, c.id AS cohort_id, c.title AS cohort_title,
                  p.id AS programme_id, p.title AS programme_title, s.name AS school_name, p.training,
                  c.starts_on, c.ends_on, e.state, e.outcome, e.hours_attended, e.completed_on,
                  coalesce((SELECT sum(m.hours) FROM school_module m
                            WHERE m.region_id = p.region_id AND m.programme_id = p.id), 0) AS programme_hours
           FROM school_enrolment e
           JOIN school_cohort c ON c.region_id = e.region_id AND c.id = e.cohort_id
           JOIN school_programme p ON p.region_id = c.region_id AND p.id = c.programme_id
           JOIN mentor_school s ON s.region_id = p.region_id AND s.id = p.school_id
           WHERE e.person_id = ANY($1::uuid[]) AND e.state = 'accepted'
           ORDER BY c.starts_on DESC, p.title""",
        person_ids,
    )
    return [msgspec.convert(dict(r), TrainingRecord) for r in rows]


async def completed_hours(person_ids: list[UUID], until: date) -> Decimal:
    """Hours of the mentor school's training these people completed by `until` (a curator's requirement)."""
    value = await current_connection().fetchval(
        """SELECT coalesce(sum(e.hours_attended), 0) FROM school_enrolment e
           WHERE e.person_id = ANY($1::uuid[]) AND e.outcome = 'completed' AND e.completed_on <= $2""",
        person_ids,
        until,
    )
    return Decimal(value)
