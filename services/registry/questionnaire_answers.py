"""Questionnaire answers: saving them, showing them on the card, and the profiles matching compares."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from services.registry.people import CONSENTED
from services.registry.questionnaires import Answer, Answers, TemplateBody
from services.registry.tables import Category
from shared.actor import Actor
from shared.audit import audit
from shared.db import current_connection


async def save_answers(
    actor: Actor,
    person_id: UUID,
    template_id: UUID,
    answers: Answers,
    tags: list[str],
    request_id: UUID | None = None,
) -> None:
    assert actor.organization_id is not None
    await current_connection().execute(
        """INSERT INTO questionnaire_answer (region_id, organization_id, person_id, template_id, request_id,
                                            answers, tags)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)""",
        actor.region_id,
        actor.organization_id,
        person_id,
        template_id,
        request_id,
        answers,
        tags,
    )
    await audit(actor, "questionnaire", person_id, "получены ответы на анкету")


class GivenAnswers(msgspec.Struct, kw_only=True):
    """One filled questionnaire, with the questions of the version it was given to."""

    id: UUID
    answers: Answers
    tags: list[str]
    submitted_at: datetime
    title: str
    version: int
    entries: list[tuple[str, Answer]]  # question text and answer, in the template's order


async def person_answers(person_id: UUID) -> list[GivenAnswers]:
    """Each answer with the version of the template it was given to, so old answers keep their questions."""
    rows = await current_connection().fetch(
        """SELECT a.id, a.answers, a.tags, a.submitted_at, t.title, t.version, t.body
           FROM questionnaire_answer a JOIN questionnaire_template t ON t.id = a.template_id
           WHERE a.person_id = $1 ORDER BY a.submitted_at DESC""",
        person_id,
    )
    result = []
    for row in rows:
        answers = row["answers"]
        items = [
            (q.text, answers[q.code]) for q in msgspec.convert(row["body"], TemplateBody).questions if q.code in answers
        ]
        result.append(msgspec.convert({**dict(row), "entries": items}, GivenAnswers))
    return result


class MatchingProfile(msgspec.Struct, kw_only=True):
    id: UUID
    category: Category
    birth_date: date | None
    subject: str
    teaching_experience: int | None
    class_or_course: str
    tags: list[str]
    answers: dict[str, Answers]  # the latest answers by template code


async def matching_profiles(person_ids: list[UUID]) -> dict[UUID, MatchingProfile]:
    """What matching compares, for consenting people only: category, age, subject, #tags and the answers
    of their latest questionnaires (meeting times, preferred mentee ages)."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.category, p.birth_date, p.subject, p.teaching_experience, p.class_or_course,
                   coalesce((SELECT array_agg(DISTINCT t) FROM questionnaire_answer qa, unnest(qa.tags) t
                             WHERE qa.region_id = p.region_id AND qa.person_id = p.id), '{{}}') AS tags,
                   coalesce((SELECT jsonb_object_agg(x.code, x.answers) FROM (
                       SELECT DISTINCT ON (t.code) t.code, qa.answers FROM questionnaire_answer qa
                       JOIN questionnaire_template t ON t.id = qa.template_id
                       WHERE qa.region_id = p.region_id AND qa.person_id = p.id
                       ORDER BY t.code, qa.submitted_at DESC) x), '{{}}') AS answers
            FROM person p WHERE p.id = ANY($1::uuid[]) AND p.merged_into IS NULL AND {CONSENTED}""",
        person_ids,
    )
    profiles = {}
    for row in rows:
        profiles[row["id"]] = msgspec.convert(dict(row), MatchingProfile)
    return profiles
