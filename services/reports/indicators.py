"""The indicators of the target model for an organization, a municipality or the region, for any period.

Only people with an active consent are counted (processing needs it); a learner is counted in the 10–18 window
by age on the last day of the period. The queries run under the viewer's scope, so RLS bounds every number.
The 70 % target divides general-education organizations' involved learners and teachers by their contingent for
the period's school year; the other kinds get their own shares beside it, and the share of the bases stays apart.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from asyncpg import Record
from dateutil.relativedelta import relativedelta

from services.reports.records import DrilledPerson, FormLine, Indicators, KindShare, Line, Satisfaction, view
from shared import clock
from shared.db import Scope, current_connection, widened
from tenants import ContingentRecord, contingents

TARGET_SHARE = 70  # % of learners and teachers involved in mentoring (the national target of the seeds)
WORKING = ("approved", "active", "completed", "ended_early")


def consent_by(day: str) -> str:
    """The condition on a consent row `c` of person `p`: given by the day and not withdrawn."""
    return f"""c.region_id = p.region_id AND c.person_id = p.id AND c.kind = 'personal_data'
        AND c.withdrawn_on IS NULL AND c.given_on <= {day}"""


CONSENTED = f"EXISTS (SELECT 1 FROM consent c WHERE {consent_by('$4')})"


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


# The mentor school's and the curator certification's people, one person once: a duplicate record merged into
# another counts as the record it was merged into (SNILS is unique among the records not merged away). They are
# counted from the school's and the certification's own records, which needed the person's consent to be made;
# a curator who took the curators' course is not a trained mentor.
# `{orgs}` is a query of (region_id, id, municipality_id) of the organizations counted.
IDENTITY = "coalesce(s.merged_into, p.merged_into, p.id)"
TRAINED = f"""SELECT o.municipality_id, e.organization_id, {IDENTITY} AS person_id
    FROM ({{orgs}}) o JOIN school_enrolment e ON e.region_id = o.region_id AND e.organization_id = o.id
    JOIN person p ON p.region_id = e.region_id AND p.id = e.person_id
    LEFT JOIN person s ON s.region_id = p.region_id AND s.id = p.merged_into
    WHERE e.outcome = 'completed' AND e.audience IN ('mentor', 'mentor_candidate')
      AND e.completed_on BETWEEN {{starts}} AND {{ends}}"""
# Valid on the period's last day, or today for a period that ends later (a programme's years ahead).
CERTIFIED = f"""SELECT o.municipality_id, c.organization_id, {IDENTITY} AS person_id
    FROM ({{orgs}}) o JOIN certificate c ON c.region_id = o.region_id AND c.organization_id = o.id
    JOIN person p ON p.region_id = c.region_id AND p.id = c.person_id
    LEFT JOIN person s ON s.region_id = p.region_id AND s.id = p.merged_into
    WHERE c.kind = 'curator' AND c.revoked_at IS NULL AND c.issued_on <= least({{ends}}::date, current_date)
      AND (c.valid_until IS NULL OR c.valid_until >= least({{ends}}::date, current_date))"""


SCHOOL_ORGANIZATIONS = (
    f"SELECT o.region_id, o.id, o.municipality_id FROM organization o WHERE o.id IN ({ORGANIZATIONS})"
)
# The lists behind the two numbers name only people whose consent is active at the period's end.
CONSENTED_HOLDER = """EXISTS (SELECT 1 FROM consent c WHERE c.person_id = h.person_id AND c.kind = 'personal_data'
    AND c.withdrawn_on IS NULL AND c.given_on <= $4)"""


async def school_indicators(reach: Reach, period: Period) -> tuple[int, int]:
    """Trained mentors and certified curators of a reach, counted on the spot under the viewer's scope (a
    programme's expected results); the dashboards read the same counts from `indicator_fact`."""
    orgs = SCHOOL_ORGANIZATIONS
    row = await current_connection().fetchrow(
        f"""SELECT (SELECT count(DISTINCT person_id) FROM ({TRAINED.format(orgs=orgs, starts="$3", ends="$4")}) t)
                       AS trained_mentors,
                   (SELECT count(DISTINCT person_id) FROM ({CERTIFIED.format(orgs=orgs, ends="$4")}) c)
                       AS certified_curators""",
        reach.organization_id,
        reach.municipality_id,
        period.starts_on,
        period.ends_on,
    )
    return int(row["trained_mentors"]), int(row["certified_curators"])


# The contests' people, one person once: nominees with an application submitted in the period, and those who said
# «Хочу участвовать» in the period (by their record, their account or their e-mail when they wrote in as visitors).
APPLICANTS = f"""SELECT o.municipality_id, a.organization_id, {IDENTITY}::text AS person_key
    FROM ({{orgs}}) o JOIN contest_application a ON a.region_id = o.region_id AND a.organization_id = o.id
    JOIN person p ON p.region_id = a.region_id AND p.id = a.person_id
    LEFT JOIN person s ON s.region_id = p.region_id AND s.id = p.merged_into
    WHERE a.state = 'submitted' AND a.submitted_at::date BETWEEN {{starts}} AND {{ends}}"""
WISHING = """SELECT o.municipality_id, w.organization_id,
        coalesce(w.person_id::text, w.user_id::text, lower(w.email)) AS person_key
    FROM ({orgs}) o JOIN contest_wish w ON w.region_id = o.region_id AND w.organization_id = o.id
    WHERE w.created_at::date BETWEEN {starts} AND {ends}"""


