"""Requests from the cabinets: the mentee asks the curator for another mentor (004 §6.2), the mentor asks to give
up the duties (004 §5.2); the curator declines with a comment or accepts, which opens the replacement order."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-03T14:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Pair requests from the cabinets"

SQL = f"""
CREATE TABLE pair_request (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    mentorship_id uuid NOT NULL,
    person_id uuid NOT NULL,
    kind varchar(12) NOT NULL CHECK (kind IN ('new_mentor', 'step_down')),
    reason text NOT NULL CHECK (btrim(reason) <> ''),
    status varchar(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'declined', 'accepted')),
    answer text NOT NULL DEFAULT '',
    order_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz,
    answered_by uuid,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, mentorship_id) REFERENCES mentorship (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id),
    CHECK (status <> 'declined' OR btrim(answer) <> '')
);
CREATE UNIQUE INDEX pair_request_pending_once ON pair_request (region_id, mentorship_id, person_id)
    WHERE status = 'pending';

{rls.tenant_table("pair_request")}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "mentoring", DESCRIPTION, SQL)
