"""Job machinery every domain uses: queueing after commit, tries, timeouts and failure bookkeeping.

Jobs are named by their function, never by a string, and sent only once the transaction that asked for them has
committed, so a job never looks for a record that is not there yet. They take plain ids, open their own tenant
transaction, may run more than once, and raise `Retry` for transient failures. The queue they are sent through is
set by whoever runs the process (app/web.py, app/worker.py): domains never import app/. Long work that the user
watches is a tracked job (shared/tracked.py). Jobs that fail for good stay in Redis as results the platform admin
sees. The worker itself is app/worker.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from arq import ArqRedis
from arq.jobs import JobResult

from shared.db import DB, TenantTransaction

JOB_MAX_TRIES = 5
KEEP_RESULT_SECONDS = 14 * 24 * 3600
LONG_JOB_SECONDS = 3600

log = logging.getLogger("nastavnik.jobs")

JobFunction = Callable[..., Coroutine[Any, Any, Any]]  # async def job(ctx, *plain_ids) -> result

_default_queue: ArqRedis | None = None
_request_queue: ContextVar[ArqRedis | None] = ContextVar("job_queue", default=None)


def connect(redis_url: str, *, timeout: float = 2) -> ArqRedis:
    """A Redis client that connects on first use: a process starts while Redis is down and recovers by itself."""
    return ArqRedis.from_url(redis_url, socket_connect_timeout=timeout, socket_timeout=timeout + 3)


def set_queue(redis: ArqRedis | None) -> None:
    """The process's queue: the web app's and the worker's startup set it, their shutdown clears it."""
    global _default_queue
    _default_queue = redis


def process_queue() -> ArqRedis | None:
    return _default_queue


@contextmanager
def using_queue(redis: ArqRedis) -> Iterator[None]:
    """The queue of one request: two apps in one process (the tests) each send to their own Redis."""
    token = _request_queue.set(redis)
    try:
        yield
    finally:
        _request_queue.reset(token)


def queue() -> ArqRedis:
    redis = _request_queue.get() or _default_queue
    if redis is None:
        raise RuntimeError("No job queue: app/web.py or app/worker.py sets it at startup")
    return redis


def job_name(fn: Callable[..., Awaitable[Any]]) -> str:
    """The name arq registers a function under (its qualified name): the one place a job becomes a string."""
    return fn.__qualname__


async def enqueue(fn: JobFunction, *args: Any, _job_id: str | None = None, _defer_by: float | None = None) -> bool:
    """Queue now: for work that no open transaction has to commit first (a cron job, the sweeper). False when
    a job of that id is queued, running or kept as a result already (arq's uniqueness)."""
    job = await queue().enqueue_job(job_name(fn), *args, _job_id=_job_id, _defer_by=_defer_by)
    return job is not None


async def enqueue_after_commit(
    fn: JobFunction, *args: Any, _job_id: str | None = None, _defer_by: float | None = None
) -> None:
    """Queue `fn(*args)` once the open tenant transaction commits (nothing if it rolls back); at once when none is
    open. A send that fails after the commit is logged: tracked jobs are queued again by the sweeper."""
    txn = DB.current_transaction.get()
    if txn is None or getattr(txn, "_committed", False):
        await enqueue(fn, *args, _job_id=_job_id, _defer_by=_defer_by)
        return
    if not isinstance(txn, TenantTransaction):
        raise RuntimeError("Jobs are queued from a tenant transaction")
    redis = queue()  # the request's own queue, taken now: the commit may run outside its context

    async def send() -> None:
        await redis.enqueue_job(job_name(fn), *args, _job_id=_job_id, _defer_by=_defer_by)

    txn.after_commit(send)


async def failed_jobs(redis: ArqRedis) -> list[JobResult]:
    results = await redis.all_job_results()
    return sorted((r for r in results if not r.success), key=lambda r: r.finish_time, reverse=True)
