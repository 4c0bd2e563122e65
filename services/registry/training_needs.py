"""The mentors' training needs from their questionnaires (000 §4.2), for the mentor school's planning page."""

from __future__ import annotations

from uuid import UUID

import msgspec

from services.registry.people import CONSENTED, MENTOR_BASE
from shared.db import current_connection

MENTOR_QUESTIONNAIRE = "mentor_offer"  # «Чем я могу быть полезен в качестве наставника?», section «Обучение»


class MentorNeeds(msgspec.Struct, frozen=True, kw_only=True):
    """A mentor or candidate of the mentor base in one municipality, and what their latest questionnaire asks to
    learn; a person of two municipalities has a line in each."""

    person_id: UUID
    municipality_id: UUID
    municipality_name: str
    answered: bool
    topics: list[str]
    other: bool  # named something else to learn in their own words


async def mentor_training_needs(
    organization_id: UUID | None = None, municipality_id: UUID | None = None
) -> list[MentorNeeds]:
    """The consenting mentor base of an organization, a municipality or the whole scope, as RLS lets it be seen."""
    rows = await current_connection().fetch(
        f"""SELECT DISTINCT ON (mu.sort_key, mu.id, p.id) p.id AS person_id, mu.id AS municipality_id,
                   mu.name AS municipality_name, x.answers
            FROM person p
            JOIN participation pa ON pa.region_id = p.region_id AND pa.person_id = p.id AND pa.archived_at IS NULL
            JOIN organization o ON o.region_id = pa.region_id AND o.id = pa.organization_id
            JOIN municipality mu ON mu.region_id = o.region_id AND mu.id = o.municipality_id
            LEFT JOIN LATERAL (
                SELECT a.answers FROM questionnaire_answer a JOIN questionnaire_template t ON t.id = a.template_id
                WHERE a.region_id = p.region_id AND a.person_id = p.id AND t.code = $3
                ORDER BY a.submitted_at DESC LIMIT 1) x ON true
            WHERE pa.role = ANY($4::text[]) AND p.merged_into IS NULL AND p.destroyed_at IS NULL AND {CONSENTED}
              AND ($1::uuid IS NULL OR o.id = $1) AND ($2::uuid IS NULL OR o.municipality_id = $2)
            ORDER BY mu.sort_key, mu.id, p.id""",
        organization_id,
        municipality_id,
        MENTOR_QUESTIONNAIRE,
        [role.value for role in MENTOR_BASE],
    )
    found = []
    for row in rows:
        answers = row["answers"] or {}
        chosen = answers.get("training")
        topics = [str(v) for v in chosen] if isinstance(chosen, list) else [chosen] if isinstance(chosen, str) else []
        found.append(
            MentorNeeds(
                person_id=row["person_id"],
                municipality_id=row["municipality_id"],
                municipality_name=row["municipality_name"],
                answered=row["answers"] is not None,
                topics=[t for t in topics if t],
                other=bool(str(answers.get("training_other") or "").strip()),
            )
        )
    return found
