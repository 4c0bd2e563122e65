"""People wishing to become curators in the aggregated base (003 §4), and the personal links' own state: opened,
and replaced by a link sent again."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-03T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Curator candidates; personal questionnaire links opened and revoked"

SQL = """
ALTER TABLE participation DROP CONSTRAINT participation_role_check,
    ADD CONSTRAINT participation_role_check
        CHECK (role IN ('mentee_candidate', 'mentor_candidate', 'mentor', 'curator', 'curator_candidate'));
ALTER TABLE questionnaire_request
    ADD COLUMN opened_at timestamptz,
    -- a link sent again replaces this one: it stops working at once
    ADD COLUMN revoked_at timestamptz;
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
