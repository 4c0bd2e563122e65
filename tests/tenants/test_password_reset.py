"""«Забыли пароль?»: the mailed link sets a new password once, expires, ends the sessions, tells nobody who exists."""

from __future__ import annotations

import asyncio
import re
import uuid
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

from shared import clock
from shared.db import Level, Scope, current_connection, tenant_transaction
from tenants import logic
from tenants.roles import Role
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client, post_form, run_worker

LINK = re.compile(r"http://testserver\.local(/password/reset/[\w-]+)")


async def account(tenant: Tenant) -> str:
    """An account of its own, so that changing its password disturbs no other test."""
    email = f"reset-{uuid.uuid4().hex[:8]}@test.local"
    async with tenant_transaction(Scope(Level.platform)):
        user_id = await logic.ensure_user(email, PASSWORD, "Сбросова", "Анна", "Петровна")
        await logic.ensure_membership(
            user_id, Role.mentor, tenant.region_id, tenant.municipality_id, tenant.organization_id
        )
    return email


async def ask_for_link(app: Any, smtp: Any, email: str, ip: str = "10.0.7.1") -> str:
    inbox, port = smtp
    async with make_client(app, ip) as client:
        asked = await post_form(client, "/password/forgot", {"email": email})
        assert asked.status_code == 200, asked.text
        assert "Если адрес" in asked.text
    await run_worker(app, port)
    letters = inbox.to(email)
    assert letters, "no letter"
    body = letters[-1].get_payload(decode=True).decode()
    assert "действует 60 минут" in body
    found = LINK.search(body)
    assert found, body
    return found.group(1)


async def test_the_login_page_offers_the_reset(client: Any) -> None:
    page = await client.get("/login")
    assert 'href="/password/forgot"' in page.text
    assert "Забыли пароль?" in page.text


async def test_the_link_sets_a_new_password_once_and_ends_the_sessions(app: Any, smtp: Any, tenant_a: Tenant) -> None:
    email = await account(tenant_a)
    async with make_client(app) as signed_in:
        assert (await login_api(signed_in, email, PASSWORD)).status_code == 200
        path = await ask_for_link(app, smtp, email)
        async with make_client(app, "10.0.7.2") as browser:
            form = await browser.get(path)
            assert form.status_code == 200
            assert "Новый пароль" in form.text
            mismatch = await post_form(browser, path, {"password": "Newpass123", "password_again": "Newpass124"})
            assert mismatch.status_code == 422
            assert "Пароли не совпадают" in mismatch.text
            weak = await post_form(browser, path, {"password": "short", "password_again": "short"})
            assert weak.status_code == 422
            assert "не короче 8 символов" in weak.text
            done = await post_form(browser, path, {"password": "Newpass123", "password_again": "Newpass123"})
            assert done.status_code == 303
            assert done.headers["location"] == "/login"
            assert "Пароль изменён" in (await browser.get("/login")).text
            again = await browser.get(path)
            assert again.status_code == 410
            assert "уже использована" in again.text
            replay = await post_form(browser, path, {"password": "Other1234", "password_again": "Other1234"}, "/login")
            assert replay.status_code == 410
        # The session that was open before the change is over, and says why.
        ended = await signed_in.get("/api/v1/me")
        assert ended.status_code == 401
        assert "пароль учётной записи изменён" in ended.json()["detail"]
    async with make_client(app, "10.0.7.3") as client:
        assert (await login_api(client, email, PASSWORD)).status_code == 401
        assert (await login_api(client, email, "Newpass123")).status_code == 200


async def test_an_expired_link_is_refused(app: Any, smtp: Any, tenant_a: Tenant) -> None:
    email = await account(tenant_a)
    path = await ask_for_link(app, smtp, email, "10.0.7.4")
    async with tenant_transaction(Scope(Level.platform)):
        await current_connection().execute(
            "UPDATE password_reset SET expires_at = $1 WHERE user_id = (SELECT id FROM app_user WHERE email = $2)",
            clock.now() - timedelta(minutes=1),
            email,
        )
    async with make_client(app, "10.0.7.5") as browser:
        page = await browser.get(path)
        assert page.status_code == 410
        assert "Срок действия ссылки истёк" in page.text
        refused = await post_form(browser, path, {"password": "Newpass123", "password_again": "Newpass123"}, "/login")
        assert refused.status_code == 410
    async with make_client(app, "10.0.7.6") as client:
        assert (await login_api(client, email, PASSWORD)).status_code == 200


