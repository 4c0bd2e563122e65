"""Tracked jobs: the state of long work (imports, exports) in PostgreSQL, where a killed worker cannot lose it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-24T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Tracked jobs"

SQL = f"""
CREATE TABLE tracked_job (
    region_id uuid NOT NULL REFERENCES region (id) ON DELETE CASCADE,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    kind varchar(40) NOT NULL,
    step varchar(40) NOT NULL DEFAULT '',
    -- The requester's scope, which the job runs under; the owner is user_id (and organization_id for a workspace).
    scope varchar(20) NOT NULL CHECK (scope IN ('organization', 'municipality', 'region')),
    user_id uuid REFERENCES app_user (id) ON DELETE SET NULL,
    municipality_id uuid,
    organization_id uuid,
    ip varchar(64) NOT NULL DEFAULT '',
    status varchar(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    done integer NOT NULL DEFAULT 0,
    total integer NOT NULL DEFAULT 0,
    label text NOT NULL DEFAULT '',
    -- Each queueing is a new attempt; a run whose attempt is no longer the row's does nothing.
    attempt integer NOT NULL DEFAULT 1,
    restarts integer NOT NULL DEFAULT 0,  -- attempts the sweeper started after a worker died, since the user's
    params jsonb NOT NULL DEFAULT '{{}}',
    checkpoint jsonb,
    result jsonb,
    error text NOT NULL DEFAULT '',  -- shown to the user, in Russian
    -- The uploaded file waits here for its job (not in Redis), and is removed when the job no longer needs it.
    file_name varchar(200) NOT NULL DEFAULT '',
    file bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    queued_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    heartbeat_at timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id) ON DELETE CASCADE
);
-- The sweeper's questions: which active jobs went quiet, which files and rows are past their time.
CREATE INDEX tracked_job_active_idx ON tracked_job (status, heartbeat_at) WHERE status IN ('queued', 'running');
CREATE INDEX tracked_job_finished_idx ON tracked_job (finished_at) WHERE status IN ('done', 'failed');
CREATE INDEX tracked_job_file_idx ON tracked_job (created_at) WHERE file IS NOT NULL;

{rls.enable("tracked_job", rls.within_region(rls.IN_OWN_MUNICIPALITY, rls.IN_OWN_ORGANIZATION))}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "shared", DESCRIPTION, SQL)
