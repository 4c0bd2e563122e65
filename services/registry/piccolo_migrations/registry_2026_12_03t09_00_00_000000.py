"""A staff mentor's written consent to the additional duties of mentoring (ст. 351.8 ТК РФ), with its agreement."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-03T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Consent to the additional duties of mentoring, with the number and date of its agreement"

SQL = """
ALTER TABLE consent DROP CONSTRAINT consent_kind_check,
    ADD CONSTRAINT consent_kind_check CHECK (kind IN ('personal_data', 'participation', 'staff_duties')),
    -- the employment contract or the additional agreement that sets the duties, their term and pay
    ADD COLUMN agreement_number varchar(100) NOT NULL DEFAULT '',
    ADD COLUMN agreement_date date,
    ADD CONSTRAINT consent_agreement_check
        CHECK (kind <> 'staff_duties' OR (agreement_number <> '' AND agreement_date IS NOT NULL));
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
