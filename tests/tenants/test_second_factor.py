"""The second factor: its set-up, signing in with it on the pages and the API, its limits, and turning it off."""

from __future__ import annotations

from typing import Any

from shared.db import Level, Scope, current_connection, tenant_transaction
from tenants import logic
from tests.factories import Authenticator, turn_on_second_factor
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, login_page, make_client, post_form

SETUP = "/profile/second-factor"
CODE = "/login/second-factor"


async def factor_row(email: str) -> Any:
    async with tenant_transaction(Scope(Level.platform)):
        return await current_connection().fetchrow(
            """SELECT s.* FROM second_factor s JOIN app_user u ON u.id = s.user_id WHERE u.email = $1""", email
        )


async def login_with_code(client: Any, email: str, code: str) -> Any:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD, "code": code})


async def signed_in_with_factor(app: Any, email: str) -> tuple[Authenticator, list[str]]:
    """The factor turned on through its page, in a session of its own."""
    async with make_client(app) as client:
        assert (await login_page(client, email, PASSWORD)).status_code == 303
        return await turn_on_second_factor(client)


async def test_turning_it_on_needs_a_right_code_and_shows_the_recovery_codes_once(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, fresh.regional, PASSWORD)
        before = await client.get(SETUP)
        assert before.status_code == 200 and "Включить второй фактор" in before.text
        assert (await post_form(client, f"{SETUP}/start", {}, SETUP)).status_code == 303
        shown = await client.get(SETUP)
        assert shown.headers["cache-control"] == "no-store"
        assert "<svg" in shown.text and "otpauth://" not in shown.text.split("<svg")[0][-200:]
        secret = shown.text.split('id="secret">')[1].split("<")[0].replace(" ", "")
        phone = Authenticator(secret)

        wrong = await post_form(client, f"{SETUP}/confirm", {"code": phone.wrong()}, SETUP)
        assert wrong.status_code == 422
        assert 'id="e-code"' in wrong.text and "Код не подошёл" in wrong.text
        letters = await post_form(client, f"{SETUP}/confirm", {"code": "12ab"}, SETUP)
        assert letters.status_code == 422 and "шесть цифр" in letters.text
        assert (await factor_row(fresh.regional))["enabled_at"] is None  # still off

        confirmed = await post_form(client, f"{SETUP}/confirm", {"code": await phone.code()}, SETUP)
        assert confirmed.status_code == 200
        assert confirmed.headers["cache-control"] == "no-store"
        codes = [line.split("</li>")[0] for line in confirmed.text.split("<li>")[1:]]
        assert len(codes) == 10 and len(set(codes)) == 10

        after = await client.get(SETUP)
        assert "Второй фактор включён" in after.text and "Осталось 10 кодов" in after.text
        assert not any(code in after.text for code in codes)  # shown once
        assert secret[:8] not in after.text.replace(" ", "")  # the key is never shown again

    row = await factor_row(fresh.regional)
    assert row["enabled_at"] is not None
    assert secret not in row["secret"]  # sealed, not stored as typed
    assert not any(code in entry or code.replace("-", "") in entry for code in codes for entry in row["recovery_codes"])
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        logged = await current_connection().fetchval(
            "SELECT details FROM audit_log WHERE region_id = $1 AND action = 'second_factor'", fresh.region_id
        )
    assert logged == "включён"


