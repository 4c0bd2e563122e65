"""The demo's contests as each demo role meets them: the region's results of the finished municipal stage, the
municipal coordinator's panel, jury1 kept from her school's entry, jury2's sheets, the public vote's finalists, and
the school festival's diplomas."""

from __future__ import annotations

from typing import Any

from app.cli import seed_demo_region
from services.contests.demo import FESTIVAL, GYMNASIUM, TITLE
from shared.db import Level, Scope, current_connection, tenant_transaction
from tenants.demo_accounts import PASSWORD
from tests.helpers import login_api, make_client


async def test_the_demo_contest_for_each_role(app: Any) -> None:
    region_id = await seed_demo_region()
    await seed_demo_region()  # again: nothing more
    async with tenant_transaction(Scope(Level.platform)):
        db = current_connection()
        assert (
            await db.fetchval("SELECT count(*) FROM contest WHERE region_id = $1 AND title = $2", region_id, TITLE) == 1
        )
        panels = await db.fetch(
            """SELECT p.id, p.status, p.level, p.results_published_at, m.name FROM contest_panel p
               JOIN contest c ON c.id = p.contest_id LEFT JOIN municipality m ON m.id = p.municipality_id
               WHERE c.title = $1 AND c.region_id = $2""",
            TITLE,
            region_id,
        )
        contest_id = await db.fetchval("SELECT id FROM contest WHERE title = $1 AND region_id = $2", TITLE, region_id)
        gymnasium_entries = await db.fetchval(
            """SELECT count(*) FROM contest_entry e JOIN contest_panel p ON p.id = e.panel_id
               JOIN organization o ON o.id = e.organization_id
               WHERE p.level = 'region' AND o.short_name = $1 AND e.contest_id = $2""",
            GYMNASIUM,
            contest_id,
        )
        diplomas = await db.fetch(
            """SELECT c.number FROM contest_entry e JOIN contest k ON k.id = e.contest_id
               JOIN certificate c ON c.id = e.certificate_id WHERE k.title = $1 AND k.region_id = $2""",
            FESTIVAL,
            region_id,
        )
        finalists = await db.fetchval(
            "SELECT count(*) FROM contest_entry WHERE contest_id = $1 AND finalist", contest_id
        )
    svetlogorsk = [p for p in panels if p["name"] == "Городской округ Светлогорск"]
    assert len(svetlogorsk) == 3 and all(p["status"] == "finished" and p["results_published_at"] for p in svetlogorsk)
    assert all(p["status"] == "open" for p in panels if p["level"] == "region")
    assert gymnasium_entries >= 1 and finalists >= 2 and len(diplomas) >= 3

    async with make_client(app) as client:
        await login_api(client, "jury1@demo.local", PASSWORD)
        home = await client.get("/contests/jury")
        assert home.status_code == 200 and "Региональный этап" in home.text
        async with tenant_transaction(Scope(Level.platform)):
            user_id = await current_connection().fetchval("SELECT id FROM app_user WHERE email = 'jury1@demo.local'")
        async with tenant_transaction(Scope(Level.juror, user_id, region_id)):
            seen = await current_connection().fetchval(
                """SELECT count(*) FROM contest_entry e JOIN organization o ON o.id = e.organization_id
                   WHERE o.short_name = $1 AND e.contest_id = $2""",
                GYMNASIUM,
                contest_id,
            )
        assert seen == 0  # her own school's entries are not there for her
    async with make_client(app) as client:
        await login_api(client, "jury2@demo.local", PASSWORD)
        sheets = (await client.get("/api/v1/contests/jury/sheets")).json()
        assert sheets and all(s["submitted"] for s in sheets)
        chair = next(p for p in panels if p["level"] == "region")
        assert (await client.get(f"/contests/jury/panels/{chair['id']}")).status_code == 200
    async with make_client(app) as client:
        await login_api(client, "region@demo.local", PASSWORD)
        finished = svetlogorsk[0]
        page = await client.get(f"/contests/{contest_id}/panels/{finished['id']}/results")
        assert page.status_code == 200 and "прошла в следующий этап" in page.text
        assert (await client.get(f"/contests/{contest_id}/panels/{finished['id']}/protocol.docx")).status_code == 200
        results = (await client.get(f"/api/v1/contests/{contest_id}/results")).json()
        assert len(results) == 6  # the municipal panels of two municipalities, three nominations
    async with make_client(app) as client:
        await login_api(client, "municipality@demo.local", PASSWORD)
        page = await client.get(f"/contests/{contest_id}/panels/{finished['id']}/results")
        assert page.status_code == 200 and "Протокол (DOCX)" in page.text
    async with make_client(app) as visitor:
        verified = await visitor.get(f"/verify/{diplomas[0]['number']}")
        assert verified.status_code == 200 and "Диплом конкурса" in verified.text
