"""Imports run in the worker as tracked jobs (the file waits in PostgreSQL, not Redis); questionnaire links are
mailed by a job queued after the link's commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from arq import Retry

from services.registry import importer
from services.registry.people import CONSENTED
from services.registry.questionnaire_requests import questionnaire_token
from shared import file_imports, tracked
from shared.actor import Actor
from shared.clock import now
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.i18n import format_datetime
from shared.jobs import JOB_MAX_TRIES, enqueue_after_commit
from shared.mail import send_mail
from shared.tracked import Run, TrackedJob

IMPORT_SECONDS = 300  # a 20 MB file is checked or written in well under a minute

CHECKING, COMMITTING = "Проверяем файл", "Добавляем записи"


@dataclass(frozen=True)
class ImportState:
    """An import as its page and the API show it."""

    id: UUID
    filename: str
    status: str  # checking, checked, invalid, importing, done or failed
    done: int
    total: int
    report: dict[str, Any] | None
    error: str
    retryable: bool

    def as_api(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "report": self.report,
            "error": self.error,
        }


def _state(job: TrackedJob) -> ImportState:
    status = file_imports.phase(job)
    return ImportState(
        id=job.id,
        filename=job.file_name,
        status=status,
        done=job.done,
        total=job.total,
        report=(job.result or {}).get("report"),
        error=job.error,
        retryable=status == "failed" and job.has_file,
    )


async def start_import(actor: Actor, municipality_id: UUID | None, content: bytes, filename: str) -> UUID:
    """In the request's transaction: the file is kept with the job, which is queued once the upload commits."""
    scope = Scope(Level.organization, actor.user_id, actor.region_id, municipality_id, actor.organization_id)
    return await tracked.start(
        run_import, scope, ip=actor.ip, step="check", label=CHECKING, file=content, file_name=filename
    )


async def import_status(import_id: UUID, organization_id: UUID | None) -> ImportState | None:
    """None for an unknown import or one of another organization (the caller answers 404)."""
    job = await tracked.get(import_id, "import")
    if job is None or job.scope.organization_id != organization_id:
        return None
    return _state(job)


async def request_commit(import_id: UUID, organization_id: UUID | None) -> None:
    job = await tracked.get(import_id, "import")
    if job is not None and job.scope.organization_id == organization_id:
        await file_imports.commit_checked(job, COMMITTING)


async def retry_import(import_id: UUID, organization_id: UUID | None) -> None:
    job = await tracked.get(import_id, "import")
    if job is not None and job.scope.organization_id == organization_id:
        await file_imports.retry_failed(job)


@tracked.job("import", timeout=IMPORT_SECONDS)
async def run_import(run: Run) -> dict[str, Any] | None:
    """Checks (step «check») or writes (step «commit») the file in one transaction, which also marks the job
    done: a worker killed on the way leaves nothing written, and the next attempt starts over."""
    job = run.job
    commit = job.step == "commit"
    content = await run.file()
    run.stage(COMMITTING if commit else CHECKING)
    async with tenant_transaction(job.scope):
        report = await importer.import_file(
            job.actor,
            job.scope,
            content,
            job.file_name,
            dry_run=not commit,
            limits=importer.ImportLimits.of(run.settings),
            progress=run.progress,
        )
        # A checked file waits for the commit; an invalid or imported one is gone with the job's end.
        await run.finish({"report": report.as_dict()}, keep_file=not commit and report.ok)
    return None


async def enqueue_questionnaire_mail(region_id: UUID, request_id: UUID, *, reminder: bool = False) -> None:
    """Once the link's transaction commits; one job per link and kind."""
    kind = "reminder" if reminder else "mail"
    await enqueue_after_commit(
        send_questionnaire_link,
        str(region_id),
        str(request_id),
        reminder,
        _job_id=f"questionnaire-{kind}:{request_id}",
    )


async def send_questionnaire_link(ctx: dict[str, Any], region_id: str, request_id: str, reminder: bool = False) -> str:
    """Idempotent: a link already mailed, answered or expired is not mailed; failures are retried by the worker."""
    settings = ctx["settings"]
    async with tenant_transaction(Scope.for_region(UUID(region_id))):
        row = await current_connection().fetchrow(
            f"""SELECT r.id, r.answered_at, r.revoked_at, r.expires_at, r.mailed_at, r.reminder_mailed_at,
                       p.email, p.name, t.title, {CONSENTED} AS consented
               FROM questionnaire_request r
               JOIN person p ON p.region_id = r.region_id AND p.id = r.person_id
               JOIN questionnaire_template t ON t.id = r.template_id
               WHERE r.id = $1""",
            UUID(request_id),
        )
    if row is None:
        return "not found"  # queued after its commit: the link is gone, not late
    if row["reminder_mailed_at" if reminder else "mailed_at"] is not None:
        return "already sent"
    if row["answered_at"] is not None or row["revoked_at"] is not None or row["expires_at"] <= now():
        return "no longer valid"
    if not row["consented"]:
        return "no longer valid"
    if not row["email"]:
        return "no e-mail"
    link = f"{settings.base_url}/q/{questionnaire_token(settings.secret_key, row['id'])}"
    text = (
        f"Здравствуйте, {row['name']}!\n\n{'Напоминаем: к' if reminder else 'К'}уратор программы наставничества "
        "просит заполнить анкету "
        f"«{row['title']}». Это займёт несколько минут, можно с телефона:\n{link}\n\n"
        f"Ссылка личная и действует до {format_datetime(row['expires_at'])} (мск).\n"
    )
    try:
        subject = f"{'Напоминание — анкета' if reminder else 'Анкета'}: {row['title']}"
        await send_mail(settings, row["email"], subject, text)
    except Exception as exc:
        if ctx["job_try"] >= JOB_MAX_TRIES:
            raise
        raise Retry(defer=min(300, ctx.get("retry_delay", 10) * ctx["job_try"] ** 2)) from exc
    async with tenant_transaction(Scope.for_region(UUID(region_id))):
        column = "reminder_mailed_at" if reminder else "mailed_at"
        await current_connection().execute(
            f"UPDATE questionnaire_request SET {column} = now() WHERE id = $1 AND {column} IS NULL", UUID(request_id)
        )
    return "sent"
