"""Influence on participants: the parameters a programme assesses, and each person's score before and after."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T14:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Influence assessments"

SQL = f"""
CREATE TABLE assessment_parameter (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    programme_id uuid NOT NULL,
    position integer NOT NULL,
    title text NOT NULL CHECK (length(btrim(title)) > 0),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, programme_id) REFERENCES programme (region_id, id) ON DELETE CASCADE,
    UNIQUE (region_id, programme_id, title)
);

-- Two stages (001, 004): at the start and at the end; a score from 1 to 10.
CREATE TABLE assessment (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    parameter_id uuid NOT NULL,
    person_id uuid NOT NULL,
    stage varchar(6) NOT NULL CHECK (stage IN ('before', 'after')),
    score smallint NOT NULL CHECK (score BETWEEN 1 AND 10),
    assessed_on date NOT NULL,
    assessed_by uuid REFERENCES app_user (id),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, parameter_id) REFERENCES assessment_parameter (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id),
    UNIQUE (region_id, parameter_id, person_id, stage)
);

{rls.tenant_table("assessment_parameter")}
{rls.tenant_table("assessment")}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "monitoring", DESCRIPTION, SQL)
