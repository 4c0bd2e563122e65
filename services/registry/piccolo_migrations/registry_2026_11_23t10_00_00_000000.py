"""People of the regional base, participations, consents with scans, and the audit log."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Participant bases"

# A person is seen by the organization keeping the record and by every organization they take part in;
# a lookup by СНИЛС (the regional base holds each person once) sees just the rows it names.
PERSON_SCOPE = f"{rls.organization_rows()} OR id IN (SELECT p.person_id FROM participation p)"

SQL = f"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE person (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    surname varchar(100) NOT NULL CHECK (length(btrim(surname)) > 0),
    name varchar(100) NOT NULL CHECK (length(btrim(name)) > 0),
    patronymic varchar(100) NOT NULL DEFAULT '',
    birth_date date CHECK (birth_date > '1900-01-01'),
    sex varchar(6) NOT NULL DEFAULT '' CHECK (sex IN ('', 'male', 'female')),
    email varchar(254) NOT NULL DEFAULT '',
    phone varchar(40) NOT NULL DEFAULT '',
    snils varchar(11) CHECK (snils ~ '^[0-9]{{11}}$'),
    category varchar(16) NOT NULL CHECK (category IN ('learner', 'staff', 'employer', 'graduate', 'parent')),
    class_or_course varchar(20) NOT NULL DEFAULT '',
    position varchar(200) NOT NULL DEFAULT '',
    subject varchar(200) NOT NULL DEFAULT '',
    teaching_experience integer CHECK (teaching_experience BETWEEN 0 AND 70),
    company varchar(300) NOT NULL DEFAULT '',
    graduation_year integer CHECK (graduation_year BETWEEN 1950 AND 2100),
    sort_key bytea NOT NULL,
    full_name text GENERATED ALWAYS AS (
        surname || ' ' || name || CASE WHEN patronymic <> '' THEN ' ' || patronymic ELSE '' END) STORED,
    merged_into uuid,
    archived_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, merged_into) REFERENCES person (region_id, id)
);
CREATE UNIQUE INDEX person_snils_idx ON person (region_id, snils) WHERE snils IS NOT NULL AND merged_into IS NULL;
CREATE INDEX person_name_trgm_idx ON person USING gin (full_name gin_trgm_ops);
CREATE INDEX person_match_idx ON person (region_id, lower(surname), lower(name), birth_date);
CREATE INDEX person_organization_idx ON person (region_id, organization_id);

CREATE TABLE participation (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    person_id uuid NOT NULL,
    role varchar(24) NOT NULL CHECK (role IN ('mentee_candidate', 'mentor_candidate', 'mentor', 'curator')),
    since date NOT NULL DEFAULT current_date,
    archived_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id),
    UNIQUE (region_id, organization_id, person_id, role)
);
CREATE INDEX participation_person_idx ON participation (region_id, person_id);

CREATE TABLE consent (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    person_id uuid NOT NULL,
    kind varchar(16) NOT NULL CHECK (kind IN ('personal_data', 'participation')),
    given_by varchar(16) NOT NULL CHECK (given_by IN ('self', 'representative')),
    representative_name varchar(300) NOT NULL DEFAULT '',
    representative_relation varchar(100) NOT NULL DEFAULT '',
    representative_document varchar(300) NOT NULL DEFAULT '',
    given_on date NOT NULL,
    withdrawn_on date CHECK (withdrawn_on >= given_on),
    has_scan boolean NOT NULL DEFAULT false,
    created_by uuid REFERENCES app_user (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id),
    CHECK (given_by = 'self' OR length(btrim(representative_name)) > 0)
);
CREATE INDEX consent_person_idx ON consent (region_id, person_id);

CREATE TABLE consent_scan (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    consent_id uuid NOT NULL,
    content_type varchar(40) NOT NULL,
    filename varchar(200) NOT NULL DEFAULT '',
    data bytea NOT NULL CHECK (length(data) <= 10 * 1024 * 1024),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, consent_id) REFERENCES consent (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id)
);
CREATE INDEX consent_scan_consent_idx ON consent_scan (region_id, consent_id);

-- A merge of two records of one person, kept so that it can be undone.
CREATE TABLE person_merge (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,  -- the survivor's keeper: who may see and undo the merge
    survivor_id uuid NOT NULL,
    duplicate_id uuid NOT NULL,
    moved_participations uuid[] NOT NULL DEFAULT '{{}}',
    moved_consents uuid[] NOT NULL DEFAULT '{{}}',
    merged_by uuid REFERENCES app_user (id),
    merged_at timestamptz NOT NULL DEFAULT now(),
    undone_by uuid REFERENCES app_user (id),
    undone_at timestamptz,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, survivor_id) REFERENCES person (region_id, id),
    FOREIGN KEY (region_id, duplicate_id) REFERENCES person (region_id, id)
);

-- Who read or changed whose personal data. An organization reads what was done in it (a card's history);
-- the region reads it all; every scope of the region writes.
CREATE TABLE audit_log (
    region_id uuid NOT NULL REFERENCES region (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    at timestamptz NOT NULL DEFAULT now(),
    user_id uuid,
    organization_id uuid,
    action varchar(24) NOT NULL,
    person_id uuid,
    details text NOT NULL DEFAULT '',
    ip varchar(64) NOT NULL DEFAULT '',
    PRIMARY KEY (region_id, id)
);
CREATE INDEX audit_log_person_idx ON audit_log (region_id, person_id, at DESC);
CREATE INDEX audit_log_at_idx ON audit_log (region_id, at DESC);

{
    rls.enable(
        "person",
        f"{PERSON_SCOPE} OR snils = ANY(string_to_array(app_text('app.snils_lookup'), ','))",
        check=PERSON_SCOPE,
    )
}
{rls.tenant_table("participation")}
{rls.tenant_table("consent")}
{rls.tenant_table("consent_scan")}
{rls.tenant_table("person_merge")}
{rls.enable("audit_log", rls.organization_rows(), check=f"{rls.PLATFORM} OR {rls.IN_REGION}")}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
