"""An organization's published cases (its public page), newest first, without reading the region's."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-11T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Published cases by organization"

SQL = """
CREATE INDEX practice_case_organization_idx ON practice_case (region_id, organization_id, published_at DESC)
    WHERE status = 'published';
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "cases", DESCRIPTION, SQL)
