"""An organization's partners in their order (its page, its editor), without reading the region's; a page's address
found on the platform without asking every region."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-11T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Partners by organization, pages by address"

SQL = """
CREATE INDEX public_partner_organization_idx ON public_partner (region_id, organization_id, position);
CREATE INDEX public_site_slug_idx ON public_site (slug);
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "public", DESCRIPTION, SQL)
