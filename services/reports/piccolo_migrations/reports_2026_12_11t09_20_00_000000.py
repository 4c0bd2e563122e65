"""The mentor rating counts incentives decided by registered orders (the incentives register) as a source."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-11T09:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Mentor rating: incentives as a source"

SQL = """
ALTER TABLE rating_rule DROP CONSTRAINT rating_rule_source_check;
ALTER TABLE rating_rule ADD CONSTRAINT rating_rule_source_check CHECK (source IN ('pairs_completed', 'meetings',
    'mentee_growth', 'training', 'certificates', 'contest_results', 'cases', 'incentives'));
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "reports", DESCRIPTION, SQL)
