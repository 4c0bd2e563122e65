"""Matching runs with their proposals, the curator's "must not" marks, and mentees' ranked choices."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T13:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Matching"

COLUMNS = """
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    programme_id uuid NOT NULL,"""
KEYS = """
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, programme_id) REFERENCES programme (region_id, id) ON DELETE CASCADE"""

SQL = f"""
CREATE TABLE matching_run ({COLUMNS}
    objective varchar(8) NOT NULL CHECK (objective IN ('score', 'count')),
    weights jsonb NOT NULL,
    proposals jsonb NOT NULL,
    unmatched jsonb NOT NULL,
    created_by uuid REFERENCES app_user (id),
    created_at timestamptz NOT NULL DEFAULT now(),{KEYS}
);
CREATE INDEX matching_run_programme_idx ON matching_run (region_id, programme_id, created_at DESC);

CREATE TABLE matching_exclusion ({COLUMNS}
    mentor_id uuid NOT NULL,
    mentee_id uuid NOT NULL,
    created_by uuid REFERENCES app_user (id),
    created_at timestamptz NOT NULL DEFAULT now(),{KEYS},
    UNIQUE (region_id, programme_id, mentor_id, mentee_id)
);

-- Who chose whom: after the group meeting (both sides), or a mentee's ranking of up to five mentors,
-- which the mentor accepts or declines and the curator confirms.
CREATE TABLE matching_choice ({COLUMNS}
    chooser_id uuid NOT NULL,
    chosen_id uuid NOT NULL,
    rank smallint NOT NULL CHECK (rank BETWEEN 1 AND 5),
    response varchar(10) NOT NULL DEFAULT 'pending' CHECK (response IN ('pending', 'accepted', 'declined')),
    created_at timestamptz NOT NULL DEFAULT now(),{KEYS},
    UNIQUE (region_id, programme_id, chooser_id, chosen_id),
    UNIQUE (region_id, programme_id, chooser_id, rank)
);

{rls.tenant_table("matching_run")}
{rls.tenant_table("matching_exclusion")}
{rls.tenant_table("matching_choice")}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "matching", DESCRIPTION, SQL)
