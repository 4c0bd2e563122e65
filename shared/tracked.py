"""Tracked jobs: long work a user starts and watches (an import, an export), with its state in PostgreSQL.

A job is a row of `tracked_job` (queued → running → done | failed), with its progress, attempt, heartbeat,
checkpoint, the error shown to the user and the uploaded file it works on. Each queueing is a new attempt with an
arq job id of its own; a run claims its attempt or does nothing, so an arq entry that outlived a killed worker is
harmless. The sweeper (a cron of the worker) hands a running job whose heartbeat went quiet to a new attempt, and
queues again a job whose arq entry was lost with Redis. A run that times out, is cancelled or fails ends as failed
with a Russian message, and the user may start it again (`again`). Progress is published from here only: the
handler reports numbers, a heartbeat task writes them.

A domain declares its job with `@tracked.job("kind", timeout=…)` on `async def handler(run: Run) -> dict | None`,
starts it with `start(handler, scope, …)` in the request's transaction and reads it with `get`.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import json
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from arq import func
from arq.constants import default_queue_name, in_progress_key_prefix, job_key_prefix, retry_key_prefix
from arq.jobs import Job, JobStatus
from arq.typing import WorkerCoroutine
from arq.worker import Function

from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.i18n import plural
from shared.jobs import JobFunction, enqueue_after_commit, queue
from shared.settings import Settings, get_settings

log = logging.getLogger("nastavnik.jobs")

PUBLISH_SECONDS = 0.5  # progress reaches the page this often
HEARTBEAT_SECONDS = 2.0  # a running job says it is alive at least this often
MAX_RESTARTS = 3  # a job that killed its worker this many times is not started a fourth time by itself
LOST_SECONDS = 60  # a queued job whose arq entry is gone this long after queueing is queued again
FILE_HOURS = 6  # an uploaded file is removed this long after upload even if its job still might use it
KEEP_DAYS = 14  # finished jobs are forgotten after this

INTERRUPTED = "Задание прервано: фоновый обработчик остановился. Нажмите «Повторить»."
CRASHED = "Задание прерывалось {n} раза (фоновый обработчик перезапускался) и остановлено. Нажмите «Повторить»."
BROKEN = "Не удалось выполнить задание. Нажмите «Повторить»; если ошибка повторится, обратитесь в поддержку."
UNKNOWN = "Задание этого вида больше не выполняется."


class Status(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


@dataclass(frozen=True)
class TrackedJob:
    region_id: UUID
    id: UUID
    kind: str
    step: str  # the stage of a job that runs in steps (an import is checked, then committed)
    scope: Scope  # the requester's: the job runs under it
    ip: str
    status: Status
    done: int
    total: int
    label: str
    attempt: int
    params: dict[str, Any]
    checkpoint: dict[str, Any] | None
    result: dict[str, Any] | None
    error: str
    file_name: str
    has_file: bool
    created_at: datetime
    queued_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None

    @property
    def active(self) -> bool:
        return self.status in (Status.queued, Status.running)

    @property
    def actor(self) -> Actor:
        assert self.scope.region_id is not None
        return Actor(self.scope.user_id, self.scope.region_id, self.scope.organization_id, self.ip)


class JobFailed(Exception):
    """Raised by a handler to end its job as failed with this message for the user (nothing is logged)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Superseded(Exception):
    """This run's attempt is no longer the job's: another run took it over, so this one must write nothing."""


Handler = Callable[["Run"], Coroutine[Any, Any, dict[str, Any] | None]]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    timeout: int  # seconds, unless the operator sets JOB_TIMEOUTS
    job: JobFunction  # the arq function: (ctx, region_id, job_id, attempt)

    def limit(self, settings: Settings) -> int:
        return dict(settings.job_timeouts).get(self.name, self.timeout)


_KINDS: dict[str, Kind] = {}
_BY_FUNCTION: dict[JobFunction, Kind] = {}


def job(kind: str, *, timeout: int) -> Callable[[Handler], JobFunction]:
    """Makes a handler a tracked job of `kind`: the arq function it becomes claims the attempt, runs the handler
    with a heartbeat and a time limit, and records how it ended."""

    def wrap(handler: Handler) -> JobFunction:
        @functools.wraps(handler)
        async def run(ctx: dict[str, Any], region_id: UUID, job_id: UUID, attempt: int) -> str:
            return await _run(ctx, spec, region_id, job_id, attempt)

        spec = Kind(kind, handler, timeout, run)
        _KINDS[kind] = spec
        _BY_FUNCTION[run] = spec
        return run

    return wrap


