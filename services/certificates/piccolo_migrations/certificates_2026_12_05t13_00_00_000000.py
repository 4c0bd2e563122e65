"""Certificate numbers unique across the platform, and source kinds that fit.

A number is verified publicly by itself (`/verify/НШ-2026-00017`), before any region is known, so two regions
must never give the same number: the series' counter is one per series and year for the whole platform (a small
table shared by all tenants, a Citus reference table), instead of one per region. The counters carry over at
their highest. A source kind was too short for 'certification_application' (25 characters in varchar(20)).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-05T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Certificate numbers unique across regions; longer source kinds"

SQL = f"""
SELECT set_config('app.scope', 'platform', true);
CREATE TABLE certificate_counter (
    series varchar(8) NOT NULL,
    year smallint NOT NULL,
    last integer NOT NULL DEFAULT 0,
    PRIMARY KEY (series, year)
);
INSERT INTO certificate_counter (series, year, last)
    SELECT series, year, max(last) FROM certificate_sequence GROUP BY series, year;
DROP TABLE certificate_sequence;
ALTER TABLE certificate_counter RENAME TO certificate_sequence;
ALTER TABLE certificate_sequence RENAME CONSTRAINT certificate_counter_pkey TO certificate_sequence_pkey;
-- Only counters: every signed-in scope that issues takes the next one under the row's lock.
{rls.enable("certificate_sequence", f"{rls.PLATFORM} OR ({rls.SIGNED_IN})")}
ALTER TABLE certificate ALTER COLUMN source_kind TYPE varchar(40);
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "certificates", DESCRIPTION, SQL)