async def contest_indicators(reach: Reach, period: Period) -> tuple[int, int]:
    """Contest applicants and people wishing to take part, of a reach, under the viewer's scope (a programme's
    expected results «Участников конкурса «Наставник года»»)."""
    orgs = SCHOOL_ORGANIZATIONS
    row = await current_connection().fetchrow(
        f"""SELECT (SELECT count(DISTINCT person_key) FROM ({APPLICANTS.format(orgs=orgs, starts="$3", ends="$4")}) a)
                       AS contest_applicants,
                   (SELECT count(DISTINCT person_key) FROM ({WISHING.format(orgs=orgs, starts="$3", ends="$4")}) w)
                       AS contest_wishing""",
        reach.organization_id,
        reach.municipality_id,
        period.starts_on,
        period.ends_on,
    )
    return int(row["contest_applicants"]), int(row["contest_wishing"])


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# Per-organization facts ---------------------------------------------------------------------------------------
#
# Every number of the dashboards is a sum over organizations of counters kept in `indicator_fact`, one row per
# organization and period, written by `refresh` in one set-based pass (the arq jobs run it for the region; one
# organization is recomputed on request). People are also counted once per municipality and once per region in
# `indicator_unit_fact`: whoever belongs to two organizations is one person there. The row also keeps
# ORGANIZATION_COUNTERS, which only the organization's own public page reads (they are not summed: a person of two
# organizations would count twice).

COUNTERS = (
    "learners",
    "learners_involved",
    "teachers",
    "teachers_involved",
    "learners_any_involved",
    "pairs",
    "groups",
    "meetings",
    "pair_days",
    "rhythm_pairs",
    "rhythm_ok",
    "completed",
    "ended_early",
    "organizations",
    "organizations_with_programme",
    "events_held",
    "mentor_candidates",
    "mentors",
    "influence_sum",
    "influence_count",
    "satisfaction_mentor_sum",
    "satisfaction_mentor_count",
    "satisfaction_mentee_sum",
    "satisfaction_mentee_count",
    "trained_mentors",
    "certified_curators",
)
ORGANIZATION_COUNTERS = ("mentees", "contest_applicants")
_WORKING = "('" + "', '".join(WORKING) + "')"

