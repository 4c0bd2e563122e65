"""Linking by СНИЛС: a new record joins the region's person only when surname, name and birth date match; otherwise it
is refused without a word about the other record. A link shows in the audit log of both organizations."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from arq.worker import Worker

from app.worker import worker_settings
from services.registry.people import LINKED_HERE, LINKED_THERE, SNILS_OF_ANOTHER
from shared.db import Scope, current_connection, tenant_transaction
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, post_form, upload_headers


def unique_snils() -> str:
    """A valid СНИЛС nobody else in the test run holds."""
    while True:
        digits = f"{uuid.uuid4().int % 10**9:09d}"
        if int(digits) <= 1001998:
            continue
        total = sum(int(d) * w for d, w in zip(digits, range(9, 0, -1), strict=True))
        check = total if total < 100 else 0 if total in (100, 101) else (0 if total % 101 == 100 else total % 101)
        return f"{digits}{check:02d}"


async def keeper(app: Any, tenant: Tenant, snils: str, surname: str) -> str:
    """The first organization's record of the person, with consent there."""
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        created = await client.post(
            "/api/v1/people",
            json={
                "surname": surname,
                "name": "Алёна",
                "patronymic": "Петровна",
                "birth_date": "1984-06-12",
                "category": "staff",
                "snils": snils,
                "email": "private@school.test",
                "roles": ["mentor_candidate"],
            },
        )
        assert created.status_code == 201, created.text
        person_id: str = created.json()["id"]
        consented = await client.post(
            f"/api/v1/people/{person_id}/consents", json={"kind": "personal_data", "given_on": "2026-09-01"}
        )
        assert consented.status_code == 201
        return person_id


async def links_logged(tenant: Tenant, person_id: str) -> list[tuple[UUID, str]]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        rows = await current_connection().fetch(
            "SELECT organization_id, details FROM audit_log WHERE person_id = $1 AND action = 'link' ORDER BY id",
            UUID(person_id),
        )
    return [(row["organization_id"], row["details"]) for row in rows]


async def people_named(tenant: Tenant, surname: str) -> int:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return int(await current_connection().fetchval("SELECT count(*) FROM person WHERE surname = $1", surname))


async def roles_in(tenant: Tenant, person_id: str, organization_id: UUID) -> int:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        found = await current_connection().fetchval(
            "SELECT count(*) FROM participation WHERE person_id = $1 AND organization_id = $2",
            UUID(person_id),
            organization_id,
        )
    return int(found)


async def test_the_same_person_is_linked_and_the_link_is_audited_in_both(app: Any, tenant_a: Tenant) -> None:
    snils = unique_snils()
    person_id = await keeper(app, tenant_a, snils, "Ёлкина")
    async with make_client(app) as second:
        await login_api(second, tenant_a.other_curator, PASSWORD)
        linked = await second.post(
            "/api/v1/people",
            json={
                "surname": "ЕЛКИНА",
                "name": "алена",
                "birth_date": "1984-06-12",
                "category": "staff",
                "snils": snils,
                "roles": ["mentee_candidate"],
            },
        )
        assert linked.status_code == 200 and linked.json()["linked_existing"] is True
        assert linked.json()["id"] == person_id
        own = await second.get(f"/people/{person_id}")
        assert LINKED_HERE in own.text
    assert await links_logged(tenant_a, person_id) == [
        (tenant_a.other_organization_id, LINKED_HERE),
        (tenant_a.organization_id, LINKED_THERE),
    ]
    async with make_client(app) as first:  # the keeper's card shows the link in its own history
        await login_api(first, tenant_a.curator, PASSWORD)
        card = await first.get(f"/people/{person_id}")
        assert LINKED_THERE in card.text.split("<h2>История</h2>")[1]


