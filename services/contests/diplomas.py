"""A finished final stage's diplomas and participants' certificates, issued in bulk by a tracked job that whoever
runs the panel starts from its results page; documents.issue_diplomas does the issuing, here is its job.

The job is idempotent per entry (an entry that holds its document gets none from a second run) and runs in one
transaction: a failed or killed run leaves nothing half-issued, and «Повторить» issues only what is missing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import msgspec

from services.contests import documents
from services.contests.access import running_panel
from services.contests.records import entries_of
from services.contests.tables import EntryState
from shared import tracked
from shared.actor import Actor
from shared.clock import now, today
from shared.db import tenant_transaction
from shared.errors import NotFound, ValidationFailed
from shared.tracked import JobFailed, Run, TrackedJob
from tenants import Principal

KIND = "contest_diplomas"
JOB_SECONDS = 600
LABEL = "Выдаём дипломы и сертификаты"


@tracked.job(KIND, timeout=JOB_SECONDS)
async def run_panel_diplomas(run: Run) -> dict[str, Any] | None:
    """One transaction: the documents and «done» commit together, and a killed run leaves none half-issued."""
    job = run.job
    params = job.params
    signatory = (str(params["signatory_name"]), str(params["signatory_position"]))
    async with tenant_transaction(job.scope):
        try:
            result = await documents.issue_diplomas(
                job.actor, UUID(params["panel_id"]), today(), signatory, progress=run.progress
            )
        except NotFound as exc:
            raise JobFailed("Этап конкурса не найден или больше недоступен.") from exc
        except ValidationFailed as exc:
            raise JobFailed(next(iter(exc.errors.values()))) from exc
        await run.finish(msgspec.to_builtins(result))
    return None


async def last_job(user_id: UUID, panel_id: UUID) -> TrackedJob | None:
    """The person's last issue for this panel: the results page shows its state."""
    jobs = await tracked.of_user(user_id, KIND, now() - timedelta(days=tracked.KEEP_DAYS))
    return next((j for j in jobs if j.params.get("panel_id") == str(panel_id)), None)


async def missing(panel_id: UUID) -> int:
    """Entries of the panel still without their diploma or certificate."""
    return sum(1 for e in await entries_of(panel_id) if e.state != EntryState.withdrawn and e.certificate_id is None)


async def start_diplomas(
    principal: Principal, actor: Actor, contest_id: UUID, panel_id: UUID, signatory: tuple[str, str]
) -> UUID:
    """Checked first, queued once the request commits; a job already under way for the panel is the answer to
    a double click."""
    await running_panel(principal, contest_id, panel_id)
    signatory = (signatory[0].strip(), signatory[1].strip())
    await documents.check_diplomas(panel_id, signatory)
    current = await last_job(principal.user_id, panel_id)
    if current is not None and current.active:
        return current.id
    return await tracked.start(
        run_panel_diplomas,
        principal.scope,
        ip=actor.ip,
        params={
            "contest_id": str(contest_id),
            "panel_id": str(panel_id),
            "signatory_name": signatory[0],
            "signatory_position": signatory[1],
        },
        label=LABEL,
    )


async def retry_diplomas(principal: Principal, contest_id: UUID, panel_id: UUID) -> None:
    await running_panel(principal, contest_id, panel_id)
    job = await last_job(principal.user_id, panel_id)
    if job is None or job.status != tracked.Status.failed:
        raise ValidationFailed({"job": "Повторить можно только выдачу, которая не удалась"})
    await tracked.again(job)
