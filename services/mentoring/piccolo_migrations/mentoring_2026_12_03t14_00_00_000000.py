"""A group of more than two mentees records the agreement of its mentor and mentees (004 §2.6); a pair remembers
the day its order put it to work, from which the meeting rhythm counts."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-03T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Group agreement and approval day of a pair"

SQL = """
ALTER TABLE mentorship
    ADD COLUMN group_agreed_on date,
    ADD COLUMN approved_on date;
UPDATE mentorship SET approved_on = starts_on WHERE status <> 'draft';
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "mentoring", DESCRIPTION, SQL)