async def test_another_person_under_a_known_snils_is_refused_and_learns_nothing(app: Any, tenant_a: Tenant) -> None:
    snils = unique_snils()
    person_id = await keeper(app, tenant_a, snils, "Держателева")
    attempts = [
        {"surname": "Подборова", "name": "Алёна", "birth_date": "1984-06-12"},  # another surname
        {"surname": "Держателева", "name": "Алёна", "birth_date": "1984-06-13"},  # another birth date
        {"surname": "Держателева", "name": "Алёна"},  # a name alone does not open the record
    ]
    async with make_client(app) as second:
        await login_api(second, tenant_a.other_curator, PASSWORD)
        for attempt in attempts:
            refused = await second.post(
                "/api/v1/people", json={**attempt, "category": "staff", "snils": snils, "roles": ["mentor_candidate"]}
            )
            assert refused.status_code == 400
            assert refused.json() == {"detail": "Проверьте данные", "errors": {"snils": SNILS_OF_ANOTHER}}
        listed = await second.get("/api/v1/people?base=all")
    async with make_client(app) as browser:
        await login_page(browser, tenant_a.other_curator, PASSWORD)
        form = await post_form(
            browser,
            "/people/new",
            {"surname": "Подборова", "name": "Алёна", "birth_date": "12.06.1984", "category": "staff", "snils": snils},
        )
        assert form.status_code == 422 and f'<p class="error" id="e-snils">{SNILS_OF_ANOTHER}</p>' in form.text
        assert person_id not in listed.text
        for response in (form, listed):
            assert "Держателева" not in response.text and "private@school.test" not in response.text
    assert await people_named(tenant_a, "Подборова") == 0
    assert await roles_in(tenant_a, person_id, tenant_a.other_organization_id) == 0
    assert await links_logged(tenant_a, person_id) == []


async def run_worker() -> None:
    worker = Worker(**worker_settings(burst=True, poll_delay=0.05, handle_signals=False))
    try:
        await worker.main()
    finally:
        await worker.close()


def csv_of(rows: list[list[str]]) -> bytes:
    return "\r\n".join(";".join(row) for row in rows).encode()


async def test_the_import_links_only_the_same_person(app: Any, tenant_a: Tenant) -> None:
    same, other = unique_snils(), unique_snils()
    same_id = await keeper(app, tenant_a, same, "Импортова")
    other_id = await keeper(app, tenant_a, other, "Чужая")
    header = ["Фамилия", "Имя", "Дата рождения", "Категория", "СНИЛС"]
    matching = ["импортова", "Алена", "12.06.1984", "педагог", same]
    mismatched = ["Самозванова", "Алёна", "12.06.1984", "педагог", other]
    async with make_client(app) as second:
        await login_api(second, tenant_a.other_curator, PASSWORD)

        async def checked(rows: list[list[str]]) -> tuple[str, dict[str, Any]]:
            upload = await second.post(
                "/api/v1/imports", files={"file": ("база.csv", csv_of(rows))}, headers=await upload_headers(second)
            )
            assert upload.status_code == 202, upload.text
            await run_worker()
            import_id: str = upload.json()["id"]
            return import_id, (await second.get(f"/api/v1/imports/{import_id}")).json()

        _, refused = await checked([header, matching, mismatched])
        assert refused["status"] == "invalid"
        assert refused["report"]["errors"] == [{"row": 3, "column": "СНИЛС", "message": SNILS_OF_ANOTHER}]
        assert "Чужая" not in str(refused) and other_id not in str(refused)
        import_id, ready = await checked([header, matching])
        assert ready["status"] == "checked" and ready["report"]["linked"] == 1
        assert (await second.post(f"/api/v1/imports/{import_id}/commit")).status_code == 202
        await run_worker()
        assert (await second.get(f"/api/v1/imports/{import_id}")).json()["status"] == "done"
    assert await roles_in(tenant_a, same_id, tenant_a.other_organization_id) == 1
    assert await roles_in(tenant_a, other_id, tenant_a.other_organization_id) == 0
    assert await people_named(tenant_a, "Самозванова") == 0
    assert await links_logged(tenant_a, same_id) == [
        (tenant_a.other_organization_id, LINKED_HERE),
        (tenant_a.organization_id, LINKED_THERE),
    ]
