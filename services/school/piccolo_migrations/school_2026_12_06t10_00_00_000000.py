"""A cohort's seats counted across the region whatever the reader's scope: a curator, a municipality and a
signed-out visitor see the real free places and waiting list; only the count leaves the function."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-06T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "School cohort seats counted region-wide"

# The scope is widened for this one count and put back; the region stays the caller's (app.region_id).
SQL = """
CREATE OR REPLACE FUNCTION school_cohort_seats(p_region uuid, p_cohort uuid, p_state text) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    previous text := current_setting('app.scope', true);
    seats bigint;
BEGIN
    PERFORM set_config('app.scope', 'region', true);
    SELECT count(*) INTO seats FROM school_enrolment e
    WHERE e.region_id = p_region AND e.region_id = app_uuid('app.region_id')
      AND e.cohort_id = p_cohort AND e.state = p_state;
    PERFORM set_config('app.scope', coalesce(previous, ''), true);
    RETURN seats;
END
$$;
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "school", DESCRIPTION, SQL)
