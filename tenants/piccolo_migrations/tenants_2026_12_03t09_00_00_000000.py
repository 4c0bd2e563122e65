"""Each organization's contingent per school year: the learners and staff the 70 % target divides by."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-03T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Organization contingent per school year"

SQL = f"""
CREATE TABLE organization_contingent (
    region_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    school_year smallint NOT NULL CHECK (school_year BETWEEN 2000 AND 2100), -- the year it starts in
    learners_total integer NOT NULL CHECK (learners_total >= 0),             -- all learners (students)
    learners_10_18 integer CHECK (learners_10_18 >= 0 AND learners_10_18 <= learners_total),
    learners_by_grade jsonb NOT NULL DEFAULT '{{}}',                          -- {{"1": 52, ..., "11": 40}}
    teachers integer NOT NULL CHECK (teachers >= 0),                         -- pedagogical workers
    young_specialists integer CHECK (young_specialists >= 0 AND young_specialists <= teachers), -- 0-3 years
    updated_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, organization_id, school_year),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id) ON DELETE CASCADE
);
{rls.tenant_table("organization_contingent")}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "tenants", DESCRIPTION, SQL)
