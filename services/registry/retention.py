"""Destruction of personal data when processing must stop (152-ФЗ ст. 21): 30 days after the person's consent is
withdrawn in every organization they take part in (ч. 5), and when the region's retention period of archived
people has run out (ч. 4, the purpose achieved).

A destroyed record keeps only what the indicators count — the organization, the category, the birth year and
the dates of participation and consent — and an irreversible stub instead of everything else, so the numbers of
past periods come out the same when counted again. The registry scrubs its own tables; other domains keep records
about people too (pairs, applications, matching runs, exports), and this domain sits below them: the composition
root hands their scrubbers in, and each runs in the same transaction as the record's destruction.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec

from shared.actor import Actor
from shared.audit import audit
from shared.clock import today
from shared.db import Level, Scope, current_connection, rescope, tenant_transaction
from shared.i18n import sort_key
from tenants import region_ids

log = logging.getLogger("nastavnik.jobs")

DESTROYED = "Данные уничтожены"  # what other records print instead of a destroyed person's name
STUB_SURNAME, STUB_NAME = "Данные", "уничтожены"  # the record's own name columns, so its full name reads DESTROYED
BATCH = 200  # people destroyed per transaction: a run killed midway keeps what it committed
HORIZON_DAYS = 90  # the coordinator's page lists what falls due this far ahead, and counts the rest


class Ground(enum.StrEnum):
    withdrawal = "withdrawal"
    retention = "retention"


GROUND_LABELS: dict[Ground, str] = {
    Ground.withdrawal: "отзыв согласия",
    Ground.retention: "истёк срок хранения",
}
# What the audit log says: the legal ground, never anything about the person.
LEGAL_GROUNDS: dict[Ground, str] = {
    Ground.withdrawal: "152-ФЗ ст. 21 ч. 5: отзыв согласия",
    Ground.retention: "152-ФЗ ст. 21 ч. 4: истёк срок хранения",
}


class Forgotten(msgspec.Struct, frozen=True, kw_only=True):
    """A person whose personal data is being destroyed, as other domains need them to scrub their own records."""

    id: UUID
    ids: list[UUID]  # the record and the duplicates merged into it: another record may point at any of them
    names: list[str]  # the full names as other records printed them
    ground: Ground


Scrubber = Callable[[list[Forgotten]], Awaitable[None]]


# What falls due ----------------------------------------------------------------------------------------------
#
# $1 days after withdrawal, $2 region. A person is due on the later of the withdrawal days plus $1 when no consent
# to processing is active anywhere in the region, and on the last archiving plus the region's period when every
# participation is archived; the earlier of the two grounds wins.
DUE = """
WITH withdrawn AS (
    SELECT c.region_id, c.person_id, max(c.withdrawn_on) AS last_on
    FROM consent c WHERE c.region_id = $2 AND c.kind = 'personal_data'
    GROUP BY c.region_id, c.person_id HAVING bool_and(c.withdrawn_on IS NOT NULL)
), archived AS (
    SELECT pa.region_id, pa.person_id, max(pa.archived_at)::date AS last_on
    FROM participation pa WHERE pa.region_id = $2
    GROUP BY pa.region_id, pa.person_id HAVING bool_and(pa.archived_at IS NOT NULL)
), due AS (
    SELECT region_id, person_id, 'withdrawal' AS ground, last_on + $1::integer AS due_on FROM withdrawn
    UNION ALL
    SELECT a.region_id, a.person_id, 'retention', a.last_on + r.archive_retention_days
    FROM archived a JOIN region r ON r.id = a.region_id
), first_due AS (
    SELECT DISTINCT ON (region_id, person_id) region_id, person_id, ground, due_on FROM due
    ORDER BY region_id, person_id, due_on, ground = 'withdrawal' DESC
)"""

# $3 the day of the run, $4 how many
SELECT_DUE = f"""{DUE}
SELECT p.id, p.organization_id, d.ground FROM first_due d
JOIN person p ON p.region_id = d.region_id AND p.id = d.person_id
WHERE p.merged_into IS NULL AND p.destroyed_at IS NULL AND d.due_on <= $3::date
ORDER BY d.due_on, p.id LIMIT $4
FOR UPDATE OF p"""

# Each chosen record with the duplicates merged into it (and into those), not destroyed yet.
FAMILY = """
WITH RECURSIVE family AS (
    SELECT p.id, p.id AS owner FROM person p WHERE p.region_id = $1 AND p.id = ANY($2::uuid[])
    UNION
    SELECT p.id, f.owner FROM person p JOIN family f ON p.region_id = $1 AND p.merged_into = f.id
)
SELECT p.id, f.owner, p.full_name, p.organization_id FROM family f
JOIN person p ON p.region_id = $1 AND p.id = f.id
WHERE p.destroyed_at IS NULL
FOR UPDATE OF p"""


async def _destroy_batch(region_id: UUID, run_id: UUID, days: int, day: date, scrubbers: Sequence[Scrubber]) -> int:
    """Up to BATCH due people, in the open transaction: every domain's records of them, then their own."""
    connection = current_connection()
    # Two workers never destroy one region at once; a record already destroyed is not chosen again.
    await connection.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('retention:' || $1::text, 0))", str(region_id)
    )
    chosen = await connection.fetch(SELECT_DUE, days, region_id, day, BATCH)
    if not chosen:
        return 0
    grounds = {row["id"]: Ground(row["ground"]) for row in chosen}
    family = await connection.fetch(FAMILY, region_id, list(grounds))
    people = [
        Forgotten(
            id=person_id,
            ids=[r["id"] for r in family if r["owner"] == person_id],
            names=list(dict.fromkeys(r["full_name"] for r in family if r["owner"] == person_id)),
            ground=ground,
        )
        for person_id, ground in grounds.items()
    ]
    for scrub in scrubbers:
        await scrub(people)
    records = [r["id"] for r in family]
    await _scrub_registry(records)
    destroyed = await connection.fetch(
        """UPDATE person p SET surname = $3, name = $4, patronymic = '', sort_key = $5,
               birth_year = coalesce(p.birth_year, extract(year FROM p.birth_date)::smallint), birth_date = NULL,
               sex = '', email = '', phone = '', snils = NULL, class_or_course = '', position = '', subject = '',
               teaching_experience = NULL, company = '', graduation_year = NULL,
               updated_at = now(), destroyed_at = now(), destroyed_ground = g.ground
           FROM unnest($1::uuid[], $2::text[]) AS g(id, ground)
           WHERE p.id = g.id AND p.destroyed_at IS NULL
           RETURNING p.id, p.organization_id, p.destroyed_ground""",
        [r["id"] for r in family],
        [grounds[r["owner"]].value for r in family],
        STUB_SURNAME,
        STUB_NAME,
        sort_key(DESTROYED),
    )
    for row in destroyed:
        # The keeper organization reads it on the card's history; the region reads it all.
        actor = Actor(None, region_id, row["organization_id"])
        await audit(actor, "destroy", row["id"], LEGAL_GROUNDS[Ground(row["destroyed_ground"])])
    await connection.execute(
        "UPDATE destruction_run SET withdrawal = withdrawal + $3, retention = retention + $4 "
        "WHERE region_id = $1 AND id = $2",
        region_id,
        run_id,
        sum(1 for g in grounds.values() if g == Ground.withdrawal),
        sum(1 for g in grounds.values() if g == Ground.retention),
    )
    return len(chosen)


