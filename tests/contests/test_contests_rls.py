"""Row security of the contest tables, by raw SQL on the app's connection: each scope reads what the domain says,
another region nothing; a juror reads their panel's entries but not their own organization's, and only their own
sheets; a public visitor reads finalists and never a draft."""

from __future__ import annotations

import uuid
from typing import Any

from services.contests.tables import TABLES
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import _contest_records, make_tenant

CONTEST_TABLES = [t._meta.tablename for t in TABLES]


async def _user(email: str) -> uuid.UUID:
    async with tenant_transaction(Scope(Level.platform)):
        value: uuid.UUID = await current_connection().fetchval("SELECT id FROM app_user WHERE email = $1", email)
    return value


async def _count(scope: Scope, table: str, record_id: str | None = None) -> int:
    async with tenant_transaction(scope):
        if record_id is None:
            return int(await current_connection().fetchval(f"SELECT count(*) FROM {table}"))
        sql = f"SELECT count(*) FROM {table} WHERE id = $1"
        return int(await current_connection().fetchval(sql, uuid.UUID(record_id)))


async def _person(tenant: Any, organization_id: uuid.UUID) -> uuid.UUID:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        value: uuid.UUID = await current_connection().fetchval(
            """INSERT INTO person (region_id, organization_id, surname, name, category, sort_key)
               VALUES ($1, $2, 'Тестова', 'Анна', 'staff', '\\x00') RETURNING id""",
            tenant.region_id,
            organization_id,
        )
    return value


async def test_every_scope_reads_what_the_contest_rules_say(app: Any) -> None:
    tenant = await make_tenant("RLS конкурсов")
    other = await make_tenant("RLS конкурсов чужой")
    person = await _person(tenant, tenant.organization_id)
    ids = await _contest_records(tenant, tenant.organization_id, tenant.municipality_id, person)
    juror = await _user(tenant.juror)
    scopes = {
        "own": Scope(Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id),
        "neighbour": Scope(
            Level.organization, None, tenant.region_id, tenant.other_municipality_id, tenant.other_organization_id
        ),
        "municipal": Scope(Level.municipality, None, tenant.region_id, tenant.municipality_id),
        "juror": Scope(Level.juror, juror, tenant.region_id),
        "public": Scope.public_region(tenant.region_id),
        "other_region": Scope.for_region(other.region_id),
        "anonymous": Scope(),
    }
    # No policy errors (recursion, casts) in any scope on any table.
    for scope in scopes.values():
        for table in CONTEST_TABLES:
            await _count(scope, table)

    entry, application, sheet = ids["entry_id"], ids["contest_application_id"], ids["sheet_id"]
    assert await _count(scopes["own"], "contest_entry", entry) == 1
    assert await _count(scopes["municipal"], "contest_application", application) == 1
    assert await _count(scopes["neighbour"], "contest_application", application) == 0
    assert await _count(scopes["juror"], "contest_entry", entry) == 1
    assert await _count(scopes["juror"], "contest_application", application) == 1
    assert await _count(scopes["juror"], "contest_sheet", sheet) == 1
    assert await _count(scopes["public"], "contest_entry", entry) == 1  # a finalist
    assert await _count(scopes["public"], "contest_application", application) == 1  # consented to publication
    assert await _count(scopes["public"], "contest_vote", ids["vote_id"]) == 0
    for table, key in (("contest", "contest_id"), ("contest_entry", "entry_id"), ("contest_sheet", "sheet_id")):
        assert await _count(scopes["other_region"], table, ids[key]) == 0
        assert await _count(scopes["anonymous"], table, ids[key]) == 0

    # The juror's own organization: the entry disappears from their panel, and with it the application.
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE contest_juror SET organization_id = $1 WHERE id = $2",
            tenant.organization_id,
            uuid.UUID(ids["juror_id"]),
        )
    assert await _count(scopes["juror"], "contest_entry", entry) == 0
    assert await _count(scopes["juror"], "contest_application", application) == 0

    # A draft contest is the organizer's alone.
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE contest SET status = 'draft' WHERE id = $1", uuid.UUID(ids["contest_id"])
        )
    assert await _count(scopes["public"], "contest", ids["contest_id"]) == 0
    assert await _count(scopes["own"], "contest", ids["contest_id"]) == 0
    assert await _count(scopes["own"], "contest_nomination", ids["nomination_id"]) == 0
    assert await _count(Scope.for_region(tenant.region_id), "contest", ids["contest_id"]) == 1
