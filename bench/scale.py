"""A synthetic region of N participants (default 1,000,000): the dashboards' p50/p95 (warm), and full CSV and XLSX
exports of the regional base with the growth of the peak memory, each next to PostgreSQL's own
`COPY (same query) TO STDOUT`.

    .venv/bin/python bench/scale.py [PARTICIPANTS]

Starts throwaway embedded servers. Dashboards read indicators counted per organization by the hourly job; the
job's count of the whole region and the dashboards' reads are printed next to one plain scan of all the meetings.
"""

from __future__ import annotations

import asyncio
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_servers() -> tuple[object, str]:
    from infra.bootstrap import throwaway

    servers = throwaway(ROOT / ".data" / f"bench-{uuid.uuid4().hex[:8]}", "nastavnik_bench")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(16))
    subprocess.run([sys.executable, "-m", "app.cli", "migrate"], check=True, cwd=ROOT, capture_output=True)
    return servers, os.environ["ADMIN_DATABASE_URL"]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def measure(participants: int, admin_dsn: str) -> None:
    from services.reports import exports, indicators
    from services.reports.synthetic import seed_bench
    from shared.db import Level, Scope, current_connection, tenant_transaction
    from shared.engine import DB

    counts = await seed_bench(admin_dsn, participants)
    print(
        f"seed-bench: {counts['person']:,} people, {counts['mentorship']:,} pairs, {counts['meeting']:,} meetings, "
        f"{counts['organization']:,} organizations in {counts['seconds']} s"
    )
    await DB.start_connection_pool(min_size=1, max_size=2)
    region = uuid.UUID(counts["region_id"])
    scope = Scope.for_region(region)
    today = date.today()
    period = indicators.Period(date(today.year if today.month >= 9 else today.year - 1, 9, 1), today)
    async with tenant_transaction(scope):
        organization = await current_connection().fetchval(
            "SELECT id FROM organization WHERE kind <> 'municipal_body' LIMIT 1"
        )
        started = time.perf_counter()
        await current_connection().fetchval("SELECT count(*) FROM meeting")
        scan = time.perf_counter() - started

    # The hourly job's work: the default period of the whole region, counted in one pass.
    async with tenant_transaction(scope):
        started = time.perf_counter()
        await indicators.refresh(period)
        count_time = time.perf_counter() - started
    one_samples = []
    async with tenant_transaction(scope):
        sample = await current_connection().fetch(
            "SELECT id FROM organization WHERE kind <> 'municipal_body' ORDER BY id LIMIT 11"
        )
    for row in sample:  # the first warms the caches and is not counted
        async with tenant_transaction(scope):
            started = time.perf_counter()
            await indicators.refresh(period, indicators.Reach(organization_id=row["id"]))
            one_samples.append(time.perf_counter() - started)
    one_p50, one_p95 = percentiles(one_samples[1:])
    for point in indicators.trend_points(period)[:-1]:
        async with tenant_transaction(scope):
            await indicators.refresh(point)
    print(f"one scan of all meetings (baseline):  {scan:7.2f} s")
    print(f"count of the region (hourly job):     {count_time:7.2f} s   / scan: {count_time / scan:.1f}")
    print(f"count of one organization (on demand): p50 {one_p50:5.2f} s   p95 {one_p95:5.2f} s")

    async def timed(reach: indicators.Reach, runs: int) -> list[float]:
        """What a dashboard reads: the counted indicators, the comparison of its units and the trend."""
        samples = []
        for _ in range(runs + 1):  # the first run warms the caches and is not counted
            async with tenant_transaction(scope):
                started = time.perf_counter()
                found = await indicators.snapshot(reach, period)
                assert found is not None
                await indicators.breakdown(reach, period)
                await indicators.trend(reach, period)
                samples.append(time.perf_counter() - started)
        return samples[1:]

    org_samples = await timed(indicators.Reach(organization_id=organization), 50)
    region_samples = await timed(indicators.Reach(), 20)
    for name, samples in (("organization", org_samples), ("regional", region_samples)):
        p50, p95 = percentiles(samples)
        label = f"{name} dashboard (warm):"
        print(f"{label:37} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   p95 / scan {p95 / scan:.4f}")

    _, _, query = exports.KINDS["people"]
    with tempfile.TemporaryDirectory() as folder:
        async with tenant_transaction(Scope(Level.region, None, region)):
            started = time.perf_counter()
            await current_connection().copy_from_query(
                query, None, None, None, None, None, output=str(Path(folder) / "copy.csv"), format="csv"
            )
            copy_time = time.perf_counter() - started
        targets = {"csv": 1.25, "xlsx": 4.0}
        for fmt in ("csv", "xlsx"):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            async with tenant_transaction(Scope(Level.region, None, region)):
                started = time.perf_counter()  # timed without tracemalloc, which slows Python several times
                rows = await exports.write("people", fmt, exports.Filters(), Path(folder) / f"people.{fmt}")
                elapsed = time.perf_counter() - started
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
            size = (Path(folder) / f"people.{fmt}").stat().st_size / 2**20
            print(
                f"export {fmt.upper():4} {rows:,} rows: {elapsed:7.1f} s, peak RSS grew {grown:6.1f} MiB, "
                f"{size:6.1f} MiB file   COPY TO STDOUT {copy_time:6.1f} s   ratio {elapsed / copy_time:5.2f}"
                f" (target ≤ {targets[fmt]})"
            )
    await DB.close_connection_pool()


def main() -> None:
    participants = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    servers, admin_dsn = start_servers()
    try:
        asyncio.run(measure(participants, admin_dsn))
    finally:
        servers.destroy()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
