"""Rules of editing a person that the page and the API both enforce: each tested once in logic and through both."""

from __future__ import annotations

import re
import uuid
from typing import Any
from uuid import UUID

import pytest

from services.registry import people
from services.registry.consents import ConsentForm, give_consent
from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.errors import ValidationFailed
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, post_form

REFUSED = "Нет согласия на обработку данных: изменение невозможно"


def curator_of(tenant: Tenant) -> tuple[Actor, Scope]:
    scope = Scope(Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id)
    return Actor(None, tenant.region_id, tenant.organization_id), scope


async def stored_email(person_id: str | UUID) -> str:
    async with tenant_transaction(Scope(Level.platform)):
        email: str = await current_connection().fetchval("SELECT email FROM person WHERE id = $1", UUID(str(person_id)))
    return email


async def add_person(client: Any, **fields: Any) -> str:
    response = await client.post("/api/v1/people", json={"name": "Тест", "category": "staff", **fields})
    assert response.status_code in (200, 201), response.text
    person_id: str = response.json()["id"]
    return person_id


async def consent(client: Any, person_id: str) -> None:
    given = await client.post(
        f"/api/v1/people/{person_id}/consents", json={"kind": "personal_data", "given_on": "2026-09-01"}
    )
    assert given.status_code == 201, given.text


# The consent gate ----------------------------------------------------------------------------------------------


async def test_logic_refuses_to_edit_a_person_without_consent(app: Any, tenant_a: Tenant) -> None:
    actor, scope = curator_of(tenant_a)
    async with tenant_transaction(scope):
        form = people.PersonForm(surname="Логикова", name="Нина", category="staff", roles=["mentor_candidate"])
        person_id, _ = await people.create_person(actor, scope, form)
        form.email = "logikova@test.local"
        with pytest.raises(ValidationFailed) as refused:
            await people.update_person(actor, person_id, form)
        assert refused.value.errors == {"consent": REFUSED}
    assert await stored_email(person_id) == ""
    async with tenant_transaction(scope):
        await give_consent(actor, person_id, ConsentForm(given_on="01.09.2026"))
        await people.update_person(actor, person_id, form)
    assert await stored_email(person_id) == "logikova@test.local"


