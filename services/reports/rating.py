"""The mentor rating (002 §8.6.5: the mentors' activities and achievements «для подсчета баллов»): points per
activity by transparent rules the region sets, counted for every registry mentor by a job, with the breakdown the
mentor sees. The read model counts it, as it counts the indicators: it reads every domain's tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

import msgspec

from services.registry import CONSENTED
from services.reports.tables import RatingRule
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import Errors


class Source(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    unit: str
    points: Decimal
    max_points: Decimal | None


# The region's rules start from these; each is points per item, up to the maximum.
SOURCES: dict[str, Source] = {
    "pairs_completed": Source(label="Завершённые пары и группы", unit="за пару", points=Decimal(10), max_points=None),
    "meetings": Source(label="Проведённые встречи", unit="за встречу", points=Decimal(1), max_points=Decimal(40)),
    "mentee_growth": Source(
        label="Рост результатов наставляемых", unit="за +1 балл", points=Decimal(5), max_points=Decimal(20)
    ),
    "training": Source(label="Обучение в школе наставников", unit="за программу", points=Decimal(5), max_points=None),
    "certificates": Source(label="Свидетельства и дипломы", unit="за документ", points=Decimal(3), max_points=None),
    "contest_results": Source(
        label="Места и выходы в следующий этап конкурсов", unit="за результат", points=Decimal(10), max_points=None
    ),
    "cases": Source(label="Опубликованные кейсы", unit="за кейс", points=Decimal(5), max_points=None),
    "incentives": Source(label="Поощрения по приказу", unit="за поощрение", points=Decimal(5), max_points=Decimal(30)),
}

# Every registry mentor of the region with an active consent to processing, with what each source counts for them.
FACTS = f"""
WITH mentors AS (
    SELECT DISTINCT ON (pa.organization_id, p.id) p.id, pa.organization_id, o.municipality_id, p.full_name
    FROM participation pa
    JOIN person p ON p.region_id = pa.region_id AND p.id = pa.person_id
    JOIN organization o ON o.region_id = pa.region_id AND o.id = pa.organization_id
    WHERE pa.region_id = $1 AND pa.role = 'mentor' AND pa.archived_at IS NULL
      AND p.merged_into IS NULL AND p.destroyed_at IS NULL AND {CONSENTED}
)
SELECT m.id, m.organization_id, m.municipality_id, m.full_name,
    (SELECT count(*) FROM mentorship s WHERE s.region_id = $1 AND s.mentor_id = m.id AND s.status = 'completed')
        AS pairs_completed,
    (SELECT count(*) FROM meeting x JOIN mentorship s ON s.region_id = x.region_id AND s.id = x.mentorship_id
        WHERE x.region_id = $1 AND s.mentor_id = m.id AND x.held_on <= current_date) AS meetings,
    (SELECT coalesce(avg(a.score) - avg(b.score), 0) FROM mentorship s
        JOIN mentorship_mentee mm ON mm.region_id = s.region_id AND mm.mentorship_id = s.id
        JOIN assessment b ON b.region_id = s.region_id AND b.person_id = mm.mentee_id AND b.stage = 'before'
        JOIN assessment a ON a.region_id = b.region_id AND a.person_id = b.person_id
            AND a.parameter_id = b.parameter_id AND a.stage = 'after'
        WHERE s.region_id = $1 AND s.mentor_id = m.id) AS mentee_growth,
    (SELECT count(*) FROM school_enrolment e WHERE e.region_id = $1 AND e.person_id = m.id
        AND e.outcome = 'completed') AS training,
    (SELECT count(*) FROM certificate c WHERE c.region_id = $1 AND c.person_id = m.id AND c.revoked_at IS NULL)
        AS certificates,
    (SELECT count(*) FROM contest_entry e
        JOIN contest_application ap ON ap.region_id = e.region_id AND ap.id = e.application_id
        JOIN contest_panel pn ON pn.region_id = e.region_id AND pn.id = e.panel_id
        WHERE e.region_id = $1 AND ap.person_id = m.id AND pn.status = 'finished'
          AND pn.results_published_at IS NOT NULL
          AND (e.place IS NOT NULL OR e.state IN ('advanced', 'winner'))) AS contest_results,
    (SELECT count(*) FROM practice_case_participant cp
        JOIN practice_case pc ON pc.region_id = cp.region_id AND pc.id = cp.case_id
        WHERE cp.region_id = $1 AND cp.person_id = m.id AND cp.role = 'mentor' AND pc.status = 'published')
        AS cases,
    (SELECT count(*) FROM mentor_incentive i WHERE i.region_id = $1 AND i.person_id = m.id
        AND i.status = 'effective') AS incentives
