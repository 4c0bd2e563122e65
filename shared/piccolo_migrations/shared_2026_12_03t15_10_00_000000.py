"""The user's own exports page lists one person's jobs of a kind, newest first."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-03T15:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Tracked jobs by their requester"

SQL = "CREATE INDEX tracked_job_user_idx ON tracked_job (user_id, kind, created_at DESC);"


async def forwards() -> MigrationManager:
    return sql_migration(ID, "shared", DESCRIPTION, SQL)