def worker_function(fn: JobFunction, settings: Settings | None = None) -> Function:
    """The job for the worker's registry: arq's own limit is a little above the job's, which ends it first."""
    spec = _BY_FUNCTION[fn]
    return func(cast(WorkerCoroutine, fn), timeout=spec.limit(settings or get_settings()) + 30, keep_result=3600)


def arq_id(job_id: UUID, attempt: int) -> str:
    return f"tracked:{job_id}:{attempt}"


# Reading -------------------------------------------------------------------------------------------------------

COLUMNS = """region_id, id, kind, step, scope, user_id, municipality_id, organization_id, ip, status, done, total,
    label, attempt, params::text AS params, checkpoint::text AS checkpoint, result::text AS result, error, file_name,
    file IS NOT NULL AS has_file, created_at, queued_at, started_at, heartbeat_at, finished_at"""


def _decoded(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _job(row: Any) -> TrackedJob:
    scope = Scope(Level(row["scope"]), row["user_id"], row["region_id"], row["municipality_id"], row["organization_id"])
    return TrackedJob(
        region_id=row["region_id"],
        id=row["id"],
        kind=row["kind"],
        step=row["step"],
        scope=scope,
        ip=row["ip"],
        status=Status(row["status"]),
        done=row["done"],
        total=row["total"],
        label=row["label"],
        attempt=row["attempt"],
        params=_decoded(row["params"]) or {},
        checkpoint=_decoded(row["checkpoint"]),
        result=_decoded(row["result"]),
        error=row["error"],
        file_name=row["file_name"],
        has_file=row["has_file"],
        created_at=row["created_at"],
        queued_at=row["queued_at"],
        started_at=row["started_at"],
        heartbeat_at=row["heartbeat_at"],
        finished_at=row["finished_at"],
    )


async def get(job_id: UUID, kind: str) -> TrackedJob | None:
    """A job of this kind the open transaction's scope may see (RLS), else None: the caller answers 404."""
    row = await current_connection().fetchrow(
        f"SELECT {COLUMNS} FROM tracked_job WHERE id = $1 AND kind = $2", job_id, kind
    )
    return _job(row) if row else None


async def of_user(user_id: UUID, kind: str, since: datetime, limit: int = 100) -> list[TrackedJob]:
    """The jobs of this kind one person asked for since then, newest first, as the scope sees them (RLS)."""
    rows = await current_connection().fetch(
        f"""SELECT {COLUMNS} FROM tracked_job WHERE user_id = $1 AND kind = $2 AND created_at > $3
            ORDER BY created_at DESC LIMIT $4""",
        user_id,
        kind,
        since,
        limit,
    )
    return [_job(row) for row in rows]


async def latest(kind: str, since: datetime) -> TrackedJob | None:
    """The newest job of this kind since then that the scope sees (RLS), whoever started it: a region-wide job
    shows its state to every coordinator of the region."""
    row = await current_connection().fetchrow(
        f"SELECT {COLUMNS} FROM tracked_job WHERE kind = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT 1",
        kind,
        since,
    )
    return _job(row) if row else None


async def failures(limit: int = 200) -> list[TrackedJob]:
    """Failed jobs, newest first, as the scope sees them (the platform admin sees all)."""
    rows = await current_connection().fetch(
        f"SELECT {COLUMNS} FROM tracked_job WHERE status = 'failed' ORDER BY finished_at DESC LIMIT $1", limit
    )
    return [_job(row) for row in rows]


# Starting ------------------------------------------------------------------------------------------------------


async def start(
    fn: JobFunction,
    scope: Scope,
    *,
    ip: str = "",
    params: dict[str, Any] | None = None,
    step: str = "",
    label: str = "",
    file: bytes | None = None,
    file_name: str = "",
) -> UUID:
    """Records a job in the open transaction and queues it once that commits: a rolled-back request leaves
    nothing, and the worker never looks for a job that is not there yet."""
    spec = _BY_FUNCTION[fn]
    assert scope.region_id is not None and scope.level in (Level.organization, Level.municipality, Level.region)
    job_id: UUID = await current_connection().fetchval(
        """INSERT INTO tracked_job (region_id, kind, step, scope, user_id, municipality_id, organization_id, ip,
                                    label, params, file_name, file)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, $11, $12) RETURNING id""",
        scope.region_id,
        spec.name,
        step,
        scope.level.value,
        scope.user_id,
        scope.municipality_id,
        scope.organization_id,
        ip[:64],
        label,
        json.dumps(params or {}, ensure_ascii=False),
        file_name[:200],
        file,
    )
    await enqueue_after_commit(fn, scope.region_id, job_id, 1, _job_id=arq_id(job_id, 1))
    return job_id


async def again(found: TrackedJob, *, step: str | None = None, label: str | None = None) -> bool:
    """Queues a finished or failed job once more as a new attempt (a retry, or the next step); False when it is
    not finished or somebody did it a moment ago (a double click queues once)."""
    spec = _KINDS[found.kind]
    attempt = await current_connection().fetchval(
        """UPDATE tracked_job SET status = 'queued', attempt = attempt + 1, restarts = 0, step = $4, label = $5,
               error = '', done = 0, total = 0, result = NULL, checkpoint = NULL, queued_at = now(),
               started_at = NULL, heartbeat_at = NULL, finished_at = NULL
           WHERE region_id = $1 AND id = $2 AND attempt = $3 AND status IN ('done', 'failed') RETURNING attempt""",
        found.region_id,
        found.id,
        found.attempt,
        found.step if step is None else step,
        found.label if label is None else label,
    )
    if attempt is None:
        return False
    await enqueue_after_commit(spec.job, found.region_id, found.id, attempt, _job_id=arq_id(found.id, attempt))
    return True


# Running -------------------------------------------------------------------------------------------------------


class Run:
    """What a handler gets: its job, progress to report, its file, a checkpoint, and the way to finish inside
    its own transaction (so that the work and «done» commit together)."""

    def __init__(self, job: TrackedJob, ctx: dict[str, Any]) -> None:
        self.job = job
        self.settings: Settings = ctx.get("settings") or get_settings()
        self.done = 0
        self.total = 0
        self.label = job.label
        self.finished = False
        self.superseded = False
        self._changed = asyncio.Event()
        self._stopped = False

    def stop(self) -> None:
        self._stopped = True
        self._changed.set()

    def progress(self, done: int, total: int | None = None) -> None:
        """Safe from a worker thread: plain numbers that the heartbeat publishes."""
        self.done = done
        if total is not None:
            self.total = total

    def stage(self, label: str, done: int = 0, total: int | None = None) -> None:
        """A new stage of the work, published at once (call from the event loop)."""
        self.label = label
        self.progress(done, total)
        self._changed.set()

    async def file(self) -> bytes:
        async with tenant_transaction(Scope.for_region(self.job.region_id)):
            content = await current_connection().fetchval(
                "SELECT file FROM tracked_job WHERE region_id = $1 AND id = $2", self.job.region_id, self.job.id
            )
        if content is None:
            raise JobFailed("Файл уже удалён: загрузите его снова.")
        return bytes(content)

    async def save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """In the open transaction: a checkpoint commits with the work it describes, or not at all."""
        await self._write("checkpoint = $4::text::jsonb", json.dumps(checkpoint, ensure_ascii=False))

    async def finish(self, result: dict[str, Any] | None = None, *, keep_file: bool = False) -> None:
        """Marks the job done in the open transaction, so a commit holds both the work and its «done»; raises
        Superseded (rolling the work back) when another attempt has taken the job over."""
        await self._write(
            """status = 'done', result = $4::text::jsonb, done = greatest(done, $5), total = greatest(total, $5),
               finished_at = now(), heartbeat_at = now(), file = CASE WHEN $6 THEN file END""",
            json.dumps(result, ensure_ascii=False, default=str),
            self.total or self.done,
            keep_file,
        )
        self.finished = True

    async def _write(self, assignments: str, *args: Any) -> None:
        status = await current_connection().execute(
            f"""UPDATE tracked_job SET {assignments}
                WHERE region_id = $1 AND id = $2 AND attempt = $3 AND status = 'running'""",
            self.job.region_id,
            self.job.id,
            self.job.attempt,
            *args,
        )
        if status == "UPDATE 0":
            raise Superseded()

    async def beat(self, work: asyncio.Task[Any]) -> None:
        """Publishes progress and the heartbeat until the work ends; cancels the work when its attempt has been
        taken over, so two runs never write at once."""
        published: tuple[int, int, str] | None = None
        last = 0.0
        while not (work.done() or self._stopped):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), PUBLISH_SECONDS)
            self._changed.clear()
            if work.done() or self._stopped:
                return
            state = (self.done, self.total, self.label)
            if state == published and time.monotonic() - last < HEARTBEAT_SECONDS:
                continue
            try:
                async with tenant_transaction(Scope.for_region(self.job.region_id)):
                    status = await current_connection().fetchval(
                        """WITH beat AS (
                               UPDATE tracked_job SET done = $4, total = $5, label = $6, heartbeat_at = now()
                               WHERE region_id = $1 AND id = $2 AND attempt = $3 AND status = 'running'
                               RETURNING 1)
                           SELECT CASE WHEN EXISTS (SELECT 1 FROM beat) THEN 'alive' ELSE (
                               SELECT CASE WHEN attempt = $3 THEN status ELSE 'superseded' END FROM tracked_job
                               WHERE region_id = $1 AND id = $2) END""",
                        self.job.region_id,
                        self.job.id,
                        self.job.attempt,
                        *state,
                    )
            except Exception as exc:  # the database is away for a moment: the next beat tries again
                log.warning("A tracked job's heartbeat was not written (%s)", type(exc).__name__)
                continue
            published, last = state, time.monotonic()
            if status in ("superseded", "queued", None):
                log.warning("A tracked job was taken over by another attempt; this run stops")
                self.superseded = True
                work.cancel()
                return
            if status != "alive":  # done or failed by this very attempt
                return


