"""A separate consent to publication (ст. 10.1 152-ФЗ: personal data the person allows to be disseminated): the
public pages and the case library show a person only while it is active; a minor's is given by a representative."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-08T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Consent to publication on the public pages"

SQL = """
ALTER TABLE consent DROP CONSTRAINT consent_kind_check,
    ADD CONSTRAINT consent_kind_check
        CHECK (kind IN ('personal_data', 'participation', 'staff_duties', 'publication'));
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