# $1 period start, $2 period end, $3 municipality or NULL, $4 organization or NULL (both NULL: the whole scope)
FACTS = f"""
WITH orgs AS MATERIALIZED (
    SELECT o.region_id, o.id, o.municipality_id FROM organization o WHERE o.kind <> 'municipal_body'
        AND ($3::uuid IS NULL OR o.municipality_id = $3) AND ($4::uuid IS NULL OR o.id = $4)
), pairs AS MATERIALIZED (
    SELECT m.region_id, m.id, m.organization_id, m.mentor_id, m.status, m.form_id, m.role_model_id, m.starts_on,
           m.finished_on, coalesce(m.finished_on, m.extended_to, m.ends_on) AS until
    FROM orgs o JOIN mentorship m ON m.region_id = o.region_id AND m.organization_id = o.id
    WHERE m.starts_on <= $2 AND coalesce(m.finished_on, m.extended_to, m.ends_on) >= $1
), working AS MATERIALIZED (
    SELECT w.*, (SELECT count(*) FROM mentorship_mentee mm WHERE mm.region_id = w.region_id
                 AND mm.mentorship_id = w.id) AS mentees
    FROM pairs w WHERE w.status IN {_WORKING}
), involved AS (
    SELECT region_id, organization_id, mentor_id AS person_id FROM working
    UNION SELECT w.region_id, w.organization_id, mm.mentee_id FROM working w
        JOIN mentorship_mentee mm ON mm.region_id = w.region_id AND mm.mentorship_id = w.id
), people AS MATERIALIZED (
    SELECT DISTINCT pa.region_id, pa.organization_id, p.id, o.municipality_id, p.category,
        p.category = 'learner' AND p.birth_date > ($2::date - interval '19 years')
            AND p.birth_date <= ($2::date - interval '10 years') AS aged_10_18
    FROM orgs o JOIN participation pa ON pa.region_id = o.region_id AND pa.organization_id = o.id
    JOIN person p ON p.region_id = pa.region_id AND p.id = pa.person_id
    WHERE pa.archived_at IS NULL AND p.merged_into IS NULL AND p.category IN ('learner', 'staff')
      AND {{consented}}
), people_counts AS (
    SELECT x.organization_id,
        count(*) FILTER (WHERE x.aged_10_18) AS learners,
        count(*) FILTER (WHERE x.aged_10_18 AND i.person_id IS NOT NULL) AS learners_involved,
        count(*) FILTER (WHERE x.category = 'staff') AS teachers,
        count(*) FILTER (WHERE x.category = 'staff' AND i.person_id IS NOT NULL) AS teachers_involved,
        count(*) FILTER (WHERE x.category = 'learner' AND i.person_id IS NOT NULL) AS learners_any_involved
    FROM people x LEFT JOIN involved i
        ON i.region_id = x.region_id AND i.organization_id = x.organization_id AND i.person_id = x.id
    GROUP BY x.organization_id
), pair_counts AS (
    SELECT m.organization_id,
        count(*) FILTER (WHERE m.status = 'completed' AND m.finished_on BETWEEN $1 AND $2) AS completed,
        count(*) FILTER (WHERE m.status = 'ended_early' AND m.finished_on BETWEEN $1 AND $2) AS ended_early
    FROM pairs m GROUP BY m.organization_id
), work_counts AS (
    SELECT w.organization_id, count(*) AS pairs, count(*) FILTER (WHERE w.mentees > 1) AS groups,
        sum(greatest(0, least(w.until, $2, current_date) - greatest(w.starts_on, $1) + 1)) AS pair_days
    FROM working w GROUP BY w.organization_id
), held AS MATERIALIZED (
    SELECT m.organization_id, m.id, m.status, m.starts_on, x.held_on
    FROM pairs m JOIN meeting x ON x.region_id = m.region_id AND x.mentorship_id = m.id
    WHERE x.held_on BETWEEN $1 AND $2
), meeting_counts AS (
    SELECT organization_id, count(*) AS meetings FROM held GROUP BY organization_id
), gaps AS (  -- each working pair's longest wait between meetings within the period, up to its end or today
    SELECT organization_id, id, max(d - previous) AS longest FROM (
        SELECT organization_id, id, d, lag(d) OVER (PARTITION BY id ORDER BY d) AS previous FROM (
            SELECT organization_id, id, greatest(starts_on, $1) AS d FROM working
            UNION ALL SELECT organization_id, id, held_on FROM held
                WHERE status IN {_WORKING} AND held_on >= greatest(starts_on, $1)
            UNION ALL SELECT organization_id, id, least(until, $2, current_date) FROM working
        ) days
    ) g GROUP BY organization_id, id
), rhythm AS (
    SELECT organization_id, count(*) AS rhythm_pairs, count(*) FILTER (WHERE longest <= 14) AS rhythm_ok
    FROM gaps GROUP BY organization_id
), programmes AS (
    SELECT DISTINCT p.organization_id FROM orgs o
    JOIN programme p ON p.region_id = o.region_id AND p.organization_id = o.id
    WHERE p.approved_order_id IS NOT NULL AND p.starts_on <= $2 AND p.ends_on >= $1
), events AS (
    SELECT e.organization_id, count(*) AS events_held FROM orgs o
    JOIN roadmap_event e ON e.region_id = o.region_id AND e.organization_id = o.id
    WHERE e.status = 'done' AND e.done_on BETWEEN $1 AND $2 GROUP BY e.organization_id
), registry_people AS MATERIALIZED (
    SELECT o.municipality_id, pa.organization_id, pa.person_id,
        bool_or(pa.role = 'mentor') AS mentor, bool_or(pa.role = 'mentor_candidate') AS candidate
    FROM orgs o JOIN participation pa ON pa.region_id = o.region_id AND pa.organization_id = o.id
    WHERE pa.archived_at IS NULL AND pa.role IN ('mentor', 'mentor_candidate')
    GROUP BY o.municipality_id, pa.organization_id, pa.person_id
), registry AS (
    SELECT organization_id, count(*) FILTER (WHERE candidate) AS mentor_candidates,
        count(*) FILTER (WHERE mentor) AS mentors
    FROM registry_people GROUP BY organization_id
), mentee_counts AS (  -- «Наставляемых в базе» of the public page: holders of the role (one row a person: unique)
    SELECT pa.organization_id, count(*) AS mentees
    FROM orgs o JOIN participation pa ON pa.region_id = o.region_id AND pa.organization_id = o.id
    WHERE pa.archived_at IS NULL AND pa.role = 'mentee_candidate' GROUP BY pa.organization_id
), applicant_counts AS (
    SELECT x.organization_id, count(DISTINCT x.person_key) AS contest_applicants
    FROM ({APPLICANTS.format(orgs="SELECT * FROM orgs", starts="$1", ends="$2")}) x GROUP BY x.organization_id
), influence AS (
    SELECT a1.organization_id, sum(a2.score - a1.score) AS influence_sum, count(*) AS influence_count
    FROM orgs o JOIN assessment a1 ON a1.region_id = o.region_id AND a1.organization_id = o.id
    JOIN assessment a2 ON a2.region_id = a1.region_id AND a2.parameter_id = a1.parameter_id
        AND a2.person_id = a1.person_id AND a2.stage = 'after'
    WHERE a1.stage = 'before' AND a2.assessed_on BETWEEN $1 AND $2 GROUP BY a1.organization_id
), satisfaction AS (  -- the scale answers of the mentors' and the mentees' satisfaction questionnaires
    SELECT qa.organization_id,
        sum(v.value::text::numeric) FILTER (WHERE t.code = 'satisfaction_mentor') AS satisfaction_mentor_sum,
        count(*) FILTER (WHERE t.code = 'satisfaction_mentor') AS satisfaction_mentor_count,
        sum(v.value::text::numeric) FILTER (WHERE t.code = 'satisfaction_mentee') AS satisfaction_mentee_sum,
        count(*) FILTER (WHERE t.code = 'satisfaction_mentee') AS satisfaction_mentee_count
    FROM orgs o JOIN questionnaire_answer qa ON qa.region_id = o.region_id AND qa.organization_id = o.id
    JOIN questionnaire_template t ON t.id = qa.template_id
    CROSS JOIN LATERAL jsonb_each(qa.answers) v
    WHERE t.code IN ('satisfaction_mentor', 'satisfaction_mentee') AND jsonb_typeof(v.value) = 'number'
      AND qa.submitted_at::date BETWEEN $1 AND $2
    GROUP BY qa.organization_id
), forms AS (
    SELECT c.organization_id, jsonb_agg(jsonb_build_object('form', f.title, 'position', f.position,
        'role_model', r.title, 'status', c.status, 'pairs', c.pairs)) AS by_form
    FROM (SELECT organization_id, form_id, role_model_id, status, count(*) AS pairs FROM pairs
          GROUP BY organization_id, form_id, role_model_id, status) c
    JOIN mentorship_form f ON f.id = c.form_id LEFT JOIN role_model r ON r.id = c.role_model_id
    GROUP BY c.organization_id
), trained AS MATERIALIZED (
    {TRAINED.format(orgs="SELECT * FROM orgs", starts="$1", ends="$2")}
), certified AS MATERIALIZED (
    {CERTIFIED.format(orgs="SELECT * FROM orgs", ends="$2")}
), school_counts AS (
    SELECT x.organization_id, count(DISTINCT x.person_id) FILTER (WHERE x.trained) AS trained_mentors,
        count(DISTINCT x.person_id) FILTER (WHERE NOT x.trained) AS certified_curators
    FROM (SELECT organization_id, person_id, true AS trained FROM trained
          UNION ALL SELECT organization_id, person_id, false FROM certified) x
    GROUP BY x.organization_id
), unit_school AS (
    SELECT x.municipality_id, count(DISTINCT x.person_id) FILTER (WHERE x.trained) AS trained_mentors,
        count(DISTINCT x.person_id) FILTER (WHERE NOT x.trained) AS certified_curators
    FROM (SELECT municipality_id, person_id, true AS trained FROM trained
          UNION ALL SELECT municipality_id, person_id, false FROM certified) x
    GROUP BY x.municipality_id
), involved_units AS (
    SELECT DISTINCT io.municipality_id, i.person_id FROM involved i JOIN orgs io ON io.id = i.organization_id
), unit_people AS (  -- once in each municipality: involved there if any pair of its organizations holds them
    SELECT x.municipality_id, x.id, bool_or(x.aged_10_18) AS aged_10_18, bool_or(x.category = 'staff') AS staff,
        bool_or(iu.person_id IS NOT NULL) AS involved
    FROM people x LEFT JOIN involved_units iu ON iu.municipality_id = x.municipality_id AND iu.person_id = x.id
    GROUP BY x.municipality_id, x.id
), unit_registry AS (
    SELECT municipality_id, count(DISTINCT person_id) FILTER (WHERE mentor) AS mentors,
        count(DISTINCT person_id) FILTER (WHERE candidate) AS mentor_candidates
    FROM registry_people GROUP BY municipality_id
), unit_counts AS (
    SELECT m.municipality_id,
        count(*) FILTER (WHERE u.aged_10_18) AS learners,
        count(*) FILTER (WHERE u.aged_10_18 AND u.involved) AS learners_involved,
        count(*) FILTER (WHERE u.staff) AS teachers,
        count(*) FILTER (WHERE u.staff AND u.involved) AS teachers_involved,
        min(r.mentors) AS mentors, min(r.mentor_candidates) AS mentor_candidates,
        min(us.trained_mentors) AS trained_mentors, min(us.certified_curators) AS certified_curators
    FROM (SELECT DISTINCT municipality_id FROM orgs) m
    LEFT JOIN unit_people u ON u.municipality_id = m.municipality_id
    LEFT JOIN unit_registry r ON r.municipality_id = m.municipality_id
    LEFT JOIN unit_school us ON us.municipality_id = m.municipality_id
    GROUP BY m.municipality_id
), region_counts AS (  -- once in the region: involved if any pair holds them
    SELECT count(*) FILTER (WHERE r.aged_10_18) AS learners,
        count(*) FILTER (WHERE r.aged_10_18 AND r.involved) AS learners_involved,
        count(*) FILTER (WHERE r.staff) AS teachers,
        count(*) FILTER (WHERE r.staff AND r.involved) AS teachers_involved,
        (SELECT count(DISTINCT person_id) FILTER (WHERE mentor) FROM registry_people) AS mentors,
        (SELECT count(DISTINCT person_id) FILTER (WHERE candidate) FROM registry_people) AS mentor_candidates,
        (SELECT count(DISTINCT person_id) FROM trained) AS trained_mentors,
        (SELECT count(DISTINCT person_id) FROM certified) AS certified_curators
    FROM (SELECT x.id, bool_or(x.aged_10_18) AS aged_10_18, bool_or(x.category = 'staff') AS staff,
                 bool_or(i.person_id IS NOT NULL) AS involved
          FROM people x LEFT JOIN (SELECT DISTINCT person_id FROM involved) i ON i.person_id = x.id
          GROUP BY x.id) r
), units AS (  -- written only where the count covers the whole unit
    SELECT municipality_id, learners, learners_involved, teachers, teachers_involved, mentors, mentor_candidates,
        trained_mentors, certified_curators
    FROM unit_counts WHERE $4::uuid IS NULL
    UNION ALL
    SELECT NULL, learners, learners_involved, teachers, teachers_involved, mentors, mentor_candidates,
        trained_mentors, certified_curators
    FROM region_counts WHERE $3::uuid IS NULL AND $4::uuid IS NULL AND EXISTS (SELECT 1 FROM orgs)
), unit_rows AS (
    INSERT INTO indicator_unit_fact (region_id, municipality_id, starts_on, ends_on, counts, computed_at)
    SELECT (SELECT region_id FROM orgs LIMIT 1), u.municipality_id, $1, $2, jsonb_build_object(
            'learners', coalesce(u.learners, 0), 'learners_involved', coalesce(u.learners_involved, 0),
            'teachers', coalesce(u.teachers, 0), 'teachers_involved', coalesce(u.teachers_involved, 0),
            'mentors', coalesce(u.mentors, 0), 'mentor_candidates', coalesce(u.mentor_candidates, 0),
            'trained_mentors', coalesce(u.trained_mentors, 0),
            'certified_curators', coalesce(u.certified_curators, 0)), now()
    FROM units u
    ON CONFLICT (region_id, starts_on, ends_on, municipality_id)
    DO UPDATE SET counts = excluded.counts, computed_at = excluded.computed_at
    RETURNING 1
)
INSERT INTO indicator_fact (region_id, organization_id, starts_on, ends_on, counts, by_form, computed_at)
SELECT o.region_id, o.id, $1, $2, jsonb_build_object(
        'learners', coalesce(pc.learners, 0), 'learners_involved', coalesce(pc.learners_involved, 0),
        'teachers', coalesce(pc.teachers, 0), 'teachers_involved', coalesce(pc.teachers_involved, 0),
        'learners_any_involved', coalesce(pc.learners_any_involved, 0),
        'pairs', coalesce(wc.pairs, 0), 'groups', coalesce(wc.groups, 0), 'meetings', coalesce(mc.meetings, 0),
        'pair_days', coalesce(wc.pair_days, 0), 'rhythm_pairs', coalesce(rh.rhythm_pairs, 0),
        'rhythm_ok', coalesce(rh.rhythm_ok, 0), 'completed', coalesce(pr.completed, 0),
        'ended_early', coalesce(pr.ended_early, 0), 'organizations', 1,
        'organizations_with_programme', (pg.organization_id IS NOT NULL)::integer,
        'events_held', coalesce(ev.events_held, 0), 'mentor_candidates', coalesce(rg.mentor_candidates, 0),
        'mentors', coalesce(rg.mentors, 0), 'influence_sum', coalesce(inf.influence_sum, 0),
        'influence_count', coalesce(inf.influence_count, 0),
        'satisfaction_mentor_sum', coalesce(sa.satisfaction_mentor_sum, 0),
        'satisfaction_mentor_count', coalesce(sa.satisfaction_mentor_count, 0),
        'satisfaction_mentee_sum', coalesce(sa.satisfaction_mentee_sum, 0),
        'satisfaction_mentee_count', coalesce(sa.satisfaction_mentee_count, 0),
        'trained_mentors', coalesce(sc.trained_mentors, 0), 'certified_curators', coalesce(sc.certified_curators, 0),
        'mentees', coalesce(mt.mentees, 0), 'contest_applicants', coalesce(ap.contest_applicants, 0)),
    coalesce(fo.by_form, '[]'::jsonb), now()
FROM orgs o
LEFT JOIN people_counts pc ON pc.organization_id = o.id
LEFT JOIN pair_counts pr ON pr.organization_id = o.id
LEFT JOIN work_counts wc ON wc.organization_id = o.id
LEFT JOIN meeting_counts mc ON mc.organization_id = o.id
LEFT JOIN rhythm rh ON rh.organization_id = o.id
LEFT JOIN programmes pg ON pg.organization_id = o.id
LEFT JOIN events ev ON ev.organization_id = o.id
LEFT JOIN registry rg ON rg.organization_id = o.id
LEFT JOIN influence inf ON inf.organization_id = o.id
LEFT JOIN satisfaction sa ON sa.organization_id = o.id
LEFT JOIN forms fo ON fo.organization_id = o.id
LEFT JOIN school_counts sc ON sc.organization_id = o.id
LEFT JOIN mentee_counts mt ON mt.organization_id = o.id
LEFT JOIN applicant_counts ap ON ap.organization_id = o.id
ON CONFLICT (region_id, organization_id, starts_on, ends_on)
DO UPDATE SET counts = excluded.counts, by_form = excluded.by_form, computed_at = excluded.computed_at
"""


