"""The incentives register: one row per mentor's incentive, proposed at a level and in effect by its order.

Who sees what, in the database: the mentor's organization its own level's incentives in every state and the other
levels' once in effect; its municipality and the region all of them. Each level writes only its own incentives:
the organization those it decides, the municipality its organizations' at its level, the region everything."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-11T09:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The incentives register"

READERS = rls.within_region(
    f"{rls.IN_OWN_ORGANIZATION} AND (level = 'organization' OR status = 'effective')", rls.IN_OWN_MUNICIPALITY
)
WRITES = rls.within_region(
    f"{rls.IN_OWN_ORGANIZATION} AND level = 'organization'", f"{rls.IN_OWN_MUNICIPALITY} AND level = 'municipality'"
)

SQL = f"""
CREATE TABLE mentor_incentive (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    municipality_id uuid NOT NULL,
    person_id uuid NOT NULL,
    level varchar(12) NOT NULL CHECK (level IN ('organization', 'municipality', 'region')),
    kind varchar(16) NOT NULL
        CHECK (kind IN ('thanks', 'diploma', 'parents_letter', 'award_petition', 'bonus', 'allowance')),
    reason text NOT NULL CHECK (btrim(reason) <> '' AND length(reason) <= 1000),
    amount numeric(12, 2) CHECK (amount IS NULL OR (amount > 0 AND kind IN ('bonus', 'allowance'))),
    status varchar(10) NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'ordered', 'effective')),
    order_id uuid,
    order_number varchar(30) NOT NULL DEFAULT '',
    decided_on date,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id),
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id),
    FOREIGN KEY (region_id, order_id) REFERENCES programme_order (region_id, id),
    CHECK (status = 'proposed' OR order_id IS NOT NULL),
    CHECK (status <> 'effective' OR (decided_on IS NOT NULL AND order_number <> '')),
    -- Pay comes from the organization's own wage fund, by its head's order (002 §6.3).
    CHECK (kind NOT IN ('bonus', 'allowance') OR level = 'organization')
);
CREATE INDEX mentor_incentive_person_idx ON mentor_incentive (region_id, person_id);
CREATE INDEX mentor_incentive_order_idx ON mentor_incentive (region_id, order_id);

{rls.enable("mentor_incentive", READERS, check=WRITES)}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "incentives", DESCRIPTION, SQL)
