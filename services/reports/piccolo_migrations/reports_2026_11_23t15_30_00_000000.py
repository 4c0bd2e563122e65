"""People counted once per municipality and once per region: a person of two organizations is one person there."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T15:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indicator facts of municipalities and regions"

SQL = f"""
CREATE TABLE indicator_unit_fact (
    region_id uuid NOT NULL REFERENCES region (id) ON DELETE CASCADE,
    municipality_id uuid,  -- NULL: the whole region
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on >= starts_on),
    counts jsonb NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id) ON DELETE CASCADE,
    UNIQUE NULLS NOT DISTINCT (region_id, starts_on, ends_on, municipality_id)
);

{rls.enable("indicator_unit_fact", rls.within_region(rls.IN_OWN_MUNICIPALITY))}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "reports", DESCRIPTION, SQL)
