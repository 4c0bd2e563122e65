"""Row-Level Security alone hides other tenants: raw SQL on the app's own connection, no service filters."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import Tenant

TABLES = (
    "region",
    "municipality",
    "organization",
    "membership",
    "invitation",
    "app_user",
    "tracked_job",
    "practice_case",
    "practice_case_participant",
    "practice_case_file",
    "mentor_incentive",
)


def org_scope(t: Tenant) -> Scope:
    return Scope(Level.organization, None, t.region_id, t.municipality_id, t.organization_id)


async def fetch_ids(sql: str) -> set[Any]:
    return {row[0] for row in await current_connection().fetch(sql)}


async def test_the_app_role_cannot_bypass_rls(app: Any) -> None:
    async with tenant_transaction(Scope()):
        role = await current_connection().fetchrow(
            "SELECT rolsuper, rolbypassrls, current_user AS name FROM pg_roles WHERE rolname = current_user"
        )
        assert role["name"] == "nastavnik_app"
        assert not role["rolsuper"] and not role["rolbypassrls"]
        owners = await fetch_ids("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        assert "nastavnik_app" not in owners


async def test_every_table_has_forced_rls(app: Any) -> None:
    async with tenant_transaction(Scope()):
        rows = await current_connection().fetch(
            """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'migration'"""
        )
        assert {r["relname"] for r in rows} >= set(TABLES)
        assert [r["relname"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"])] == []


async def test_the_app_role_cannot_touch_migration_bookkeeping(app: Any) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(Scope()):
            await current_connection().fetch("SELECT * FROM migration")


async def test_without_a_scope_nothing_is_visible(app: Any, tenant_a: Tenant) -> None:
    async with tenant_transaction(Scope()):
        for table in TABLES:
            assert await current_connection().fetchval(f"SELECT count(*) FROM {table}") == 0, table


async def test_an_organization_scope_sees_only_its_organization(app: Any, tenant_a: Tenant, tenant_b: Tenant) -> None:
    async with tenant_transaction(org_scope(tenant_a)):
        assert await fetch_ids("SELECT id FROM organization") == {tenant_a.organization_id}
        assert await fetch_ids("SELECT id FROM municipality") == {tenant_a.municipality_id}
        assert await fetch_ids("SELECT id FROM region") == {tenant_a.region_id}
        assert await fetch_ids("SELECT DISTINCT organization_id FROM membership") == {tenant_a.organization_id}
        emails = await fetch_ids("SELECT email FROM app_user")
        assert tenant_a.curator in emails and tenant_a.head in emails
        assert tenant_a.other_curator not in emails and tenant_b.curator not in emails
        assert (
            await current_connection().fetchval(
                "SELECT count(*) FROM organization WHERE id = $1", tenant_a.other_organization_id
            )
            == 0
        )


async def test_a_municipal_scope_sees_its_municipality(app: Any, tenant_a: Tenant) -> None:
    scope = Scope(Level.municipality, None, tenant_a.region_id, tenant_a.municipality_id)
    async with tenant_transaction(scope):
        assert tenant_a.organization_id in await fetch_ids("SELECT id FROM organization")
        assert await fetch_ids("SELECT DISTINCT municipality_id FROM organization") == {tenant_a.municipality_id}
        memberships = await fetch_ids("SELECT DISTINCT municipality_id FROM membership")
        assert memberships == {tenant_a.municipality_id}


async def test_a_region_scope_sees_its_region_only(app: Any, tenant_a: Tenant, tenant_b: Tenant) -> None:
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        organizations = await fetch_ids("SELECT id FROM organization")
        assert {tenant_a.organization_id, tenant_a.other_organization_id} <= organizations
        assert tenant_b.organization_id not in organizations
        assert await fetch_ids("SELECT DISTINCT region_id FROM membership") == {tenant_a.region_id}


async def test_writes_outside_the_scope_are_refused(app: Any, tenant_a: Tenant, tenant_b: Tenant) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(org_scope(tenant_a)):
            await current_connection().execute(
                "INSERT INTO organization (region_id, municipality_id, kind, name, sort_key)"
                " VALUES ($1, $2, 'school', 'x', '')",
                tenant_b.region_id,
                tenant_b.municipality_id,
            )
    async with tenant_transaction(org_scope(tenant_a)):
        updated = await current_connection().execute(
            "UPDATE organization SET name = 'захват' WHERE id = $1", tenant_b.organization_id
        )
        assert updated == "UPDATE 0"


async def test_scope_settings_do_not_leak_to_the_next_transaction(app: Any, tenant_a: Tenant) -> None:
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        assert await current_connection().fetchval("SELECT count(*) FROM organization") > 0
    for _ in range(3):  # pooled connections come back without the previous scope
        async with tenant_transaction(Scope()):
            assert await current_connection().fetchval("SELECT count(*) FROM organization") == 0
