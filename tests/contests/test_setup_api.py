"""The contests' API: who creates a contest at which level, nominations with presets, stages with their panels,
Russian errors naming the field, drafts seen only by their organizer, another region's contest a 404."""

from __future__ import annotations

from typing import Any

from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant

API = "/api/v1/contests"

STAGE = {
    "level": "region",
    "applications_from": "01.02.2026",
    "applications_until": "15.03.2026",
    "review_from": "16.03.2026",
    "review_until": "31.03.2026",
    "results_on": "10.04.2026",
}


async def create(app: Any, email: str, title: str = "Наставник года — 2026") -> Any:
    async with make_client(app) as client:
        await login_api(client, email, PASSWORD)
        return await client.post(API, json={"title": title, "year": "2026", "description": "Региональный этап"})


async def test_each_organizer_creates_at_their_level_and_others_may_not(app: Any) -> None:
    tenant = await make_tenant("Конкурс-уровни")
    regional = await create(app, tenant.regional)
    assert regional.status_code == 201, regional.text
    assert regional.json()["contest"]["level"] == "region"
    municipal = await create(app, tenant.municipal)
    assert municipal.status_code == 201, municipal.text
    assert municipal.json()["contest"]["level"] == "municipality"
    assert municipal.json()["contest"]["municipality_id"] == str(tenant.municipality_id)
    curator = await create(app, tenant.curator, "Фестиваль наставничества")
    assert curator.status_code == 201, curator.text
    assert curator.json()["contest"]["level"] == "organization"
    assert curator.json()["contest"]["organization_id"] == str(tenant.organization_id)
    for email in (tenant.mentor, tenant.trainer, tenant.juror):
        refused = await create(app, email)
        assert refused.status_code == 403, (email, refused.text)


async def test_errors_name_the_field(app: Any) -> None:
    tenant = await make_tenant("Конкурс-ошибки")
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        bad = await client.post(API, json={"title": "", "year": "двадцать"})
        assert bad.status_code == 400, bad.text
        assert "title" in bad.text and "year" in bad.text


async def test_nomination_preset_stage_and_visibility(app: Any, tenant_b: Tenant) -> None:
    tenant = await make_tenant("Конкурс-видимость")
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        created = await client.post(API, json={"title": "Наставник года — 2026", "year": "2026"})
        contest_id = created.json()["contest"]["id"]
        nomination = await client.post(
            f"{API}/{contest_id}/nominations", json={"kind": "mentor_of_year", "use_preset": "on"}
        )
        assert nomination.status_code == 201, nomination.text
        [added] = nomination.json()["nominations"]
        assert added["title"] and added["roles"] == ["mentor"]
        assert added["min_experience_years"] == 3 and added["min_rating_points"] is None
        bad = await client.post(
            f"{API}/{contest_id}/nominations",
            json={"kind": "custom", "title": "С рейтингом", "roles": "mentor", "min_rating_points": "много"},
        )
        assert bad.status_code == 400 and "min_rating_points" in bad.text
        rated = await client.post(
            f"{API}/{contest_id}/nominations",
            json={"kind": "custom", "title": "С рейтингом", "roles": "mentor", "min_rating_points": "12,5"},
        )
        assert rated.status_code == 201, rated.text
        assert rated.json()["nominations"][1]["min_rating_points"] == "12.50"
        stage = await client.post(f"{API}/{contest_id}/stages", json=STAGE)
        assert stage.status_code == 201, stage.text
        assert stage.json()["stages"][0]["level"] == "region"
        late = await client.post(
            f"{API}/{contest_id}/stages", json={**STAGE, "level": "municipality", "advance_count": "3"}
        )
        assert late.status_code == 400, late.text
        listed = await client.get(API)
        assert contest_id in [c["contest"]["id"] for c in listed.json()]
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        listed = await client.get(API)
        assert listed.status_code == 200, listed.text
        assert contest_id not in [c["contest"]["id"] for c in listed.json()]  # a draft is the organizer's only
        assert (await client.get(f"{API}/{contest_id}")).status_code == 404
    async with make_client(app) as client:
        await login_api(client, tenant_b.regional, PASSWORD)
        assert (await client.get(f"{API}/{contest_id}")).status_code == 404
        refused = await client.post(f"{API}/{contest_id}/stages", json=STAGE)
        assert refused.status_code == 404, refused.text


async def test_panels_are_made_eagerly_for_regional_and_municipal_stages(app: Any) -> None:
    from shared.db import Level, Scope, current_connection, tenant_transaction

    tenant = await make_tenant("Конкурс-панели")
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        created = await client.post(API, json={"title": "Лучшая пара — 2026", "year": "2026"})
        contest_id = created.json()["contest"]["id"]
        municipal = {**STAGE, "level": "municipality", "advance_count": "3"}
        regional = {
            **STAGE,
            "applications_from": "11.04.2026",
            "applications_until": "20.04.2026",
            "review_from": "21.04.2026",
            "review_until": "30.04.2026",
            "results_on": "10.05.2026",
        }
        assert (await client.post(f"{API}/{contest_id}/stages", json=municipal)).status_code == 201
        assert (await client.post(f"{API}/{contest_id}/stages", json=regional)).status_code == 201
        body = {"kind": "best_pair", "use_preset": "on"}
        nomination = await client.post(f"{API}/{contest_id}/nominations", json=body)
        assert nomination.status_code == 201, nomination.text
    async with tenant_transaction(Scope(Level.platform)):
        levels = await current_connection().fetch(
            "SELECT level FROM contest_panel WHERE contest_id = $1 ORDER BY level", contest_id
        )
    counted = [str(r["level"]) for r in levels]
    assert counted.count("region") == 1
    assert counted.count("municipality") == 2  # the region's two municipalities
