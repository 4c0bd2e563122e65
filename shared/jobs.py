"""Job machinery every domain uses: tries, timeouts and failure bookkeeping (the worker is app/worker.py).

Jobs take plain ids, open their own tenant transaction, may run more than once, and raise `Retry`
for transient failures. Jobs that fail for good stay in Redis as results the platform admin sees.
"""

from __future__ import annotations

from typing import Any

from arq import ArqRedis, Retry
from arq.jobs import JobResult

JOB_MAX_TRIES = 5
KEEP_RESULT_SECONDS = 14 * 24 * 3600
LONG_JOB_SECONDS = 3600


def not_yet_visible(ctx: dict[str, Any]) -> None:
    """Jobs are enqueued inside the request's transaction: a record not found may not be committed yet."""
    if ctx["job_try"] < JOB_MAX_TRIES:
        raise Retry(defer=1)


async def failed_jobs(redis: ArqRedis) -> list[JobResult]:
    results = await redis.all_job_results()
    return sorted((r for r in results if not r.success), key=lambda r: r.finish_time, reverse=True)
