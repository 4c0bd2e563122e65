"""What an organization's public page reads of the read model: its counted indicators (the organization's
dashboard's numbers, school year to date, with the moment they were counted) and one statement that tells whether
anything the page shows of the other domains has changed, which the page's ETag is made of."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

import msgspec

from shared.clock import ZONE, school_year, today
from shared.db import current_connection

# The public page's indicator keys (the programmes' keys) and the organization's counters behind them.
PUBLIC_COUNTERS = {
    "pairs": "pairs",
    "mentor_registry": "mentors",
    "mentees": "mentees",
    "events_held": "events_held",
    "trained_mentors": "trained_mentors",
    "contest_applicants": "contest_applicants",
}


class CountedIndicators(msgspec.Struct, frozen=True, kw_only=True):
    """An organization's counted indicators for the school year up to `ends_on`, as its dashboard shows them."""

    starts_on: date
    ends_on: date
    counted_at: datetime
    values: dict[str, int]  # by the public page's keys; a counter the count did not make yet is missing

    @property
    def as_of(self) -> datetime:
        """When the numbers stand: the moment of the count, or the end of the period's last day if that was
        earlier (a count of a month's end made later)."""
        end = datetime.combine(self.ends_on, time(23, 59), ZONE)
        return min(self.counted_at.astimezone(ZONE), end)


# The newest count of the organization's school year to date: the hourly job's of today, else an earlier one.
_LATEST_FACT = """SELECT ends_on, counts, computed_at FROM indicator_fact
    WHERE region_id = $1 AND organization_id = $2 AND starts_on = $3 AND ends_on <= $4
    ORDER BY ends_on DESC LIMIT 1"""


async def counted_indicators(
    region_id: UUID, organization_id: UUID, day: date | None = None
) -> CountedIndicators | None:
    """Read from `indicator_fact`, not counted: None until the hourly job (or the dashboard) has counted the
    organization this school year."""
    day = day or today()
    starts_on = school_year(day)[0]
    row = await current_connection().fetchrow(_LATEST_FACT, region_id, organization_id, starts_on, day)
    if row is None:
        return None
    counts = row["counts"]
    return CountedIndicators(
        starts_on=starts_on,
        ends_on=row["ends_on"],
        counted_at=row["computed_at"],
        values={key: int(counts[counter]) for key, counter in PUBLIC_COUNTERS.items() if counter in counts},
    )


# Every row the page shows of the other domains, by its row version (`xmin` changes with each update; a deleted
# row drops out, a new one comes in): the organization and its municipality, its programmes and roadmap, the
# orders it publishes or that approved a registry, the people those orders list and its curators, with their
# consents, rating, incentives and contest results, its published cases, and the indicators' count. A superset is
# harmless (a needless 200), a row missed would leave a visitor a stale page, so whatever the page starts to show is
# added here.
_VERSION = """
WITH programmes AS MATERIALIZED (
    SELECT p.id, p.xmin::text AS v, p.registry_order_id FROM programme p
    WHERE p.region_id = $1 AND p.organization_id = $2
), orders AS MATERIALIZED (
    SELECT o.id, o.xmin::text AS v, o.payload FROM programme_order o
    WHERE o.region_id = $1 AND o.organization_id = $2
      AND o.id IN (SELECT unnest($3::uuid[]) UNION SELECT registry_order_id FROM programmes)
), curators AS MATERIALIZED (
    SELECT pa.person_id AS id, pa.xmin::text AS v FROM participation pa
    WHERE pa.region_id = $1 AND pa.organization_id = $2 AND pa.role = 'curator'
), listed AS MATERIALIZED (
    SELECT (r->>'person_id')::uuid AS id
    FROM orders o CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(o.payload->'rows') = 'array' THEN o.payload->'rows' ELSE '[]'::jsonb END) r
    WHERE jsonb_typeof(r) = 'object' AND coalesce(r->>'person_id', '') <> ''
    UNION SELECT id FROM curators
), applications AS MATERIALIZED (
    SELECT a.region_id, a.id, a.xmin::text AS v FROM contest_application a
    WHERE a.region_id = $1 AND (a.person_id IN (SELECT id FROM listed) OR a.mentee_person_id IN (SELECT id FROM listed))
), fact AS (
    SELECT f.ends_on, f.computed_at FROM indicator_fact f
    WHERE f.region_id = $1 AND f.organization_id = $2 AND f.starts_on = $4 AND f.ends_on <= $5
    ORDER BY f.ends_on DESC LIMIT 1
), parts (tag, id, v) AS (
    SELECT 'organization', o.id::text, o.xmin::text || '/' || m.xmin::text FROM organization o
        JOIN municipality m ON m.region_id = o.region_id AND m.id = o.municipality_id
        WHERE o.region_id = $1 AND o.id = $2
    UNION ALL SELECT 'programme', id::text, v FROM programmes
    UNION ALL SELECT 'curator', id::text, v FROM curators
    UNION ALL SELECT 'order', id::text, v FROM orders
    UNION ALL SELECT 'event', e.id::text, e.xmin::text FROM roadmap_event e
        WHERE e.region_id = $1 AND e.programme_id IN (SELECT id FROM programmes)
    UNION ALL SELECT 'person', p.id::text, p.xmin::text FROM person p
        WHERE p.region_id = $1 AND p.id IN (SELECT id FROM listed)
    UNION ALL SELECT 'consent', c.id::text, c.xmin::text FROM consent c
        WHERE c.region_id = $1 AND c.person_id IN (SELECT id FROM listed)
    UNION ALL SELECT 'rating', r.organization_id::text || '/' || r.person_id::text, r.xmin::text FROM mentor_rating r
        WHERE r.region_id = $1 AND r.person_id IN (SELECT id FROM listed)
    UNION ALL SELECT 'incentive', i.id::text, i.xmin::text FROM mentor_incentive i
        WHERE i.region_id = $1 AND i.person_id IN (SELECT id FROM listed)
    UNION ALL SELECT 'application', id::text, v FROM applications
    UNION ALL SELECT 'entry', e.id::text, concat_ws('/', e.xmin, p.xmin, c.xmin, n.xmin, s.xmin)
        FROM applications a JOIN contest_entry e ON e.region_id = a.region_id AND e.application_id = a.id
        JOIN contest_panel p ON p.region_id = e.region_id AND p.id = e.panel_id
        JOIN contest c ON c.region_id = e.region_id AND c.id = e.contest_id
        JOIN contest_nomination n ON n.region_id = e.region_id AND n.id = e.nomination_id
        JOIN contest_stage s ON s.region_id = e.region_id AND s.id = e.stage_id
    UNION ALL SELECT 'case', k.id::text, k.xmin::text FROM practice_case k
        WHERE k.region_id = $1 AND k.organization_id = $2 AND k.status = 'published'
    UNION ALL SELECT 'fact', ends_on::text, computed_at::text FROM fact
)
SELECT coalesce(md5(string_agg(tag || ':' || id || ':' || v, ',' ORDER BY tag, id, v)), '') FROM parts"""


async def public_page_version(
    region_id: UUID, organization_id: UUID, order_ids: list[UUID], day: date | None = None
) -> str:
    """A digest that changes whenever anything the organization's public page shows of the other domains does
    (`order_ids`: the orders it publishes as documents), read in one statement under the region's scope."""
    day = day or today()
    version: str = await current_connection().fetchval(
        _VERSION, region_id, organization_id, order_ids, school_year(day)[0], day
    )
    return version
