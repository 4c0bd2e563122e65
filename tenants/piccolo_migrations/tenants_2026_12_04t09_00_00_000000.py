"""The trainer of the network mentor school: a region-level role that needs no organization; a public visitor may
read the names of the regions (to choose one's mentor school or portal); the validity of curator certificates."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-04T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Trainer role; public region names; curator certificate validity"

ROLES = "'regional_coordinator', 'municipal_coordinator', 'head', 'curator', 'mentor', 'mentee', 'trainer'"

SQL = f"""
ALTER TABLE membership DROP CONSTRAINT membership_role_check;
ALTER TABLE membership ADD CONSTRAINT membership_role_check CHECK (role IN ({ROLES}));
ALTER TABLE membership DROP CONSTRAINT membership_check;
ALTER TABLE membership ADD CONSTRAINT membership_check CHECK (CASE role
    WHEN 'regional_coordinator' THEN municipality_id IS NULL AND organization_id IS NULL
    WHEN 'trainer' THEN municipality_id IS NULL AND organization_id IS NULL
    WHEN 'municipal_coordinator' THEN municipality_id IS NOT NULL AND organization_id IS NULL
    ELSE municipality_id IS NOT NULL AND organization_id IS NOT NULL END);
ALTER TABLE invitation DROP CONSTRAINT invitation_role_check;
ALTER TABLE invitation ADD CONSTRAINT invitation_role_check CHECK (role IN ({ROLES}));

CREATE POLICY region_public ON region FOR SELECT USING (app_text('app.scope') = 'public');

-- How long a curator's certificate is valid (a regional setting, 1-10 years).
ALTER TABLE region ADD COLUMN curator_certificate_years smallint NOT NULL DEFAULT 3
    CHECK (curator_certificate_years BETWEEN 1 AND 10);
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "tenants", DESCRIPTION, SQL)
