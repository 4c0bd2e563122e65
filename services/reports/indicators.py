"""The indicators of the target model for an organization, a municipality or the region, for any period.

Only people with an active consent are counted (processing needs it); a learner is counted in the 10–18 window
by age on the last day of the period. The queries run under the viewer's scope, so RLS bounds every number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from shared.db import current_connection

TARGET_SHARE = 70  # % of learners and teachers involved in mentoring (the national target of the seeds)
WORKING = ("approved", "active", "completed", "ended_early")

CONSENTED = """EXISTS (SELECT 1 FROM consent c WHERE c.region_id = p.region_id AND c.person_id = p.id
               AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL AND c.given_on <= $4)"""


@dataclass(frozen=True)
class Reach:
    """Which organizations: one, a municipality's, or (both None) all the viewer's scope holds."""

    organization_id: UUID | None = None
    municipality_id: UUID | None = None


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date


# $1 organization, $2 municipality, $3 period start, $4 period end
ORGANIZATIONS = """SELECT o.id FROM organization o WHERE o.kind <> 'municipal_body'
    AND ($1::uuid IS NULL OR o.id = $1) AND ($2::uuid IS NULL OR o.municipality_id = $2)"""
PAIRS = f"""SELECT m.* FROM mentorship m WHERE m.organization_id IN ({ORGANIZATIONS})
    AND m.starts_on <= $4 AND coalesce(m.finished_on, m.extended_to, m.ends_on) >= $3"""
PEOPLE = f"""SELECT DISTINCT p.id, p.category, p.birth_date FROM person p
    JOIN participation pa ON pa.region_id = p.region_id AND pa.person_id = p.id AND pa.archived_at IS NULL
    WHERE pa.organization_id IN ({ORGANIZATIONS}) AND p.merged_into IS NULL AND {CONSENTED}"""
INVOLVED = f"""SELECT m.mentor_id AS id FROM ({PAIRS}) m WHERE m.status = ANY('{{{",".join(WORKING)}}}')
    UNION SELECT mm.mentee_id FROM mentorship_mentee mm JOIN ({PAIRS}) m ON m.id = mm.mentorship_id
    WHERE m.status = ANY('{{{",".join(WORKING)}}}')"""
LEARNERS_10_18 = f"""SELECT x.id FROM ({PEOPLE}) x WHERE x.category = 'learner'
    AND x.birth_date > ($4::date - interval '19 years') AND x.birth_date <= ($4::date - interval '10 years')"""
TEACHERS = f"SELECT x.id FROM ({PEOPLE}) x WHERE x.category = 'staff'"

# Each pair's longest wait between meetings within the period (from its start, and up to its end or today).
GAPS = f"""SELECT m.id, max(g.gap) AS longest FROM ({PAIRS}) m
    CROSS JOIN LATERAL (
        SELECT d - lag(d) OVER (ORDER BY d) AS gap FROM (
            SELECT greatest(m.starts_on, $3) AS d
            UNION ALL SELECT x.held_on FROM meeting x WHERE x.region_id = m.region_id AND x.mentorship_id = m.id
                AND x.held_on BETWEEN greatest(m.starts_on, $3) AND $4
            UNION ALL SELECT least(coalesce(m.finished_on, m.extended_to, m.ends_on), $4, current_date)) days) g
    WHERE m.status = ANY('{{{",".join(WORKING)}}}') GROUP BY m.id"""


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


async def compute(reach: Reach, period: Period) -> dict[str, Any]:
    args = (reach.organization_id, reach.municipality_id, period.starts_on, period.ends_on)
    row = await current_connection().fetchrow(
        f"""SELECT
            (SELECT count(*) FROM ({LEARNERS_10_18}) l) AS learners,
            (SELECT count(*) FROM ({LEARNERS_10_18}) l WHERE l.id IN ({INVOLVED})) AS learners_involved,
            (SELECT count(*) FROM ({TEACHERS}) t) AS teachers,
            (SELECT count(*) FROM ({TEACHERS}) t WHERE t.id IN ({INVOLVED})) AS teachers_involved,
            (SELECT count(*) FROM ({PAIRS}) m WHERE m.status = ANY('{{{",".join(WORKING)}}}')) AS pairs,
            (SELECT count(*) FROM ({PAIRS}) m WHERE m.status = ANY('{{{",".join(WORKING)}}}')
                AND (SELECT count(*) FROM mentorship_mentee mm WHERE mm.mentorship_id = m.id) > 1) AS groups,
            (SELECT count(*) FROM meeting x JOIN ({PAIRS}) m ON m.id = x.mentorship_id
                WHERE x.held_on BETWEEN $3 AND $4) AS meetings,
            (SELECT coalesce(sum(greatest(0, least(coalesce(m.finished_on, m.extended_to, m.ends_on), $4, current_date)
                - greatest(m.starts_on, $3) + 1)), 0)
             FROM ({PAIRS}) m WHERE m.status = ANY('{{{",".join(WORKING)}}}')) AS pair_days,
            (SELECT count(*) FROM ({GAPS}) g) AS rhythm_pairs,
            (SELECT count(*) FROM ({GAPS}) g WHERE g.longest <= 14) AS rhythm_ok,
            (SELECT count(*) FROM ({PAIRS}) m WHERE m.status = 'completed' AND m.finished_on BETWEEN $3 AND $4)
                AS completed,
            (SELECT count(*) FROM ({PAIRS}) m WHERE m.status = 'ended_early' AND m.finished_on BETWEEN $3 AND $4)
                AS ended_early,
            (SELECT count(*) FROM ({ORGANIZATIONS}) o) AS organizations,
            (SELECT count(DISTINCT p.organization_id) FROM programme p WHERE p.organization_id IN ({ORGANIZATIONS})
                AND p.approved_order_id IS NOT NULL AND p.starts_on <= $4 AND p.ends_on >= $3)
                AS organizations_with_programme,
            (SELECT count(*) FROM roadmap_event e WHERE e.organization_id IN ({ORGANIZATIONS})
                AND e.status = 'done' AND e.done_on BETWEEN $3 AND $4) AS events_held,
            (SELECT count(DISTINCT pa.person_id) FROM participation pa WHERE pa.organization_id IN ({ORGANIZATIONS})
                AND pa.role = 'mentor_candidate' AND pa.archived_at IS NULL) AS mentor_candidates,
            (SELECT count(DISTINCT pa.person_id) FROM participation pa WHERE pa.organization_id IN ({ORGANIZATIONS})
                AND pa.role = 'mentor' AND pa.archived_at IS NULL) AS mentors,
            (SELECT round(avg(a2.score - a1.score), 2) FROM assessment a1
                JOIN assessment a2 ON a2.region_id = a1.region_id AND a2.parameter_id = a1.parameter_id
                    AND a2.person_id = a1.person_id AND a2.stage = 'after'
                WHERE a1.stage = 'before' AND a1.organization_id IN ({ORGANIZATIONS})
                    AND a2.assessed_on BETWEEN $3 AND $4) AS influence_change""",
        *args,
    )
    values = dict(row)
    values["influence_change"] = None if values["influence_change"] is None else float(values["influence_change"])
    values["learners_share"] = share(values["learners_involved"], values["learners"])
    values["teachers_share"] = share(values["teachers_involved"], values["teachers"])
    months = values["pair_days"] / 30.44
    values["meetings_per_pair_month"] = round(values["meetings"] / months, 2) if months else None
    values["rhythm_share"] = share(values["rhythm_ok"], values["rhythm_pairs"])
    finished = values["completed"] + values["ended_early"]
    values["completion_rate"] = share(values["completed"], finished)
    values["early_end_rate"] = share(values["ended_early"], finished)
    values["satisfaction"] = await satisfaction(args)
    values["by_form"] = await by_form(args)
    return values


async def satisfaction(args: tuple[Any, ...]) -> dict[str, float | None]:
    """Average of the scale answers of the mentors' and the mentees' satisfaction questionnaires in the period."""
    rows = await current_connection().fetch(
        f"""SELECT t.code, avg(v.value::text::numeric) AS average
            FROM questionnaire_answer qa JOIN questionnaire_template t ON t.id = qa.template_id
            CROSS JOIN LATERAL jsonb_each(qa.answers) v
            WHERE t.code IN ('satisfaction_mentor', 'satisfaction_mentee') AND jsonb_typeof(v.value) = 'number'
              AND qa.organization_id IN ({ORGANIZATIONS}) AND qa.submitted_at::date BETWEEN $3 AND $4
            GROUP BY t.code""",
        *args,
    )
    found = {r["code"]: round(float(r["average"]), 2) for r in rows}
    return {"mentors": found.get("satisfaction_mentor"), "mentees": found.get("satisfaction_mentee")}


async def by_form(args: tuple[Any, ...]) -> list[dict[str, Any]]:
    rows = await current_connection().fetch(
        f"""SELECT f.title AS form, r.title AS role_model, m.status, count(*) AS pairs
            FROM ({PAIRS}) m JOIN mentorship_form f ON f.id = m.form_id
            LEFT JOIN role_model r ON r.id = m.role_model_id
            GROUP BY f.title, f.position, r.title, m.status
            ORDER BY f.position, f.title, r.title NULLS FIRST, m.status""",
        *args,
    )
    return [dict(r) for r in rows]


# The people and records behind a number --------------------------------------------------------------------

DRILLS: dict[str, tuple[str, str]] = {
    "learners": ("Обучающиеся 10–18 лет с согласием", LEARNERS_10_18),
    "learners_involved": ("Обучающиеся 10–18 лет в наставничестве", f"{LEARNERS_10_18} AND x.id IN ({INVOLVED})"),
    "learners_not_involved": (
        "Обучающиеся 10–18 лет вне наставничества",
        f"{LEARNERS_10_18} AND x.id NOT IN ({INVOLVED})",
    ),
    "teachers": ("Педагоги с согласием", TEACHERS),
    "teachers_involved": ("Педагоги в наставничестве", f"{TEACHERS} AND x.id IN ({INVOLVED})"),
    "teachers_not_involved": ("Педагоги вне наставничества", f"{TEACHERS} AND x.id NOT IN ({INVOLVED})"),
}


async def drill(reach: Reach, period: Period, key: str, limit: int = 500) -> list[dict[str, Any]]:
    """People behind an indicator, within the viewer's scope and with consent: names and organizations only."""
    _, query = DRILLS[key]
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.full_name, p.birth_date, p.category,
                   (SELECT string_agg(DISTINCT coalesce(nullif(o.short_name, ''), o.name), ', ')
                    FROM participation pa
                    JOIN organization o ON o.region_id = pa.region_id AND o.id = pa.organization_id
                    WHERE pa.person_id = p.id AND pa.archived_at IS NULL AND o.id IN ({ORGANIZATIONS})) AS organizations
            FROM person p WHERE p.id IN ({query})
              AND $3::date <= $4::date  -- every list takes the same four parameters, used or not
            ORDER BY p.sort_key LIMIT {int(limit)}""",
        reach.organization_id,
        reach.municipality_id,
        period.starts_on,
        period.ends_on,
    )
    return [dict(r) for r in rows]


async def breakdown(reach: Reach, period: Period) -> list[dict[str, Any]]:
    """One line per municipality (for the region) or per organization (for a municipality): the comparison."""
    if reach.organization_id:
        return []
    if reach.municipality_id is None:
        units = await current_connection().fetch("SELECT id, name FROM municipality ORDER BY sort_key")
        reaches = [(u["id"], u["name"], Reach(municipality_id=u["id"])) for u in units]
    else:
        units = await current_connection().fetch(
            """SELECT id, coalesce(nullif(short_name, ''), name) AS name FROM organization
               WHERE municipality_id = $1 AND kind <> 'municipal_body' ORDER BY sort_key""",
            reach.municipality_id,
        )
        reaches = [(u["id"], u["name"], Reach(organization_id=u["id"])) for u in units]
    lines = []
    for unit_id, name, unit_reach in reaches:
        values = await compute(unit_reach, period)
        lines.append({"id": unit_id, "name": name, **{k: v for k, v in values.items() if k != "by_form"}})
    return lines


def to_json(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, default=str)
