"""Who completed a cohort: what the certificates are issued from. (Minimal reader; the completion rules write
`outcome` and `completed_on`.)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec

from shared.db import current_connection
from shared.i18n import sort_key


class Completion(msgspec.Struct, frozen=True, kw_only=True):
    """One participant who completed a cohort, with what their certificate states."""

    enrolment_id: UUID
    person_id: UUID
    user_id: UUID | None
    organization_id: UUID
    full_name: str
    programme_title: str
    programme_hours: Decimal
    hours_attended: Decimal
    starts_on: date
    ends_on: date
    completed_on: date | None
    school_name: str
    signatory_name: str
    signatory_position: str


async def completed_of(cohort_id: UUID) -> list[Completion]:
    """The cohort's accepted participants whose outcome is «completed», by name."""
    rows = await current_connection().fetch(
        """SELECT e.id AS enrolment_id, e.person_id, e.user_id, e.organization_id, e.full_name,
                  p.title AS programme_title, e.hours_attended, c.starts_on, c.ends_on, e.completed_on,
                  s.name AS school_name, s.signatory_name, s.signatory_position,
                  coalesce((SELECT sum(m.hours) FROM school_module m
                            WHERE m.region_id = p.region_id AND m.programme_id = p.id), 0) AS programme_hours
           FROM school_enrolment e
           JOIN school_cohort c ON c.region_id = e.region_id AND c.id = e.cohort_id
           JOIN school_programme p ON p.region_id = c.region_id AND p.id = c.programme_id
           JOIN mentor_school s ON s.region_id = p.region_id AND s.id = p.school_id
           WHERE e.cohort_id = $1 AND e.state = 'accepted' AND e.outcome = 'completed'""",
        cohort_id,
    )
    return sorted((msgspec.convert(dict(r), Completion) for r in rows), key=lambda c: sort_key(c.full_name))
