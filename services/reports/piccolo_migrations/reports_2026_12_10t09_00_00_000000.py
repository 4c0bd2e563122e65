"""The mentor rating (002 §8.6.5): the points per activity the region sets, and each registry mentor's points with
their breakdown, counted by a job. The region writes its rules; the counted rows are the read model's own."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-10T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Mentor rating"

SOURCES = "'pairs_completed', 'meetings', 'mentee_growth', 'training', 'certificates', 'contest_results', 'cases'"

SQL = f"""
CREATE TABLE rating_rule (
    region_id uuid NOT NULL REFERENCES region (id),
    source varchar(20) NOT NULL CHECK (source IN ({SOURCES})),
    points numeric(7, 2) NOT NULL CHECK (points >= 0 AND points <= 1000),
    max_points numeric(8, 2) CHECK (max_points IS NULL OR (max_points >= 0 AND max_points <= 100000)),
    PRIMARY KEY (region_id, source)
);

CREATE TABLE mentor_rating (
    region_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    municipality_id uuid NOT NULL,
    person_id uuid NOT NULL,
    full_name text NOT NULL,
    points numeric(10, 2) NOT NULL,
    breakdown jsonb NOT NULL,
    counted_at timestamptz NOT NULL,
    PRIMARY KEY (region_id, organization_id, person_id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id) ON DELETE CASCADE
);
CREATE INDEX mentor_rating_points_idx ON mentor_rating (region_id, points DESC);

{rls.enable("rating_rule", rls.region_rows(), check=rls.within_region())}
{rls.enable("mentor_rating", rls.organization_rows())}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "reports", DESCRIPTION, SQL)
