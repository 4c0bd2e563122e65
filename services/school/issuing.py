"""A cohort's certificates: one «свидетельство о прохождении обучения» per completed participant, issued in bulk
by a tracked job the school's runner starts; the certificates domain numbers, stores and renders them.

Issuing is idempotent per enrolment: a participant who holds a certificate (a revoked one too: issuing it again is
a deliberate act) gets none from a second run, so a retried or repeated job issues only what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from services.certificates import (
    CertificateDraft,
    CertificateKind,
    CertificateRecord,
    certificates_of,
    issue_certificate,
    issued_sources,
)
from services.school.access import SchoolAccess
from services.school.completion import Completion, completed_of
from services.school.records import CohortRecord, SchoolRecord, get_cohort, get_school
from shared import tracked
from shared.actor import Actor
from shared.clock import now, today
from shared.db import Scope, current_connection, tenant_transaction
from shared.errors import NotFound, ValidationFailed
from shared.tracked import JobFailed, Run, TrackedJob

SOURCE = "school_enrolment"
KIND = "school_certificates"
JOB_SECONDS = 600
NOBODY_COMPLETED = "В потоке нет участников, завершивших обучение: выдавать свидетельства некому"


@dataclass(frozen=True)
class Row:
    completion: Completion
    certificate: CertificateRecord | None  # the valid one, else the last revoked, else none yet


@dataclass(frozen=True)
class CohortCertificates:
    cohort: CohortRecord
    school: SchoolRecord
    rows: list[Row]
    job: TrackedJob | None  # the runner's last bulk issue for this cohort

    @property
    def missing(self) -> int:
        return sum(1 for row in self.rows if row.certificate is None)


def draft_of(completion: Completion, cohort: CohortRecord, school: SchoolRecord, issued_on: date) -> CertificateDraft:
    """The certificate's data, frozen at issue: later edits of the programme or the school do not change it."""
    return CertificateDraft(
        kind=CertificateKind.training,
        organization_id=completion.organization_id,
        person_id=completion.person_id,
        user_id=completion.user_id,
        holder_name=completion.full_name,
        title=completion.programme_title,
        hours=completion.programme_hours,
        starts_on=completion.starts_on,
        ends_on=completion.ends_on,
        issued_on=issued_on,
        valid_until=None,  # a school's certificate has no term
        source_kind=SOURCE,
        source_id=completion.enrolment_id,
        issuer_name=completion.school_name,
        issuer_organization_id=school.organization_id,
        issuer_municipality_id=school.municipality_id,
        signatory_name=completion.signatory_name,
        signatory_position=completion.signatory_position,
        order_id=cohort.completion_order_id,
    )


async def issue_for_cohort(
    actor: Actor,
    cohort_id: UUID,
    issued_on: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Certificates for the completed participants who hold none; counts of issued, already held, completed.
    Two runs for one cohort (two runners' clicks) take turns: the second sees what the first committed."""
    await current_connection().execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('school-certificates:' || $1::text, 0))", str(cohort_id)
    )
    cohort = await get_cohort(cohort_id)
    school = await get_school(cohort.school_id)
    completions = await completed_of(cohort_id)
    held = await issued_sources(SOURCE, [c.enrolment_id for c in completions])
    issued = 0
    for n, completion in enumerate(completions, start=1):
        if completion.enrolment_id not in held:
            await issue_certificate(actor, draft_of(completion, cohort, school, issued_on or today()))
            issued += 1
        if progress is not None:
            progress(n, len(completions))
    return {"issued": issued, "already": len(held), "completed": len(completions)}


@tracked.job(KIND, timeout=JOB_SECONDS)
async def run_cohort_certificates(run: Run) -> dict[str, Any] | None:
    """One transaction: the certificates and «done» commit together, and a killed run leaves none half-issued."""
    job = run.job
    cohort_id = UUID(job.params["cohort_id"])
    async with tenant_transaction(job.scope):
        try:
            result = await issue_for_cohort(job.actor, cohort_id, progress=run.progress)
        except NotFound as exc:
            raise JobFailed("Поток не найден или больше недоступен.") from exc
        except ValidationFailed as exc:
            raise JobFailed(next(iter(exc.errors.values()))) from exc
        await run.finish(result)
    return None


async def last_job(user_id: UUID, cohort_id: UUID) -> TrackedJob | None:
    jobs = await tracked.of_user(user_id, KIND, now() - timedelta(days=tracked.KEEP_DAYS))
    return next((j for j in jobs if j.params.get("cohort_id") == str(cohort_id)), None)


async def _runner_cohort(access: SchoolAccess, cohort_id: UUID) -> tuple[CohortRecord, SchoolRecord]:
    cohort = await get_cohort(cohort_id)
    school = await get_school(cohort.school_id)
    access.require_runner(school)
    return cohort, school


async def start_issue(access: SchoolAccess, actor: Actor, scope: Scope, cohort_id: UUID) -> UUID:
    """Queued once the request commits; a job already under way for the cohort is the answer to a double click."""
    await _runner_cohort(access, cohort_id)
    if not await completed_of(cohort_id):
        raise ValidationFailed({"cohort": NOBODY_COMPLETED})
    current = await last_job(access.user_id, cohort_id)
    if current is not None and current.active:
        return current.id
    return await tracked.start(
        run_cohort_certificates, scope, ip=actor.ip, params={"cohort_id": str(cohort_id)}, label="Выдаём свидетельства"
    )


async def retry_issue(access: SchoolAccess, cohort_id: UUID) -> None:
    await _runner_cohort(access, cohort_id)
    job = await last_job(access.user_id, cohort_id)
    if job is None or job.status != tracked.Status.failed:
        raise ValidationFailed({"job": "Повторить можно только выдачу, которая не удалась"})
    await tracked.again(job)


async def cohort_certificates(access: SchoolAccess, cohort_id: UUID) -> CohortCertificates:
    cohort, school = await _runner_cohort(access, cohort_id)
    completions = await completed_of(cohort_id)
    held: dict[UUID, CertificateRecord] = {}
    for certificate in await certificates_of(list({c.person_id for c in completions})):
        if certificate.source_kind != SOURCE:
            continue
        known = held.get(certificate.source_id)
        if known is None or (known.revoked_at is not None and certificate.revoked_at is None):
            held[certificate.source_id] = certificate
    rows = [Row(c, held.get(c.enrolment_id)) for c in completions]
    return CohortCertificates(cohort, school, rows, await last_job(access.user_id, cohort_id))
