"""The profile page changes the account's name, sign-in address and password, each checked at its field."""

from __future__ import annotations

import uuid
from typing import Any

from shared.db import Level, Scope, tenant_transaction
from tenants import logic
from tenants.roles import Role
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, post_form


async def account(tenant: Tenant) -> str:
    email = f"profile-{uuid.uuid4().hex[:8]}@test.local"
    async with tenant_transaction(Scope(Level.platform)):
        user_id = await logic.ensure_user(email, PASSWORD, "Профилева", "Ольга", "Ивановна")
        await logic.ensure_membership(
            user_id, Role.curator, tenant.region_id, tenant.municipality_id, tenant.organization_id
        )
    return email


async def test_the_name_is_changed_and_checked(app: Any, tenant_a: Tenant) -> None:
    email = await account(tenant_a)
    async with make_client(app) as client:
        await login_page(client, email, PASSWORD)
        shown = await client.get("/profile")
        assert 'value="Профилева"' in shown.text
        empty = await post_form(client, "/profile/name", {"surname": " ", "name": "Ольга"}, "/profile")
        assert empty.status_code == 422
        assert "Укажите фамилию" in empty.text
        saved = await post_form(
            client, "/profile/name", {"surname": "Новикова", "name": "Ольга", "patronymic": "Ивановна"}, "/profile"
        )
        assert saved.status_code == 303
        assert (await client.get("/api/v1/me")).json()["full_name"] == "Новикова Ольга Ивановна"


async def test_the_email_needs_the_password_and_a_free_address(app: Any, tenant_a: Tenant) -> None:
    email = await account(tenant_a)
    new = f"moved-{uuid.uuid4().hex[:8]}@test.local"
    async with make_client(app) as client:
        await login_page(client, email, PASSWORD)
        wrong = await post_form(client, "/profile/email", {"email": new, "email_password": "Wrong12345"}, "/profile")
        assert wrong.status_code == 422
        assert "Неверный текущий пароль" in wrong.text
        taken = await post_form(
            client, "/profile/email", {"email": tenant_a.head.upper(), "email_password": PASSWORD}, "/profile"
        )
        assert taken.status_code == 422
        assert "уже занят" in taken.text
        bad = await post_form(client, "/profile/email", {"email": "нет", "email_password": PASSWORD}, "/profile")
        assert "Проверьте адрес" in bad.text
        moved = await post_form(client, "/profile/email", {"email": new, "email_password": PASSWORD}, "/profile")
        assert moved.status_code == 303
        assert (await client.get("/api/v1/me")).json()["email"] == new
    async with make_client(app) as other:
        assert (await login_api(other, email, PASSWORD)).status_code == 401
        assert (await login_api(other, new, PASSWORD)).status_code == 200


async def test_the_password_change_ends_the_other_sessions(app: Any, tenant_a: Tenant) -> None:
    email = await account(tenant_a)
    async with make_client(app) as phone, make_client(app) as laptop:
        await login_api(phone, email, PASSWORD)
        await login_page(laptop, email, PASSWORD)
        wrong = await post_form(
            laptop,
            "/profile/password",
            {"current": "Wrong12345", "password": "Fresh12345", "password_again": "Fresh12345"},
            "/profile",
        )
        assert wrong.status_code == 422
        assert "Неверный текущий пароль" in wrong.text
        mismatch = await post_form(
            laptop,
            "/profile/password",
            {"current": PASSWORD, "password": "Fresh12345", "password_again": "Fresh12346"},
            "/profile",
        )
        assert "Пароли не совпадают" in mismatch.text
        weak = await post_form(
            laptop, "/profile/password", {"current": PASSWORD, "password": "abc", "password_again": "abc"}, "/profile"
        )
        assert "не короче 8 символов" in weak.text
        assert (await phone.get("/api/v1/me")).status_code == 200  # nothing changed yet
        changed = await post_form(
            laptop,
            "/profile/password",
            {"current": PASSWORD, "password": "Fresh12345", "password_again": "Fresh12345"},
            "/profile",
        )
        assert changed.status_code == 303
        assert "Пароль изменён, завершено других сеансов: 1" in (await laptop.get("/profile")).text
        assert (await phone.get("/api/v1/me")).status_code == 401
    async with make_client(app) as client:
        assert (await login_api(client, email, PASSWORD)).status_code == 401
        assert (await login_api(client, email, "Fresh12345")).status_code == 200
