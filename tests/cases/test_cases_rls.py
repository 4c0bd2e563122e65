"""Row security of the library's tables, by raw SQL on the app's connection: a draft is its organization's, its
municipality's and its region's; a published case every scope of the region reads, the public too; another region
nothing; and the organization can never write a case as approved or published."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest

from services.cases.tables import TABLES
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import _case_records, make_tenant

CASE_TABLES = [t._meta.tablename for t in TABLES]


async def _count(scope: Scope, table: str, column: str, record_id: str) -> int:
    async with tenant_transaction(scope):
        sql = f"SELECT count(*) FROM {table} WHERE {column} = $1"
        return int(await current_connection().fetchval(sql, uuid.UUID(record_id)))


async def test_every_scope_reads_what_the_library_rules_say(app: Any) -> None:
    tenant = await make_tenant("RLS кейсов")
    other = await make_tenant("RLS кейсов чужой")
    ids = await _case_records(tenant, tenant.organization_id, tenant.municipality_id)
    own = Scope(Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id)
    scopes = {
        "own": own,
        "neighbour": Scope(
            Level.organization, None, tenant.region_id, tenant.other_municipality_id, tenant.other_organization_id
        ),
        "municipal": Scope(Level.municipality, None, tenant.region_id, tenant.municipality_id),
        "other_municipal": Scope(Level.municipality, None, tenant.region_id, tenant.other_municipality_id),
        "region": Scope.for_region(tenant.region_id),
        "trainer": Scope(Level.trainer, uuid.uuid4(), tenant.region_id),
        "public": Scope.public_region(tenant.region_id),
        "other_region": Scope.for_region(other.region_id),
        "other_public": Scope.public_region(other.region_id),
        "anonymous": Scope(),
    }
    for scope in scopes.values():
        for table in CASE_TABLES:
            async with tenant_transaction(scope):
                await current_connection().fetchval(f"SELECT count(*) FROM {table}")

    async def seen(table: str, column: str, record: str) -> set[str]:
        return {name for name, scope in scopes.items() if await _count(scope, table, column, record)}

    draft_readers = {"own", "municipal", "region"}
    assert await seen("practice_case", "id", ids["case_id"]) == draft_readers
    assert await seen("practice_case_file", "id", ids["case_file_id"]) == draft_readers

    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(own):  # the organization does not publish its own case
            await current_connection().execute(
                "UPDATE practice_case SET status = 'published', published_at = now() WHERE id = $1",
                uuid.UUID(ids["case_id"]),
            )
    async with tenant_transaction(scopes["neighbour"]):
        updated = await current_connection().execute(
            "UPDATE practice_case SET title = 'захват' WHERE id = $1", uuid.UUID(ids["case_id"])
        )
        assert updated == "UPDATE 0"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(scopes["public"]):
            await current_connection().execute(
                """INSERT INTO practice_case (region_id, kind, material_kind, title, year)
                   VALUES ($1, 'material', 'other', 'Чужой материал', 2026)""",
                tenant.region_id,
            )

    async with tenant_transaction(scopes["municipal"]):
        await current_connection().execute(
            "UPDATE practice_case SET status = 'published', published_at = now() WHERE id = $1",
            uuid.UUID(ids["case_id"]),
        )
    published_readers = {"own", "neighbour", "municipal", "other_municipal", "region", "trainer", "public"}
    assert await seen("practice_case", "id", ids["case_id"]) == published_readers
    assert await seen("practice_case_file", "id", ids["case_file_id"]) == published_readers
