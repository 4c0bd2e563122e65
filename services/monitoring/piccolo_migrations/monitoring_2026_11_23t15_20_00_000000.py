"""The curator's questionnaire on the target model's conditions, answered with each half-year report."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-11-23T15:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Curator's questionnaire in the report"

SQL = """
ALTER TABLE monitoring_report ADD COLUMN quality jsonb NOT NULL DEFAULT '{}'::jsonb;
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "monitoring", DESCRIPTION, SQL)
