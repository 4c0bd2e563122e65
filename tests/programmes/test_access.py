"""The owner and reach rules of programmes (services/programmes/access.py): each checked once in logic, inside a
tenant transaction, and once through the page and the API where both exist."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest

from services.programmes import orders
from services.programmes.access import Access, programme_to_edit, programme_to_select
from services.programmes.overview import programmes_overview
from services.programmes.programme import list_programmes
from services.programmes.records import Owner
from services.programmes.regional_catalogue import CatalogueForm, add_form
from shared import clock
from shared.actor import Actor
from shared.db import Scope, tenant_transaction
from shared.errors import Forbidden, NotFound
from tenants import Role
from tests import factories
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, post_form

ROLES = {
    "curator": Role.curator,
    "head": Role.head,
    "municipal": Role.municipal_coordinator,
    "regional": Role.regional_coordinator,
    "mentor": Role.mentor,
}


def access(tenant: Tenant, role: str) -> Access:
    asker = factories.principal(tenant, ROLES[role])
    return Access.of(asker.role, asker.scope)


def role_scope(tenant: Tenant, role: str) -> Scope:
    return factories.principal(tenant, ROLES[role]).scope


async def programmes_of(app: Any, tenant: Tenant) -> tuple[dict[str, Any], dict[str, Any]]:
    """A school's programme (made by its curator) and the municipality's own (made by its coordinator)."""
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        school = await factories.programme(client)
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        municipal = await factories.programme(client)
    return school, municipal


def test_a_role_works_at_its_own_level(tenant_a: Tenant) -> None:
    assert access(tenant_a, "curator").owner == Owner(organization_id=tenant_a.organization_id)
    assert access(tenant_a, "head").owner == Owner(organization_id=tenant_a.organization_id)
    assert access(tenant_a, "municipal").owner == Owner(municipality_id=tenant_a.municipality_id)
    assert access(tenant_a, "regional").owner == Owner()


async def test_each_level_lists_only_its_own_programmes(app: Any, tenant_a: Tenant) -> None:
    school, municipal = await programmes_of(app, tenant_a)
    async with tenant_transaction(role_scope(tenant_a, "municipal")):
        listed = {p.id for p in await list_programmes(access(tenant_a, "municipal").owner)}
    assert UUID(municipal["id"]) in listed and UUID(school["id"]) not in listed

    async with make_client(app) as client:
        await login_page(client, tenant_a.municipal, PASSWORD)
        page = (await client.get("/programmes")).text
        assert municipal["title"] in page and school["title"] not in page
        api = {p["id"] for p in (await client.get("/api/v1/programmes")).json()}
        assert municipal["id"] in api and school["id"] not in api


async def test_a_programme_is_edited_only_at_its_own_level_and_never_by_a_head(app: Any, tenant_a: Tenant) -> None:
    school, municipal = await programmes_of(app, tenant_a)
    school_id, municipal_id = UUID(school["id"]), UUID(municipal["id"])
    async with tenant_transaction(role_scope(tenant_a, "curator")):
        assert (await programme_to_edit(access(tenant_a, "curator"), school_id)).id == school_id
    async with tenant_transaction(role_scope(tenant_a, "head")):
        with pytest.raises(Forbidden):
            await programme_to_edit(access(tenant_a, "head"), school_id)
    async with tenant_transaction(role_scope(tenant_a, "municipal")):
        assert (await programme_to_edit(access(tenant_a, "municipal"), municipal_id)).id == municipal_id
        with pytest.raises(NotFound):
            await programme_to_edit(access(tenant_a, "municipal"), school_id)
    async with tenant_transaction(role_scope(tenant_a, "regional")):
        for programme_id in (school_id, municipal_id):
            with pytest.raises(NotFound):
                await programme_to_edit(access(tenant_a, "regional"), programme_id)

    step = f"/programmes/{school_id}/steps/problem"
    problem = {"problem": "Молодые учителя уходят из школы в первые два года"}
    expected = {tenant_a.head: (403, 403), tenant_a.municipal: (404, 404), tenant_a.curator: (303, 200)}
    for email, (page_status, api_status) in expected.items():
        async with make_client(app) as client:
            await login_page(client, email, PASSWORD)
            assert (await post_form(client, step, problem)).status_code == page_status, email
            api = await client.put(f"/api/v1/programmes/{school_id}/steps/problem", json=problem)
            assert api.status_code == api_status, email
            roadmap = (await client.get(f"/programmes/{school_id}/roadmap")).text
            assert (f'action="/programmes/{school_id}/events"' in roadmap) == (email == tenant_a.curator)


async def test_mentor_selection_is_run_only_by_the_organizations_curator(app: Any, tenant_a: Tenant) -> None:
    school, municipal = await programmes_of(app, tenant_a)
    school_id, municipal_id = UUID(school["id"]), UUID(municipal["id"])
    async with tenant_transaction(role_scope(tenant_a, "curator")):
        assert (await programme_to_select(access(tenant_a, "curator"), school_id)).id == school_id
    async with tenant_transaction(role_scope(tenant_a, "head")):
        with pytest.raises(Forbidden):
            await programme_to_select(access(tenant_a, "head"), school_id)
    async with tenant_transaction(role_scope(tenant_a, "municipal")):
        with pytest.raises(Forbidden):
            await programme_to_select(access(tenant_a, "municipal"), municipal_id)

    form = f'action="/programmes/{school_id}/commission"'
    async with make_client(app) as client:
        await login_page(client, tenant_a.head, PASSWORD)
        assert form not in (await client.get(f"/programmes/{school_id}/selection")).text
        refused = await post_form(
            client, f"/programmes/{school_id}/commission", {"role": "chair"}, f"/programmes/{school_id}/selection"
        )
        assert refused.status_code == 403
    async with make_client(app) as client:
        await login_page(client, tenant_a.municipal, PASSWORD)
        own = (await client.get(f"/programmes/{municipal_id}/selection")).text
        assert f'action="/programmes/{municipal_id}/commission"' not in own
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        assert form in (await client.get(f"/programmes/{school_id}/selection")).text


async def test_an_order_is_registered_only_in_its_own_register(app: Any, tenant_a: Tenant) -> None:
    school, _ = await programmes_of(app, tenant_a)
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        order = await factories.roadmap_order(client, school["id"])
    today = clock.today().isoformat()

    with pytest.raises(Forbidden):
        access(tenant_a, "mentor").ordering()
    async with tenant_transaction(role_scope(tenant_a, "municipal")):
        actor = Actor(None, tenant_a.region_id, None)
        with pytest.raises(NotFound):
            form = orders.RegisterForm(number="1", signed_on=today)
            await orders.register(actor, UUID(order["id"]), form, access(tenant_a, "municipal"))

    register = {"number": uuid.uuid4().hex[:8], "signed_on": clock.today().strftime("%d.%m.%Y")}
    async with make_client(app) as client:
        await login_page(client, tenant_a.municipal, PASSWORD)
        card = await client.get(f"/orders/{order['id']}")
        assert card.status_code == 200 and f'action="/orders/{order["id"]}/register"' not in card.text
        page = await post_form(client, f"/orders/{order['id']}/register", register, "/programmes")
        assert page.status_code == 404
        api = await client.post(f"/api/v1/orders/{order['id']}/register", json={**register, "signed_on": today})
        assert api.status_code == 404
    async with make_client(app) as client:
        await login_page(client, tenant_a.head, PASSWORD)
        assert f'action="/orders/{order["id"]}/register"' in (await client.get(f"/orders/{order['id']}")).text
        registered = await post_form(client, f"/orders/{order['id']}/register", register, f"/orders/{order['id']}")
        assert registered.status_code == 303
        assert (await client.get(f"/api/v1/orders/{order['id']}")).json()["registered"] is True


async def test_only_the_regional_coordinator_adds_to_the_catalogue(app: Any, tenant_a: Tenant) -> None:
    form = CatalogueForm(title="Своя форма", mentor_categories=["staff"], mentee_categories=["staff"])
    async with tenant_transaction(role_scope(tenant_a, "municipal")):
        with pytest.raises(Forbidden):
            await add_form(Actor(None, tenant_a.region_id, None), access(tenant_a, "municipal"), form)
    async with tenant_transaction(role_scope(tenant_a, "regional")):
        assert await add_form(Actor(None, tenant_a.region_id, None), access(tenant_a, "regional"), form)

    fields = {"title": "Ещё одна", "mentor_categories": "staff", "mentee_categories": "staff"}
    async with make_client(app) as client:
        await login_page(client, tenant_a.municipal, PASSWORD)
        assert 'action="/catalogue/forms"' not in (await client.get("/catalogue")).text
        assert (await post_form(client, "/catalogue/forms", fields, "/catalogue")).status_code == 403
    async with make_client(app) as client:
        await login_page(client, tenant_a.regional, PASSWORD)
        assert 'action="/catalogue/forms"' in (await client.get("/catalogue")).text
        assert (await post_form(client, "/catalogue/forms", fields, "/catalogue")).status_code == 303


async def test_a_coordinator_overviews_the_organizations_in_their_reach(app: Any, tenant_a: Tenant) -> None:
    async with tenant_transaction(role_scope(tenant_a, "regional")):
        everyone = {r.organization_id: r.organization for r in await programmes_overview(access(tenant_a, "regional"))}
    ours, theirs = everyone[tenant_a.organization_id], everyone[tenant_a.other_organization_id]
    async with tenant_transaction(role_scope(tenant_a, "municipal")):
        reach = {r.organization_id for r in await programmes_overview(access(tenant_a, "municipal"))}
    assert tenant_a.organization_id in reach and tenant_a.other_organization_id not in reach
    async with tenant_transaction(role_scope(tenant_a, "curator")):
        with pytest.raises(Forbidden):
            await programmes_overview(access(tenant_a, "curator"))

    async with make_client(app) as client:
        await login_page(client, tenant_a.municipal, PASSWORD)
        page = (await client.get("/programmes/overview")).text
        assert ours in page and theirs not in page
