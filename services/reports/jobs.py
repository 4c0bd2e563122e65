"""Exports run in the worker: progress in Redis, the file on disk behind a link that expires, an audit entry."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from arq import ArqRedis
from arq.constants import result_key_prefix
from arq.jobs import Job, JobStatus

from services.programmes import school_year
from services.reports import exports, indicators
from services.reports.exports import Filters
from services.reports.indicators import Period, Reach
from shared.actor import Actor
from shared.audit import audit
from shared.clock import ZONE, today
from shared.db import Level, Scope, tenant_transaction
from shared.settings import Settings
from tenants import region_ids

log = logging.getLogger("nastavnik.jobs")

TTL = 24 * 3600  # the download link and the file live a day


def _key(export_id: str) -> str:
    return f"export:{export_id}"


def path_of(settings: Settings, export_id: str, fmt: str) -> Path:
    return Path(settings.export_dir) / f"{export_id}.{fmt}"


async def start_export(redis: ArqRedis, actor: Actor, scope: Scope, kind: str, fmt: str, filters: Filters) -> str:
    export_id = secrets.token_hex(12)
    meta = {
        "kind": kind,
        "format": fmt,
        "title": exports.KINDS[kind][0],
        "scope": {k: (str(v) if v is not None else None) for k, v in asdict(scope).items() if k.endswith("_id")}
        | {"level": scope.level.value},
        "filters": {k: (str(v) if v is not None else None) for k, v in asdict(filters).items()},
        "ip": actor.ip,
        "status": "queued",
        "done": 0,
        "total": 0,
        "filename": exports.filename(kind, fmt, today()),
        "expires_at": time.time() + TTL,
    }
    await redis.set(_key(export_id), json.dumps(meta), ex=TTL)
    await redis.enqueue_job("run_export", export_id, _job_id=f"export:{export_id}")
    return export_id


async def export_status(redis: ArqRedis, export_id: str, user_id: UUID) -> dict[str, Any] | None:
    """Only the person who asked sees an export; None otherwise (the caller answers 404)."""
    raw = await redis.get(_key(export_id))
    if raw is None:
        return None
    meta: dict[str, Any] = json.loads(raw)
    return meta if meta["scope"]["user_id"] == str(user_id) else None


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


async def run_export(ctx: dict[str, Any], export_id: str) -> str:
    redis: ArqRedis = ctx["redis"]
    settings: Settings = ctx["settings"]
    raw = await redis.get(_key(export_id))
    if raw is None:
        return "expired"
    meta = json.loads(raw)
    if meta["status"] == "done":
        return "done"
    sweep(settings)
    s = meta["scope"]
    scope = Scope(
        Level(s["level"]),
        _uuid(s["user_id"]),
        _uuid(s["region_id"]),
        _uuid(s["municipality_id"]),
        _uuid(s["organization_id"]),
    )
    f = meta["filters"]
    filters = Filters(
        _uuid(f["municipality_id"]),
        _uuid(f["organization_id"]),
        _uuid(f["form_id"]),
        exports.date.fromisoformat(f["starts_on"]) if f["starts_on"] else None,
        exports.date.fromisoformat(f["ends_on"]) if f["ends_on"] else None,
    )
    path = path_of(settings, export_id, meta["format"])
    path.parent.mkdir(parents=True, exist_ok=True)
    progress = {"done": 0}

    async def publish() -> None:
        while True:
            await asyncio.sleep(0.5)
            meta["done"] = progress["done"]
            await redis.set(_key(export_id), json.dumps(meta), ex=TTL)

    async with tenant_transaction(scope):
        if meta["kind"] == "indicators":  # the period is counted for the export
            assert scope.region_id is not None
            period = counted_period(filters)
            filters = replace(filters, starts_on=period.starts_on, ends_on=period.ends_on)
            await indicators.recount(scope.region_id, Reach(filters.organization_id, filters.municipality_id), period)
        meta.update(status="running", total=await exports.count(meta["kind"], filters))
        await redis.set(_key(export_id), json.dumps(meta), ex=TTL)
        publisher = asyncio.create_task(publish())
        try:
            written = await exports.write(
                meta["kind"], meta["format"], filters, path, lambda done: progress.update(done=done)
            )
        finally:
            publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await publisher
        actor = Actor(scope.user_id, scope.region_id or UUID(int=0), scope.organization_id, meta["ip"])
        await audit(actor, "export", None, f"{meta['title']}, {meta['format']}, строк: {written}")
    meta.update(status="done", done=written, total=written)
    await redis.set(_key(export_id), json.dumps(meta), ex=TTL)
    return "done"


def counted_period(filters: Filters) -> Period:
    """An indicator table covers the period asked, by default the school year up to today."""
    default = default_period(today())
    return Period(filters.starts_on or default.starts_on, filters.ends_on or default.ends_on)


def sweep(settings: Settings) -> None:
    """Files older than their link are removed."""
    folder = Path(settings.export_dir)
    if not folder.is_dir():
        return
    for file in folder.iterdir():
        if file.is_file() and file.stat().st_mtime < time.time() - TTL:
            file.unlink(missing_ok=True)


# Indicators ----------------------------------------------------------------------------------------------------


def default_period(day: date) -> Period:
    """What a dashboard shows unless asked otherwise: the school year up to the day."""
    return Period(school_year(day)[0], day)


COUNT_FAILED_MINUTES = 10  # a failed count is not asked for again before then: the page says it failed


def _count_key(region_id: UUID, reach: Reach, starts_on: date) -> str:
    """One count at a time per reach and start of period: a second request waits for the first."""
    return f"indicators:{region_id}:{reach.municipality_id or ''}:{reach.organization_id or ''}:{starts_on}"


async def count_later(redis: ArqRedis, region_id: UUID, reach: Reach, periods: list[Period]) -> str:
    """Asks the worker to count a reach for the periods, the first first. The periods join a list the reach's one
    job drains, so a count already under way takes them too. Answers "counting", or "failed" when the reach's
    last count failed a moment ago (nothing is asked then)."""
    key = _count_key(region_id, reach, periods[0].starts_on)
    state = await count_state(redis, region_id, reach, periods[0].starts_on)
    if state == "failed":
        return state
    async with redis.pipeline(transaction=True) as pipe:
        pipe.rpush(f"{key}:ends", *[p.ends_on.isoformat() for p in periods])
        pipe.expire(f"{key}:ends", TTL)
        await pipe.execute()
    if state is None:
        await redis.delete(result_key_prefix + key)  # an older result would stop the same job id from queueing
        await redis.enqueue_job(
            "count_indicators",
            str(region_id),
            str(reach.municipality_id or ""),
            str(reach.organization_id or ""),
            periods[0].starts_on.isoformat(),
            _job_id=key,
        )
    return "counting"


async def count_state(redis: ArqRedis, region_id: UUID, reach: Reach, starts_on: date) -> str | None:
    """How a reach's count stands: "counting" while queued or running, "failed" just after it failed, else None."""
    job = Job(_count_key(region_id, reach, starts_on), redis)
    status = await job.status()
    if status in (JobStatus.queued, JobStatus.deferred, JobStatus.in_progress):
        return "counting"
    if status == JobStatus.complete:
        info = await job.result_info()
        if info is not None and not info.success:
            return "failed" if time.time() - info.finish_time.timestamp() < COUNT_FAILED_MINUTES * 60 else None
    return None


