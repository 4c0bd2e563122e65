"""Import of a generated 100,000-row file, next to PostgreSQL's own COPY of the same rows, as a ratio.

    .venv/bin/python bench/import_people.py [ROWS]

Starts throwaway embedded servers unless DATABASE_URL and MIGRATION_DATABASE_URL are set.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_servers() -> object | None:
    if os.environ.get("DATABASE_URL") and os.environ.get("MIGRATION_DATABASE_URL"):
        return None
    from infra.bootstrap import throwaway

    servers = throwaway(ROOT / ".data" / f"bench-{uuid.uuid4().hex[:8]}", "nastavnik_bench")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(16))
    subprocess.run([sys.executable, "-m", "app.cli", "migrate"], check=True, cwd=ROOT, capture_output=True)
    return servers


def generate(rows: int) -> bytes:
    rng = random.Random(1)  # noqa: S311 - benchmark data
    surnames = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Ёлкин"]
    names = ["Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл"]
    lines = ["Фамилия;Имя;Отчество;Дата рождения;Категория;Класс;Электронная почта"]
    start = date(2008, 1, 1)
    for n in range(rows):
        born = start + timedelta(days=rng.randint(0, 2500))
        lines.append(
            f"{rng.choice(surnames)}{n};{rng.choice(names)};Петрович;{born:%d.%m.%Y};обучающийся;"
            f"{rng.randint(5, 11)}{rng.choice('АБВ')};pupil{n}@school.local"
        )
    return "\n".join(lines).encode("utf-8")


async def measure(rows: int) -> None:
    from services.registry import importer
    from shared.actor import Actor
    from shared.db import Level, Scope, current_connection, rescope, tenant_transaction
    from shared.i18n import sort_key
    from shared.settings import get_settings
    from tenants import logic

    content = generate(rows)
    async with tenant_transaction(Scope(Level.platform)):
        region_id = await logic.create_region(f"Бенчмарк {uuid.uuid4().hex[:6]}")
        municipality_id = await current_connection().fetchval(
            "INSERT INTO municipality (region_id, name, sort_key) VALUES ($1, 'Район', '') RETURNING id", region_id
        )
        organization_id = await current_connection().fetchval(
            """INSERT INTO organization (region_id, municipality_id, kind, name, sort_key)
               VALUES ($1, $2, 'school', 'Школа', '') RETURNING id""",
            region_id,
            municipality_id,
        )
    scope = Scope(Level.organization, None, region_id, municipality_id, organization_id)
    actor = Actor(None, region_id, organization_id, "bench")

    started = time.perf_counter()
    async with tenant_transaction(scope):
        limits = importer.ImportLimits.of(get_settings())
        report = await importer.import_file(actor, scope, content, "bench.csv", dry_run=False, limits=limits)
    ours = time.perf_counter() - started
    assert report.ok and report.valid == rows, report.errors[:3]

    # Baseline: PostgreSQL's COPY of the same rows (already parsed) into a plain table of the same shape.
    records = []
    for line in content.decode().splitlines()[1:]:
        surname, name, patronymic, born, _, grade, email = line.split(";")
        day, month, year = born.split(".")
        records.append(
            (
                region_id,
                organization_id,
                surname,
                name,
                patronymic,
                date(int(year), int(month), int(day)),
                email,
                "learner",
                grade,
                sort_key(f"{surname} {name} {patronymic}"),
            )
        )
    started = time.perf_counter()
    async with tenant_transaction(scope):
        connection = current_connection()
        await rescope(scope)
        await connection.execute(
            """CREATE TEMP TABLE person_copy (region_id uuid, organization_id uuid, surname text, name text,
               patronymic text, birth_date date, email text, category text, class_or_course text, sort_key bytea)
               ON COMMIT DROP"""
        )
        await connection.copy_records_to_table("person_copy", records=records)
    baseline = time.perf_counter() - started

    print(f"rows:                 {rows:,}")
    print(f"import (read, check, insert, roles): {ours:.2f} s = {rows / ours:,.0f} rows/s")
    print(f"PostgreSQL COPY of parsed rows:      {baseline:.2f} s = {rows / baseline:,.0f} rows/s")
    print(f"ratio import / COPY:  {ours / baseline:.1f}x the time of COPY")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    servers = start_servers()
    try:
        asyncio.run(measure(rows))
    finally:
        if servers is not None:
            servers.destroy()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
