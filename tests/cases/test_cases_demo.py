"""The demo's case library: ten published cases and the materials of the «методическая копилка», a case awaiting
the municipality and a returned draft; the public finds them in Russian without signing in, and the demo's
municipal coordinator and curator meet their part of the workflow."""

from __future__ import annotations

from typing import Any

from app.cli import seed_demo_region
from shared.db import Level, Scope, current_connection, tenant_transaction
from tenants.demo_accounts import PASSWORD
from tests.helpers import login_api, make_client


async def test_the_demo_library(app: Any) -> None:
    region_id = await seed_demo_region()
    await seed_demo_region()  # again: nothing more
    async with tenant_transaction(Scope(Level.platform)):
        counts = await current_connection().fetchrow(
            """SELECT count(*) FILTER (WHERE kind = 'case' AND status = 'published') AS cases,
                      count(*) FILTER (WHERE kind = 'material' AND status = 'published') AS materials,
                      count(*) FILTER (WHERE status = 'sent') AS sent,
                      count(*) FILTER (WHERE status = 'draft' AND return_comment <> '') AS returned,
                      (SELECT count(*) FROM practice_case_file f WHERE f.region_id = $1) AS files
               FROM practice_case WHERE region_id = $1""",
            region_id,
        )
    assert counts["cases"] >= 10 and counts["materials"] >= 5 and counts["files"] >= 5
    assert counts["sent"] == 1 and counts["returned"] == 1
    async with make_client(app) as visitor:
        page = await visitor.get("/cases")
        assert page.status_code == 200 and "Новое в библиотеке" in page.text
        hits = (await visitor.get("/api/v1/cases", params={"q": "наставника"})).json()
        assert len(hits) >= 3 and all("<mark>" in h["fragment"] + h["title_fragment"] for h in hits)
        memos = (await visitor.get("/api/v1/cases", params={"kind": "material", "q": "памятка"})).json()
        assert len(memos) >= 2
        material = (await visitor.get(f"/api/v1/cases/{memos[0]['id']}")).json()
        download = await visitor.get(material["files"][0]["url"])
        assert download.status_code == 200 and download.content.startswith(b"PK")
        case = await visitor.get(hits[0]["url"])
        assert case.status_code == 200
    async with make_client(app) as municipal:
        await login_api(municipal, "municipality@demo.local", PASSWORD)
        manage = await municipal.get("/cases/manage")
        assert manage.status_code == 200 and "Команда поддержки педагога" in manage.text
    async with make_client(app) as curator:
        await login_api(curator, "curator1@demo.local", PASSWORD)
        manage = await curator.get("/cases/manage")
        assert manage.status_code == 200 and "Первый год без выгорания" in manage.text
