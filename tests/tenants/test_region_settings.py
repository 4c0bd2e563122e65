"""The region's settings page and API: the regional coordinator's own rules, checked, saved and logged."""

from __future__ import annotations

from typing import Any

from shared.db import Scope, current_connection, tenant_transaction
from tests.factories import turn_on_second_factor
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, post_form

PAGE = "/region/settings"
API = "/api/v1/region/settings"


async def region_row(tenant: Tenant) -> Any:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return await current_connection().fetchrow(
            "SELECT require_second_factor, archive_retention_days FROM region WHERE id = $1", tenant.region_id
        )


async def audit_details(tenant: Tenant) -> list[str]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        rows = await current_connection().fetch(
            "SELECT details FROM audit_log WHERE region_id = $1 AND action = 'settings' ORDER BY id", tenant.region_id
        )
    return [r["details"] for r in rows]


async def test_the_region_page_links_to_its_settings(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, fresh.regional, PASSWORD)
        assert f'href="{PAGE}"' in (await client.get("/region")).text
        form = await client.get(PAGE)
        assert form.status_code == 200
        assert "Требовать второй фактор для координаторов" in form.text
        assert "Срок хранения данных архивных участников, дней" in form.text
        assert 'value="1095"' in form.text


async def test_the_retention_period_is_checked_next_to_its_field(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, fresh.regional, PASSWORD)
        for typed, message in [
            ("abc", "Укажите целое число дней"),
            ("12,5", "Укажите целое число дней"),
            ("29", "от 30 до 3650 дней"),
            ("3651", "от 30 до 3650 дней"),
            ("", "Укажите срок хранения"),
        ]:
            response = await post_form(client, PAGE, {"archive_retention_days": typed})
            assert response.status_code == 422, typed
            error = response.text.split('id="e-archive_retention_days">')[1].split("<")[0]
            assert message in error, (typed, error)
            assert f'value="{typed}"' in response.text  # what was typed stays in the field
        assert (await region_row(fresh))["archive_retention_days"] == 1095
        assert await audit_details(fresh) == []  # nothing half-written

        saved = await post_form(client, PAGE, {"archive_retention_days": "30"})
        assert saved.headers["location"] == PAGE
        assert "Настройки региона сохранены" in (await client.get(PAGE)).text
        assert (await post_form(client, PAGE, {"archive_retention_days": "3650"})).status_code == 303
    assert (await region_row(fresh))["archive_retention_days"] == 3650
    assert await audit_details(fresh) == [
        "срок хранения данных архивных участников: 1095 → 30 дн.",
        "срок хранения данных архивных участников: 30 → 3650 дн.",
    ]


async def test_the_api_names_the_field_it_refuses(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        refused = await client.put(API, json={"require_second_factor": False, "archive_retention_days": 20})
        assert refused.status_code == 400
        assert "от 30 до 3650" in refused.json()["errors"]["archive_retention_days"]
        saved = await client.put(API, json={"require_second_factor": False, "archive_retention_days": 400})
        assert saved.status_code == 200 and saved.json()["archive_retention_days"] == 400
        assert (await client.get(API)).json()["archive_retention_days"] == 400


async def test_requiring_the_second_factor_needs_it_on_for_the_coordinator_who_requires_it(
    app: Any, fresh: Tenant
) -> None:
    async with make_client(app) as client:
        await login_page(client, fresh.regional, PASSWORD)
        form = {"require_second_factor": "1", "archive_retention_days": "1095"}
        refused = await post_form(client, PAGE, form)
        assert refused.status_code == 422
        assert "Сначала включите второй фактор" in refused.text.split('id="e-require_second_factor">')[1]
        api = await client.put(API, json={"require_second_factor": True, "archive_retention_days": 1095})
        assert api.status_code == 400 and "require_second_factor" in api.json()["errors"]
        assert (await region_row(fresh))["require_second_factor"] is False

        await turn_on_second_factor(client)
        assert (await post_form(client, PAGE, form)).status_code == 303
        assert "checked" in (await client.get(PAGE)).text.split('id="f-require_second_factor"')[1].split(">")[0]
    assert (await region_row(fresh))["require_second_factor"] is True
    assert await audit_details(fresh) == ["второй фактор для координаторов: требуется"]
    async with make_client(app) as municipal:  # the rule is in force for the region's other coordinators
        await login_page(municipal, fresh.municipal, PASSWORD)
        assert (await municipal.get("/organizations")).headers["location"] == "/profile/second-factor"


async def test_only_the_regional_coordinator_opens_the_settings(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.municipal, PASSWORD)
        assert (await client.get(PAGE)).status_code == 403
        assert (
            await client.put(API, json={"require_second_factor": False, "archive_retention_days": 400})
        ).status_code == 403
    assert (await region_row(fresh))["archive_retention_days"] == 1095
