"""The contest juror: a region-level role that needs no organization (an invited outside expert, or an account of
the region's schools whose workplace the jury records for conflicts of interest)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-07T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Juror role"

ROLES = "'regional_coordinator', 'municipal_coordinator', 'head', 'curator', 'mentor', 'mentee', 'trainer', 'juror'"

SQL = f"""
ALTER TABLE membership DROP CONSTRAINT membership_role_check;
ALTER TABLE membership ADD CONSTRAINT membership_role_check CHECK (role IN ({ROLES}));
ALTER TABLE membership DROP CONSTRAINT membership_check;
ALTER TABLE membership ADD CONSTRAINT membership_check CHECK (CASE role
    WHEN 'regional_coordinator' THEN municipality_id IS NULL AND organization_id IS NULL
    WHEN 'trainer' THEN municipality_id IS NULL AND organization_id IS NULL
    WHEN 'juror' THEN municipality_id IS NULL AND organization_id IS NULL
    WHEN 'municipal_coordinator' THEN municipality_id IS NOT NULL AND organization_id IS NULL
    ELSE municipality_id IS NOT NULL AND organization_id IS NOT NULL END);
ALTER TABLE invitation DROP CONSTRAINT invitation_role_check;
ALTER TABLE invitation ADD CONSTRAINT invitation_role_check CHECK (role IN ({ROLES}));
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "tenants", DESCRIPTION, SQL)
