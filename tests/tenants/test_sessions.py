"""Session lifetimes (idle and absolute, shorter for coordinators) and the profile's list of active sessions."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import msgspec

from shared.settings import get_settings
from tenants.roles import Role
from tests.factories import principal
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, login_page, make_client, post_form

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)


async def new_account(tenant: Tenant, *roles: Role) -> str:
    """An account nobody else signs in with, so its list of sessions is this test's own."""
    from shared.db import Level, Scope, tenant_transaction
    from tenants import logic

    email = f"sessions-{uuid.uuid4().hex[:8]}@test.local"
    async with tenant_transaction(Scope(Level.platform)):
        user_id = await logic.ensure_user(email, PASSWORD, "Сеансова", "Анна")
        for role in roles:
            if role == Role.regional_coordinator:
                await logic.ensure_membership(user_id, role, tenant.region_id)
            elif role == Role.municipal_coordinator:
                await logic.ensure_membership(user_id, role, tenant.region_id, tenant.municipality_id)
            else:
                await logic.ensure_membership(
                    user_id, role, tenant.region_id, tenant.municipality_id, tenant.organization_id
                )
    return email


@asynccontextmanager
async def browser(app: Any, email: str, ip: str = "10.0.0.1", agent: str = FIREFOX) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app, ip=ip) as client:
        client.headers["User-Agent"] = agent
        assert (await login_page(client, email, PASSWORD)).status_code == 303
        yield client


def session_id(client: httpx.AsyncClient) -> str:
    value = client.cookies.get("nastavnik_session")
    assert value and value != "null"
    return value


async def rewind(app: Any, client: httpx.AsyncClient, **seconds_ago: float) -> None:
    """Moves the session's recorded start or last activity into the past, as if that much time had gone by."""
    key = f"session:{session_id(client)}"
    data = msgspec.json.decode(await app.state.redis.get(key))
    for field, ago in seconds_ago.items():
        data[field] = time.time() - ago
    await app.state.redis.set(key, msgspec.json.encode(data), keepttl=True)


async def ended_on_next_page(client: httpx.AsyncClient, path: str = "/workspace") -> str:
    """The next page goes to the login form; the text of the login page it lands on."""
    response = await client.get(path)
    assert response.status_code in (302, 303), response.status_code
    assert response.headers["location"].startswith("/login")
    login = await client.get(response.headers["location"])
    assert "Вход в платформу" in login.text
    return login.text


async def test_a_session_ends_after_the_idle_time(app: Any, tenant_a: Tenant) -> None:
    idle = get_settings().session_idle_seconds
    async with browser(app, tenant_a.mentor) as client:
        await rewind(app, client, seen=idle - 60)
        assert (await client.get("/workspace")).status_code == 200  # a minute short of the limit: still on
        await rewind(app, client, seen=idle + 1)
        old = session_id(client)
        page = await ended_on_next_page(client)
        assert "Сеанс завершён: вы не работали в системе 2 часа. Войдите снова." in page
        assert await app.state.redis.get(f"session:{old}") is None  # cleared, not only refused
        assert client.cookies.get("nastavnik_session") != old
        assert (await client.get("/api/v1/me")).status_code == 401
        assert (await login_page(client, tenant_a.mentor, PASSWORD)).status_code == 303  # signing in again works
        assert (await client.get("/workspace")).status_code == 200


async def test_activity_keeps_a_session_alive_until_its_absolute_lifetime(app: Any, tenant_a: Tenant) -> None:
    absolute = get_settings().session_absolute_seconds
    async with browser(app, tenant_a.head) as client:
        await rewind(app, client, started=absolute - 60, seen=0)
        assert (await client.get("/api/v1/me")).status_code == 200
        await rewind(app, client, started=absolute + 1, seen=0)  # used a moment ago, but signed in too long ago
        me = await client.get("/api/v1/me")
        assert me.status_code == 401
        assert me.json()["detail"] == "Сеанс завершён: с момента входа прошло 12 часов. Войдите снова."
        assert "Сеанс завершён" in (await client.get("/login")).text  # the flash waits for the next page too


async def test_coordinators_sessions_are_shorter(app: Any, tenant_a: Tenant) -> None:
    settings = get_settings()
    assert settings.coordinator_session_idle_seconds < settings.session_idle_seconds
    gap = settings.coordinator_session_idle_seconds + 60  # too long for a coordinator, fine for a curator
    async with browser(app, tenant_a.municipal) as coordinator, browser(app, tenant_a.curator) as curator:
        await rewind(app, coordinator, seen=gap)
        await rewind(app, curator, seen=gap)
        assert "вы не работали в системе 30 минут" in await ended_on_next_page(coordinator, "/organizations")
        assert (await curator.get("/workspace")).status_code == 200
    # Whoever holds a coordinator role gets the shorter limit, even while acting in another role.
    both = await new_account(tenant_a, Role.curator, Role.municipal_coordinator)
    async with browser(app, both) as client:
        roles = (await client.get("/api/v1/me")).json()["roles"]
        curator_key = next(r["key"] for r in roles if r["role"] == "curator")
        assert (await post_form(client, "/role", {"role": curator_key}, page="/workspace")).status_code == 303
        await rewind(app, client, seen=gap)
        assert "Сеанс завершён" in await ended_on_next_page(client)
    absolute = settings.coordinator_session_absolute_seconds
    async with browser(app, tenant_a.regional) as coordinator:
        await rewind(app, coordinator, started=absolute + 1)
        assert "прошло 8 часов" in await ended_on_next_page(coordinator, "/region")


