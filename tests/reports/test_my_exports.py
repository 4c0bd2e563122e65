"""«Мои выгрузки»: the exports a person asked for, their state, and a link while the file lives; nobody else's."""

from __future__ import annotations

import uuid
from typing import Any

from services.reports.jobs import path_of
from shared.settings import get_settings
from tests.helpers import PASSWORD, login_api, make_client, make_tenant, run_worker


async def test_the_list_shows_ones_own_exports_with_their_links(app: Any, smtp: Any) -> None:
    tenant = await make_tenant(f"Мои {uuid.uuid4().hex[:4]}")
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        empty = await client.get("/exports/mine")
        assert empty.status_code == 200
        assert "ничего не выгружали" in empty.text
        assert 'href="/exports/mine"' in (await client.get("/exports")).text
        first = (await client.post("/api/v1/exports", json={"kind": "people", "format": "xlsx"})).json()
        queued = await client.get("/exports/mine")
        assert "в очереди" in queued.text
        await run_worker(app, smtp[1])
        second = (await client.post("/api/v1/exports", json={"kind": "pairs", "format": "csv"})).json()
        await run_worker(app, smtp[1])
        listed = await client.get("/exports/mine")
        assert f'href="/exports/{first["id"]}/download"' in listed.text
        assert f'href="/exports/{second["id"]}/download"' in listed.text
        assert listed.text.index(second["id"]) < listed.text.index(first["id"])  # the newest first
        path_of(get_settings(), uuid.UUID(first["id"]), "xlsx").unlink()
        gone = await client.get("/exports/mine")
        assert f'href="/exports/{first["id"]}/download"' not in gone.text
        assert "файл удалён" in gone.text
    async with make_client(app) as other:
        await login_api(other, tenant.regional, PASSWORD)
        theirs = await other.get("/exports/mine")
        assert first["id"] not in theirs.text and second["id"] not in theirs.text
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        assert (await curator.get("/exports/mine")).status_code == 403