async def _claim(region_id: UUID, job_id: UUID, attempt: int) -> TrackedJob | None:
    async with tenant_transaction(Scope.for_region(region_id)):
        row = await current_connection().fetchrow(
            f"""UPDATE tracked_job SET status = 'running', started_at = now(), heartbeat_at = now(), error = ''
                WHERE region_id = $1 AND id = $2 AND attempt = $3 AND status = 'queued' RETURNING {COLUMNS}""",
            region_id,
            job_id,
            attempt,
        )
    return _job(row) if row else None


async def _end(job: TrackedJob, status: Status, error: str = "", result: dict[str, Any] | None = None) -> None:
    """How a run ended, in a transaction of its own; the file goes unless a failed job may be started again."""
    async with tenant_transaction(Scope.for_region(job.region_id)):
        await current_connection().execute(
            """UPDATE tracked_job SET status = $4::text, error = $5, result = coalesce($6::text::jsonb, result),
                   finished_at = now(), heartbeat_at = now(), file = CASE WHEN $4::text = 'failed' THEN file END
               WHERE region_id = $1 AND id = $2 AND attempt = $3 AND status = 'running'""",
            job.region_id,
            job.id,
            job.attempt,
            status.value,
            error,
            None if result is None else json.dumps(result, ensure_ascii=False, default=str),
        )