async def _scrub_registry(person_ids: list[UUID]) -> None:
    """The registry's own records of them: consent scans and representatives, questionnaire answers (their scale
    scores, which the satisfaction indicators average, stay), and the personal links that still work."""
    connection = current_connection()
    await connection.execute(
        """DELETE FROM consent_scan s USING consent c
           WHERE s.region_id = c.region_id AND s.consent_id = c.id AND c.person_id = ANY($1::uuid[])""",
        person_ids,
    )
    await connection.execute(
        """UPDATE consent SET has_scan = false, representative_relation = '', representative_document = '',
               representative_name = CASE WHEN given_by = 'representative' THEN $2 ELSE '' END
           WHERE person_id = ANY($1::uuid[])""",
        person_ids,
        DESTROYED,
    )
    await connection.execute(
        """UPDATE questionnaire_answer SET tags = '{}', answers = coalesce(
               (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(answers) e
                WHERE jsonb_typeof(e.value) = 'number'), '{}'::jsonb)
           WHERE person_id = ANY($1::uuid[])""",
        person_ids,
    )
    await connection.execute(
        """UPDATE questionnaire_request SET expires_at = least(expires_at, now())
           WHERE person_id = ANY($1::uuid[]) AND answered_at IS NULL""",
        person_ids,
    )


