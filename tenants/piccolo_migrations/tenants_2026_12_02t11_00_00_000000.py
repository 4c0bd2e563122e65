"""A second factor (TOTP) per account, and a regional coordinator's right to change their region's own rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-02T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Second factor per account; regional coordinators update their region's settings"

OWN_REGION = "app_text('app.scope') = 'region' AND id = app_uuid('app.region_id')"

SQL = f"""
-- One account's second factor. Accounts are global (app_user has no region), so this is a reference table too;
-- only its owner (or the platform) sees the row: a coordinator who reads a region's users never reads their keys.
CREATE TABLE second_factor (
    user_id uuid PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    secret text NOT NULL,                       -- the TOTP key, AES-GCM under a key derived from SECRET_KEY
    enabled_at timestamptz,                     -- NULL while the set-up waits for its first code
    last_step bigint NOT NULL DEFAULT 0,        -- the last 30-second step accepted: each code works once
    recovery_codes text[] NOT NULL DEFAULT '{{}}', -- salt:sha256 of each unused recovery code
    created_at timestamptz NOT NULL DEFAULT now()
);
{rls.enable("second_factor", f"{rls.PLATFORM} OR user_id = app_uuid('app.user_id')")}

-- The region's own policy lets only the platform write; its regional coordinators may now change its settings.
CREATE POLICY region_settings ON region FOR UPDATE USING ({OWN_REGION}) WITH CHECK ({OWN_REGION});
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "tenants", DESCRIPTION, SQL)
