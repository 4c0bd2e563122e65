"""The pair pulse sent: one round per person per pair (a month after the start, then every two months)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T14:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Pair pulse"

SQL = f"""
CREATE TABLE pair_pulse (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    mentorship_id uuid NOT NULL,
    round integer NOT NULL CHECK (round > 0),
    person_id uuid NOT NULL,
    request_id uuid NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, mentorship_id) REFERENCES mentorship (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, request_id) REFERENCES questionnaire_request (region_id, id),
    UNIQUE (region_id, mentorship_id, round, person_id)
);

{rls.tenant_table("pair_pulse")}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "mentoring", DESCRIPTION, SQL)