async def _start_run(region_id: UUID, day: date) -> UUID:
    run_id: UUID = await current_connection().fetchval(
        "INSERT INTO destruction_run (region_id, day) VALUES ($1, $2) RETURNING id", region_id, day
    )
    return run_id


async def _finish_run(region_id: UUID, run_id: UUID, cutoff: date) -> None:
    """Uploads older than the withdrawal window may hold people destroyed since (the sweeper normally drops a file
    within hours of its import): none is kept past it. The run is then recorded as complete."""
    connection = current_connection()
    await connection.execute(
        """UPDATE tracked_job SET file = NULL
           WHERE region_id = $1 AND kind = 'import' AND file IS NOT NULL AND created_at::date < $2""",
        region_id,
        cutoff,
    )
    await connection.execute(
        "UPDATE destruction_run SET finished_at = now() WHERE region_id = $1 AND id = $2", region_id, run_id
    )


class RunCounts(msgspec.Struct, kw_only=True):
    withdrawal: int = 0
    retention: int = 0
    failed_regions: int = 0


async def _run_counts(region_id: UUID, run_id: UUID) -> RunCounts:
    row = await current_connection().fetchrow(
        "SELECT withdrawal, retention FROM destruction_run WHERE region_id = $1 AND id = $2", region_id, run_id
    )
    return RunCounts(withdrawal=row["withdrawal"], retention=row["retention"])


async def destroy_region(
    region_id: UUID, *, days: int, scrubbers: Sequence[Scrubber], day: date | None = None
) -> RunCounts:
    """One region, in its own scope: the run is recorded first, then batches commit one by one, so a run that
    is killed keeps what it destroyed and the next one carries on; a second run finds nothing left to do."""
    day = day or today()
    scope = Scope.for_region(region_id)
    async with tenant_transaction(scope):
        run_id = await _start_run(region_id, day)
    while True:
        async with tenant_transaction(scope):
            done = await _destroy_batch(region_id, run_id, days, day, scrubbers)
        if done < BATCH:
            break
    async with tenant_transaction(scope):
        await _finish_run(region_id, run_id, day - timedelta(days=days))
        return await _run_counts(region_id, run_id)


async def destroy_in_open_transaction(
    region_id: UUID, *, days: int, scrubbers: Sequence[Scrubber], day: date | None = None
) -> RunCounts:
    """The same run inside a transaction already open (the demo seeding), under the region's scope."""
    day = day or today()
    await rescope(Scope.for_region(region_id))
    run_id = await _start_run(region_id, day)
    while await _destroy_batch(region_id, run_id, days, day, scrubbers) >= BATCH:
        pass
    await _finish_run(region_id, run_id, day - timedelta(days=days))
    return await _run_counts(region_id, run_id)


async def destroy_everywhere(*, days: int, scrubbers: Sequence[Scrubber], day: date | None = None) -> RunCounts:
    """The daily job: every region in its own scope; a region that fails is logged and tried again tomorrow,
    the others go on."""
    async with tenant_transaction(Scope(Level.platform)):
        regions = await region_ids()
    total = RunCounts()
    for region_id in regions:
        try:
            counts = await destroy_region(region_id, days=days, scrubbers=scrubbers, day=day)
        except Exception:
            log.exception("Personal data of a region was not destroyed this time")
            total.failed_regions += 1
            continue
        total.withdrawal += counts.withdrawal
        total.retention += counts.retention
    if total.withdrawal or total.retention or total.failed_regions:
        log.info("Personal data destroyed: %s", msgspec.structs.asdict(total))
    return total


