"""A second consent identical to an active one (same kind, same giver) is refused, on the page, in the API and by the
database itself; another kind, another representative or a consent after a withdrawal is accepted."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from app.retention import destroy_personal_data
from services.registry import DESTROYED
from services.registry.consents import DUPLICATE, ConsentForm, give_consent
from shared import clock
from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.errors import ValidationFailed
from shared.settings import get_settings
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, make_tenant, post_form

MOTHER = {
    "given_by": "representative",
    "representative_name": "Малёва Ирина Сергеевна",
    "representative_relation": "мать",
    "representative_document": "паспорт 8404 123456",
}


async def person(client: Any, surname: str, **extra: Any) -> str:
    created = await client.post(
        "/api/v1/people",
        json={"surname": surname, "name": "Вера", "category": "staff", "roles": ["mentor_candidate"], **extra},
    )
    assert created.status_code == 201, created.text
    person_id: str = created.json()["id"]
    return person_id


async def consent(client: Any, person_id: str, **fields: Any) -> Any:
    return await client.post(
        f"/api/v1/people/{person_id}/consents", json={"kind": "personal_data", "given_on": "2026-09-01", **fields}
    )


async def test_an_identical_consent_is_refused_by_the_api(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        person_id = await person(client, "Согласова")
        assert (await consent(client, person_id)).status_code == 201
        again = await consent(client, person_id, given_on="2026-10-01")  # another date, the same consent
        assert again.status_code == 400 and again.json()["errors"] == {"kind": DUPLICATE}
        assert (await consent(client, person_id, kind="participation")).status_code == 201  # another kind
        kinds = [c["kind"] for c in (await client.get(f"/api/v1/people/{person_id}/consents")).json()]
        assert sorted(kinds) == ["participation", "personal_data"]


async def test_the_giver_is_the_person_or_this_representative(app: Any, tenant_a: Tenant) -> None:
    minor = f"{clock.today().year - 14}-03-01"
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        pupil = await client.post(
            "/api/v1/people",
            json={
                "surname": "Малёва",
                "name": "Настя",
                "category": "learner",
                "birth_date": minor,
                "roles": ["mentee_candidate"],
            },
        )
        pupil_id = pupil.json()["id"]
        assert (await consent(client, pupil_id, **MOTHER)).status_code == 201
        same = {**MOTHER, "representative_name": "  МАЛЕВА  ирина сергеевна ", "representative_relation": "мама"}
        refused = await consent(client, pupil_id, **same)
        assert refused.status_code == 400 and refused.json()["errors"] == {"kind": DUPLICATE}
        father = {**MOTHER, "representative_name": "Малёв Пётр Ильич", "representative_relation": "отец"}
        assert (await consent(client, pupil_id, **father)).status_code == 201
        assert len((await client.get(f"/api/v1/people/{pupil_id}/consents")).json()) == 2


async def test_the_page_refuses_it_at_the_field_and_the_card_lists_one(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        person_id = await person(client, "Страничная")
    async with make_client(app) as browser:
        await login_page(browser, tenant_a.curator, PASSWORD)
        form = f"/people/{person_id}/consents/new"
        fields = {"kind": "personal_data", "given_by": "self", "given_on": "01.09.2026"}
        assert (await post_form(browser, form, fields)).status_code == 303
        refused = await post_form(browser, form, {**fields, "given_on": "02.09.2026"})
        assert refused.status_code == 422
        assert f'<p class="error" id="e-kind">{DUPLICATE}</p>' in refused.text
        card = await browser.get(f"/people/{person_id}")
        assert card.text.count("01.09.2026") == 1 and "02.09.2026" not in card.text


async def test_after_a_withdrawal_a_new_consent_is_taken(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        person_id = await person(client, "Отозванова")
        first = (await consent(client, person_id)).json()["id"]
        withdrawn = await client.post(f"/api/v1/people/{person_id}/consents/{first}/withdraw", json={})
        assert withdrawn.status_code == 200
        assert (await consent(client, person_id, given_on=clock.today().isoformat())).status_code == 201


async def test_a_twin_given_meanwhile_is_refused_with_the_message(app: Any, tenant_a: Tenant) -> None:
    """Two transactions past the check at once: the second waits on the index, then is refused, not a 500."""
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        person_id = UUID(await person(client, "Двойнякова"))
    scope = Scope(Level.organization, None, tenant_a.region_id, tenant_a.municipality_id, tenant_a.organization_id)
    actor = Actor(None, tenant_a.region_id, tenant_a.organization_id)
    inserted, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with tenant_transaction(scope):
            await give_consent(actor, person_id, ConsentForm(given_on="01.09.2026"))
            inserted.set()
            await release.wait()  # committed only once the second one waits on it

    async def second() -> None:
        async with tenant_transaction(scope):
            await give_consent(actor, person_id, ConsentForm(given_on="02.09.2026"))

    holder = asyncio.create_task(first())
    await inserted.wait()
    twin = asyncio.create_task(second())
    await waiting_on_a_lock()
    release.set()
    await holder
    with pytest.raises(ValidationFailed) as refused:
        await twin
    assert refused.value.errors == {"kind": DUPLICATE}
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        assert len((await client.get(f"/api/v1/people/{person_id}/consents")).json()) == 1


async def waiting_on_a_lock(seconds: float = 10) -> None:
    """Until some transaction of the app waits on a lock (the twin on the first one's index entry)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        async with tenant_transaction(Scope()):
            waiting = await current_connection().fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%consent%'"
            )
        if waiting:
            return
        await asyncio.sleep(0.05)
    pytest.fail("the twin never waited on the first consent")


