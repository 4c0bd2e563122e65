"""Row security of the certification tables: an application is its organization's, its municipality's and its
region's; a commission member of another organization reads it by membership; another region never does."""

from __future__ import annotations

import uuid
from typing import Any

from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import _certification_records, make_tenant


async def _user(email: str) -> uuid.UUID:
    async with tenant_transaction(Scope(Level.platform)):
        value: uuid.UUID = await current_connection().fetchval("SELECT id FROM app_user WHERE email = $1", email)
    return value


async def _visible(scope: Scope, table: str, record_id: str) -> int:
    async with tenant_transaction(scope):
        count: int = await current_connection().fetchval(
            f"SELECT count(*) FROM {table} WHERE id = $1", uuid.UUID(record_id)
        )
    return count


async def test_applications_and_uploads_are_the_organizations_and_the_members(app: Any) -> None:
    tenant = await make_tenant("RLS сертификации")
    other = await make_tenant("RLS чужой регион")
    ids = await _certification_records(tenant, tenant.organization_id)
    own = Scope(Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id)
    neighbour_user = await _user(tenant.other_curator)
    neighbour = Scope(
        Level.organization, neighbour_user, tenant.region_id, tenant.other_municipality_id, tenant.other_organization_id
    )
    municipal = Scope(Level.municipality, None, tenant.region_id, tenant.municipality_id)
    other_municipal = Scope(Level.municipality, None, tenant.region_id, tenant.other_municipality_id)
    for table, key in (("certification_application", "curator_application_id"), ("certification_upload", "upload_id")):
        assert await _visible(own, table, ids[key]) == 1
        assert await _visible(municipal, table, ids[key]) == 1
        assert await _visible(Scope.for_region(tenant.region_id), table, ids[key]) == 1
        assert await _visible(neighbour, table, ids[key]) == 0
        assert await _visible(other_municipal, table, ids[key]) == 0
        assert await _visible(Scope.for_region(other.region_id), table, ids[key]) == 0
    # The round is the region's: every signed-in scope of it reads it, another region does not.
    assert await _visible(neighbour, "certification_round", ids["round_id"]) == 1
    assert await _visible(Scope.for_region(other.region_id), "certification_round", ids["round_id"]) == 0

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            """INSERT INTO certification_member (region_id, round_id, user_id, full_name, organization_id)
               VALUES ($1, $2, $3, 'Член комиссии', $4)""",
            tenant.region_id,
            uuid.UUID(ids["round_id"]),
            neighbour_user,
            tenant.other_organization_id,
        )
    assert await _visible(neighbour, "certification_application", ids["curator_application_id"]) == 1
    # A member's own organization's application: hidden from the member wherever they are not its organization.
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE certification_member SET organization_id = $2 WHERE user_id = $1",
            neighbour_user,
            tenant.organization_id,
        )
    assert await _visible(neighbour, "certification_application", ids["curator_application_id"]) == 0
    # Writes outside the scope are refused: another organization cannot file an application for this one.
    async with tenant_transaction(neighbour):
        updated = await current_connection().execute(
            "UPDATE certification_application SET full_name = 'x' WHERE id = $1",
            uuid.UUID(ids["curator_application_id"]),
        )
    assert updated == "UPDATE 0"