# What the regional coordinator sees --------------------------------------------------------------------------


class DueGroup(msgspec.Struct, frozen=True, kw_only=True):
    """People of one organization due on one day on one ground: a count, never a name."""

    municipality: str
    organization: str
    ground: Ground
    due_on: date  # a day already past is the next run's
    people: int

    @property
    def ground_label(self) -> str:
        return GROUND_LABELS[self.ground]


class DuePlan(msgspec.Struct, frozen=True, kw_only=True):
    groups: list[DueGroup]
    later: int  # due after the horizon
    withdrawal_days: int
    retention_days: int

    @property
    def total(self) -> int:
        return sum(g.people for g in self.groups)


async def due_plan(region_id: UUID, withdrawal_days: int, day: date | None = None) -> DuePlan:
    day = day or today()
    rows = await current_connection().fetch(
        f"""{DUE}
            SELECT coalesce(nullif(o.short_name, ''), o.name) AS organization, m.name AS municipality, d.ground,
                   greatest(d.due_on, $3::date) AS due_on, count(*) AS people
            FROM first_due d
            JOIN person p ON p.region_id = d.region_id AND p.id = d.person_id
            JOIN organization o ON o.region_id = p.region_id AND o.id = p.organization_id
            JOIN municipality m ON m.region_id = o.region_id AND m.id = o.municipality_id
            WHERE p.merged_into IS NULL AND p.destroyed_at IS NULL AND d.due_on <= $3::date + $4::integer
            GROUP BY 1, 2, 3, 4, m.sort_key, o.sort_key
            ORDER BY 4, m.sort_key, o.sort_key, 3""",
        withdrawal_days,
        region_id,
        day,
        HORIZON_DAYS,
    )
    later = await current_connection().fetchval(
        f"""{DUE}
            SELECT count(*) FROM first_due d JOIN person p ON p.region_id = d.region_id AND p.id = d.person_id
            WHERE p.merged_into IS NULL AND p.destroyed_at IS NULL AND d.due_on > $3::date + $4::integer""",
        withdrawal_days,
        region_id,
        day,
        HORIZON_DAYS,
    )
    retention_days = await current_connection().fetchval(
        "SELECT archive_retention_days FROM region WHERE id = $1", region_id
    )
    return DuePlan(
        groups=msgspec.convert([dict(r) for r in rows], list[DueGroup]),
        later=int(later),
        withdrawal_days=withdrawal_days,
        retention_days=int(retention_days),
    )


class RunRecord(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    started_at: datetime
    finished_at: datetime | None
    withdrawal: int
    retention: int

    @property
    def people(self) -> int:
        return self.withdrawal + self.retention


async def recent_runs(limit: int = 60) -> list[RunRecord]:
    """The region's runs, newest first (the scope is the region's: nobody else reads them)."""
    rows = await current_connection().fetch(
        """SELECT day, started_at, finished_at, withdrawal, retention FROM destruction_run
           ORDER BY started_at DESC LIMIT $1""",
        limit,
    )
    return msgspec.convert([dict(r) for r in rows], list[RunRecord])


async def destroyed_totals() -> dict[Ground, int]:
    """Records destroyed in the region so far, by ground (merged duplicates counted with their record)."""
    rows = await current_connection().fetch(
        """SELECT destroyed_ground, count(*) AS people FROM person
           WHERE destroyed_at IS NOT NULL AND merged_into IS NULL GROUP BY destroyed_ground"""
    )
    totals: dict[Ground, int] = dict.fromkeys(Ground, 0)
    totals.update({Ground(r["destroyed_ground"]): int(r["people"]) for r in rows})
    return totals