FROM mentors m
"""


class RuleRecord(msgspec.Struct, frozen=True, kw_only=True):
    source: str
    label: str
    unit: str
    points: Decimal
    max_points: Decimal | None


class Part(msgspec.Struct, frozen=True, kw_only=True):
    source: str
    count: Decimal
    points: Decimal


class Standing(msgspec.Struct, frozen=True, kw_only=True):
    person_id: UUID
    organization_id: UUID
    municipality_id: UUID
    full_name: str
    points: Decimal
    breakdown: list[Part]
    counted_at: datetime
    place: int = 0


@dataclass
class RulesForm:
    values: dict[str, tuple[str, str]]  # source → (points, max points)


async def rules() -> list[RuleRecord]:
    """The region's rules, the defaults where it has set none."""
    rows = {r["source"]: r for r in await RatingRule.select().run()}
    found = []
    for key, source in SOURCES.items():
        row = rows.get(key)
        found.append(
            RuleRecord(
                source=key,
                label=source.label,
                unit=source.unit,
                points=row["points"] if row else source.points,
                max_points=(row["max_points"] if row else source.max_points),
            )
        )
    return found


def _number(errors: Errors, field: str, text: str, *, optional: bool) -> Decimal | None:
    text = text.strip().replace(",", ".")
    if not text and optional:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value > 1000 * (100 if optional else 1):
        errors.add(field, "Число от 0 до 1000" if not optional else "Число не меньше 0 или пусто (без предела)")
        return None
    return value


async def save_rules(actor: Actor, form: RulesForm) -> None:
    errors = Errors()
    clean: dict[str, tuple[Decimal, Decimal | None]] = {}
    for key in SOURCES:
        points_text, max_text = form.values.get(key, ("", ""))
        points = _number(errors, f"points_{key}", points_text, optional=False)
        maximum = _number(errors, f"max_{key}", max_text, optional=True)
        if points is not None:
            clean[key] = (points, maximum)
    errors.raise_if_any()
    for key, (points, maximum) in clean.items():
        await current_connection().execute(
            """INSERT INTO rating_rule (region_id, source, points, max_points) VALUES ($1, $2, $3, $4)
               ON CONFLICT (region_id, source) DO UPDATE SET points = $3, max_points = $4""",
            actor.region_id,
            key,
            points,
            maximum,
        )
    await audit(actor, "rating.rules", None, "правила рейтинга изменены")


def score(facts: dict[str, Any], rules_: list[RuleRecord]) -> tuple[Decimal, list[Part]]:
    """Each source's count × its points, at most its maximum; the mentees' growth counts only upwards."""
    parts = []
    for rule in rules_:
        count = Decimal(str(facts.get(rule.source) or 0)).quantize(Decimal("0.01"))
        if rule.source == "mentee_growth":
            count = max(count, Decimal(0))
        points = count * rule.points
        if rule.max_points is not None:
            points = min(points, rule.max_points)
        parts.append(Part(source=rule.source, count=count, points=points.quantize(Decimal("0.01"))))
    return sum((p.points for p in parts), Decimal(0)), parts


async def count_region(region_id: UUID, progress: Callable[[int, int], None] | None = None) -> int:
    """Every registry mentor of the region, counted again in one transaction (the job's whole work)."""
    connection = current_connection()
    current = await rules()
    rows = await connection.fetch(FACTS, region_id)
    moment = now()
    await connection.execute("DELETE FROM mentor_rating WHERE region_id = $1", region_id)
    records = []
    for n, row in enumerate(rows, 1):
        if progress is not None:
            progress(n, len(rows))
        total, parts = score(dict(row), current)
        breakdown = json.dumps([msgspec.to_builtins(p) for p in parts])
        records.append(
            (
                region_id,
                row["organization_id"],
                row["municipality_id"],
                row["id"],
                row["full_name"],
                total,
                breakdown,
                moment,
            )
        )
    await connection.executemany(
        """INSERT INTO mentor_rating (region_id, organization_id, municipality_id, person_id, full_name, points,
               breakdown, counted_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)""",
        records,
    )
    return len(records)


def _standing(row: Any, place: int = 0) -> Standing:
    breakdown = row["breakdown"]
    parts = json.loads(breakdown) if isinstance(breakdown, str) else breakdown
    return Standing(
        person_id=row["person_id"],
        organization_id=row["organization_id"],
        municipality_id=row["municipality_id"],
        full_name=row["full_name"],
        points=row["points"],
        breakdown=msgspec.convert(parts, list[Part], strict=False),
        counted_at=row["counted_at"],
        place=place,
    )


async def standings(municipality_id: UUID | None = None, organization_id: UUID | None = None) -> list[Standing]:
    """The mentors the scope sees, best first, with their places (equal points share a place)."""
    rows = await current_connection().fetch(
        """SELECT *, rank() OVER (ORDER BY points DESC) AS place FROM mentor_rating
           WHERE ($1::uuid IS NULL OR municipality_id = $1) AND ($2::uuid IS NULL OR organization_id = $2)
           ORDER BY points DESC, full_name""",
        municipality_id,
        organization_id,
    )
    return [_standing(r, int(r["place"])) for r in rows]


async def rating_of(person_ids: list[UUID]) -> list[Standing]:
    """These people's counted points (a mentor's cabinet, the public page with consent)."""
    rows = await current_connection().fetch(
        "SELECT * FROM mentor_rating WHERE person_id = ANY($1::uuid[]) ORDER BY points DESC", person_ids
    )
    return [_standing(r) for r in rows]
