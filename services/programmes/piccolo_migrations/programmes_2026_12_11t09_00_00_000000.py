"""The order of the incentives register («О поощрении наставников»), composed by that domain as a level order."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-11T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Order kind of the incentives register"

SQL = """
ALTER TABLE programme_order DROP CONSTRAINT programme_order_kind_check;
ALTER TABLE programme_order ADD CONSTRAINT programme_order_kind_check CHECK (kind IN ('approve_programme',
    'approve_roadmap', 'approve_registry', 'approve_pairs', 'replace_mentor', 'enrol_mentor_school',
    'school_enrolment', 'school_completion', 'certification_commission', 'certification_decision',
    'mentor_incentives'));
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "programmes", DESCRIPTION, SQL)
