"""The counted indicators: one row per organization and period, summed by the dashboards of every level."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T15:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indicator facts"

SQL = f"""
CREATE TABLE indicator_fact (
    region_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on >= starts_on),
    counts jsonb NOT NULL,
    by_form jsonb NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, organization_id, starts_on, ends_on),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id) ON DELETE CASCADE
);
CREATE INDEX indicator_fact_period_idx ON indicator_fact (region_id, starts_on, ends_on);

-- The pairs of an organization, read by every count of its indicators.
CREATE INDEX IF NOT EXISTS mentorship_organization_idx ON mentorship (region_id, organization_id, starts_on);

{rls.tenant_table("indicator_fact")}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "reports", DESCRIPTION, SQL)
