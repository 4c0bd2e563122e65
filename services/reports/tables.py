"""The counted indicators, written set-based by indicators.py.

DDL lives in piccolo_migrations; these classes are the query side. Piccolo wants one primary key column: the real
keys are composite (see the migrations), so the column marked here is only the first of them.
"""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, Date, Numeric, Text, Timestamptz, Varchar
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


class RatingRule(Table, tablename="rating_rule", db=DB):
    """The region's points per activity of the mentor rating; the key is (region_id, source)."""

    region_id = UUID(primary_key=True)
    source = Varchar(length=20)
    points = Numeric(digits=(7, 2))
    max_points = Numeric(digits=(8, 2), null=True, default=None)


class MentorRating(Table, tablename="mentor_rating", db=DB):
    """A registry mentor's counted points with their breakdown; the key is (region_id, organization_id, person_id)."""

    region_id = UUID()
    organization_id = UUID(primary_key=True)
    municipality_id = UUID()
    person_id = UUID()
    full_name = Text()
    points = Numeric(digits=(10, 2))
    breakdown = JSONB()
    counted_at = Timestamptz()
