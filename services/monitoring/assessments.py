"""Influence of the programme on its participants (001, 004): the curator scores each mentee and mentor on the
programme's parameters at the start and at the end; the change is shown per person, per pair and per form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import mean
from typing import Any
from uuid import UUID

import msgspec

from services.mentoring import list_pairs
from services.monitoring.tables import Assessment, AssessmentParameter
from services.programmes import ProgrammeRecord
from shared.actor import Actor
from shared.audit import audit
from shared.clock import today
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed

DEFAULT_PARAMETERS = (
    "Учебные (профессиональные) результаты",
    "Мотивация",
    "Вовлечённость в жизнь организации",
    "Тревожность (обратная шкала: 10 — спокойствие)",
    "Самооценка",
    "Профессиональные компетенции",
)
STAGES = {"before": "В начале", "after": "В конце"}


async def parameters(programme: ProgrammeRecord) -> list[dict[str, Any]]:
    """The programme's parameters; the default list of the seeds the first time they are asked for."""
    rows = (
        await AssessmentParameter.select()
        .where(AssessmentParameter.programme_id == programme.id)
        .order_by(AssessmentParameter.position)
        .run()
    )
    if rows or programme.organization_id is None:
        return list(rows)
    for position, title in enumerate(DEFAULT_PARAMETERS):
        await _insert_parameter(programme, position, title)
    return await parameters(programme)


async def _insert_parameter(programme: ProgrammeRecord, position: int, title: str) -> None:
    await AssessmentParameter.insert(
        AssessmentParameter(
            region_id=programme.region_id,
            organization_id=programme.organization_id,
            programme_id=programme.id,
            position=position,
            title=title,
        )
    ).run()


async def add_parameter(programme: ProgrammeRecord, title: str) -> None:
    title = " ".join(title.split())
    if not title:
        raise ValidationFailed({"title": "Назовите параметр, например «Уверенность в выступлениях»"})
    existing = await parameters(programme)
    if any(p["title"].lower() == title.lower() for p in existing):
        raise ValidationFailed({"title": "Такой параметр уже есть"})
    await _insert_parameter(programme, len(existing), title)


async def remove_parameter(programme: ProgrammeRecord, parameter_id: UUID) -> None:
    if not any(p["id"] == parameter_id for p in await parameters(programme)):
        raise NotFound()
    await AssessmentParameter.delete().where(AssessmentParameter.id == parameter_id).run()


async def participants(programme: ProgrammeRecord) -> list[dict[str, Any]]:
    """Everyone in the programme's approved pairs: each mentee with the pair's form, and each mentor."""
    people: dict[UUID, dict[str, Any]] = {}
    for pair in await list_pairs(programme_id=programme.id):
        if pair.status == "draft":
            continue
        for mentee_id, mentee in zip(pair.mentee_ids, pair.mentees, strict=True):
            people.setdefault(
                mentee_id,
                {
                    "id": mentee_id,
                    "full_name": mentee.full_name,
                    "role": "mentee",
                    "form": pair.form_title,
                    "pair_id": pair.id,
                    "consented": mentee.consented,
                },
            )
        people.setdefault(
            pair.mentor_id,
            {
                "id": pair.mentor_id,
                "full_name": pair.mentor.full_name,
                "role": "mentor",
                "form": pair.form_title,
                "pair_id": pair.id,
                "consented": pair.mentor.consented,
            },
        )
    return sorted(people.values(), key=lambda p: (p["role"] != "mentee", p["full_name"]))


@dataclass
class Score:
    person_id: str
    parameter_id: str
    stage: str
    score: str


