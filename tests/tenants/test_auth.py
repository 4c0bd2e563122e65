from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, login_page, make_client


async def test_login_page_renders(client: Any) -> None:
    response = await client.get("/login")
    assert response.status_code == 200
    assert "Вход в платформу" in response.text
    assert 'name="_csrf_token"' in response.text


async def test_login_by_page_sets_session_and_rotates_it(client: Any, tenant_a: Tenant) -> None:
    await client.get("/login")
    client.cookies.set("nastavnik_session", "planted-by-attacker", domain="testserver.local")
    response = await login_page(client, tenant_a.curator, PASSWORD)
    assert response.status_code in (302, 303)
    assert client.cookies.get("nastavnik_session", domain="testserver.local") not in (
        None,
        "planted-by-attacker",
    )
    home = await client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert "Карточка организации" in home.text


async def test_login_by_api_gives_the_same_session(client: Any, tenant_a: Tenant) -> None:
    response = await login_api(client, tenant_a.municipal, PASSWORD)
    assert response.status_code == 200
    assert response.json()["active_role"]["role"] == "municipal_coordinator"
    page = await client.get("/organizations")
    assert page.status_code == 200  # the API login's cookie opens the pages too


async def test_wrong_password_is_refused_with_a_message(client: Any, tenant_a: Tenant) -> None:
    response = await login_page(client, tenant_a.curator, "wrong-password1")
    assert response.status_code == 400
    assert "Неверный адрес электронной почты или пароль" in response.text
    api = await login_api(client, tenant_a.curator, "wrong-password1")
    assert api.status_code == 401
    assert "password" in api.json()["errors"]
    unknown = await login_api(client, "nobody@test.local", "whatever1")
    assert unknown.status_code == 401


async def test_account_is_locked_after_repeated_failures(client: Any, tenant_a: Tenant) -> None:
    for _ in range(5):
        assert (await login_api(client, tenant_a.head, "bad-password1")).status_code == 401
    locked = await login_api(client, tenant_a.head, PASSWORD)
    assert locked.status_code == 429
    assert "Попробуйте через" in locked.json()["detail"]
    page = await login_page(client, tenant_a.head, PASSWORD)
    assert page.status_code == 429
    # Another account from the same address is not affected by this account's lock.
    assert (await login_api(client, tenant_a.curator, PASSWORD)).status_code == 200


async def test_one_address_is_limited_across_accounts(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app, ip="10.9.9.9") as attacker:
        for n in range(20):
            await login_api(attacker, f"guess{n}@test.local", "bad-password1")
        blocked = await login_api(attacker, tenant_a.regional, PASSWORD)
        assert blocked.status_code == 429
    async with make_client(app, ip="10.9.9.10") as someone_else:
        assert (await login_api(someone_else, tenant_a.regional, PASSWORD)).status_code == 200


async def test_forms_without_csrf_token_are_rejected(client: Any, tenant_a: Tenant) -> None:
    response = await client.post("/login", data={"email": tenant_a.curator, "password": PASSWORD})
    assert response.status_code == 403
    assert "Обновите страницу" in response.text
    token = await csrf_token(client)
    forged = await client.post(
        "/login", data={"email": tenant_a.curator, "password": PASSWORD, "_csrf_token": token + "x"}
    )
    assert forged.status_code == 403
    assert (await login_page(client, tenant_a.regional, PASSWORD)).status_code == 303
    no_token = await client.post("/municipalities/new", data={"name": "Без токена"})
    assert no_token.status_code == 403


async def test_api_writes_require_json(client: Any, tenant_a: Tenant) -> None:
    await login_api(client, tenant_a.regional, PASSWORD)
    response = await client.post("/api/v1/municipalities", data={"name": "Форма"})
    assert response.status_code == 415


async def test_logout_ends_the_session(client: Any, tenant_a: Tenant) -> None:
    await login_page(client, tenant_a.curator, PASSWORD)
    token = await csrf_token(client, "/workspace")
    assert (await client.post("/logout", data={"_csrf_token": token})).status_code == 303
    assert (await client.get("/workspace")).headers["location"].startswith("/login")
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_pages_redirect_to_login_and_api_answers_401(client: Any) -> None:
    page = await client.get("/organizations?q=1")
    assert page.status_code in (302, 303)
    assert page.headers["location"] == "/login?next=/organizations?q=1"
    assert (await client.get("/api/v1/organizations")).status_code == 401


async def test_login_next_is_not_an_open_redirect(client: Any, tenant_a: Tenant) -> None:
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={
            "email": tenant_a.curator,
            "password": PASSWORD,
            "next": "https://evil.example/",
            "_csrf_token": token,
        },
    )
    assert response.headers["location"] == "/"


async def test_a_stale_form_is_logged_as_the_403_it_answers(client: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="nastavnik.web"):
        assert (await client.post("/login", data={"email": "a@b.c", "password": "x"})).status_code == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "nastavnik.web" and "/login" in r.getMessage()]
    assert lines and all(" 403 " in line for line in lines), lines
