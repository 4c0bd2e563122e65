"""A region's own rules: a second factor for its coordinators, and how long archived people are kept."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-02T08:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Region settings: second factor for coordinators, retention of archived people"

SQL = """ALTER TABLE region
    ADD COLUMN require_second_factor boolean NOT NULL DEFAULT false,
    ADD COLUMN archive_retention_days integer NOT NULL DEFAULT 1095
        CHECK (archive_retention_days BETWEEN 30 AND 3650);"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "tenants", DESCRIPTION, SQL)