async def save_scores(actor: Actor, programme: ProgrammeRecord, scores: list[Score], on: date | None = None) -> int:
    """Scores of consenting participants only; an empty field leaves a score as it is."""
    errors = Errors()
    allowed_people = {str(p["id"]): p for p in await participants(programme)}
    allowed_parameters = {str(p["id"]) for p in await parameters(programme)}
    valid: list[tuple[Score, int]] = []
    for n, item in enumerate(scores):
        if not item.score.strip():
            continue
        person = allowed_people.get(item.person_id)
        if person is None or item.parameter_id not in allowed_parameters or item.stage not in STAGES:
            raise NotFound()
        if not person["consented"]:
            errors.add(f"scores.{n}", f"{person['full_name']}: нет согласия на обработку персональных данных")
            continue
        try:
            value = int(item.score)
            if not 1 <= value <= 10:
                raise ValueError
        except ValueError:
            errors.add(f"scores.{n}", f"{person['full_name']}: оценка от 1 до 10")
            continue
        valid.append((item, value))
    errors.raise_if_any()  # nothing is written unless every score is right
    for item, value in valid:
        await current_connection().execute(
            """INSERT INTO assessment (region_id, organization_id, parameter_id, person_id, stage, score,
                                       assessed_on, assessed_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
               ON CONFLICT (region_id, parameter_id, person_id, stage)
               DO UPDATE SET score = EXCLUDED.score, assessed_on = EXCLUDED.assessed_on,
                             assessed_by = EXCLUDED.assessed_by""",
            programme.region_id,
            programme.organization_id,
            UUID(item.parameter_id),
            UUID(item.person_id),
            item.stage,
            value,
            on or today(),
            actor.user_id,
        )
    for person_id in {UUID(item.person_id) for item, _ in valid}:
        await audit(actor, "change", person_id, "оценка влияния программы")
    saved = len(valid)
    return saved


@dataclass
class Influence:
    scores: dict[tuple[UUID, UUID, str], int]  # (person, parameter, stage) → score
    per_person: dict[UUID, float | None]
    per_pair: dict[UUID, float | None]
    per_form: dict[str, float | None]
    per_parameter: dict[UUID, float | None]


def _change(before: list[int], after: list[int]) -> float | None:
    return round(mean(after) - mean(before), 2) if before and after else None


async def influence(programme: ProgrammeRecord) -> Influence:
    """Change = mean score after − mean score before, over the parameters scored at both stages."""
    rows = (
        await Assessment.select()
        .where(Assessment.parameter_id.is_in([p["id"] for p in await parameters(programme)] or [UUID(int=0)]))
        .run()
    )
    people = await participants(programme)
    consented = {p["id"] for p in people if p["consented"]}
    scores = {(r["person_id"], r["parameter_id"], r["stage"]): r["score"] for r in rows if r["person_id"] in consented}

    def pairs_of(person_ids: set[UUID], parameter_ids: set[UUID] | None = None) -> tuple[list[int], list[int]]:
        before: list[int] = []
        after: list[int] = []
        for (person, parameter, stage), score in scores.items():
            if person not in person_ids or (parameter_ids is not None and parameter not in parameter_ids):
                continue
            if (person, parameter, "before") in scores and (person, parameter, "after") in scores:
                (before if stage == "before" else after).append(score)
        return before, after

    per_person = {p["id"]: _change(*pairs_of({p["id"]})) for p in people if p["consented"]}
    mentees = [p for p in people if p["role"] == "mentee"]
    per_pair = {
        pair_id: _change(*pairs_of({p["id"] for p in mentees if p["pair_id"] == pair_id}))
        for pair_id in {p["pair_id"] for p in mentees}
    }
    per_form = {
        form: _change(*pairs_of({p["id"] for p in mentees if p["form"] == form}))
        for form in {p["form"] for p in mentees}
    }
    per_parameter = {
        parameter_id: _change(*pairs_of({p["id"] for p in mentees}, {parameter_id}))
        for parameter_id in {k[1] for k in scores}
    }
    return Influence(scores, per_person, per_pair, per_form, per_parameter)


class ScoreChange(msgspec.Struct, frozen=True, kw_only=True):
    before: float
    after: float

    @property
    def change(self) -> float:
        return round(self.after - self.before, 2)


async def score_change(person_ids: list[UUID]) -> ScoreChange | None:
    """These people's mean scores at the start and at the end, over the parameters each was scored on at both
    (a pair's results before and after, as a contest portfolio shows them); None when nothing was scored twice."""
    row = await current_connection().fetchrow(
        """SELECT avg(b.score) AS before, avg(a.score) AS after FROM assessment b
           JOIN assessment a ON a.region_id = b.region_id AND a.person_id = b.person_id
               AND a.parameter_id = b.parameter_id AND a.stage = 'after'
           WHERE b.stage = 'before' AND b.person_id = ANY($1::uuid[])""",
        person_ids,
    )
    if row is None or row["before"] is None:
        return None
    return ScoreChange(before=round(float(row["before"]), 2), after=round(float(row["after"]), 2))
