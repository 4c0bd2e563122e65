"""An organization's contingent per school year: the learners and pedagogical workers it has, which the target
shares divide by (not the people already entered in its bases)."""

from __future__ import annotations

from uuid import UUID

import msgspec

from shared.actor import Actor
from shared.clock import now
from shared.db import current_connection


class ContingentRecord(msgspec.Struct, frozen=True, kw_only=True):
    organization_id: UUID
    school_year: int  # the year it starts in: 2026 is 2026/27
    learners_total: int
    learners_10_18: int | None = None
    learners_by_grade: dict[str, int] = msgspec.field(default_factory=dict)
    teachers: int
    young_specialists: int | None = None


_COLUMNS = (
    "organization_id, school_year, learners_total, learners_10_18, learners_by_grade, teachers, young_specialists"
)


def _record(row: object) -> ContingentRecord:
    values = dict(row)  # type: ignore[call-overload]
    grades = values["learners_by_grade"]
    values["learners_by_grade"] = msgspec.json.decode(grades) if isinstance(grades, str | bytes) else grades
    return msgspec.convert(values, ContingentRecord)


async def contingents(school_year: int, organization_ids: list[UUID] | None = None) -> dict[UUID, ContingentRecord]:
    """The contingents of one school year that the scope sees, by organization; an organization absent here has
    no data (never a zero)."""
    rows = await current_connection().fetch(
        f"""SELECT {_COLUMNS} FROM organization_contingent
            WHERE school_year = $1 AND ($2::uuid[] IS NULL OR organization_id = ANY($2::uuid[]))""",
        school_year,
        organization_ids,
    )
    return {row["organization_id"]: _record(row) for row in rows}


async def save_contingent(actor: Actor, record: ContingentRecord) -> None:
    """Insert or replace one organization's contingent for a school year (validated by the caller's form)."""
    await current_connection().execute(
        f"""INSERT INTO organization_contingent (region_id, {_COLUMNS}, updated_by, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)
            ON CONFLICT (region_id, organization_id, school_year) DO UPDATE SET
                learners_total = EXCLUDED.learners_total, learners_10_18 = EXCLUDED.learners_10_18,
                learners_by_grade = EXCLUDED.learners_by_grade, teachers = EXCLUDED.teachers,
                young_specialists = EXCLUDED.young_specialists, updated_by = EXCLUDED.updated_by,
                updated_at = EXCLUDED.updated_at""",
        actor.region_id,
        record.organization_id,
        record.school_year,
        record.learners_total,
        record.learners_10_18,
        msgspec.json.encode(record.learners_by_grade).decode(),
        record.teachers,
        record.young_specialists,
        actor.user_id,
        now(),
    )
