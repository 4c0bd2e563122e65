"""«Хочу участвовать»: the public form of an announced contest, its errors, its rate limit, a draft's 404, and the
cabinet's wish counted once."""

from __future__ import annotations

import uuid
from typing import Any

from services.contests import wishes
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import PASSWORD, Tenant, login_page, make_client, make_tenant, post_form


async def _contest(tenant: Tenant, status: str = "announced") -> uuid.UUID:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        value: uuid.UUID = await current_connection().fetchval(
            """INSERT INTO contest (region_id, level, title, year, status)
               VALUES ($1, 'region', 'Наставник года — 2026', 2026, $2) RETURNING id""",
            tenant.region_id,
            status,
        )
    return value


async def _wishes(tenant: Tenant, contest_id: uuid.UUID) -> list[Any]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        rows = await current_connection().fetch("SELECT * FROM contest_wish WHERE contest_id = $1", contest_id)
        count = await wishes.wish_count(contest_id)
    return [*rows, count]


async def test_a_visitor_wishes_to_take_part_and_sees_errors_next_to_the_fields(app: Any) -> None:
    tenant = await make_tenant("Хочу участвовать")
    contest = await _contest(tenant)
    url = f"/contests/{contest}/wish"
    async with make_client(app, ip="10.9.0.1") as client:
        form = await client.get(url)
        assert form.status_code == 200
        assert "Наставник года — 2026" in form.text and "Хочу участвовать" in form.text
        bad = await post_form(client, url, {"full_name": " ", "email": "нет", "nomination_kind": "best_pair"})
        assert bad.status_code == 400
        for message in (
            "Укажите фамилию",
            "Укажите адрес электронной почты",
            "Выберите организацию",
            "Выберите номинацию",
        ):
            assert message in bad.text
        assert "Без согласия" in bad.text
        data = {
            "full_name": "Петрова  Анна Сергеевна",
            "email": "Petrova@School.ru",
            "organization_id": str(tenant.organization_id),
            "nomination_kind": "mentor_of_year",
            "consent": "on",
        }
        done = await post_form(client, url, data)
        assert done.status_code == 303 and done.headers["location"] == f"{url}/done"
        assert (await client.get(f"{url}/done")).status_code == 200
        again = await post_form(client, url, data)
        assert again.status_code == 303
    *rows, count = await _wishes(tenant, contest)
    assert len(rows) == 2 and count == 1  # the same e-mail and kind is counted once
    assert rows[0]["full_name"] == "Петрова Анна Сергеевна" and rows[0]["email"] == "petrova@school.ru"
    assert rows[0]["municipality_id"] == tenant.municipality_id


async def test_a_draft_or_another_regions_contest_is_not_found(app: Any) -> None:
    tenant = await make_tenant("Хочу участвовать: черновик")
    other = await make_tenant("Хочу участвовать: чужой")
    draft = await _contest(tenant, "draft")
    announced = await _contest(other)
    async with make_client(app) as client:
        assert (await client.get(f"/contests/{draft}/wish")).status_code == 404
        assert (await client.get(f"/contests/{uuid.uuid4()}/wish")).status_code == 404
        await login_page(client, tenant.mentor, PASSWORD)
        assert (await client.get(f"/contests/{announced}/wish")).status_code == 404
        assert (await client.get(f"/contests/{draft}/wish")).status_code == 404


async def test_the_public_form_is_rate_limited_per_address(app: Any) -> None:
    tenant = await make_tenant("Хочу участвовать: лимит")
    contest = await _contest(tenant)
    url = f"/contests/{contest}/wish"
    statuses = []
    async with make_client(app, ip="10.9.0.77") as client:
        for n in range(wishes_limit() + 1):
            data = {
                "full_name": f"Иванов Иван {n}",
                "email": f"ivanov{n}@school.ru",
                "organization_id": str(tenant.organization_id),
                "nomination_kind": "curator_of_year",
                "consent": "on",
            }
            statuses.append((await post_form(client, url, data)).status_code)
    assert statuses[:-1] == [303] * wishes_limit()
    assert statuses[-1] == 429


def wishes_limit() -> int:
    from services.contests.wish_routes import PER_IP_PER_HOUR

    return PER_IP_PER_HOUR


async def test_a_mentor_wishes_from_the_cabinet_once(app: Any) -> None:
    tenant = await make_tenant("Хочу участвовать: кабинет")
    contest = await _contest(tenant)
    url = f"/contests/{contest}/wish"
    async with make_client(app) as client:
        await login_page(client, tenant.mentor, PASSWORD)
        page = await client.get(url)
        assert page.status_code == 200 and 'name="email"' not in page.text
        for _ in range(2):
            response = await post_form(client, url, {"nomination_kind": "mentor_of_year"})
            assert response.status_code == 303
    *rows, count = await _wishes(tenant, contest)
    assert len(rows) == 1 and count == 1
    assert rows[0]["user_id"] is not None and rows[0]["organization_id"] == tenant.organization_id
    async with tenant_transaction(Scope(Level.platform)):
        email = await current_connection().fetchval("SELECT email FROM app_user WHERE id = $1", rows[0]["user_id"])
    assert email == tenant.mentor
