"""The demo's certification: the 2026 round under review shows every state and the conflict, the registry the
certified curators, and the Озёрская curator in the commission never reaches his own school's application."""

from __future__ import annotations

from typing import Any

from app.cli import seed_demo_region
from shared.db import Level, Scope, current_connection, tenant_transaction
from tenants.demo_accounts import PASSWORD
from tests.helpers import login_api, make_client


async def test_the_demo_round_shows_each_state_the_conflict_and_the_registry(app: Any) -> None:
    region_id = await seed_demo_region()
    async with tenant_transaction(Scope(Level.platform)):
        rows = await current_connection().fetch(
            """SELECT r.title, a.state, a.full_name, a.id, a.previous_certificate_id IS NOT NULL AS renewal
               FROM certification_application a JOIN certification_round r ON r.id = a.round_id
               WHERE a.region_id = $1""",
            region_id,
        )
    states = {(r["title"], r["state"]) for r in rows}
    assert {s for t, s in states if t == "Сертификация кураторов 2026"} == {
        "draft",
        "submitted",
        "returned",
        "certified",
        "not_certified",
    }
    assert [r["state"] for r in rows if r["title"] == "Сертификация кураторов 2023"] == ["certified", "certified"]
    assert any(r["renewal"] and r["state"] == "certified" for r in rows)
    belova = next(r["id"] for r in rows if r["full_name"].startswith("Белова"))
    async with make_client(app) as client:
        await login_api(client, "region@demo.local", PASSWORD)
        page = await client.get(f"/certification/applications/{belova}")
        assert page.status_code == 200 and "Конфликт интересов: не оценивает" in page.text
        registry = (await client.get("/api/v1/certification/registry")).json()
        names = {r["full_name"] for r in registry}
        assert {"Васильева Марина Андреевна", "Кузнецов Олег Дмитриевич"} <= names
        assert any(r["renewal_due"] for r in registry)  # Кузнецов's certificate ends within 60 days
    async with make_client(app) as client:
        await login_api(client, "curator2@demo.local", PASSWORD)
        assert (await client.get(f"/certification/applications/{belova}")).status_code == 404
        rounds = (await client.get("/api/v1/certification/rounds")).json()
        current = next(r for r in rounds if r["title"] == "Сертификация кураторов 2026")
        assert (await client.get(f"/certification/rounds/{current['id']}")).status_code == 200
    async with make_client(app) as client:
        await login_api(client, "curator1@demo.local", PASSWORD)
        assert (await client.get("/certification")).status_code == 200
    # The municipal member of Светлогорск reads the organization of Озёрская's curator and of the third member.
    async with make_client(app) as client:
        await login_api(client, "municipality@demo.local", PASSWORD)
        page = await client.get(f"/certification/applications/{belova}")
        assert page.status_code == 200 and "Белова Ирина Николаевна, МОУ «Озёрская СШ»" in page.text
        rounds = (await client.get("/api/v1/certification/rounds")).json()
        current = next(r for r in rounds if r["title"] == "Сертификация кураторов 2026")
        round_page = (await client.get(f"/certification/rounds/{current['id']}")).text
        assert "Кузнецов Олег Дмитриевич, Куратор программы наставничества — МОУ «Озёрская СШ»" in round_page
