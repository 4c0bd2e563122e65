"""The arq worker: the job registry, the cron table, the pools it opens, and the loop that outlives Redis."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from arq import cron, func
from arq.connections import RedisSettings
from arq.worker import Worker
from redis.exceptions import RedisError

from app.retention import destroy_personal_data
from services.certificates.jobs import remind_expiring
from services.contests.diplomas import run_panel_diplomas
from services.contests.jobs import flag_vote_bursts, send_jury_reminder, send_vote_link
from services.mentoring.jobs import check_rhythm
from services.monitoring.jobs import check_monitoring
from services.registry.jobs import run_import, send_questionnaire_link
from services.reports.jobs import count_indicators, count_ratings, refresh_indicators, run_export, run_rating
from services.school.enrolment_mail import send_enrolment_mail
from services.school.issuing import run_cohort_certificates
from shared.db import DB, close_pool
from shared.jobs import JOB_MAX_TRIES, KEEP_RESULT_SECONDS, LONG_JOB_SECONDS, process_queue, set_queue
from shared.settings import get_settings
from shared.tracked import sweep_jobs, worker_function
from tenants.jobs import send_invitation
from tenants.organization_import import run_organization_import
from tenants.password_reset import send_password_reset

log = logging.getLogger("nastavnik.worker")

MAX_JOBS = 8
# Each tracked job holds a connection for its work and briefly takes another for its heartbeat.
POOL_SIZE = 2 * MAX_JOBS + 2


def job_functions() -> list[Any]:
    return [
        send_invitation,
        send_password_reset,
        send_questionnaire_link,
        send_enrolment_mail,
        send_jury_reminder,
        # Its arguments hold the sealed address of a voter: kept a day, not the fortnight of the others.
        func(send_vote_link, keep_result=24 * 3600),
        flag_vote_bursts,
        check_rhythm,
        check_monitoring,
        sweep_jobs,
        func(destroy_personal_data, timeout=LONG_JOB_SECONDS),
        worker_function(run_import),
        worker_function(run_organization_import),
        # A whole region's export or count takes minutes at a million participants.
        worker_function(run_export),
        # Its result tells the dashboards that a count failed; a new request clears it.
        func(count_indicators, timeout=LONG_JOB_SECONDS, keep_result=600),
        func(refresh_indicators, timeout=LONG_JOB_SECONDS),
        func(count_ratings, timeout=LONG_JOB_SECONDS),
        remind_expiring,
        worker_function(run_cohort_certificates),
        worker_function(run_panel_diplomas),
        worker_function(run_rating),
    ]


def cron_jobs() -> list[Any]:
    every = max(1, get_settings().job_sweep_seconds)
    return [
        cron(check_rhythm, hour={7}, minute={0}, unique=True),
        cron(check_monitoring, hour={8}, minute={0}, unique=True),
        # 152-ФЗ ст. 21: personal data due for destruction goes at night, when nobody is downloading an export.
        cron(destroy_personal_data, hour={3}, minute={30}, unique=True, timeout=LONG_JOB_SECONDS),
        cron(refresh_indicators, minute={20}, unique=True, timeout=LONG_JOB_SECONDS),
        cron(count_ratings, hour={4}, minute={10}, unique=True, timeout=LONG_JOB_SECONDS),
        cron(remind_expiring, hour={9}, minute={0}, unique=True),
        cron(flag_vote_bursts, minute=set(range(0, 60, 5)), unique=True),
        # Jobs of a killed worker are taken over within a minute of a worker being back (at once on its start).
        cron(sweep_jobs, second=set(range(0, 60, every)), unique=True, run_at_startup=True, timeout=60),
    ]


async def startup(ctx: dict[str, Any]) -> None:
    ctx["settings"] = get_settings()
    if process_queue() is None:  # jobs queue their follow-ups through the worker's own pool
        set_queue(ctx["redis"])
        ctx["owns_queue"] = True
    if DB.pool is None:
        await DB.start_connection_pool(min_size=1, max_size=POOL_SIZE)
        ctx["owns_pool"] = True


async def shutdown(ctx: dict[str, Any]) -> None:
    if ctx.get("owns_queue"):
        set_queue(None)
    if ctx.get("owns_pool"):
        await close_pool()


def worker_settings(**overrides: Any) -> dict[str, Any]:
    redis_settings = RedisSettings.from_dsn(get_settings().redis_url)
    redis_settings.conn_retries = 2  # then `run` backs off and tries again, without end
    settings: dict[str, Any] = {
        "functions": job_functions(),
        "cron_jobs": cron_jobs(),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_tries": JOB_MAX_TRIES,
        "max_jobs": MAX_JOBS,
        "keep_result": KEEP_RESULT_SECONDS,
        "job_timeout": 120,
        "health_check_interval": 60,  # the compose health check reads this key: a minute, not arq's hour
        "redis_settings": redis_settings,
    }
    settings.update(overrides)
    return settings


# The process ---------------------------------------------------------------------------------------------------

BACKOFF_FIRST, BACKOFF_MAX, BACKOFF_RESET = 1.0, 30.0, 60.0


class RedisLost(Exception):
    """The worker lost Redis (or never reached it): it starts again after a pause."""


async def _serve() -> None:
    """One life of the worker, until a signal stops it (returns) or Redis goes away (RedisLost)."""
    owns_pool = DB.pool is None
    if owns_pool:
        await DB.start_connection_pool(min_size=1, max_size=POOL_SIZE)
    worker = Worker(**worker_settings())
    try:
        await worker.async_run()
    except asyncio.CancelledError:
        return  # SIGINT or SIGTERM: arq cancelled its main task
    except (RedisError, OSError) as exc:
        raise RedisLost(type(exc).__name__) from exc
    finally:
        # Jobs under way keep their state in PostgreSQL: let them end, then close what can still be closed.
        await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
        with contextlib.suppress(Exception):
            await worker.close()
        set_queue(None)
        if owns_pool:
            await close_pool()


def run() -> None:
    """`nastavnik worker`: reconnects with back-off (1 s doubling to 30 s, reset after a minute up) instead of
    exiting when Redis is down, so the worker recovers by itself when Redis is back."""
    delay = BACKOFF_FIRST
    while True:
        began = time.monotonic()
        try:
            asyncio.run(_serve())
            return
        except KeyboardInterrupt:
            return
        except RedisLost as exc:
            if time.monotonic() - began > BACKOFF_RESET:
                delay = BACKOFF_FIRST
            log.warning("Redis is unreachable (%s): the worker starts again in %.0f s", exc, delay)
            try:
                time.sleep(delay)
            except KeyboardInterrupt:
                return
            delay = min(delay * 2, BACKOFF_MAX)
