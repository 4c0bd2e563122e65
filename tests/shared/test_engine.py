"""json and jsonb are decoded and encoded once, by the codec every connection of the engine carries."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.reports.tables import IndicatorUnitFact
from shared.db import DB, Scope, current_connection, tenant_transaction
from tests.helpers import Tenant


async def test_json_values_arrive_decoded_and_leave_encoded(app: Any) -> None:
    async with tenant_transaction(Scope()):
        connection = current_connection()
        assert await connection.fetchval("""SELECT '{"a": [1, "б"]}'::jsonb""") == {"a": [1, "б"]}
        assert await connection.fetchval("SELECT '[1]'::json") == [1]
        assert await connection.fetchval("SELECT $1::jsonb", {"a": "б"}) == {"a": "б"}
        assert await connection.fetchval("SELECT jsonb_typeof($1::jsonb)", [1]) == "array"
        # A string is JSON text already (Piccolo hands its JSON columns' values over dumped): not dumped again.
        assert await connection.fetchval("""SELECT jsonb_typeof($1::jsonb)""", '{"a": 1}') == "object"
    outside = await DB.get_new_connection()  # the CLI's and the migrations' connections have the codec too
    try:
        assert await outside.fetchval("SELECT '[1]'::jsonb") == [1]
    finally:
        await outside.close()


async def test_piccolo_writes_and_reads_a_jsonb_column_once(app: Any, tenant_a: Tenant) -> None:
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)) as txn:
        day = date(1999, 1, 1)
        counts = {"learners": 3, "название": "б"}
        await IndicatorUnitFact.insert(
            IndicatorUnitFact(region_id=tenant_a.region_id, starts_on=day, ends_on=day, counts=counts)
        ).run()
        where = (IndicatorUnitFact.region_id == tenant_a.region_id) & (IndicatorUnitFact.starts_on == day)
        row = await IndicatorUnitFact.select(IndicatorUnitFact.counts).where(where).first().run()
        assert row is not None and row["counts"] == counts
        stored = await current_connection().fetchval(
            "SELECT jsonb_typeof(counts) FROM indicator_unit_fact WHERE region_id = $1 AND starts_on = $2",
            tenant_a.region_id,
            day,
        )
        assert stored == "object"
        await txn.rollback()
