"""One active consent per kind and giver, guarded by the database; consent scans up to the settings' limit.

Identical active consents (same organization, person, kind and giver) entered before the guard existed are
collapsed into the earliest one, which takes their scans; each removed record is written to the audit log.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.migrations import sql_migration

ID = "2026-12-02T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Duplicate consents refused; consent scans up to the settings' limit"

SQL = r"""
-- RLS is forced even for the owner: the collapse runs under a platform scope.
SELECT set_config('app.scope', 'platform', true);

-- Who gave a consent, as the duplicate check compares it: the representative's name, case, ё/е and spaces aside
-- ('' when the person gave it themselves).
CREATE FUNCTION consent_giver_key(name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT translate(lower(regexp_replace(btrim(name), '\s+', ' ', 'g')), 'ё', 'е') $$;

CREATE TEMPORARY TABLE consent_repeat ON COMMIT DROP AS
SELECT region_id, id, kept FROM (
    SELECT region_id, id, first_value(id) OVER same AS kept FROM consent
    WHERE withdrawn_on IS NULL AND representative_name <> 'Данные уничтожены'
    WINDOW same AS (
        PARTITION BY region_id, organization_id, person_id, kind, given_by, consent_giver_key(representative_name)
        ORDER BY given_on, created_at, id)
) ranked
WHERE id <> kept;

UPDATE consent k SET has_scan = true
    FROM consent_repeat r JOIN consent d ON d.region_id = r.region_id AND d.id = r.id
    WHERE k.region_id = r.region_id AND k.id = r.kept AND d.has_scan;
UPDATE consent_scan s SET consent_id = r.kept
    FROM consent_repeat r WHERE s.region_id = r.region_id AND s.consent_id = r.id;
INSERT INTO audit_log (region_id, organization_id, action, person_id, details)
    SELECT c.region_id, c.organization_id, 'consent', c.person_id, 'повторная запись действующего согласия удалена'
    FROM consent c JOIN consent_repeat r ON r.region_id = c.region_id AND r.id = c.id;
DELETE FROM consent c USING consent_repeat r WHERE c.region_id = r.region_id AND c.id = r.id;

-- A destroyed person's representatives all read «Данные уничтожены» (services.registry.retention.DESTROYED):
-- they are no longer givers to tell apart, and the rule does not stop their destruction.
CREATE UNIQUE INDEX consent_active_once_idx
    ON consent (region_id, organization_id, person_id, kind, given_by, consent_giver_key(representative_name))
    WHERE withdrawn_on IS NULL AND representative_name <> 'Данные уничтожены';

-- shared.uploads.STORED_FILE_CEILING: the app refuses to start with a limit above it.
ALTER TABLE consent_scan DROP CONSTRAINT consent_scan_data_check,
    ADD CONSTRAINT consent_scan_data_check CHECK (length(data) <= 100 * 1024 * 1024);
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
