"""Row security of the register, by raw SQL on the app's connection: an organization's incentive is its own, its
municipality's and its region's; a municipality's proposal the school sees only once in effect; nobody else sees
anything; and an organization cannot write an incentive of another level."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest

from services import registry
from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import _incentive_records, make_tenant


async def _visible(scope: Scope, incentive_id: uuid.UUID) -> bool:
    async with tenant_transaction(scope):
        found = await current_connection().fetchval("SELECT count(*) FROM mentor_incentive WHERE id = $1", incentive_id)
    return bool(found)


async def test_each_scope_sees_what_the_register_rules_say(app: Any) -> None:
    tenant = await make_tenant("RLS поощрений")
    other = await make_tenant("RLS поощрений чужой")
    region = Scope.for_region(tenant.region_id)
    own = Scope(Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id)
    async with tenant_transaction(own):
        form = registry.PersonForm(surname="Тестова", name="Анна", category="staff", roles=["mentor"])
        person_id, _ = await registry.create_person(Actor(None, tenant.region_id, tenant.organization_id), own, form)
    ids = await _incentive_records(tenant, tenant.organization_id, tenant.municipality_id, person_id)
    own_id = uuid.UUID(ids["incentive_id"])
    municipal = Scope(Level.municipality, None, tenant.region_id, tenant.municipality_id)
    async with tenant_transaction(municipal):
        petition_id = await current_connection().fetchval(
            """INSERT INTO mentor_incentive (region_id, organization_id, municipality_id, person_id, level, kind,
                   reason) VALUES ($1, $2, $3, $4, 'municipality', 'award_petition', 'За победу') RETURNING id""",
            tenant.region_id,
            tenant.organization_id,
            tenant.municipality_id,
            person_id,
        )
    neighbour = Scope(
        Level.organization, None, tenant.region_id, tenant.other_municipality_id, tenant.other_organization_id
    )
    other_municipal = Scope(Level.municipality, None, tenant.region_id, tenant.other_municipality_id)
    for scope, sees in (
        (own, True),
        (municipal, True),
        (region, True),
        (neighbour, False),
        (other_municipal, False),
        (Scope.public_region(tenant.region_id), False),
        (Scope.for_region(other.region_id), False),
        (Scope(), False),
    ):
        assert await _visible(scope, own_id) is sees, scope
    assert not await _visible(own, petition_id)  # the municipality's proposal is not the school's yet
    assert await _visible(municipal, petition_id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # the school writes only its own level
        async with tenant_transaction(own):
            await current_connection().execute(
                "UPDATE mentor_incentive SET level = 'municipality' WHERE id = $1", own_id
            )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # the municipality only its organizations'
        async with tenant_transaction(other_municipal):
            await current_connection().execute(
                """INSERT INTO mentor_incentive (region_id, organization_id, municipality_id, person_id, level,
                       kind, reason) VALUES ($1, $2, $3, $4, 'municipality', 'thanks', 'Чужое')""",
                tenant.region_id,
                tenant.organization_id,
                tenant.municipality_id,
                person_id,
            )
