"""Effectiveness monitoring twice a year: periods with their deadlines and each organization's report."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Monitoring"

SQL = f"""
-- A monitoring period of the region (004 §7.2: by 30 September and by 30 March); every scope of the region
-- reads it, only the region (its job) writes it.
CREATE TABLE monitoring_period (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    title text NOT NULL,
    covers_from date NOT NULL,
    deadline date NOT NULL,
    opened_on date NOT NULL,
    closed_on date,
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, deadline),
    CHECK (covers_from < deadline)
);

CREATE TABLE monitoring_report (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    period_id uuid NOT NULL,
    submitted_at timestamptz,
    submitted_by uuid REFERENCES app_user (id),
    indicators jsonb NOT NULL DEFAULT '{{}}',
    achievements text NOT NULL DEFAULT '',
    problems text NOT NULL DEFAULT '',
    plans text NOT NULL DEFAULT '',
    reminded_on date,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, period_id) REFERENCES monitoring_period (region_id, id),
    UNIQUE (region_id, period_id, organization_id)
);

{
    rls.enable(
        "monitoring_period",
        f"{rls.PLATFORM} OR {rls.IN_REGION}",
        check=f"{rls.PLATFORM} OR ({rls.IN_REGION} AND {rls.REGION_WIDE})",
    )
}
{rls.tenant_table("monitoring_report")}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "monitoring", DESCRIPTION, SQL)