def _minutes(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} {plural(seconds, 'секунду', 'секунды', 'секунд')}"
    minutes = seconds // 60
    return f"{minutes} {plural(minutes, 'минуту', 'минуты', 'минут')}"


async def _run(ctx: dict[str, Any], spec: Kind, region_id: UUID, job_id: UUID, attempt: int) -> str:
    job = await _claim(region_id, job_id, attempt)
    if job is None:
        return "not current"  # another attempt owns the job, or it has ended: an old arq entry does nothing
    run = Run(job, ctx)
    limit = spec.limit(run.settings)
    work = asyncio.create_task(spec.handler(run))
    beat = asyncio.create_task(run.beat(work))
    try:
        async with asyncio.timeout(limit):
            result = await work
    except TimeoutError:
        message = f"Задание не уложилось в отведённое время ({_minutes(limit)}) и остановлено. Нажмите «Повторить»."
        await asyncio.shield(_end(job, Status.failed, message))
        raise
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if run.superseded and not (current and current.cancelling()):
            return "superseded"
        await asyncio.shield(_end(job, Status.failed, INTERRUPTED))
        raise
    except Superseded:
        return "superseded"
    except JobFailed as exc:
        await _end(job, Status.failed, exc.message)
        return "failed"
    except Exception:
        await asyncio.shield(_end(job, Status.failed, BROKEN))
        raise
    finally:
        # Asked to stop, not cancelled: a heartbeat cut inside its transaction would hold a connection.
        run.stop()
        await asyncio.wait({beat}, timeout=HEARTBEAT_SECONDS * 5)
    if not run.finished:
        await _end(job, Status.done, result=result)
    return "done"


