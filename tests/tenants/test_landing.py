"""Where each role lands after signing in and on «/»: mentors and mentees in their cabinet."""

from __future__ import annotations

from typing import Any

from tests.helpers import PASSWORD, Tenant, login_page, make_client


async def test_each_role_lands_on_its_home(app: Any, tenant_a: Tenant) -> None:
    for email, home in [
        (tenant_a.mentor, "/cabinet"),
        (tenant_a.curator, "/workspace"),
        (tenant_a.head, "/workspace"),
        (tenant_a.regional, "/region"),
        (tenant_a.municipal, "/organizations"),
    ]:
        async with make_client(app) as client:
            signed_in = await login_page(client, email, PASSWORD)
            assert signed_in.status_code == 303
            assert signed_in.headers["location"] == "/"
            root = await client.get("/")
            assert root.headers["location"] == home, email
            assert (await client.get(home)).status_code == 200, email