async def test_the_page_sign_in_asks_for_the_code_after_the_password(app: Any, fresh: Tenant) -> None:
    phone, _ = await signed_in_with_factor(app, fresh.regional)
    async with make_client(app) as client:
        token = await csrf_token(client)
        step_one = await client.post(
            "/login",
            data={"email": fresh.regional, "password": PASSWORD, "next": "/organizations", "_csrf_token": token},
        )
        assert step_one.headers["location"] == CODE
        # The password alone opens nothing.
        assert (await client.get("/region")).headers["location"].startswith("/login")
        assert (await client.get("/api/v1/me")).status_code == 401

        form = await client.get(CODE)
        assert form.status_code == 200 and "Подтверждение входа" in form.text
        wrong = await post_form(client, CODE, {"code": phone.wrong()})
        assert wrong.status_code == 400 and 'id="e-code"' in wrong.text
        assert (await client.get("/api/v1/me")).status_code == 401

        right = await post_form(client, CODE, {"code": await phone.code()})
        assert right.headers["location"] == "/organizations"
        assert (await client.get("/region")).status_code == 200
    async with make_client(app) as stranger:  # without the password step there is nothing to enter a code for
        assert (await stranger.get(CODE)).headers["location"] == "/login"


async def test_the_api_sign_in_takes_the_code_beside_the_password(app: Any, fresh: Tenant) -> None:
    phone, _ = await signed_in_with_factor(app, fresh.municipal)
    async with make_client(app) as client:
        alone = await login_api(client, fresh.municipal, PASSWORD)
        assert alone.status_code == 401
        assert alone.json()["second_factor_required"] is True and "code" in alone.json()["errors"]
        assert (await client.get("/api/v1/me")).status_code == 401
        wrong = await login_with_code(client, fresh.municipal, phone.wrong())
        assert wrong.status_code == 401 and wrong.json()["errors"]["code"].startswith("Код не подошёл")
        code = await phone.code()
        right = await login_with_code(client, fresh.municipal, code)
        assert right.status_code == 200 and right.json()["email"] == fresh.municipal
        assert (await client.get("/api/v1/organizations")).status_code == 200
    async with make_client(app) as replaying:  # the same code again, within its window
        replayed = await login_with_code(replaying, fresh.municipal, code)
        assert replayed.status_code == 401 and "уже использован" in replayed.json()["errors"]["code"]


async def test_wrong_codes_count_toward_the_failed_login_limit(app: Any, fresh: Tenant) -> None:
    phone, _ = await signed_in_with_factor(app, fresh.regional)
    async with make_client(app) as client:
        for _ in range(3):
            await login_page(client, fresh.regional, PASSWORD)
            assert (await post_form(client, CODE, {"code": phone.wrong()})).status_code == 400
        for _ in range(2):
            assert (await login_with_code(client, fresh.regional, phone.wrong())).status_code == 401
        locked = await login_with_code(client, fresh.regional, await phone.code())
        assert locked.status_code == 429  # five wrong codes lock the account like five wrong passwords
        assert (await login_page(client, fresh.regional, PASSWORD)).status_code == 429


async def test_a_recovery_code_signs_in_once(app: Any, fresh: Tenant) -> None:
    _, codes = await signed_in_with_factor(app, fresh.regional)
    async with make_client(app) as client:
        await login_page(client, fresh.regional, PASSWORD)
        used = await post_form(client, CODE, {"code": codes[0]})
        assert used.status_code == 303
        home = await client.get("/region")
        assert home.status_code == 200 and "Осталось кодов: 9" in home.text
    async with make_client(app) as client:
        again = await login_with_code(client, fresh.regional, codes[0])
        assert again.status_code == 401
        typed_loosely = " ".join(codes[1].upper().replace("-", " ").split())
        assert (await login_with_code(client, fresh.regional, typed_loosely)).status_code == 200
    assert len((await factor_row(fresh.regional))["recovery_codes"]) == 8


