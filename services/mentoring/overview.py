"""Counts of pairs for coordinators and for the read model."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.mentoring.records import FormCount, view
from shared.db import current_connection


async def counts(municipality_id: UUID | None = None) -> list[FormCount]:
    """For coordinators: pairs and groups by form and status across the scope."""
    rows = await current_connection().fetch(
        """SELECT f.title AS form, m.status, count(*) AS pairs,
                  count(*) FILTER (WHERE (SELECT count(*) FROM mentorship_mentee mm
                                          WHERE mm.region_id = m.region_id AND mm.mentorship_id = m.id) > 1) AS groups
           FROM mentorship m JOIN mentorship_form f ON f.id = m.form_id
           JOIN organization o ON o.region_id = m.region_id AND o.id = m.organization_id
           WHERE $1::uuid IS NULL OR o.municipality_id = $1
           GROUP BY f.title, f.position, m.status ORDER BY f.position, f.title, m.status""",
        municipality_id,
    )
    return [view(dict(r), FormCount) for r in rows]


async def count_pairs(
    organization_id: UUID | None, municipality_id: UUID | None, starts_on: date, ends_on: date
) -> int:
    """Pairs and groups approved by order that worked during a period, in an organization or a municipality."""
    value = await current_connection().fetchval(
        """SELECT count(*) FROM mentorship m
           JOIN organization o ON o.region_id = m.region_id AND o.id = m.organization_id
           WHERE m.status IN ('approved', 'active', 'completed', 'ended_early')
             AND m.starts_on <= $4 AND coalesce(m.finished_on, m.extended_to, m.ends_on) >= $3
             AND ($1::uuid IS NULL OR m.organization_id = $1) AND ($2::uuid IS NULL OR o.municipality_id = $2)""",
        organization_id,
        municipality_id,
        starts_on,
        ends_on,
    )
    return int(value)


async def completed_pairs(organization_id: UUID, until: date) -> int:
    """Pairs and groups of an organization that completed their programme by a day (a curator's certification)."""
    value = await current_connection().fetchval(
        """SELECT count(*) FROM mentorship m
           WHERE m.organization_id = $1 AND m.status = 'completed'
             AND coalesce(m.finished_on, m.extended_to, m.ends_on) <= $2""",
        organization_id,
        until,
    )
    return int(value)


async def pairs_completed_by(mentor_id: UUID, year: int) -> int:
    """Pairs and groups a person mentored that completed in a calendar year (a contest's eligibility)."""
    value = await current_connection().fetchval(
        """SELECT count(*) FROM mentorship m
           WHERE m.mentor_id = $1 AND m.status = 'completed'
             AND extract(year FROM coalesce(m.finished_on, m.extended_to, m.ends_on)) = $2""",
        mentor_id,
        year,
    )
    return int(value)
