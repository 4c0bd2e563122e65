"""Stored files follow the upload limits in settings: the database keeps only a ceiling above them all."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-02T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Roadmap documents and order scans up to the settings' limits"

# shared.uploads.STORED_FILE_CEILING: the app refuses to start with a limit above it.
SQL = """
ALTER TABLE roadmap_evidence DROP CONSTRAINT roadmap_evidence_data_check,
    ADD CONSTRAINT roadmap_evidence_data_check CHECK (length(data) <= 100 * 1024 * 1024);
ALTER TABLE programme_order DROP CONSTRAINT programme_order_scan_check,
    ADD CONSTRAINT programme_order_scan_check CHECK (length(scan) <= 100 * 1024 * 1024);
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "programmes", DESCRIPTION, SQL)