# An organization or a municipality looks each person's consent up through indexes; the whole region is read by
# hash joins. RLS hides the row counts from the planner, so both plans are spelled out.
FACTS_BY_LOOKUP = FACTS.replace("{consented}", f"(SELECT true FROM consent c WHERE {consent_by('$2')} LIMIT 1)")
FACTS_BY_SCAN = FACTS.replace("{consented}", f"EXISTS (SELECT 1 FROM consent c WHERE {consent_by('$2')})")


async def refresh(period: Period, reach: Reach = Reach()) -> None:
    """Recounts the facts of every organization in reach for the period, in one pass over the data, and the people
    of the municipality or the region when the reach covers it whole."""
    whole = reach == Reach()
    if reach.organization_id is None:  # counts of many organizations wait for each other: no deadlock between them
        await current_connection().execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('indicators:' || app_text('app.region_id'), 0))"
        )
    async with planned("force_custom_plan", "off" if whole else "on"):
        await current_connection().execute(
            FACTS_BY_SCAN if whole else FACTS_BY_LOOKUP,
            period.starts_on,
            period.ends_on,
            reach.municipality_id,
            reach.organization_id,
        )


@asynccontextmanager
async def planned(plan_cache_mode: str, enable_nestloop: str) -> AsyncIterator[None]:
    """Planner settings for one statement; the transaction's own are back afterwards (after a failed statement the
    transaction is rolled back, and its local settings with it)."""
    connection = current_connection()
    saved = await connection.fetchrow(
        "SELECT current_setting('plan_cache_mode') AS p, current_setting('enable_nestloop') AS n"
    )
    await connection.execute(
        "SELECT set_config('plan_cache_mode', $1, true), set_config('enable_nestloop', $2, true)",
        plan_cache_mode,
        enable_nestloop,
    )
    try:
        yield
    finally:
        with contextlib.suppress(asyncpg.InFailedSQLTransactionError):
            await connection.execute(
                "SELECT set_config('plan_cache_mode', $1, true), set_config('enable_nestloop', $2, true)",
                saved["p"],
                saved["n"],
            )


