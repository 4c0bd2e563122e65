"""A questionnaire link is mailed once: the mail job checks these before sending and sets them after."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-11-24T09:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Questionnaire mails sent once"

SQL = """ALTER TABLE questionnaire_request ADD COLUMN mailed_at timestamptz,
    ADD COLUMN reminder_mailed_at timestamptz;"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
