from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from uuid import UUID

from shared import clock
from shared.db import Level, Scope, tenant_transaction
from tenants.tables import Invitation
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, login_page, make_client, post_form

LINK = re.compile(r"http://testserver\.local(/invite/[\w-]+)")


async def invite(app: Any, inviter: str, payload: dict[str, str]) -> dict[str, Any]:
    async with make_client(app) as client:
        await login_api(client, inviter, PASSWORD)
        response = await client.post("/api/v1/invitations", json=payload)
        assert response.status_code == 201, response.text
        return response.json()


def mentor_payload(email: str) -> dict[str, str]:
    return {"email": email, "role": "mentor", "surname": "Петров", "name": "Иван", "patronymic": "Сергеевич"}


async def test_curator_invites_by_page_and_the_link_creates_an_account(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as curator:
        await login_page(curator, tenant_a.curator, PASSWORD)
        created = await post_form(curator, "/invitations/new", {**mentor_payload("new.mentor@test.local")})
        assert created.status_code == 200
        path = LINK.search(created.text).group(1)  # type: ignore[union-attr]
    async with make_client(app) as invitee:
        form = await invitee.get(path)
        assert form.status_code == 200, form.text
        assert "Иван Сергеевич" in form.text or "Петров Иван Сергеевич" in form.text
        mismatch = await post_form(invitee, path, {"password": "Password123", "password_again": "Password124"})
        assert mismatch.status_code == 422
        assert "Пароли не совпадают" in mismatch.text
        weak = await post_form(invitee, path, {"password": "short", "password_again": "short"})
        assert "не короче 8 символов" in weak.text
        accepted = await post_form(invitee, path, {"password": "Password123", "password_again": "Password123"})
        assert accepted.status_code == 303
        me = (await invitee.get("/api/v1/me")).json()
        assert me["active_role"]["role"] == "mentor"
        assert me["active_role"]["organization_id"] == str(tenant_a.organization_id)
    async with make_client(app) as again:
        assert (await login_api(again, "new.mentor@test.local", "Password123")).status_code == 200


async def test_an_invitation_works_once(app: Any, tenant_a: Tenant) -> None:
    invitation = await invite(app, tenant_a.curator, mentor_payload("once@test.local"))
    token = invitation["link"].rsplit("/", 1)[1]
    async with make_client(app) as client:
        first = await client.post("/api/v1/invitations/accept", json={"token": token, "password": "Password123"})
        assert first.status_code == 200
    async with make_client(app) as client:
        second = await client.post("/api/v1/invitations/accept", json={"token": token, "password": "Password123"})
        assert second.status_code == 410
        page = await client.get(f"/invite/{token}")
        assert page.status_code == 410
        assert "уже использовано" in page.text


async def test_an_expired_invitation_is_refused(app: Any, tenant_a: Tenant) -> None:
    invitation = await invite(app, tenant_a.curator, mentor_payload("late@test.local"))
    async with tenant_transaction(Scope(Level.platform)):
        await (
            Invitation.update({Invitation.expires_at: clock.now() - timedelta(minutes=1)})
            .where(Invitation.id == UUID(invitation["id"]))
            .run()
        )
    token = invitation["link"].rsplit("/", 1)[1]
    async with make_client(app) as client:
        page = await client.get(f"/invite/{token}")
        assert page.status_code == 410
        assert "истёк" in page.text
        api = await client.post("/api/v1/invitations/accept", json={"token": token, "password": "Password123"})
        assert api.status_code == 410
    async with make_client(app) as client:
        assert (await login_api(client, "late@test.local", "Password123")).status_code == 401


async def test_an_existing_account_gains_a_role_and_switches_to_it(app: Any, tenant_a: Tenant) -> None:
    invitation = await invite(app, tenant_a.curator, mentor_payload(tenant_a.head))
    path = "/invite/" + invitation["link"].rsplit("/", 1)[1]
    async with make_client(app) as client:
        form = await client.get(path)
        assert "уже есть учётная запись" in form.text
        wrong = await post_form(client, path, {"password": "not-my-password1"})
        assert wrong.status_code == 422 and "Неверный пароль" in wrong.text
        assert (await post_form(client, path, {"password": PASSWORD})).status_code == 303
        me = (await client.get("/api/v1/me")).json()
        assert sorted(r["role"] for r in me["roles"]) == ["head", "mentor"]
        mentor_key = next(r["key"] for r in me["roles"] if r["role"] == "mentor")
        token = await csrf_token(client, "/workspace")
        switched = await client.post("/role", data={"role": mentor_key, "_csrf_token": token})
        assert switched.status_code == 303
        assert (await client.get("/api/v1/me")).json()["active_role"]["role"] == "mentor"
        foreign = await client.post(
            "/role", data={"role": "00000000-0000-0000-0000-000000000000", "_csrf_token": token}
        )
        assert foreign.status_code == 404


async def test_who_may_invite_whom(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        response = await client.post("/api/v1/invitations", json={**mentor_payload("x@test.local"), "role": "curator"})
        assert response.status_code == 400
        assert "role" in response.json()["errors"]
    async with make_client(app) as client:
        await login_api(client, tenant_a.municipal, PASSWORD)
        response = await client.post(
            "/api/v1/invitations",
            json={
                **mentor_payload("y@test.local"),
                "role": "curator",
                "organization_id": str(tenant_a.other_organization_id),
            },
        )
        assert response.status_code == 400
        assert "organization_id" in response.json()["errors"]
    async with make_client(app) as client:
        await login_api(client, tenant_a.head, PASSWORD)
        assert (await client.post("/api/v1/invitations", json=mentor_payload("z@test.local"))).status_code == 403


async def test_a_pending_invitation_is_not_duplicated(app: Any, tenant_a: Tenant) -> None:
    await invite(app, tenant_a.curator, mentor_payload("twice@test.local"))
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        response = await client.post("/api/v1/invitations", json=mentor_payload("twice@test.local"))
        assert response.status_code == 400
        assert "email" in response.json()["errors"]