async def test_a_newer_link_replaces_the_older(app: Any, smtp: Any, tenant_a: Tenant) -> None:
    email = await account(tenant_a)
    first = await ask_for_link(app, smtp, email, "10.0.7.7")
    second = await ask_for_link(app, smtp, email, "10.0.7.7")
    assert first != second
    async with make_client(app, "10.0.7.8") as browser:
        assert (await browser.get(first)).status_code == 410
        assert (await browser.get(second)).status_code == 200


async def test_an_unknown_address_gets_the_same_answer_and_no_letter(app: Any, smtp: Any) -> None:
    inbox, port = smtp
    nobody = f"nobody-{uuid.uuid4().hex[:8]}@test.local"
    async with make_client(app, "10.0.7.9") as client:
        asked = await post_form(client, "/password/forgot", {"email": nobody})
        assert asked.status_code == 200
        assert "Если адрес" in asked.text
        bad = await post_form(client, "/password/forgot", {"email": "не адрес"})
        assert bad.status_code == 422
        assert "Проверьте адрес электронной почты" in bad.text
    await run_worker(app, port)
    assert inbox.to(nobody) == []
    async with make_client(app, "10.0.7.9") as client:
        assert (await client.get("/password/reset/not-a-token")).status_code == 404


async def test_requests_are_limited_per_address(app: Any, smtp: Any, tenant_a: Tenant) -> None:
    inbox, port = smtp
    email = await account(tenant_a)
    for n in range(3):
        async with make_client(app, f"10.0.8.{n}") as client:
            assert (await post_form(client, "/password/forgot", {"email": email})).status_code == 200
    async with make_client(app, "10.0.8.9") as client:
        limited = await post_form(client, "/password/forgot", {"email": email})
        assert limited.status_code == 429
        assert "Слишком много запросов" in limited.text
    async with tenant_transaction(Scope(Level.platform)):
        links = await current_connection().fetchval(
            "SELECT count(*) FROM password_reset WHERE user_id = (SELECT id FROM app_user WHERE email = $1)", email
        )
    assert links == 3  # the refused fourth request made no link
    await run_worker(app, port)
    assert len(inbox.to(email)) == 1  # only the newest link is mailed: the earlier ones were replaced


async def test_a_reset_link_is_seen_by_its_own_account_only(app: Any, smtp: Any, fresh: Tenant) -> None:
    email = await account(fresh)
    await ask_for_link(app, smtp, email, "10.0.8.20")
    async with tenant_transaction(Scope(Level.platform)):
        owner = await current_connection().fetchval("SELECT id FROM app_user WHERE email = $1", email)
        other = await current_connection().fetchval("SELECT id FROM app_user WHERE email = $1", fresh.regional)
    for scope in [
        Scope(),
        Scope(user_id=other),
        Scope.for_region(fresh.region_id),
        Scope(Level.organization, None, fresh.region_id, fresh.municipality_id, fresh.organization_id),
    ]:
        async with tenant_transaction(scope):
            seen = await current_connection().fetchval("SELECT count(*) FROM password_reset WHERE user_id = $1", owner)
            assert seen == 0, scope
            spent = await current_connection().execute(
                "UPDATE password_reset SET used_at = now() WHERE user_id = $1", owner
            )
            assert spent == "UPDATE 0", scope
    async with tenant_transaction(Scope(user_id=owner)):
        assert await current_connection().fetchval("SELECT count(*) FROM password_reset") == 1


async def test_one_link_submitted_at_once_sets_one_password(app: Any, smtp: Any, tenant_a: Tenant) -> None:
    email = await account(tenant_a)
    path = await ask_for_link(app, smtp, email, "10.0.8.30")
    passwords = [f"Racer{n}2345" for n in range(4)]
    async with AsyncExitStack() as stack:
        browsers = [await stack.enter_async_context(make_client(app, f"10.0.8.{31 + n}")) for n in range(4)]
        tokens = [await csrf_token(browser, path) for browser in browsers]
        answers = await asyncio.gather(
            *(
                browser.post(path, data={"_csrf_token": token, "password": p, "password_again": p})
                for browser, token, p in zip(browsers, tokens, passwords, strict=True)
            )
        )
    codes = [a.status_code for a in answers]
    assert sorted(codes) == [303, 410, 410, 410], codes
    winner = passwords[codes.index(303)]
    async with make_client(app, "10.0.8.40") as client:
        for password in passwords:
            expected = 200 if password == winner else 401
            assert (await login_api(client, email, password)).status_code == expected
