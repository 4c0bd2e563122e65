"""Row-level security of the second factor and of the region's settings: raw SQL on the app's own connection."""

from __future__ import annotations

import contextlib
from typing import Any
from uuid import UUID

import asyncpg

from shared.db import Level, Scope, current_connection, tenant_transaction
from tenants import totp
from tests.helpers import Tenant


async def user_id(email: str) -> UUID:
    async with tenant_transaction(Scope(Level.platform)):
        found = await current_connection().fetchval("SELECT id FROM app_user WHERE email = $1", email)
    assert found is not None
    return UUID(str(found))


async def test_a_second_factor_is_seen_by_its_own_account_only(app: Any, fresh: Tenant, tenant_b: Tenant) -> None:
    owner = await user_id(fresh.municipal)
    async with tenant_transaction(Scope(user_id=owner)):
        await totp.begin_setup(owner, "any-key")
        assert await current_connection().fetchval("SELECT count(*) FROM second_factor") == 1
    others = [
        Scope(),
        Scope(user_id=await user_id(fresh.regional)),
        Scope.for_region(fresh.region_id),  # the coordinator of the region reads its users, not their keys
        Scope(Level.municipality, None, fresh.region_id, fresh.municipality_id),
        Scope.for_region(tenant_b.region_id),
    ]
    for scope in others:
        async with tenant_transaction(scope):
            assert await current_connection().fetchval("SELECT count(*) FROM second_factor") == 0, scope
            deleted = await current_connection().execute("DELETE FROM second_factor WHERE user_id = $1", owner)
            assert deleted == "DELETE 0", scope
    async with tenant_transaction(Scope(Level.platform)):
        assert await current_connection().fetchval("SELECT count(*) FROM second_factor WHERE user_id = $1", owner)


async def test_only_the_region_itself_updates_its_settings(app: Any, fresh: Tenant, tenant_b: Tenant) -> None:
    sql = "UPDATE region SET archive_retention_days = 400 WHERE id = $1"
    for scope in [
        Scope.for_region(tenant_b.region_id),
        Scope(Level.municipality, None, fresh.region_id, fresh.municipality_id),
        Scope(Level.organization, None, fresh.region_id, fresh.municipality_id, fresh.organization_id),
        Scope(user_id=await user_id(fresh.regional)),
    ]:
        # Refused either way: the row is not there for this scope, or the new row fails the policy's check.
        with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
            async with tenant_transaction(scope):
                assert await current_connection().execute(sql, fresh.region_id) == "UPDATE 0", scope
        async with tenant_transaction(Scope(Level.platform)):
            days = await current_connection().fetchval(
                "SELECT archive_retention_days FROM region WHERE id = $1", fresh.region_id
            )
            assert days == 1095, scope
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        assert await current_connection().execute(sql, fresh.region_id) == "UPDATE 1"
