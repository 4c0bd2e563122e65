"""A questionnaire link is reminded about once."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-11-23T14:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Questionnaire reminders"

SQL = "ALTER TABLE questionnaire_request ADD COLUMN reminded_at timestamptz;"


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