async def prune(keep: list[Period], keep_days: int) -> None:
    """Counts of periods nobody looks at any more go; the default dashboard's stay."""
    for table in ("indicator_fact", "indicator_unit_fact"):
        await current_connection().execute(
            f"""DELETE FROM {table} WHERE computed_at < now() - make_interval(days => $3)
                AND NOT (starts_on = $1 AND ends_on = ANY($2::date[]))""",
            keep[0].starts_on,
            [p.ends_on for p in keep],
            keep_days,
        )


@dataclass(frozen=True)
class Snapshot:
    """The indicators of a reach for a period, as counted at `computed_at` (the oldest organization's count)."""

    period: Period
    computed_at: datetime
    values: Indicators
    # An organization was recounted after its municipality's or the region's people were: the numbers are shown,
    # and the whole reach is to be counted again.
    stale: bool = False


async def _facts(reach: Reach, starts_on: date, ends: list[date]) -> list[Record]:
    return await current_connection().fetch(
        f"""SELECT f.ends_on, f.organization_id, o.municipality_id, o.kind, f.counts, f.by_form, f.computed_at
            FROM indicator_fact f JOIN organization o ON o.region_id = f.region_id AND o.id = f.organization_id
            WHERE f.organization_id IN ({ORGANIZATIONS}) AND f.starts_on = $3 AND f.ends_on = ANY($4::date[])""",
        *_ids(reach),
        starts_on,
        ends,
    )


