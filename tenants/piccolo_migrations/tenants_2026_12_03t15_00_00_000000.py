"""Password reset links: single-use, expiring, kept only as the hash of their token."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-03T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Password reset links"

SQL = f"""
-- Accounts are global (app_user has no region), so, like second_factor, this is a reference table: its rows belong
-- to one account, seen by that account's scope, by the link's own token hash, or by the platform.
CREATE TABLE password_reset (
    user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    token_hash varchar(64) NOT NULL UNIQUE,     -- sha256 of the link's token (shared/links.py)
    expires_at timestamptz NOT NULL,
    used_at timestamptz,                        -- spent, or superseded by a newer link
    sent_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, id)
);
{
    rls.enable(
        "password_reset",
        f"{rls.PLATFORM} OR user_id = app_uuid('app.user_id') OR token_hash = app_text('app.link_token_hash')",
        check=f"{rls.PLATFORM} OR user_id = app_uuid('app.user_id')",
    )
}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "tenants", DESCRIPTION, SQL)
