"""Municipal and regional matching: a run, a "must not" mark or a choice may belong to a municipality's programme
(organization_id NULL, municipality_id set) or to the region's (both NULL), like the programme itself; the
distance preferences of a run are kept with its weights."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-13T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Matching of municipal and regional programmes"

# A row belongs to an organization, a municipality (organization_id NULL) or the region (both NULL).
OWNED = rls.within_region(rls.IN_OWN_ORGANIZATION, rls.IN_MUNICIPAL_ORGANIZATIONS, rls.IN_OWN_MUNICIPALITY)
TABLES = ("matching_run", "matching_exclusion", "matching_choice")


def _owned(table: str) -> str:
    return f"""
ALTER TABLE {table} ALTER COLUMN organization_id DROP NOT NULL;
ALTER TABLE {table} ADD COLUMN municipality_id uuid;
ALTER TABLE {table} ADD FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id);
ALTER TABLE {table} ADD CHECK (organization_id IS NULL OR municipality_id IS NULL);
DROP POLICY tenant_scope ON {table};
CREATE POLICY tenant_scope ON {table} USING ({OWNED}) WITH CHECK ({OWNED});
"""


SQL = "".join(_owned(table) for table in TABLES)


async def forwards() -> MigrationManager:
    return sql_migration(ID, "matching", DESCRIPTION, SQL)
