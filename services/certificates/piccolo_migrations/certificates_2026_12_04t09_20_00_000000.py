"""Certificates the region's services issue: the mentor school's «свидетельство о прохождении обучения» and the
curator's certificate; each has a unique number that anyone may verify, and may be revoked with a reason."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-04T09:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Certificates, their numbering and expiry reminders"

ISSUER = (
    "(app_text('app.scope') = 'organization' AND issuer_organization_id = app_uuid('app.organization_id')) OR "
    "(app_text('app.scope') = 'municipality' AND issuer_organization_id IS NULL "
    "AND issuer_municipality_id = app_uuid('app.municipality_id'))"
)
BY_NUMBER = "app_text('app.certificate_number') <> '' AND number = app_text('app.certificate_number')"
HOLDERS = rls.within_region(rls.IN_OWN_ORGANIZATION, rls.IN_MUNICIPAL_ORGANIZATIONS, ISSUER)

SQL = f"""
CREATE TABLE certificate (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    number varchar(32) NOT NULL,                 -- e.g. «НШ-2026-00017»: series, year, sequence
    kind varchar(10) NOT NULL CHECK (kind IN ('training', 'curator')),
    organization_id uuid NOT NULL,               -- the holder's organization when it was issued
    person_id uuid NOT NULL,
    user_id uuid,
    holder_name text NOT NULL CHECK (btrim(holder_name) <> ''),
    title text NOT NULL CHECK (btrim(title) <> ''),   -- the programme, or «Сертификация кураторов …»
    hours numeric(6, 1),
    starts_on date,                              -- the training's dates
    ends_on date,
    issued_on date NOT NULL,
    valid_until date,                            -- NULL: without a term
    issuer_organization_id uuid,                 -- whose service issued it (neither: the region's)
    issuer_municipality_id uuid,
    issuer_name text NOT NULL,
    signatory_name text NOT NULL DEFAULT '',
    signatory_position text NOT NULL DEFAULT '',
    source_kind varchar(20) NOT NULL,            -- 'school_enrolment' | 'certification_application'
    source_id uuid NOT NULL,
    order_id uuid,                               -- the order it was issued under, if any
    revoked_at timestamptz,
    revoked_reason text NOT NULL DEFAULT '',
    revoked_by uuid,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, number),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id),
    CHECK (revoked_at IS NULL OR btrim(revoked_reason) <> ''),
    CHECK (valid_until IS NULL OR valid_until >= issued_on)
);
CREATE INDEX certificate_number_idx ON certificate (number);
CREATE UNIQUE INDEX certificate_source_once ON certificate (region_id, source_kind, source_id) WHERE revoked_at IS NULL;
CREATE INDEX certificate_person_idx ON certificate (region_id, person_id);

-- The last number given per series and year in a region: numbers are issued under a row lock, without gaps.
CREATE TABLE certificate_sequence (
    region_id uuid NOT NULL REFERENCES region (id),
    series varchar(8) NOT NULL,
    year smallint NOT NULL,
    last integer NOT NULL DEFAULT 0,
    PRIMARY KEY (region_id, series, year)
);

-- Expiry reminders sent (60 and 30 days before), so each goes once.
CREATE TABLE certificate_reminder (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    certificate_id uuid NOT NULL,
    days_before smallint NOT NULL CHECK (days_before IN (60, 30)),
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, certificate_id, days_before),
    FOREIGN KEY (region_id, certificate_id) REFERENCES certificate (region_id, id) ON DELETE CASCADE
);

{rls.enable("certificate", f"{HOLDERS} OR ({BY_NUMBER})", check=rls.within_region(ISSUER))}
{rls.enable("certificate_sequence", f"{rls.PLATFORM} OR ({rls.IN_REGION} AND {rls.SIGNED_IN})")}
{rls.enable("certificate_reminder", rls.organization_rows())}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "certificates", DESCRIPTION, SQL)
