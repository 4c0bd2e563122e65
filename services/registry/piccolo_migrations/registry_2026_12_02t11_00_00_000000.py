"""Destruction of personal data (152-ФЗ ст. 21): a destroyed person keeps only what the counts need, and each
run of the daily job is recorded for the region."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-02T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Destruction of personal data after withdrawal and after the retention period"

SQL = f"""
ALTER TABLE person
    ADD COLUMN birth_year smallint CHECK (birth_year BETWEEN 1900 AND 2100),
    ADD COLUMN destroyed_at timestamptz,
    ADD COLUMN destroyed_ground varchar(16) NOT NULL DEFAULT ''
        CHECK (destroyed_ground IN ('', 'withdrawal', 'retention')),
    -- A backstop: a destroyed record holds nothing that names or reaches the person.
    ADD CONSTRAINT person_destroyed_check CHECK (destroyed_at IS NULL OR (
        destroyed_ground <> '' AND birth_date IS NULL AND snils IS NULL AND email = '' AND phone = ''
        AND patronymic = '' AND sex = '' AND class_or_course = '' AND position = '' AND subject = ''
        AND company = '' AND teaching_experience IS NULL AND graduation_year IS NULL));

-- One run of the daily destruction job in one region: when, and how many on each ground. The region's
-- coordinator reads it; only the job writes it.
CREATE TABLE destruction_run (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    day date NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    withdrawal integer NOT NULL DEFAULT 0,
    retention integer NOT NULL DEFAULT 0,
    PRIMARY KEY (region_id, id)
);
CREATE INDEX destruction_run_started_idx ON destruction_run (region_id, started_at DESC);

{rls.enable("destruction_run", rls.within_region())}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
