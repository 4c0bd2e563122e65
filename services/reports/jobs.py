"""Exports run in the worker as tracked jobs: progress in PostgreSQL, the file on disk behind a link that expires,
an audit entry. Counts of a reach run one at a time, queued after the request commits."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from arq import ArqRedis
from arq.constants import result_key_prefix
from arq.jobs import Job, JobStatus

from services.reports import exports, indicators, rating
from services.reports.exports import Filters
from services.reports.indicators import Period, Reach
from shared import tracked
from shared.actor import Actor
from shared.audit import audit
from shared.clock import ZONE, now, school_year, today
from shared.db import Level, Scope, tenant_transaction
from shared.errors import ValidationFailed
from shared.jobs import LONG_JOB_SECONDS, enqueue_after_commit
from shared.settings import Settings
from shared.tracked import Run, Status, TrackedJob
from tenants import region_ids

log = logging.getLogger("nastavnik.jobs")

TTL = 24 * 3600  # the download link and the file live a day


def path_of(settings: Settings, export_id: UUID, fmt: str) -> Path:
    return Path(settings.export_dir) / f"{export_id}.{fmt}"


@dataclass(frozen=True)
class ExportState:
    """An export as its page and the API show it; only the person who asked sees it, for a day."""

    id: UUID
    kind: str
    format: str
    title: str
    status: str  # queued, running, done or failed
    done: int
    total: int
    filename: str
    expires_at: float
    error: str

    def as_api(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "format": self.format,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "filename": self.filename,
            "expires_at": self.expires_at,
            "error": self.error,
        }


def _filters_of(params: dict[str, Any]) -> Filters:
    f = params["filters"]
    return Filters(
        _uuid(f["municipality_id"]),
        _uuid(f["organization_id"]),
        _uuid(f["form_id"]),
        date.fromisoformat(f["starts_on"]) if f["starts_on"] else None,
        date.fromisoformat(f["ends_on"]) if f["ends_on"] else None,
    )


async def start_export(actor: Actor, scope: Scope, kind: str, fmt: str, filters: Filters) -> UUID:
    """In the request's transaction: the export is queued once the request commits."""
    params = {
        "kind": kind,
        "format": fmt,
        "title": exports.KINDS[kind][0],
        "filters": {k: (str(v) if v is not None else None) for k, v in asdict(filters).items()},
        "filename": exports.filename(kind, fmt, today()),
    }
    return await tracked.start(run_export, scope, ip=actor.ip, params=params, label="Готовим файл")


async def _export_job(export_id: UUID, user_id: UUID) -> TrackedJob | None:
    job = await tracked.get(export_id, "export")
    if job is None or job.scope.user_id != user_id or time.time() - job.created_at.timestamp() > TTL:
        return None
    return job


async def export_status(export_id: UUID, user_id: UUID) -> ExportState | None:
    """Only the person who asked sees an export, while its link lives; None otherwise (the caller answers 404)."""
    job = await _export_job(export_id, user_id)
    if job is None:
        return None
    return ExportState(
        id=job.id,
        kind=job.params["kind"],
        format=job.params["format"],
        title=job.params["title"],
        status=job.status.value,
        done=job.done,
        total=job.total,
        filename=job.params["filename"],
        expires_at=job.created_at.timestamp() + TTL,
        error=job.error,
    )


async def retry_export(export_id: UUID, user_id: UUID) -> None:
    """A failed export runs again with the same filters."""
    job = await _export_job(export_id, user_id)
    if job is None or job.active:
        return
    if job.status != Status.failed:
        raise ValidationFailed({"status": "Повторить можно только выгрузку, которая не удалась"})
    await tracked.again(job)


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


@tracked.job("export", timeout=LONG_JOB_SECONDS)
async def run_export(run: Run) -> dict[str, Any] | None:
    """Writes the file from a server-side cursor; the audit entry and «done» commit together. A run that is
    killed leaves a partial file that the next attempt writes again from the start."""
    job = run.job
    kind, fmt = job.params["kind"], job.params["format"]
    sweep(run.settings)
    filters = _filters_of(job.params)
    path = path_of(run.settings, job.id, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    async with tenant_transaction(job.scope):
        if kind == "indicators":  # the period is counted for the export
            period = counted_period(filters)
            filters = replace(filters, starts_on=period.starts_on, ends_on=period.ends_on)
            await indicators.recount(job.region_id, Reach(filters.organization_id, filters.municipality_id), period)
        run.stage("Готовим файл", total=await exports.count(kind, filters))
        written = await exports.write(kind, fmt, filters, path, run.progress)
        await audit(job.actor, "export", None, f"{job.params['title']}, {fmt}, строк: {written}")
        run.progress(written, written)
        await run.finish({"written": written})
    return None


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
        await enqueue_after_commit(
            count_indicators,
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


async def count_ratings(ctx: dict[str, Any], region_id: str = "") -> dict[str, int]:
    """Nightly, or for one region when its coordinator asks: every registry mentor's rating counted again, each
    region in its own transaction (one that fails is logged and left for the next run)."""
    if region_id:
        regions = [UUID(region_id)]
    else:
        async with tenant_transaction(Scope(Level.platform)):
            regions = await region_ids()
    mentors = failed = 0
    for region in regions:
        try:
            async with tenant_transaction(Scope.for_region(region)):
                mentors += await rating.count_region(region)
        except Exception:
            log.exception("The mentor rating of a region was not counted")
            failed += 1
    return {"regions": len(regions), "mentors": mentors, "failed": failed}


RATING_KIND = "rating_count"
RATING_LABEL = "Пересчитываем рейтинг наставников"


@tracked.job(RATING_KIND, timeout=LONG_JOB_SECONDS)
async def run_rating(run: Run) -> dict[str, Any] | None:
    """The coordinator's recount: the whole region in one transaction, so the standings change all at once."""
    async with tenant_transaction(run.job.scope):
        mentors = await rating.count_region(run.job.region_id, progress=run.progress)
        await run.finish({"mentors": mentors})
    return None


async def last_rating_job() -> TrackedJob | None:
    return await tracked.latest(RATING_KIND, now() - timedelta(days=tracked.KEEP_DAYS))


async def start_rating(scope: Scope, actor: Actor) -> UUID:
    """Queued once the request commits (with the rules it may have saved); a recount under way answers a second
    request."""
    current = await last_rating_job()
    if current is not None and current.active:
        return current.id
    return await tracked.start(run_rating, scope, ip=actor.ip, label=RATING_LABEL)


async def retry_rating() -> None:
    job = await last_rating_job()
    if job is None or job.status != Status.failed:
        raise ValidationFailed({"job": "Повторить можно только пересчёт, который не удался"})
    await tracked.again(job, label=RATING_LABEL)
