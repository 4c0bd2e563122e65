"""The audit log's address column holds real client addresses only: the seeding and jobs show «—»."""

from __future__ import annotations

import re
import uuid
from typing import Any

from shared.actor import Actor
from shared.audit import audit, client_address, shown_address
from shared.db import Scope, current_connection, tenant_transaction
from tests.helpers import PASSWORD, login_api, make_client, make_tenant


def test_only_an_ip_address_is_an_address() -> None:
    assert client_address("10.0.0.1") == "10.0.0.1"
    assert client_address(" 2001:db8::1 ") == "2001:db8::1"
    assert client_address("seed-demo") == client_address("unknown") == client_address("") == ""
    assert shown_address("seed-demo") == shown_address(None) == "—"


async def test_an_act_without_a_client_address_shows_a_dash(app: Any) -> None:
    tenant = await make_tenant(f"Журнал {uuid.uuid4().hex[:4]}")
    marker = uuid.uuid4().hex[:8]
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await audit(Actor(None, tenant.region_id, tenant.organization_id, "seed-demo"), "view", None, f"seed {marker}")
        stored = await current_connection().fetchval("SELECT ip FROM audit_log WHERE details = $1", f"seed {marker}")
    assert stored == ""
    async with make_client(app, "10.0.9.9") as client:
        await login_api(client, tenant.regional, PASSWORD)
        log = (await client.get("/audit")).text
    assert "seed-demo" not in log
    row = re.search(rf"<tr>(?:(?!</tr>).)*seed {marker}(?:(?!</tr>).)*</tr>", log, re.S)
    assert row, "the entry is on the page"
    assert row.group(0).endswith("<td>—</td></tr>")
