"""An order goes from the draft to the signer: sent for signature, returned with a comment, or registered."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-03T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Orders sent for signature and returned with a comment"

SQL = """
ALTER TABLE programme_order
    ADD COLUMN submitted_by uuid REFERENCES app_user (id),
    ADD COLUMN submitted_at timestamptz,
    ADD COLUMN return_comment text NOT NULL DEFAULT '' CHECK (length(return_comment) <= 2000);
CREATE INDEX programme_order_awaiting_idx ON programme_order (region_id, organization_id, municipality_id)
    WHERE number IS NULL AND submitted_at IS NOT NULL;
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "programmes", DESCRIPTION, SQL)
