"""Bad input: Russian messages next to the field on pages, a JSON body naming the field in the API,
and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from shared.db import Scope, current_connection, tenant_transaction
from tenants import logic
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, post_form


async def organization_count(tenant: Tenant) -> int:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return int(await current_connection().fetchval("SELECT count(*) FROM organization"))


async def test_organization_form_shows_errors_next_to_fields(app: Any, tenant_a: Tenant) -> None:
    before = await organization_count(tenant_a)
    async with make_client(app) as client:
        await login_page(client, tenant_a.regional, PASSWORD)
        response = await post_form(
            client,
            "/organizations/new",
            {
                "name": " ",
                "kind": "school",
                "municipality_id": str(tenant_a.municipality_id),
                "inn": "12",
                "email": "not-an-email",
                "phone": "звоните",
            },
        )
        assert response.status_code == 422
        html = response.text
        assert 'id="e-name">Укажите название' in html
        assert 'id="e-inn">ИНН — 10 или 12 цифр' in html
        assert 'id="e-email">Проверьте адрес электронной почты' in html
        assert 'aria-invalid="true"' in html
    assert await organization_count(tenant_a) == before


async def test_organization_is_created_and_edited_by_page(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, tenant_a.municipal, PASSWORD)
        created = await post_form(
            client,
            "/organizations/new",
            {
                "name": "МБОУ «Лицей № 7»",
                "kind": "school",
                "municipality_id": str(tenant_a.municipality_id),
                "inn": "0411222333",
                "phone": "+7 (388) 222-33-44",
            },
        )
        assert created.status_code == 303
        card = await client.get(created.headers["location"])
        assert "Лицей № 7" in card.text
        assert "Организация добавлена" in card.text
        edit_url = created.headers["location"] + "/edit"
        edited = await post_form(
            client,
            edit_url,
            {
                "name": "МБОУ «Лицей № 7 имени Гагарина»",
                "kind": "school",
                "municipality_id": str(tenant_a.municipality_id),
            },
        )
        assert edited.status_code == 303
        assert "имени Гагарина" in (await client.get(created.headers["location"])).text
        found = await client.get("/organizations?q=лицей")  # case-insensitive for Cyrillic
        assert "Лицей № 7" in found.text


async def test_api_errors_name_the_field(app: Any, tenant_a: Tenant) -> None:
    before = await organization_count(tenant_a)
    async with make_client(app) as client:
        await login_api(client, tenant_a.regional, PASSWORD)
        response = await client.post(
            "/api/v1/organizations",
            json={"name": "Школа", "kind": "factory", "municipality_id": "nope", "email": "x"},
        )
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert set(errors) == {"kind", "municipality_id", "email"}
        missing = await client.post("/api/v1/organizations", json={"kind": "school"})
        assert missing.status_code == 400
        assert "name" in str(missing.json())
    assert await organization_count(tenant_a) == before


async def test_municipality_names_are_unique_in_a_region(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.regional, PASSWORD)
        first = await client.post("/api/v1/municipalities", json={"name": "Заречный район"})
        assert first.status_code == 201
        second = await client.post("/api/v1/municipalities", json={"name": "заречный  район"})
        assert second.status_code == 400
        assert "name" in second.json()["errors"]
        renamed = await client.put(f"/api/v1/municipalities/{first.json()['id']}", json={"name": "Заречный округ"})
        assert renamed.status_code == 200 and renamed.json()["name"] == "Заречный округ"


async def test_a_malformed_query_is_a_400(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.regional, PASSWORD)
        response = await client.get("/organizations?municipality=not-a-uuid")
        assert response.status_code == 400
        assert "Некорректный запрос" in response.text or "Проверьте данные" in response.text


async def test_a_server_error_shows_no_trace_and_logs_no_data(
    app: Any, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret personal detail: Иванов Иван, СНИЛС 112-233-445 95")

    monkeypatch.setattr(logic, "list_municipalities", broken)
    async with make_client(app) as client:
        await login_api(client, tenant_a.regional, PASSWORD)
        page = await client.get("/municipalities")
        assert page.status_code == 500
        assert "Что-то пошло не так" in page.text
        api = await client.get("/api/v1/municipalities")
        assert api.status_code == 500
        assert set(api.json()) == {"detail"}
    for text in (page.text, api.text, caplog.text):
        assert "Traceback" not in text and "Иванов" not in text and "secret" not in text