async def test_the_page_form_refuses_to_store_an_email_without_consent(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        person_id = await add_person(client, surname="Страничкина", roles=["mentor_candidate"])
        edit = f"/people/{person_id}/edit"
        fields = {"surname": "Страничкина", "name": "Тест", "category": "staff", "roles": "mentor_candidate"}
        refused = await post_form(client, edit, {**fields, "email": "page@test.local"})
        assert refused.status_code == 422
        assert REFUSED in refused.text
        assert await stored_email(person_id) == ""
        await consent(client, person_id)
        saved = await post_form(client, edit, {**fields, "email": "page@test.local"})
        assert saved.status_code == 303
        assert await stored_email(person_id) == "page@test.local"


async def test_the_api_refuses_to_store_an_email_without_consent(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        person_id = await add_person(client, surname="Апишная", roles=["mentor_candidate"])
        refused = await client.patch(f"/api/v1/people/{person_id}", json={"email": "api@test.local"})
        assert refused.status_code == 400 and refused.json()["errors"] == {"consent": REFUSED}
        assert await stored_email(person_id) == ""
        await consent(client, person_id)
        saved = await client.patch(f"/api/v1/people/{person_id}", json={"email": "api@test.local"})
        assert saved.status_code == 200 and saved.json()["email"] == "api@test.local"


# The editable roles ------------------------------------------------------------------------------------------------


def unique_snils() -> str:
    """A valid СНИЛС nobody else in the test run holds."""
    while True:
        digits = f"{uuid.uuid4().int % 10**9:09d}"
        if int(digits) <= 1001998:
            continue
        total = sum(int(d) * w for d, w in zip(digits, range(9, 0, -1), strict=True))
        check = total if total < 100 else 0 if total in (100, 101) else (0 if total % 101 == 100 else total % 101)
        return f"{digits}{check:02d}"


async def shared_person(app: Any, tenant: Tenant) -> str:
    """One record of the regional base: a mentor candidate of the first organization and, found by СНИЛС, a mentee
    of the second (with an archived role there too), consenting in both."""
    snils = unique_snils()
    async with make_client(app) as first:
        await login_api(first, tenant.curator, PASSWORD)
        born = "1985-03-02"
        person_id = await add_person(
            first, surname="Двухместная", snils=snils, birth_date=born, roles=["mentor_candidate"]
        )
        await consent(first, person_id)
    async with make_client(app) as second:
        await login_api(second, tenant.other_curator, PASSWORD)
        linked = await add_person(
            second, surname="Двухместная", snils=snils, birth_date=born, roles=["mentor", "mentee_candidate"]
        )
        assert linked == person_id
        await consent(second, person_id)
        kept = await second.patch(f"/api/v1/people/{person_id}", json={"roles": ["mentee_candidate"]})
        assert kept.status_code == 200, kept.text
    return person_id


async def roles_by_organization(tenant: Tenant, person_id: str) -> dict[UUID, set[str]]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        rows = await current_connection().fetch(
            "SELECT organization_id, role FROM participation WHERE person_id = $1 AND archived_at IS NULL",
            UUID(person_id),
        )
    found: dict[UUID, set[str]] = {}
    for row in rows:
        found.setdefault(row["organization_id"], set()).add(row["role"])
    return found


async def test_logic_gives_only_the_active_roles_of_the_curators_organization(app: Any, tenant_a: Tenant) -> None:
    person_id = await shared_person(app, tenant_a)
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        assert await people.editable_roles(tenant_a.other_organization_id, UUID(person_id)) == ["mentee_candidate"]
        assert await people.editable_roles(tenant_a.organization_id, UUID(person_id)) == ["mentor_candidate"]
        assert await people.editable_roles(None, UUID(person_id)) == []


async def test_the_page_form_offers_only_the_curators_own_roles(app: Any, tenant_a: Tenant) -> None:
    person_id = await shared_person(app, tenant_a)
    async with make_client(app) as client:
        await login_page(client, tenant_a.other_curator, PASSWORD)
        form = (await client.get(f"/people/{person_id}/edit")).text
        checked = set(re.findall(r'name="roles" value="(\w+)" checked', form))
        assert checked == {"mentee_candidate"}


async def test_the_api_keeps_the_roles_when_other_fields_change(app: Any, tenant_a: Tenant) -> None:
    person_id = await shared_person(app, tenant_a)
    async with make_client(app) as client:
        await login_api(client, tenant_a.other_curator, PASSWORD)
        patched = await client.patch(f"/api/v1/people/{person_id}", json={"position": "учитель"})
        assert patched.status_code == 200 and patched.json()["position"] == "учитель"
    assert await roles_by_organization(tenant_a, person_id) == {
        tenant_a.organization_id: {"mentor_candidate"},
        tenant_a.other_organization_id: {"mentee_candidate"},
    }


# The young-specialist threshold ------------------------------------------------------------------------------------


def test_logic_counts_up_to_three_years_as_a_young_specialist() -> None:
    assert people.YOUNG_SPECIALIST_YEARS == 3
    assert [people.is_young_specialist(years) for years in (None, 0, 3, 4)] == [False, True, True, False]


async def test_the_pages_mark_young_specialists_by_the_threshold(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        young = await add_person(client, surname="Молодова", teaching_experience=3, roles=["mentor_candidate"])
        seasoned = await add_person(client, surname="Опытнова", teaching_experience=4, roles=["mentor_candidate"])
        for person_id in (young, seasoned):
            await consent(client, person_id)
        assert "молодой специалист" in (await client.get(f"/people/{young}")).text
        assert "молодой специалист" not in (await client.get(f"/people/{seasoned}")).text
        listed = (await client.get("/people?base=mentors&q=Молодова")).text
        assert "стаж 3 · молодой специалист" in listed
        assert "стаж 4 · молодой" not in (await client.get("/people?base=mentors&q=Опытнова")).text
        hint = (await client.get(f"/people/{young}/edit")).text
        assert "0–3 года — молодой специалист" in hint
