"""Who reaches a pair, once in logic and through the pages and the API: the cabinet's own record, who records a
meeting or edits the plan, who changes a pair's course."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from services.mentoring import access, lifecycle
from shared.actor import Actor
from shared.db import tenant_transaction
from shared.errors import Forbidden, NotFound, ValidationFailed
from tenants import Role
from tests.factories import active_pair, person, principal, programme
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client


async def _pair(app: Any, tenant: Tenant, mentor_email: str) -> tuple[str, str]:
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await programme(client)
        tag = uuid.uuid4().hex[:6]
        mentor = await person(client, f"Доступный{tag}", "mentor", email=mentor_email)
        mentee = await person(client, f"Доступная{tag}", "mentee_candidate")
        return await active_pair(client, prog, mentor, [mentee]), mentor


async def test_who_reaches_a_pair(app: Any, tenant_a: Tenant) -> None:
    email = f"access-{uuid.uuid4().hex[:6]}@test.local"
    pair, mentor = await _pair(app, tenant_a, email)
    pair_id = uuid.UUID(pair)
    curator = principal(tenant_a, Role.curator)
    async with tenant_transaction(curator.scope):
        assert await access.recorder(curator, pair_id) is None  # the curator records for any pair of theirs
        assert (await access.curator_pair(curator, pair_id)).id == pair_id
        with pytest.raises(ValidationFailed) as unknown:
            actor = Actor(None, tenant_a.region_id, tenant_a.organization_id)
            await lifecycle.change_status(actor, pair_id, lifecycle.StatusChange(action="disband"))
        assert set(unknown.value.errors) == {"action"}
    head = principal(tenant_a, Role.head)
    async with tenant_transaction(head.scope):
        with pytest.raises(Forbidden):
            await access.recorder(head, pair_id)
    other = principal(tenant_a, Role.curator, organization_id=tenant_a.other_organization_id)
    async with tenant_transaction(other.scope):
        with pytest.raises(NotFound):
            await access.recorder(other, pair_id)
    own_mentor = principal(tenant_a, Role.mentor, email=email.upper())
    stranger = principal(tenant_a, Role.mentor)
    async with tenant_transaction(own_mentor.scope):
        assert await access.cabinet_person(own_mentor) == uuid.UUID(mentor)  # the e-mail, whatever its case
        assert await access.recorder(own_mentor, pair_id) == uuid.UUID(mentor)
        assert await access.cabinet_person(stranger) is None
        with pytest.raises(NotFound):
            await access.reader(stranger)


async def test_two_records_with_one_address_open_no_cabinet(app: Any, tenant_a: Tenant) -> None:
    """A parent and a child sharing an e-mail: the cabinet cannot tell whose it is, so it is nobody's."""
    email = f"family-{uuid.uuid4().hex[:6]}@test.local"
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        for name in ("Родитель", "Ребёнок"):
            await person(client, f"{name}{uuid.uuid4().hex[:4]}", "mentee_candidate", email=email)
    mentee = principal(tenant_a, Role.mentee, email=email)
    async with tenant_transaction(mentee.scope):
        assert await access.cabinet_person(mentee) is None


async def test_another_curator_reaches_no_pair_through_the_page_or_the_api(app: Any, tenant_a: Tenant) -> None:
    pair, _ = await _pair(app, tenant_a, "")
    meeting = {"kind": "regular", "minutes": "60"}
    async with make_client(app) as client:
        await login_api(client, tenant_a.other_curator, PASSWORD)
        assert (await client.post(f"/api/v1/pairs/{pair}/meetings", json=meeting)).status_code == 404
        assert (await client.put(f"/api/v1/pairs/{pair}/plan/wish", json=[{"wish": "x"}])).status_code == 404
        status = await client.post(f"/api/v1/pairs/{pair}/status", json={"action": "complete"})
        assert status.status_code == 404
        token = await csrf_token(client, "/pairs")
        for url, data in ((f"/pairs/{pair}/meetings", meeting), (f"/pairs/{pair}/status", {"action": "complete"})):
            assert (await client.post(url, data={**data, "_csrf_token": token})).status_code == 404
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        unknown = await client.post(f"/api/v1/pairs/{pair}/status", json={"action": "disband"})
        assert unknown.status_code == 400 and set(unknown.json()["errors"]) == {"action"}
        token = await csrf_token(client, f"/pairs/{pair}")
        page = await client.post(f"/pairs/{pair}/status", data={"action": "disband", "_csrf_token": token})
        assert page.status_code == 303
        assert "Выберите действие" in (await client.get(f"/pairs/{pair}")).text
