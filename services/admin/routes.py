"""Platform operations: jobs that failed for good."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from arq import ArqRedis
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.response import Template
from redis.exceptions import RedisError

from shared import tracked
from shared.jobs import failed_jobs
from shared.pages import page
from tenants import Role, allow

KIND_LABELS = {
    "import": "Импорт участников",
    "organization_import": "Импорт организаций",
    "export": "Выгрузка",
    "school_certificates": "Выдача свидетельств потока",
    "contest_diplomas": "Конкурсы: выдача дипломов и сертификатов участников",
    "rating_count": "Пересчёт рейтинга наставников",
}
# What each background job does, in the admin's words; the function's name stays beside it for the logs.
FUNCTION_LABELS = {
    "send_invitation": "Письмо с приглашением",
    "send_password_reset": "Письмо со ссылкой для смены пароля",
    "send_questionnaire_link": "Письмо со ссылкой на анкету",
    "check_rhythm": "Проверка ритма встреч пар",
    "check_monitoring": "Мониторинг: открытие периода и напоминания",
    "destroy_personal_data": "Уничтожение персональных данных",
    "count_indicators": "Подсчёт показателей",
    "refresh_indicators": "Ежечасный пересчёт показателей",
    "count_ratings": "Подсчёт рейтинга наставников",
    "sweep_jobs": "Присмотр за фоновыми задачами",
    "run_import": "Импорт участников",
    "run_organization_import": "Импорт организаций",
    "run_export": "Выгрузка",
    "send_enrolment_mail": "Школа наставников: письмо о заявке на обучение",
    "remind_expiring": "Напоминания об окончании срока свидетельств",
    "run_cohort_certificates": "Выдача свидетельств потока",
    "send_vote_link": "Конкурсы: письмо для подтверждения голоса",
    "flag_vote_bursts": "Конкурсы: поиск всплесков голосов из одной сети",
    "send_jury_reminder": "Конкурсы: напоминание члену жюри об оценках",
    "run_panel_diplomas": "Конкурсы: выдача дипломов и сертификатов участников",
    "run_rating": "Пересчёт рейтинга наставников",
}


@dataclass
class FailedJobOut:
    job_id: str
    function: str
    tries: int
    enqueued_at: datetime
    finished_at: datetime
    error: str
    source: str = "queue"  # "tracked": a job the user watches, kept in PostgreSQL; "queue": arq's result in Redis
    title: str = ""  # what the job does, in Russian


@dataclass
class Failures:
    jobs: list[FailedJobOut]
    queue_unavailable: bool  # Redis is away: only the tracked jobs are listed


async def _failures(redis: ArqRedis) -> Failures:
    """Tracked jobs from PostgreSQL first (they say what the user saw), then arq's other failed results."""
    found = [
        FailedJobOut(
            job_id=tracked.arq_id(job.id, job.attempt),
            function=KIND_LABELS.get(job.kind, job.kind),
            tries=job.attempt,
            enqueued_at=job.created_at,
            finished_at=job.finished_at or job.created_at,
            error=job.error,
            source="tracked",
            title=KIND_LABELS.get(job.kind, job.kind),
        )
        for job in await tracked.failures()
    ]
    try:
        results = await failed_jobs(redis)
    except RedisError:
        return Failures(found, queue_unavailable=True)
    found += [
        FailedJobOut(
            job_id=r.job_id or "",
            function=r.function,
            tries=r.job_try,
            enqueued_at=r.enqueue_time,
            finished_at=r.finish_time,
            error=f"{type(r.result).__name__}: {str(r.result)[:300]}",
            title=FUNCTION_LABELS.get(r.function, r.function),
        )
        for r in results
        if not (r.job_id or "").startswith("tracked:")  # listed above, with the user's message
    ]
    return Failures(found, queue_unavailable=False)


@get("/admin/jobs", guards=[allow(Role.platform_admin)], include_in_schema=False)
async def jobs_page(redis: NamedDependency[ArqRedis]) -> Template:
    failures = await _failures(redis)
    return page("admin/jobs.html", failures=failures.jobs, queue_unavailable=failures.queue_unavailable)


@get("/api/v1/admin/failed-jobs", guards=[allow(Role.platform_admin)], tags=["Администрирование"])
async def jobs_api(redis: NamedDependency[ArqRedis]) -> list[FailedJobOut]:
    return (await _failures(redis)).jobs


admin_router = Router(path="/", route_handlers=[jobs_page, jobs_api])
