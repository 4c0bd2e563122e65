"""A lookup by СНИЛС finds people of the caller's own region only: regions never share a person record."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from services.registry.piccolo_migrations.registry_2026_11_23t10_00_00_000000 import PERSON_SCOPE
from shared.migrations import sql_migration

ID = "2026-11-23T15:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "СНИЛС lookup within the region"

SQL = f"""
DROP POLICY tenant_scope ON person;
CREATE POLICY tenant_scope ON person
    USING ({PERSON_SCOPE} OR (region_id = app_uuid('app.region_id')
                              AND snils = ANY(string_to_array(app_text('app.snils_lookup'), ','))))
    WITH CHECK ({PERSON_SCOPE});
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
