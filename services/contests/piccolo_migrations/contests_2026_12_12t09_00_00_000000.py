"""A nomination may ask for a minimum of the mentor rating's points."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-12T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Nominations: the minimum points of the mentor rating"

SQL = """ALTER TABLE contest_nomination
    ADD COLUMN min_rating_points numeric(8, 2) CHECK (min_rating_points >= 0);"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "contests", DESCRIPTION, SQL)
