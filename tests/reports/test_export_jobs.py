"""An export that failed says why and is started again from its page or the API; only its requester sees it."""

from __future__ import annotations

import uuid
from typing import Any

from shared.db import Scope, current_connection, tenant_transaction
from tests.helpers import PASSWORD, login_api, make_client, make_tenant, post_form, run_worker


async def test_a_failed_export_is_started_again_by_its_requester(app: Any, smtp: Any) -> None:
    tenant = await make_tenant("Повтор")
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        started = (await client.post("/api/v1/exports", json={"kind": "people", "format": "csv"})).json()
        await run_worker(app, smtp[1])
        async with tenant_transaction(Scope.for_region(tenant.region_id)):  # as a killed disk would leave it
            await current_connection().execute(
                "UPDATE tracked_job SET status = 'failed', error = 'Диск заполнен' WHERE id = $1",
                uuid.UUID(started["id"]),
            )
        status = (await client.get(f"/api/v1/exports/{started['id']}")).json()
        assert (status["status"], status["error"]) == ("failed", "Диск заполнен")
        page = await client.get(f"/exports/{started['id']}")
        assert "Диск заполнен" in page.text and "Повторить" in page.text
        assert (await client.get(started["download"])).status_code == 404
        retried = await post_form(client, f"/exports/{started['id']}/retry", {}, page=f"/exports/{started['id']}")
        assert retried.status_code == 303
        assert (await client.get(f"/api/v1/exports/{started['id']}")).json()["status"] == "queued"
        again = await client.post(f"/api/v1/exports/{started['id']}/retry")  # a second click queues nothing more
        assert again.status_code == 202 and again.json()["status"] == "queued"
        await run_worker(app, smtp[1])
        assert (await client.get(f"/api/v1/exports/{started['id']}")).json()["status"] == "done"
        assert (await client.get(started["download"])).status_code == 200
        done = await client.post(f"/api/v1/exports/{started['id']}/retry")
        assert done.status_code == 400  # only a failed export is started again
    async with make_client(app) as other:
        await login_api(other, tenant.regional, PASSWORD)
        assert (await other.post(f"/api/v1/exports/{started['id']}/retry")).status_code == 404
