from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

from app.web import create_app
from infra.embedded import EmbeddedServers
from shared.settings import ROOT, get_settings
from tests.helpers import make_client


async def test_healthz_and_readyz(client: Any) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "postgres": "ok", "redis": "ok"}


async def test_readyz_reports_redis_down(app: Any) -> None:
    servers = EmbeddedServers(ROOT / ".data" / f"redis-{uuid.uuid4().hex[:8]}")
    servers.start_redis()
    try:
        second = create_app(replace(get_settings(), redis_url=f"redis://127.0.0.1:{servers.redis_port}/0"))
        started, stop = asyncio.Event(), asyncio.Event()

        async def run() -> None:
            async with second.lifespan():
                started.set()
                await stop.wait()

        task = asyncio.create_task(run())
        await started.wait()
        try:
            async with make_client(second) as client:
                assert (await client.get("/readyz")).status_code == 200
                servers.stop_redis()
                down = await client.get("/readyz")
                assert down.status_code == 503
                body = down.json()
                assert body["status"] == "unavailable"
                assert body["postgres"] == "ok"
                assert body["redis"] != "ok"
                assert (await client.get("/healthz")).status_code == 200
        finally:
            stop.set()
            await task
    finally:
        servers.destroy()


async def test_openapi_schema_is_served(client: Any) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/auth/login" in paths
    assert "/api/v1/organizations" in paths
    assert not any(p.startswith("/organizations") for p in paths)  # pages stay out of the API schema


async def test_unknown_pages_are_404_in_russian(client: Any) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert (await client.get("/api/v1/no-such")).status_code == 404


async def test_static_assets_are_served_locally(client: Any) -> None:
    assert (await client.get("/static/app.css")).status_code == 200
    assert (await client.get("/static/htmx-2.0.11.min.js")).status_code == 200


async def test_the_web_app_starts_while_redis_is_down_and_says_so(app: Any) -> None:
    from infra.embedded import free_port

    down = create_app(replace(get_settings(), redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    started, stop = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with down.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run())
    await asyncio.wait_for(started.wait(), 10)
    try:
        async with make_client(down) as client:
            assert (await client.get("/healthz")).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["redis"] != "ok"
            assert (await client.get("/login")).status_code == 200  # a page without a session still opens
            login = await client.post("/api/v1/auth/login", json={"email": "x@test.local", "password": "y"})
            assert login.status_code == 503 and "временно недоступен" in login.json()["detail"]
            client.cookies.set("nastavnik_session", "a" * 32)
            page = await client.get("/people")
            assert page.status_code == 503 and "Сервис временно недоступен" in page.text
    finally:
        stop.set()
        await task