# The sweeper ---------------------------------------------------------------------------------------------------


async def sweep_jobs(ctx: dict[str, Any]) -> dict[str, int]:
    """Every few seconds in the worker: a running job whose heartbeat went quiet (its worker was killed) goes to
    a new attempt, or fails after MAX_RESTARTS; a queued job whose arq entry is gone (Redis lost it, or the send
    after commit failed) is queued again; files and finished jobs past their time are removed."""
    settings: Settings = ctx.get("settings") or get_settings()
    counts = {"restarted": 0, "failed": 0, "requeued": 0, "files": 0, "forgotten": 0}
    async with tenant_transaction(Scope(Level.platform)):
        connection = current_connection()
        stale = await connection.fetch(
            """SELECT region_id, id, kind, attempt, restarts FROM tracked_job
               WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)
               FOR UPDATE SKIP LOCKED""",
            settings.job_stale_seconds,
        )
        queued = await connection.fetch(
            """SELECT region_id, id, kind, attempt, restarts FROM tracked_job
               WHERE status = 'queued' AND queued_at < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED""",
            LOST_SECONDS,
        )
        lost = []
        for row in queued:
            if await Job(arq_id(row["id"], row["attempt"]), queue()).status() in (
                JobStatus.not_found,
                JobStatus.complete,
            ):
                lost.append(row)
        for row, restart in [(r, True) for r in stale] + [(r, False) for r in lost]:
            spec = _KINDS.get(row["kind"])
            if spec is None or (restart and row["restarts"] + 1 >= MAX_RESTARTS):
                message = UNKNOWN if spec is None else CRASHED.format(n=row["restarts"] + 1)
                await connection.execute(
                    """UPDATE tracked_job SET status = 'failed', error = $3, finished_at = now()
                       WHERE region_id = $1 AND id = $2""",
                    row["region_id"],
                    row["id"],
                    message,
                )
                counts["failed"] += 1
                continue
            attempt = await connection.fetchval(
                """UPDATE tracked_job SET status = 'queued', attempt = attempt + 1, restarts = restarts + $3,
                       queued_at = now(), started_at = NULL, heartbeat_at = NULL
                   WHERE region_id = $1 AND id = $2 RETURNING attempt""",
                row["region_id"],
                row["id"],
                int(restart),
            )
            await enqueue_after_commit(
                spec.job, row["region_id"], row["id"], attempt, _job_id=arq_id(row["id"], attempt)
            )
            await _forget_arq_entry(arq_id(row["id"], row["attempt"]))
            counts["restarted" if restart else "requeued"] += 1
        counts["files"] = _count(
            await connection.execute(
                """UPDATE tracked_job SET file = NULL WHERE file IS NOT NULL
                   AND created_at < now() - make_interval(hours => $1) AND status IN ('done', 'failed')""",
                FILE_HOURS,
            )
        )
        counts["forgotten"] = _count(
            await connection.execute(
                """DELETE FROM tracked_job WHERE status IN ('done', 'failed')
                   AND finished_at < now() - make_interval(days => $1)""",
                KEEP_DAYS,
            )
        )
    if counts["restarted"] or counts["failed"] or counts["requeued"]:
        log.info("Tracked jobs swept: %s", counts)
    return counts


async def _forget_arq_entry(arq_job_id: str) -> None:
    """A dead attempt's arq entry would sit in the queue behind its in-progress key for the longest job limit:
    the attempt is over, so its entry goes (were it run, it would do nothing)."""
    async with queue().pipeline(transaction=True) as pipe:
        pipe.zrem(default_queue_name, arq_job_id)
        pipe.delete(in_progress_key_prefix + arq_job_id, job_key_prefix + arq_job_id, retry_key_prefix + arq_job_id)
        await pipe.execute()


def _count(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])
