"""An organization's partners in their order (its page, its editor), without reading the region's."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-11T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Partners by organization"

SQL = """
CREATE INDEX public_partner_organization_idx ON public_partner (region_id, organization_id, position);
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "public", DESCRIPTION, SQL)
