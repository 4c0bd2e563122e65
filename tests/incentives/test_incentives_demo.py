"""The demo's incentives register: every kind, СОШ № 1's order registered (its incentives on the mentors' public
page), Озёрская СШ's a draft whose incentives show nowhere yet, Светлогорск's petition waiting."""

from __future__ import annotations

from typing import Any

from app.cli import seed_demo_region
from shared.db import Level, Scope, current_connection, tenant_transaction
from tenants.demo_accounts import PASSWORD
from tests.helpers import login_page, make_client


async def test_the_demo_register(app: Any) -> None:
    region_id = await seed_demo_region()
    async with tenant_transaction(Scope(Level.platform)):
        rows = await current_connection().fetch(
            """SELECT o.short_name, i.kind, i.level, i.status FROM mentor_incentive i
               JOIN organization o ON o.id = i.organization_id WHERE i.region_id = $1""",
            region_id,
        )
    kinds = {r["kind"] for r in rows}
    assert kinds == {"thanks", "diploma", "parents_letter", "award_petition", "bonus", "allowance"}
    by_school = {(r["short_name"], r["level"], r["status"]) for r in rows}
    assert ("МБОУ «СОШ № 1»", "organization", "effective") in by_school
    assert ("МОУ «Озёрская СШ»", "organization", "ordered") in by_school
    assert ("МБОУ «СОШ № 1»", "municipality", "proposed") in by_school
    async with make_client(app) as visitor:
        page = (await visitor.get("/o/mbou-sosh-n-1")).text
        assert "поощрение</span> Почётная грамота" in page
        assert "руб." not in page  # the sums paid are never public
    async with make_client(app) as client:
        await login_page(client, "curator1@demo.local", PASSWORD)
        register = await client.get("/incentives")
        assert register.status_code == 200 and "приказ № 47-п" in register.text
    async with make_client(app) as client:
        await login_page(client, "municipality@demo.local", PASSWORD)
        text = (await client.get("/incentives")).text
        assert "Ходатайство о награждении" in text and 'name="incentive_ids"' in text