async def test_turning_it_off_needs_a_current_code(app: Any, fresh: Tenant) -> None:
    phone, _ = await signed_in_with_factor(app, fresh.municipal)
    async with make_client(app) as client:
        assert (await login_with_code(client, fresh.municipal, await phone.code())).status_code == 200
        refused = await post_form(client, f"{SETUP}/disable", {"code": phone.wrong()}, SETUP)
        assert refused.status_code == 422 and 'id="e-code"' in refused.text
        assert (await post_form(client, f"{SETUP}/disable", {"code": ""}, SETUP)).status_code == 422
        assert (await factor_row(fresh.municipal)) is not None
        off = await post_form(client, f"{SETUP}/disable", {"code": await phone.code()}, SETUP)
        assert off.headers["location"] == SETUP
        assert "Второй фактор отключён" in (await client.get(SETUP)).text
    assert await factor_row(fresh.municipal) is None
    async with make_client(app) as client:
        assert (await login_api(client, fresh.municipal, PASSWORD)).status_code == 200  # the password is enough again


async def test_only_coordinators_and_the_platform_admin_may_turn_it_on(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        assert (await client.get(SETUP)).status_code == 403
    admin = f"admin-{fresh.region_id}@test.local"
    async with tenant_transaction(Scope(Level.platform)):
        await logic.ensure_user(admin, PASSWORD, "Админ", "Тест", platform_admin=True)
    phone, _ = await signed_in_with_factor(app, admin)
    async with make_client(app) as client:
        assert (await login_api(client, admin, PASSWORD)).status_code == 401
        assert (await login_with_code(client, admin, await phone.code())).status_code == 200


async def require_second_factor(region_id: Any) -> None:
    async with tenant_transaction(Scope.for_region(region_id)):
        await current_connection().execute("UPDATE region SET require_second_factor = true WHERE id = $1", region_id)


async def test_a_region_that_requires_it_sends_its_coordinators_to_set_it_up(app: Any, fresh: Tenant) -> None:
    await require_second_factor(fresh.region_id)
    async with make_client(app) as municipal:
        assert (await login_page(municipal, fresh.municipal, PASSWORD)).headers["location"] == "/"
        assert (await municipal.get("/")).headers["location"] == SETUP
        assert (await municipal.get("/organizations")).headers["location"] == SETUP
        refused = await municipal.get("/api/v1/organizations")
        assert refused.status_code == 403 and refused.json()["second_factor_setup_required"] is True
        assert (await municipal.get("/api/v1/me")).status_code == 403
        setup = await municipal.get(SETUP)
        assert setup.status_code == 200 and "Регион требует второй фактор" in setup.text
        await turn_on_second_factor(municipal)
        assert (await municipal.get("/organizations")).status_code == 200
        assert (await municipal.get("/api/v1/organizations")).status_code == 200
    async with make_client(app) as curator:  # not a coordinator: the region's rule does not apply
        await login_api(curator, fresh.curator, PASSWORD)
        assert (await curator.get("/workspace")).status_code == 200


async def test_a_coordinator_sent_to_the_set_up_can_still_sign_out(app: Any, fresh: Tenant) -> None:
    await require_second_factor(fresh.region_id)
    async with make_client(app) as client:
        assert (await login_api(client, fresh.regional, PASSWORD)).status_code == 200
        assert (await client.get("/region")).headers["location"] == SETUP
        token = await csrf_token(client, SETUP)
        assert (await client.post("/logout", data={"_csrf_token": token})).status_code == 303
        assert (await client.get("/api/v1/me")).status_code == 401


async def test_the_code_step_expires(app: Any, fresh: Tenant, monkeypatch: Any) -> None:
    from tenants import second_factor

    phone, _ = await signed_in_with_factor(app, fresh.regional)
    monkeypatch.setattr(second_factor, "PENDING_SECONDS", -1)  # the password step ended longer ago than allowed
    async with make_client(app) as client:
        assert (await login_page(client, fresh.regional, PASSWORD)).headers["location"] == CODE
        assert (await client.get(CODE)).headers["location"] == "/login"
        token = await csrf_token(client)
        late = await client.post(CODE, data={"code": await phone.code(), "_csrf_token": token})
        assert late.headers["location"] == "/login"
        assert "Время на ввод кода истекло" in (await client.get("/login")).text
        assert (await client.get("/api/v1/me")).status_code == 401