async def _units(
    starts_on: date, ends: list[date], municipality_id: UUID | None, *, each: bool = False
) -> list[Record]:
    """The people counted once in a municipality (or, with None, in the region); `each`: every municipality's."""
    return await current_connection().fetch(
        """SELECT ends_on, municipality_id, counts, computed_at FROM indicator_unit_fact
           WHERE starts_on = $1 AND ends_on = ANY($2::date[])
             AND CASE WHEN $4 THEN municipality_id IS NOT NULL ELSE municipality_id IS NOT DISTINCT FROM $3 END""",
        starts_on,
        ends,
        municipality_id,
        each,
    )


async def _organizations(reach: Reach) -> int:
    return int(await current_connection().fetchval(f"SELECT count(*) FROM ({ORGANIZATIONS}) o", *_ids(reach)))


def _ids(reach: Reach) -> tuple[UUID | None, UUID | None]:
    return reach.organization_id, reach.municipality_id


async def snapshot(reach: Reach, period: Period, *, latest: bool = False) -> Snapshot | None:
    """The counted indicators of the period, or None while some organization of the reach (or, for a municipality
    or the region, its people counted once) has no count.

    With `latest`, a period that ends today may be answered by the newest complete count of the same start
    (yesterday's, until the job counts today): the page then says which day the numbers are for."""
    expected = await _organizations(reach)
    if not expected:  # nothing to count: a municipality without organizations yet
        return Snapshot(period, clock.now(), summarise([], contingent={}, school_year=school_year_of(period.ends_on)))
    ends = [period.ends_on]
    if latest:
        ends = await current_connection().fetchval(
            f"""SELECT coalesce(array_agg(ends_on ORDER BY ends_on DESC), '{{}}') FROM (
                    SELECT f.ends_on FROM indicator_fact f
                    WHERE f.organization_id IN ({ORGANIZATIONS}) AND f.starts_on = $3 AND f.ends_on <= $4
                    GROUP BY f.ends_on HAVING count(*) = $5::integer ORDER BY f.ends_on DESC LIMIT 3) e""",
            *_ids(reach),
            period.starts_on,
            period.ends_on,
            expected,
        )
    for end in ends:
        rows = await _facts(reach, period.starts_on, [end])
        units = [] if reach.organization_id else await _units(period.starts_on, [end], reach.municipality_id)
        if len(rows) != expected or (not reach.organization_id and not units):
            continue
        people = units[0]["counts"] if units else None
        counted_at = min(r["computed_at"] for r in [*rows, *units])
        stale = bool(units) and max(r["computed_at"] for r in rows) > units[0]["computed_at"]
        year = school_year_of(end)
        found = summarise(rows, people, contingent=await contingent_of(rows, year), school_year=year)
        return Snapshot(Period(period.starts_on, end), counted_at, found, stale)
    return None


