"""A synthetic region for load testing: `nastavnik seed-bench --participants N`.

For N = 1,000,000: 60 municipalities, 2,000 organizations, 800,000 learners and 200,000 teachers with consents,
400,000 active pairs and about 5,000,000 meetings, written with PostgreSQL's COPY. COPY into tables under forced
row-level security needs a role that bypasses it: the database superuser of the embedded server, or any
BYPASSRLS role (`--dsn`); the application itself never connects that way.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import asyncpg

from services.registry import person_name
from shared import clock
from shared.i18n import sort_key

BATCH = 100_000


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _copy(connection: asyncpg.Connection, table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    for batch in _batches(rows):
        await connection.copy_records_to_table(table, records=batch, columns=columns)
        count += len(batch)
    return count


async def seed_bench(dsn: str, participants: int, seed: int = 1) -> dict[str, Any]:
    """Builds a new region «Нагрузочный регион …» and answers how many rows of each kind went in and how fast."""
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    today = clock.today()
    municipalities = max(1, min(60, participants // 16_000))
    organizations = max(municipalities, participants // 500)
    connection = await asyncpg.connect(dsn)
    counts: dict[str, Any] = {}
    try:
        form_id = await connection.fetchval(
            "SELECT id FROM mentorship_form WHERE region_id IS NULL AND code = 'teacher_learner'"
        )
        region_id = uuid.uuid4()
        name = f"Нагрузочный регион {region_id.hex[:6]}"
        await connection.execute(
            "INSERT INTO region (id, name, sort_key) VALUES ($1, $2, $3)", region_id, name, sort_key(name)
        )
        municipality_ids = [uuid.uuid4() for _ in range(municipalities)]
        counts["municipality"] = await _copy(
            connection,
            "municipality",
            ["region_id", "id", "name", "sort_key"],
            (
                (region_id, m, f"Муниципалитет {n + 1:02d}", sort_key(f"Муниципалитет {n + 1:02d}"))
                for n, m in enumerate(municipality_ids)
            ),
        )
        organization_ids = [uuid.uuid4() for _ in range(organizations)]
        counts["organization"] = await _copy(
            connection,
            "organization",
            ["region_id", "id", "municipality_id", "kind", "name", "short_name", "sort_key"],
            (
                (
                    region_id,
                    o,
                    municipality_ids[n % municipalities],
                    "school",
                    f"Школа № {n + 1}",
                    f"Школа № {n + 1}",
                    sort_key(f"Школа № {n + 1}"),
                )
                for n, o in enumerate(organization_ids)
            ),
        )
        start_of_year = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
        programme_ids = [uuid.uuid4() for _ in organization_ids]
        await _copy(
            connection,
            "programme",
            ["region_id", "id", "organization_id", "title", "starts_on", "ends_on", "form_ids"],
            (
                (
                    region_id,
                    p,
                    o,
                    "Программа наставничества",
                    start_of_year,
                    start_of_year + timedelta(days=364),
                    [form_id],
                )
                for p, o in zip(programme_ids, organization_ids, strict=True)
            ),
        )
        keys: dict[tuple[str, str, str], bytes] = {}  # a few thousand names, each collated once
        # Every fifth person of each organization is a teacher.
        people = [(uuid.uuid4(), n % organizations, (n // organizations) % 5 == 0) for n in range(participants)]

        def person_rows() -> Iterator[tuple[Any, ...]]:
            for person_id, org, staff in people:
                full = person_name(rng, rng.choice(("male", "female")))
                if full not in keys:
                    keys[full] = sort_key(" ".join(full))
                age = rng.randint(25, 60) if staff else rng.randint(8, 19)
                born = today - timedelta(days=365 * age + rng.randint(0, 364))
                yield (
                    region_id,
                    person_id,
                    organization_ids[org],
                    *full,
                    born,
                    "staff" if staff else "learner",
                    keys[full],
                )

        counts["person"] = await _copy(
            connection,
            "person",
            [
                "region_id",
                "id",
                "organization_id",
                "surname",
                "name",
                "patronymic",
                "birth_date",
                "category",
                "sort_key",
            ],
            person_rows(),
        )
        counts["participation"] = await _copy(
            connection,
            "participation",
            ["region_id", "organization_id", "person_id", "role"],
            (
                (region_id, organization_ids[org], p, "mentor" if staff else "mentee_candidate")
                for p, org, staff in people
            ),
        )
        counts["consent"] = await _copy(
            connection,
            "consent",
            ["region_id", "organization_id", "person_id", "kind", "given_by", "representative_name", "given_on"],
            (
                (
                    region_id,
                    organization_ids[org],
                    p,
                    "personal_data",
                    "self" if staff else "representative",
                    "" if staff else "Законный представитель",
                    start_of_year,
                )
                for p, org, staff in people
            ),
        )
        # Pairs: each teacher mentors two learners of the same organization.
        by_org: dict[int, tuple[list[uuid.UUID], list[uuid.UUID]]] = {}
        for person_id, org, staff in people:
            by_org.setdefault(org, ([], []))[0 if staff else 1].append(person_id)
        pairs: list[tuple[uuid.UUID, int, uuid.UUID, uuid.UUID, date]] = []
        for org, (mentors, mentees) in by_org.items():
            for n, mentee in enumerate(mentees[: 2 * len(mentors)]):
                starts = today - timedelta(days=rng.randint(20, 200))
                pairs.append((uuid.uuid4(), org, mentors[n // 2], mentee, starts))
        counts["mentorship"] = await _copy(
            connection,
            "mentorship",
            [
                "region_id",
                "id",
                "organization_id",
                "programme_id",
                "mentor_id",
                "form_id",
                "status",
                "starts_on",
                "ends_on",
            ],
            (
                (
                    region_id,
                    pair_id,
                    organization_ids[org],
                    programme_ids[org],
                    mentor,
                    form_id,
                    "active",
                    starts,
                    starts + timedelta(days=364),
                )
                for pair_id, org, mentor, _, starts in pairs
            ),
        )
        counts["mentorship_mentee"] = await _copy(
            connection,
            "mentorship_mentee",
            ["region_id", "organization_id", "mentorship_id", "mentee_id"],
            ((region_id, organization_ids[org], pair_id, mentee) for pair_id, org, _, mentee, _ in pairs),
        )

        def meeting_rows() -> Iterator[tuple[Any, ...]]:
            for pair_id, org, _, _, starts in pairs:
                held = starts
                while held <= today:
                    yield (
                        region_id,
                        organization_ids[org],
                        pair_id,
                        "regular",
                        held,
                        rng.choice((45, 60, 60, 90)),
                        "in_person",
                    )
                    held += timedelta(days=rng.randint(5, 13))

        counts["meeting"] = await _copy(
            connection,
            "meeting",
            ["region_id", "organization_id", "mentorship_id", "kind", "held_on", "minutes", "format"],
            meeting_rows(),
        )
        # Each school's contingent: the base holds four in five of its learners and of its teachers.
        learners_of, teachers_of = [0] * organizations, [0] * organizations
        for _, org, teacher in people:
            (teachers_of if teacher else learners_of)[org] += 1
        counts["organization_contingent"] = await _copy(
            connection,
            "organization_contingent",
            ["region_id", "organization_id", "school_year", "learners_total", "learners_10_18", "teachers"],
            (
                (
                    region_id,
                    o,
                    start_of_year.year,
                    learners_of[n] * 5 // 4 * 3 // 2,
                    learners_of[n] * 5 // 4,
                    teachers_of[n] * 5 // 4,
                )
                for n, o in enumerate(organization_ids)
            ),
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    counts["region_id"] = str(region_id)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts
