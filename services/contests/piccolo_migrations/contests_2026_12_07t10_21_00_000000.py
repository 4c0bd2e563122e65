"""A certificate's kind long enough for 'participant'."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-07T10:21:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Certificate kinds up to 12 characters"

SQL = "ALTER TABLE certificate ALTER COLUMN kind TYPE varchar(12);"


async def forwards() -> MigrationManager:
    return sql_migration(ID, "contests", DESCRIPTION, SQL)
