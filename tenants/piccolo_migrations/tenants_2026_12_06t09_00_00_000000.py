"""The names of the region's organizations for a reader whose scope holds only some of them: a commission member
of one municipality reads the organization of a curator from another; names only, never other columns."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-06T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Organization names across the region"

# The scope is widened for this one read and put back; the region stays the caller's (app.region_id).
SQL = """
CREATE OR REPLACE FUNCTION organization_names(p_ids uuid[]) RETURNS TABLE (org_id uuid, org_name text)
    LANGUAGE plpgsql AS $$
DECLARE
    previous text := current_setting('app.scope', true);
BEGIN
    PERFORM set_config('app.scope', 'region', true);
    RETURN QUERY SELECT o.id, coalesce(nullif(o.short_name, ''), o.name) FROM organization o
        WHERE o.region_id = app_uuid('app.region_id') AND o.id = ANY(p_ids);
    PERFORM set_config('app.scope', coalesce(previous, ''), true);
END
$$;
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "tenants", DESCRIPTION, SQL)