async def recount(region_id: UUID, reach: Reach, period: Period) -> None:
    """Counts a reach, already checked against the viewer's scope, as the region sees it: a viewer's scope may
    hide a consent given in another organization, and a count must not depend on who asked for it."""
    async with widened(Scope.for_region(region_id)):
        await refresh(period, reach)


async def current(region_id: UUID, reach: Reach, period: Period) -> Indicators:
    """Counted now: for one organization on request, or where the reach is small (tests, a monitoring report)."""
    await recount(region_id, reach, period)
    found = await snapshot(reach, period)
    assert found is not None  # just written in this transaction
    return found.values


def school_year_of(day: date) -> int:
    """The school year a period's contingent is taken from: the one its last day falls in, by its start year."""
    return clock.school_year(day)[0].year


async def contingent_of(rows: list[Record], year: int) -> dict[UUID, ContingentRecord]:
    """The contingents of the school year of the organizations counted in `rows`, as the viewer's scope sees them."""
    ids = sorted({r["organization_id"] for r in rows})
    return await contingents(year, ids) if ids else {}


# The kinds of organization, each with its own shares; only general education carries the 70 % target.
KIND_TITLES = {
    "school": "Общеобразовательные организации",
    "college": "Профессиональные образовательные организации",
    "additional": "Организации дополнительного образования",
    "other": "Другие организации",
}


def kind_group(kind: str) -> str:
    return kind if kind in KIND_TITLES else "other"


def contingent_learners(kind: str, record: ContingentRecord | None) -> int | None:
    """A school's learners aged 10–18 (the target's window), any other kind's learners in all."""
    if record is None:
        return None
    return record.learners_10_18 if kind_group(kind) == "school" else record.learners_total


def kind_shares(rows: list[Record], contingent: Mapping[UUID, ContingentRecord]) -> list[KindShare]:
    """The shares of each kind of organization in `rows` against the contingents: an organization without one
    is left out of both sides and counted as without data."""
    sums: dict[str, dict[str, int]] = {}
    for row in rows:
        group = kind_group(row["kind"])
        kept = sums.setdefault(group, dict.fromkeys(("organizations", "with", "li", "lc", "ti", "tc"), 0))
        kept["organizations"] += 1
        record = contingent.get(row["organization_id"])
        learners = contingent_learners(group, record)
        if record is None or learners is None:
            continue
        counts = row["counts"]
        kept["with"] += 1
        kept["li"] += counts.get("learners_involved" if group == "school" else "learners_any_involved", 0)
        kept["lc"] += learners
        kept["ti"] += counts.get("teachers_involved", 0)
        kept["tc"] += record.teachers
    shares = []
    for group, title in KIND_TITLES.items():
        if group not in sums:
            continue
        kept = sums[group]
        known = kept["with"] > 0
        shares.append(
            KindShare(
                kind=group,
                title=title,
                target=group == "school",
                organizations=kept["organizations"],
                without_contingent=kept["organizations"] - kept["with"],
                learners_involved=kept["li"],
                learners_contingent=kept["lc"] if known else None,
                learners_share=share(kept["li"], kept["lc"]) if known else None,
                teachers_involved=kept["ti"],
                teachers_contingent=kept["tc"] if known else None,
                teachers_share=share(kept["ti"], kept["tc"]) if known else None,
            )
        )
    return shares


def summarise(
    rows: list[Record],
    people: dict[str, int] | None = None,
    *,
    contingent: Mapping[UUID, ContingentRecord],
    school_year: int,
) -> Indicators:
    """The indicators of a set of organizations from their counters: sums, then shares and averages. `people`:
    the counts of people of a whole municipality or region, where a person of two organizations is one;
    `contingent`: the organizations' contingents of `school_year`, which the target shares divide by."""
    total = dict.fromkeys(COUNTERS, 0)
    forms: dict[tuple[Any, ...], int] = {}
    for row in rows:
        for key in COUNTERS:
            total[key] += row["counts"].get(key, 0)
        for line in row["by_form"]:
            form = (line["position"], line["form"], line["role_model"] or "", line["status"])
            forms[form] = forms.get(form, 0) + line["pairs"]
    total.update(people or {})
    values: dict[str, Any] = {key: total[key] for key in COUNTERS if "_sum" not in key and "_count" not in key}
    values["base_learners_share"] = share(values["learners_involved"], values["learners"])
    values["base_teachers_share"] = share(values["teachers_involved"], values["teachers"])
    by_kind = kind_shares(rows, contingent)
    school = next((k for k in by_kind if k.target), None)
    values["learners_share"] = school.learners_share if school else None
    values["teachers_share"] = school.teachers_share if school else None
    values["school_year"] = school_year
    values["without_contingent"] = sum(k.without_contingent for k in by_kind)
    values["contingent"] = by_kind
    months = values["pair_days"] / 30.44
    values["meetings_per_pair_month"] = round(values["meetings"] / months, 2) if months else None
    values["rhythm_share"] = share(values["rhythm_ok"], values["rhythm_pairs"])
    finished = values["completed"] + values["ended_early"]
    values["completion_rate"] = share(values["completed"], finished)
    values["early_end_rate"] = share(values["ended_early"], finished)
    values["influence_change"] = _average(total, "influence")
    values["satisfaction"] = Satisfaction(
        _average(total, "satisfaction_mentor"), _average(total, "satisfaction_mentee")
    )
    values["by_form"] = [
        FormLine(form, role_model or None, status, pairs)
        for (_, form, role_model, status), pairs in sorted(forms.items())
    ]
    return Indicators(**values)


