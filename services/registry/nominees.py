"""What a contest's eligibility reads of a person: their live roles, teaching experience and birth date."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from shared.db import current_connection
from shared.errors import NotFound


class ContestProfile(msgspec.Struct, frozen=True, kw_only=True):
    person_id: UUID
    organization_id: UUID
    full_name: str
    roles: list[str]
    teaching_experience: int | None
    birth_date: date | None


async def contest_profile(person_id: UUID) -> ContestProfile:
    row = await current_connection().fetchrow(
        """SELECT p.id, p.organization_id, p.full_name, p.teaching_experience, p.birth_date,
                  coalesce(array_agg(DISTINCT r.role) FILTER (WHERE r.id IS NOT NULL), '{}') AS roles
           FROM person p LEFT JOIN participation r
             ON r.region_id = p.region_id AND r.person_id = p.id AND r.archived_at IS NULL
           WHERE p.id = $1 AND p.destroyed_at IS NULL GROUP BY p.id, p.region_id""",
        person_id,
    )
    if row is None:
        raise NotFound()
    return ContestProfile(
        person_id=row["id"],
        organization_id=row["organization_id"],
        full_name=row["full_name"],
        roles=list(row["roles"]),
        teaching_experience=row["teaching_experience"],
        birth_date=row["birth_date"],
    )
