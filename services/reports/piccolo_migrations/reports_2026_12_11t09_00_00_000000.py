"""Rating rows by person (the public page's mentors, a mentor's cabinet): the key leads with the organization."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-11T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Mentor rating by person"

SQL = """
CREATE INDEX mentor_rating_person_idx ON mentor_rating (region_id, person_id);
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "reports", DESCRIPTION, SQL)
