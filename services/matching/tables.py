"""Matching runs, "must not" marks and choices; DDL lives in piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, SmallInt, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class MatchingRun(Table, tablename="matching_run", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    programme_id = UUID()
    objective = Varchar(length=8)
    weights = JSONB()
    proposals = JSONB()
    unmatched = JSONB()
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()


class MatchingExclusion(Table, tablename="matching_exclusion", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    programme_id = UUID()
    mentor_id = UUID()
    mentee_id = UUID()
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()


class MatchingChoice(Table, tablename="matching_choice", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    programme_id = UUID()
    chooser_id = UUID()
    chosen_id = UUID()
    rank = SmallInt()
    response = Varchar(length=10)
    created_at = Timestamptz()
