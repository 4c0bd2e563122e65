"""Platform operations: jobs that failed for good."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from arq import ArqRedis
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.response import Template

from shared.jobs import failed_jobs
from shared.pages import page
from tenants import Role, allow


@dataclass
class FailedJobOut:
    job_id: str
    function: str
    tries: int
    enqueued_at: datetime
    finished_at: datetime
    error: str


async def _failures(redis: NamedDependency[ArqRedis]) -> list[FailedJobOut]:
    return [
        FailedJobOut(
            job_id=r.job_id or "",
            function=r.function,
            tries=r.job_try,
            enqueued_at=r.enqueue_time,
            finished_at=r.finish_time,
            error=f"{type(r.result).__name__}: {str(r.result)[:300]}",
        )
        for r in await failed_jobs(redis)
    ]


@get("/admin/jobs", guards=[allow(Role.platform_admin)], include_in_schema=False)
async def jobs_page(redis: NamedDependency[ArqRedis]) -> Template:
    return page("admin/jobs.html", failures=await _failures(redis))


@get("/api/v1/admin/failed-jobs", guards=[allow(Role.platform_admin)], tags=["Администрирование"])
async def jobs_api(redis: NamedDependency[ArqRedis]) -> list[FailedJobOut]:
    return await _failures(redis)


admin_router = Router(path="/", route_handlers=[jobs_page, jobs_api])
