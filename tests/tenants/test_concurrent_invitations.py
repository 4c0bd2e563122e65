"""An invitation accepted several times at once has one winner: the others get 410, nothing is made twice."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import AsyncExitStack
from typing import Any

import httpx

from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import CSRF_RE, PASSWORD, Tenant, login_api, make_client

ATTEMPTS = 4


async def invitation_token(app: Any, tenant: Tenant, email: str) -> str:
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        created = await curator.post(
            "/api/v1/invitations", json={"email": email, "role": "mentor", "surname": "Гонкин", "name": "Пётр"}
        )
        assert created.status_code == 201, created.text
        token: str = created.json()["link"].rsplit("/", 1)[1]
        return token


async def made_once(email: str) -> tuple[int, int]:
    """Accounts with this e-mail, and their memberships."""
    async with tenant_transaction(Scope(Level.platform)):
        users = await current_connection().fetchval("SELECT count(*) FROM app_user WHERE email = $1", email)
        memberships = await current_connection().fetchval(
            "SELECT count(*) FROM membership m JOIN app_user u ON u.id = m.user_id WHERE u.email = $1", email
        )
    return int(users), int(memberships)


async def clients(app: Any, stack: AsyncExitStack) -> list[httpx.AsyncClient]:
    return [await stack.enter_async_context(make_client(app, ip=f"10.0.1.{n}")) for n in range(ATTEMPTS)]


async def test_concurrent_accepts_by_the_api_have_one_winner(app: Any, tenant_a: Tenant) -> None:
    email = f"race-api-{uuid.uuid4().hex[:6]}@test.local"
    token = await invitation_token(app, tenant_a, email)
    async with AsyncExitStack() as stack:
        accepts = await asyncio.gather(
            *(
                client.post("/api/v1/invitations/accept", json={"token": token, "password": "Password123"})
                for client in await clients(app, stack)
            )
        )
    assert sorted(r.status_code for r in accepts) == [200] + [410] * (ATTEMPTS - 1), [r.text for r in accepts]
    assert all(r.json()["errors"] == {"token": r.json()["detail"]} for r in accepts if r.status_code == 410)
    assert await made_once(email) == (1, 1)


async def test_concurrent_accepts_by_the_page_have_one_winner(app: Any, tenant_a: Tenant) -> None:
    email = f"race-page-{uuid.uuid4().hex[:6]}@test.local"
    path = f"/invite/{await invitation_token(app, tenant_a, email)}"
    async with AsyncExitStack() as stack:
        browsers = await clients(app, stack)
        tokens = [CSRF_RE.search((await b.get(path)).text).group(1) for b in browsers]  # type: ignore[union-attr]
        form = {"password": "Password123", "password_again": "Password123"}
        accepts = await asyncio.gather(
            *(b.post(path, data={**form, "_csrf_token": t}) for b, t in zip(browsers, tokens, strict=True))
        )
    assert sorted(r.status_code for r in accepts) == [303] + [410] * (ATTEMPTS - 1)
    assert all("уже использовано" in r.text for r in accepts if r.status_code == 410)
    assert await made_once(email) == (1, 1)
