"""The arq worker: the job registry, the cron table, and the pool it opens."""

from __future__ import annotations

from typing import Any

from arq import cron, func
from arq.connections import RedisSettings

from services.mentoring.jobs import check_rhythm
from services.monitoring.jobs import check_monitoring
from services.registry.jobs import run_import, send_questionnaire_link
from services.reports.jobs import count_indicators, refresh_indicators, run_export
from shared.db import DB
from shared.jobs import JOB_MAX_TRIES, KEEP_RESULT_SECONDS, LONG_JOB_SECONDS
from shared.settings import get_settings
from tenants.jobs import send_invitation


def job_functions() -> list[Any]:
    return [
        send_invitation,
        run_import,
        send_questionnaire_link,
        check_rhythm,
        check_monitoring,
        # A whole region's export or count takes minutes at a million participants.
        func(run_export, timeout=LONG_JOB_SECONDS),
        # Its result tells the dashboards that a count failed; a new request clears it.
        func(count_indicators, timeout=LONG_JOB_SECONDS, keep_result=600),
        func(refresh_indicators, timeout=LONG_JOB_SECONDS),
    ]


def cron_jobs() -> list[Any]:
    return [
        cron(check_rhythm, hour={7}, minute={0}, unique=True),
        cron(check_monitoring, hour={8}, minute={0}, unique=True),
        cron(refresh_indicators, minute={20}, unique=True, timeout=LONG_JOB_SECONDS),
    ]


async def startup(ctx: dict[str, Any]) -> None:
    ctx["settings"] = get_settings()
    if DB.pool is None:
        await DB.start_connection_pool(min_size=1, max_size=4)
        ctx["owns_pool"] = True


async def shutdown(ctx: dict[str, Any]) -> None:
    if ctx.get("owns_pool"):
        await DB.close_connection_pool()


def worker_settings(**overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "functions": job_functions(),
        "cron_jobs": cron_jobs(),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_tries": JOB_MAX_TRIES,
        "keep_result": KEEP_RESULT_SECONDS,
        "job_timeout": 120,
        "redis_settings": RedisSettings.from_dsn(get_settings().redis_url),
    }
    settings.update(overrides)
    return settings
