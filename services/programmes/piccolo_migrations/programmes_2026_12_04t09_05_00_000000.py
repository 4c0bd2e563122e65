"""Orders of a level that other domains compose: the mentor school's enrolment and completion, the curator
certification's commission and decision."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-04T09:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Order kinds of the mentor school and the curator certification"

SQL = """
ALTER TABLE programme_order DROP CONSTRAINT programme_order_kind_check;
ALTER TABLE programme_order ADD CONSTRAINT programme_order_kind_check CHECK (kind IN ('approve_programme',
    'approve_roadmap', 'approve_registry', 'approve_pairs', 'replace_mentor', 'enrol_mentor_school',
    'school_enrolment', 'school_completion', 'certification_commission', 'certification_decision'));
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "programmes", DESCRIPTION, SQL)
