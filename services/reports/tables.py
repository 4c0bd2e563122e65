"""The counted indicators, written set-based by indicators.py.

DDL lives in piccolo_migrations; these classes are the query side. Piccolo wants one primary key column: the real
keys are composite (see the migrations), so the column marked here is only the first of them.
"""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, Date, Timestamptz
from piccolo.table import Table

from shared.engine import DB


class IndicatorFact(Table, tablename="indicator_fact", db=DB):
    """One organization's counters for one period; the key is (region_id, organization_id, starts_on, ends_on)."""

    region_id = UUID()
    organization_id = UUID(primary_key=True)
    starts_on = Date()
    ends_on = Date()
    counts = JSONB()
    by_form = JSONB()
    computed_at = Timestamptz()


class IndicatorUnitFact(Table, tablename="indicator_unit_fact", db=DB):
    """People counted once in a municipality (municipality_id NULL: the whole region) for one period; unique on
    (region_id, starts_on, ends_on, municipality_id)."""

    region_id = UUID(primary_key=True)
    municipality_id = UUID(null=True, default=None)
    starts_on = Date()
    ends_on = Date()
    counts = JSONB()
    computed_at = Timestamptz()
