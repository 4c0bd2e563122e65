"""The kernel's job machinery in one process: queued only after commit, attempts, the sweeper, files, isolation."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest
from arq.constants import default_queue_name, in_progress_key_prefix
from arq.jobs import Job, JobStatus

from services.registry.jobs import run_import, start_import
from shared import tracked
from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.jobs import enqueue_after_commit
from shared.tracked import Status, arq_id, sweep_jobs
from tenants.jobs import send_invitation
from tests.helpers import Tenant, make_tenant

CSV = "Фамилия;Имя\r\nОчередная;Анна\r\n".encode()


def org_scope(t: Tenant) -> Scope:
    return Scope(Level.organization, None, t.region_id, t.municipality_id, t.organization_id)


async def queued(app: Any, job_id: str) -> bool:
    return await Job(job_id, app.state.redis).status() != JobStatus.not_found


async def forget(app: Any, job_id: str) -> None:
    await app.state.redis.zrem(default_queue_name, job_id)
    await app.state.redis.delete(f"arq:job:{job_id}")


async def test_a_job_is_queued_only_once_its_transaction_commits(app: Any, tenant_a: Tenant) -> None:
    committed, rolled_back = f"test-commit:{uuid.uuid4()}", f"test-rollback:{uuid.uuid4()}"
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        await enqueue_after_commit(send_invitation, str(tenant_a.region_id), str(uuid.uuid4()), _job_id=committed)
        assert not await queued(app, committed)  # the worker cannot look for what is not committed yet
    assert await queued(app, committed)
    with pytest.raises(RuntimeError):
        async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
            await enqueue_after_commit(send_invitation, str(tenant_a.region_id), "x", _job_id=rolled_back)
            raise RuntimeError("the request failed")
    assert not await queued(app, rolled_back)
    await forget(app, committed)


async def start(tenant: Tenant) -> uuid.UUID:
    actor = Actor(None, tenant.region_id, tenant.organization_id)
    async with tenant_transaction(org_scope(tenant)):
        return await start_import(actor, tenant.municipality_id, CSV, "очередь.csv")


async def row(tenant: Tenant, job_id: uuid.UUID) -> dict[str, Any]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        found = await current_connection().fetchrow(
            """SELECT status, attempt, restarts, error, file IS NOT NULL AS has_file FROM tracked_job
               WHERE id = $1""",
            job_id,
        )
    assert found is not None
    return dict(found)


async def age(tenant: Tenant, job_id: uuid.UUID, assignments: str) -> None:
    """Moves a job's clock back, as if its worker had died that long ago."""
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(f"UPDATE tracked_job SET {assignments} WHERE id = $1", job_id)


async def test_the_sweeper_hands_a_silent_job_to_a_new_attempt_and_the_old_one_does_nothing(app: Any) -> None:
    tenant = await make_tenant("Сторож")
    job_id = await start(tenant)
    assert await queued(app, arq_id(job_id, 1))
    # The worker that claimed it died a minute ago: its arq entry stays in progress, its heartbeat stops.
    await age(tenant, job_id, "status = 'running', heartbeat_at = now() - interval '1 minute'")
    await app.state.redis.set(in_progress_key_prefix + arq_id(job_id, 1), b"1")
    counts = await sweep_jobs({})
    assert counts["restarted"] >= 1
    assert (await row(tenant, job_id))["status"] == Status.queued
    assert (await row(tenant, job_id))["attempt"] == 2
    assert await queued(app, arq_id(job_id, 2))
    assert not await queued(app, arq_id(job_id, 1))  # the dead attempt's entry is gone from the queue
    assert await app.state.redis.get(in_progress_key_prefix + arq_id(job_id, 1)) is None
    # Were the old entry run anyway, it would find its attempt is not the job's and do nothing.
    assert await run_import({}, tenant.region_id, job_id, 1) == "not current"
    assert await run_import({}, tenant.region_id, job_id, 2) == "done"
    assert (await row(tenant, job_id))["status"] == Status.done
    await forget(app, arq_id(job_id, 2))


async def test_a_job_that_keeps_killing_its_worker_fails_and_a_lost_one_is_queued_again(app: Any) -> None:
    tenant = await make_tenant("Падучий")
    crashing = await start(tenant)
    await age(tenant, crashing, "status = 'running', restarts = 2, heartbeat_at = now() - interval '1 minute'")
    lost = await start(tenant)
    await forget(app, arq_id(lost, 1))  # Redis lost it, or the send after the commit failed
    await age(tenant, lost, "queued_at = now() - interval '5 minutes'")
    await sweep_jobs({})
    failed = await row(tenant, crashing)
    assert failed["status"] == Status.failed and failed["error"].startswith("Задание прерывалось 3 раза")
    assert failed["has_file"]  # the user may start it again
    assert ((await row(tenant, lost))["status"], (await row(tenant, lost))["attempt"]) == (Status.queued, 2)
    assert await queued(app, arq_id(lost, 2))
    await forget(app, arq_id(lost, 2))
    await forget(app, arq_id(crashing, 1))


async def test_files_go_when_their_job_no_longer_needs_them(app: Any) -> None:
    tenant = await make_tenant("Файлы")
    checked, failed = await start(tenant), await start(tenant)
    assert await run_import({}, tenant.region_id, checked, 1) == "done"
    assert (await row(tenant, checked))["has_file"]  # a checked file waits for the commit
    await age(tenant, failed, "status = 'failed', finished_at = now()")
    assert (await row(tenant, failed))["has_file"]  # a failed one for a retry
    await age(tenant, checked, "created_at = now() - interval '7 hours'")
    await age(tenant, failed, "created_at = now() - interval '7 hours'")
    await sweep_jobs({})
    assert not (await row(tenant, checked))["has_file"] and not (await row(tenant, failed))["has_file"]
    for job_id in (checked, failed):
        await forget(app, arq_id(job_id, 1))


async def test_tracked_jobs_are_seen_by_their_organization_and_its_coordinators_only(
    app: Any, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    own, other_region = await start(tenant_a), await start(tenant_b)
    neighbour = replace(
        tenant_a, organization_id=tenant_a.other_organization_id, municipality_id=tenant_a.other_municipality_id
    )
    neighbours = await start(neighbour)
    async with tenant_transaction(org_scope(tenant_a)):
        ids = {r["id"] for r in await current_connection().fetch("SELECT id FROM tracked_job")}
        assert own in ids and neighbours not in ids and other_region not in ids
        assert await tracked.get(neighbours, "import") is None
    municipal = Scope(Level.municipality, None, tenant_a.region_id, tenant_a.municipality_id)
    async with tenant_transaction(municipal):
        ids = {r["id"] for r in await current_connection().fetch("SELECT id FROM tracked_job")}
        assert own in ids and neighbours not in ids and other_region not in ids
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        ids = {r["id"] for r in await current_connection().fetch("SELECT id FROM tracked_job")}
        assert {own, neighbours} <= ids and other_region not in ids
    for job_id in (own, neighbours, other_region):
        await forget(app, arq_id(job_id, 1))
