"""The contest results of a person (a mentor's card on the public page, the rating): applications by their nominee or
mentee, entries by their application, found by index rather than by reading the region's applications."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-11T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Contest results by person"

SQL = """
CREATE INDEX contest_application_person_idx ON contest_application (region_id, person_id);
CREATE INDEX contest_application_mentee_idx ON contest_application (region_id, mentee_person_id)
    WHERE mentee_person_id IS NOT NULL;
CREATE INDEX contest_entry_application_idx ON contest_entry (region_id, application_id);
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "contests", DESCRIPTION, SQL)