async def count_indicators(
    ctx: dict[str, Any], region_id: str, municipality_id: str, organization_id: str, starts: str
) -> int:
    """Counts the periods asked for the reach until none is left, including those asked while it runs."""
    redis: ArqRedis = ctx["redis"]
    reach = Reach(_uuid(organization_id), _uuid(municipality_id))
    queue = f"{_count_key(UUID(region_id), reach, date.fromisoformat(starts))}:ends"
    counted = 0
    while True:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.lrange(queue, 0, -1)
            pipe.delete(queue)
            taken, _ = await pipe.execute()
        ends = list(dict.fromkeys(end.decode() for end in taken))
        if not ends:
            return counted
        for n, end in enumerate(ends):
            try:
                async with tenant_transaction(Scope.for_region(UUID(region_id))):
                    await indicators.refresh(Period(date.fromisoformat(starts), date.fromisoformat(end)), reach)
            except Exception:  # the rest stay asked for: the retry (or the next request) counts them
                async with redis.pipeline(transaction=True) as pipe:
                    pipe.lpush(queue, *reversed(ends[n:]))
                    await pipe.execute()
                raise
            counted += 1


async def refresh_indicators(ctx: dict[str, Any]) -> dict[str, int]:
    """Hourly: every region's default dashboard is recounted; its trend's earlier months once a day. Counts of
    other periods (asked for by somebody) are dropped two days after they were made. A region that fails is
    logged and left for the next hour; the others are counted."""
    day = today()
    points = indicators.trend_points(default_period(day))
    async with tenant_transaction(Scope(Level.platform)):
        regions = await region_ids()
    counted = failed = 0
    for region_id in regions:
        try:
            for point in points:
                async with tenant_transaction(Scope.for_region(region_id)):
                    found = await indicators.snapshot(Reach(), point)
                    if point.ends_on == day or found is None or found.computed_at.astimezone(ZONE).date() < day:
                        await indicators.refresh(point)
                        counted += 1
            async with tenant_transaction(Scope.for_region(region_id)):
                await indicators.prune(points, keep_days=2)
        except Exception:
            log.exception("Indicators of a region were not counted")
            failed += 1
    return {"regions": len(regions), "counted": counted, "failed": failed}
