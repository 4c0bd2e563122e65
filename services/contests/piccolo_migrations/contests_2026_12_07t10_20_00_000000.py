"""The chair's order among entries whose results and tie-break criterion are equal; the chair (a juror) may write
it on the entries of the panel they chair, nothing of the ranking itself."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-07T10:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Contest entries: the chair's tie order"

CHAIR = (
    "app_text('app.scope') = 'juror' AND panel_id IN (SELECT j.panel_id FROM contest_juror j "
    "WHERE j.user_id = app_uuid('app.user_id') AND j.is_chair)"
)
SQL = f"""
ALTER TABLE contest_entry ADD COLUMN chair_order smallint CHECK (chair_order >= 1);
CREATE POLICY chair_tie_order ON contest_entry FOR UPDATE USING ({CHAIR})
    WITH CHECK ({CHAIR} AND state = 'in_review' AND place IS NULL AND total IS NULL);
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "contests", DESCRIPTION, SQL)