def _average(total: dict[str, Any], name: str) -> float | None:
    count = total[f"{name}_count"]
    return round(float(total[f"{name}_sum"]) / count, 2) if count else None


# The people and records behind a number --------------------------------------------------------------------

DRILLS: dict[str, tuple[str, str]] = {
    "learners": ("Обучающиеся 10–18 лет в базе, с согласием", LEARNERS_10_18),
    "learners_involved": ("Обучающиеся 10–18 лет в наставничестве", f"{LEARNERS_10_18} AND x.id IN ({INVOLVED})"),
    "learners_not_involved": (
        "Обучающиеся 10–18 лет вне наставничества",
        f"{LEARNERS_10_18} AND x.id NOT IN ({INVOLVED})",
    ),
    "teachers": ("Педагоги в базе, с согласием", TEACHERS),
    "teachers_involved": ("Педагоги в наставничестве", f"{TEACHERS} AND x.id IN ({INVOLVED})"),
    "teachers_not_involved": ("Педагоги вне наставничества", f"{TEACHERS} AND x.id NOT IN ({INVOLVED})"),
    "trained_mentors": (
        "Обученные наставники: прошли обучение в школе наставников за период",
        f"SELECT h.person_id FROM ({TRAINED.format(orgs=SCHOOL_ORGANIZATIONS, starts='$3', ends='$4')}) h "
        f"WHERE {CONSENTED_HOLDER}",
    ),
    "certified_curators": (
        "Сертифицированные кураторы: действующий сертификат на конец периода",
        f"SELECT h.person_id FROM ({CERTIFIED.format(orgs=SCHOOL_ORGANIZATIONS, ends='$4')}) h "
        f"WHERE {CONSENTED_HOLDER}",
    ),
}


async def drill(reach: Reach, period: Period, key: str, limit: int = 500) -> list[DrilledPerson]:
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
    return [view(dict(r), DrilledPerson) for r in rows]


async def breakdown(reach: Reach, period: Period) -> list[Line]:
    """One line per municipality (for the region) or per organization (for a municipality), from the same counts."""
    if reach.organization_id:
        return []
    rows = await _facts(reach, period.starts_on, [period.ends_on])
    people: dict[UUID, dict[str, int]] = {}
    if reach.municipality_id is None:
        units = await current_connection().fetch("SELECT id, name FROM municipality ORDER BY sort_key")
        unit_of = "municipality_id"
        people = {
            u["municipality_id"]: u["counts"] for u in await _units(period.starts_on, [period.ends_on], None, each=True)
        }
    else:
        units = await current_connection().fetch(
            """SELECT id, coalesce(nullif(short_name, ''), name) AS name FROM organization
               WHERE municipality_id = $1 AND kind <> 'municipal_body' ORDER BY sort_key""",
            reach.municipality_id,
        )
        unit_of = "organization_id"
    year = school_year_of(period.ends_on)
    contingent = await contingent_of(rows, year)
    lines = []
    for unit in units:
        own = [r for r in rows if r[unit_of] == unit["id"]]
        values = summarise(own, people.get(unit["id"]), contingent=contingent, school_year=year)
        lines.append(Line(**msgspec.structs.asdict(values), id=unit["id"], name=unit["name"]))
    return lines


def trend_points(period: Period) -> list[Period]:
    """The period counted up to each month's end, for its last twelve months at most; the last point is the period."""
    points = []
    month = max(period.starts_on.replace(day=1), period.ends_on.replace(day=1) - relativedelta(months=11))
    while month <= period.ends_on:
        points.append(Period(period.starts_on, min(month + relativedelta(months=1, days=-1), period.ends_on)))
        month += relativedelta(months=1)
    return points


async def trend(reach: Reach, period: Period) -> tuple[list[tuple[Period, float | None]], list[Period]]:
    """The share of general-education learners aged 10–18 involved, against their contingent, at each point, and
    the points not counted yet (their share is None too, as is that of a point without a contingent)."""
    points = trend_points(period)
    expected = await _organizations(reach)
    if not expected:  # nothing to count, nothing to wait for
        return [(point, None) for point in points], []
    ends = [p.ends_on for p in points]
    rows = await _facts(reach, period.starts_on, ends)
    by_end: dict[date, list[Record]] = {}
    for row in rows:
        by_end.setdefault(row["ends_on"], []).append(row)
    if reach.organization_id:
        found = set(by_end)
    else:
        found = {r["ends_on"] for r in await _units(period.starts_on, ends, reach.municipality_id)}
    found = {end for end in found if len(by_end.get(end, [])) == expected}
    years = {school_year_of(end) for end in found}
    contingent = {year: await contingent_of(rows, year) for year in years}
    shares: list[tuple[Period, float | None]] = []
    for point in points:
        if point.ends_on not in found:
            shares.append((point, None))
            continue
        by_kind = kind_shares(by_end[point.ends_on], contingent[school_year_of(point.ends_on)])
        shares.append((point, next((k.learners_share for k in by_kind if k.target), None)))
    return shares, [point for point in points if point.ends_on not in found]