async def test_the_database_refuses_an_active_twin(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        person_id = await person(client, "Индексова")
        assert (await consent(client, person_id)).status_code == 201
    scope = Scope(Level.organization, None, tenant_a.region_id, tenant_a.municipality_id, tenant_a.organization_id)
    with pytest.raises(asyncpg.UniqueViolationError):
        async with tenant_transaction(scope):
            await current_connection().execute(
                """INSERT INTO consent (region_id, organization_id, person_id, kind, given_by, given_on)
                   VALUES ($1, $2, $3, 'personal_data', 'self', current_date)""",
                tenant_a.region_id,
                tenant_a.organization_id,
                UUID(person_id),
            )


async def test_a_merge_keeps_one_of_two_alike_consents_and_an_unmerge_gives_it_back(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        survivor = await person(client, "Слитова", birth_date="1980-02-03")
        duplicate = await person(client, "Слитова", birth_date="1980-02-03")
        for person_id in (survivor, duplicate):
            assert (await consent(client, person_id)).status_code == 201
        assert (await consent(client, duplicate, kind="participation")).status_code == 201
    async with make_client(app) as region:
        await login_page(region, tenant_a.regional, PASSWORD)
        page = "/regional-base/duplicates"
        merged = await post_form(
            region, "/regional-base/merge", {"survivor_id": survivor, "duplicate_id": duplicate}, page=page
        )
        assert merged.status_code == 303
        assert "Записи объединены" in (await region.get(merged.headers["location"])).text
        kinds = [c["kind"] for c in (await region.get(f"/api/v1/people/{survivor}/consents")).json()]
        assert sorted(kinds) == ["participation", "personal_data"]  # the alike one stayed with the duplicate
        merge_id = (await region.get(page)).text.split("/regional-base/merges/")[1][:36]
        undone = await post_form(region, f"/regional-base/merges/{merge_id}/undo", {}, page=page)
        assert undone.status_code == 303
        back = [c["kind"] for c in (await region.get(f"/api/v1/people/{duplicate}/consents")).json()]
        assert sorted(back) == ["participation", "personal_data"]
        assert len((await region.get(f"/api/v1/people/{survivor}/consents")).json()) == 1


async def test_a_minor_with_both_parents_consents_is_destroyed_when_due(app: Any) -> None:
    """Destruction gives every representative the same stub name: the one-consent rule must not stop it."""
    tenant = await make_tenant("Двое родителей")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        pupil = await client.post(
            "/api/v1/people",
            json={
                "surname": "Архивная",
                "name": "Настя",
                "category": "learner",
                "birth_date": f"{clock.today().year - 14}-03-01",
                "roles": ["mentee_candidate"],
            },
        )
        pupil_id = pupil.json()["id"]
        father = {**MOTHER, "representative_name": "Архивный Пётр Ильич", "representative_relation": "отец"}
        for parent in (MOTHER, father):
            assert (await consent(client, pupil_id, **parent)).status_code == 201
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE participation SET archived_at = now() - interval '4000 days' WHERE person_id = $1", UUID(pupil_id)
        )
    counts = await destroy_personal_data({"settings": get_settings()}, region_id=str(tenant.region_id))
    assert counts["retention"] == 1, counts
    async with tenant_transaction(Scope(Level.platform)):
        names = await current_connection().fetch(
            "SELECT representative_name FROM consent WHERE person_id = $1", UUID(pupil_id)
        )
    assert [row["representative_name"] for row in names] == [DESTROYED, DESTROYED]