def test_who_gets_the_shorter_sessions(tenant_a: Tenant) -> None:
    assert principal(tenant_a, Role.regional_coordinator).short_sessions
    assert principal(tenant_a, Role.municipal_coordinator).short_sessions
    assert principal(tenant_a, Role.platform_admin).short_sessions
    assert not principal(tenant_a, Role.curator).short_sessions
    assert not principal(tenant_a, Role.mentee).short_sessions


def rows(page: str) -> list[str]:
    body = page.split('id="sessions"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr(?: class=\"current-session\")?>.*?</tr>", body, re.S)


async def test_the_profile_lists_the_sessions_and_ends_another(app: Any, tenant_a: Tenant) -> None:
    email = await new_account(tenant_a, Role.curator)
    async with browser(app, email, ip="10.20.0.1") as laptop, browser(app, email, "10.20.0.2", ANDROID) as phone:
        page = (await laptop.get("/profile")).text
        assert email in page and "Сеансова Анна" in page and "Куратор" in page
        listed = rows(page)
        assert len(listed) == 2
        current = next(r for r in listed if "этот сеанс" in r)
        assert "Firefox, Windows" in current and "10.20.0.1" in current and "/profile/sessions/end" not in current
        other = next(r for r in listed if "этот сеанс" not in r)
        assert "Chrome, Android" in other and "10.20.0.2" in other
        assert session_id(phone) not in page  # the page names a session by a handle, never by its id
        handle = re.search(r'name="session" value="([0-9a-f]+)"', other)
        assert handle

        token = await csrf_token(laptop, "/profile")
        ended = await laptop.post("/profile/sessions/end", data={"session": handle.group(1), "_csrf_token": token})
        assert ended.status_code == 303
        assert "Сеанс завершён" in (await laptop.get("/profile")).text

        assert "Сеанс завершён: его завершили на странице профиля" in await ended_on_next_page(phone)
        assert (await phone.get("/api/v1/me")).status_code == 401
        page = (await laptop.get("/profile")).text
        assert len(rows(page)) == 1 and "Других сеансов нет" in page
        assert (await laptop.get("/workspace")).status_code == 200  # the one that ended the other goes on


async def test_ending_all_other_sessions(app: Any, tenant_a: Tenant) -> None:
    email = await new_account(tenant_a, Role.curator)
    async with (
        browser(app, email, ip="10.30.0.1") as first,
        browser(app, email, ip="10.30.0.2") as second,
        browser(app, email, ip="10.30.0.3", agent=ANDROID) as third,
    ):
        assert len(rows((await first.get("/profile")).text)) == 3
        response = await post_form(first, "/profile/sessions/end-others", {}, page="/profile")
        assert response.status_code == 303
        page = (await first.get("/profile")).text
        assert "Завершено 2 сеанса" in page and len(rows(page)) == 1
        for other in (second, third):
            assert "Сеанс завершён" in await ended_on_next_page(other)
        assert (await first.get("/workspace")).status_code == 200


async def test_signing_out_leaves_the_list(app: Any, tenant_a: Tenant) -> None:
    email = await new_account(tenant_a, Role.curator)
    async with browser(app, email) as staying, browser(app, email) as leaving:
        user_id = (await staying.get("/api/v1/me")).json()["user_id"]
        gone = session_id(leaving)
        index = f"session:index:{user_id}"
        assert await app.state.redis.sismember(index, gone)
        assert (await post_form(leaving, "/logout", {}, page="/workspace")).status_code == 303
        assert not await app.state.redis.sismember(index, gone)
        assert len(rows((await staying.get("/profile")).text)) == 1
        # An id signed out, rotated at a new sign-in, or expired in Redis leaves the index.
        before = session_id(staying)
        assert (await login_api(staying, email, PASSWORD)).status_code == 200
        assert not await app.state.redis.sismember(index, before)
        assert await app.state.redis.sismember(index, session_id(staying))


async def test_a_request_under_way_cannot_bring_an_ended_session_back(app: Any, tenant_a: Tenant) -> None:
    from shared.sessions import STORE_NAME

    store = app.stores.get(STORE_NAME)
    email = await new_account(tenant_a, Role.curator)
    async with browser(app, email) as client:
        user_id = (await login_api(client, email, PASSWORD)).json()["user_id"]
        sid = session_id(client)
        data = await app.state.redis.get(f"session:{sid}")
        await store.end(sid, user_id)
        await store.save(sid, data, 60, user_id, existing=True)  # what that request writes as it answers
        assert await app.state.redis.get(f"session:{sid}") is None
        assert (await client.get("/api/v1/me")).status_code == 401


def test_browser_descriptions() -> None:
    from shared.sessions import describe_agent

    assert describe_agent(FIREFOX) == "Firefox, Windows"
    assert describe_agent(ANDROID) == "Chrome, Android"
    safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1"
    assert describe_agent(safari) == "Safari, iOS"
    yandex = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/124.0 YaBrowser/24.6.0 Safari/537.36"
    assert describe_agent(yandex) == "Яндекс Браузер, Windows"
    assert describe_agent("python-httpx/0.28.1") == "python-httpx"
    assert describe_agent("") == "Неизвестный браузер"


async def test_the_profile_links_the_second_factor_for_coordinators_only(app: Any, tenant_a: Tenant) -> None:
    for role, offered in ((Role.regional_coordinator, True), (Role.curator, False)):
        async with browser(app, await new_account(tenant_a, role)) as client:
            profile = await client.get("/profile")
            assert profile.status_code == 200
            assert ('href="/profile/second-factor"' in profile.text) is offered, role
