"""The network mentor school: schools of the region, a municipality or a base organization; programmes with
modules, materials and a test; cohorts with trainers and sessions; enrolments, attendance and attempts."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-04T09:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Network mentor school"

# Catalogue rows: the region reads them, the school's runner writes them, a visitor reads the published ones.
PUBLISHED_PROGRAMME = "programme_id IN (SELECT p.id FROM school_programme p WHERE p.published)"
RUNNER_WRITES = rls.within_region(rls.runner_of())
OWN_SCHOOL = rls.within_region(
    "app_text('app.scope') = 'organization' AND organization_id = app_uuid('app.organization_id')",
    rls.IN_OWN_MUNICIPALITY + " AND organization_id IS NULL",
)
PARTICIPANTS = rls.within_region(
    rls.IN_OWN_ORGANIZATION, rls.IN_MUNICIPAL_ORGANIZATIONS, rls.runner_of(), rls.trainer_of()
)

SQL = f"""
CREATE TABLE mentor_school (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid,              -- a base organization of the network runs it
    municipality_id uuid,              -- or a municipality; neither: the region's own school
    name text NOT NULL CHECK (btrim(name) <> ''),
    signatory_name text NOT NULL DEFAULT '',      -- who signs its certificates
    signatory_position text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id),
    CHECK (organization_id IS NULL OR municipality_id IS NULL)
);

CREATE TABLE school_programme (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    title text NOT NULL CHECK (btrim(title) <> ''),
    description text NOT NULL DEFAULT '',
    training varchar(12) NOT NULL DEFAULT 'primary' CHECK (training IN ('primary', 'in_process')),
    audience varchar(20)[] NOT NULL DEFAULT '{{}}'
        CHECK (audience <@ ARRAY['mentor_candidate', 'mentor', 'curator']::varchar[]),
    offered_to_all boolean NOT NULL DEFAULT true,         -- region-wide, or only to `municipality_ids`
    municipality_ids uuid[] NOT NULL DEFAULT '{{}}',
    -- completion rules: attendance share of the sessions' hours, hours attended, the assessment passed
    min_attendance_pct smallint NOT NULL DEFAULT 75 CHECK (min_attendance_pct BETWEEN 0 AND 100),
    min_hours numeric(6, 1) NOT NULL DEFAULT 0 CHECK (min_hours >= 0),
    assessment varchar(12) NOT NULL DEFAULT 'none' CHECK (assessment IN ('none', 'test', 'assignment', 'credit')),
    pass_mark_pct smallint NOT NULL DEFAULT 70 CHECK (pass_mark_pct BETWEEN 1 AND 100),
    max_attempts smallint NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 20),
    assignment_text text NOT NULL DEFAULT '',
    published boolean NOT NULL DEFAULT false,
    archived_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, school_id) REFERENCES mentor_school (region_id, id)
);

CREATE TABLE school_module (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    programme_id uuid NOT NULL,
    position smallint NOT NULL DEFAULT 0,
    topic text NOT NULL CHECK (btrim(topic) <> ''),
    hours numeric(5, 1) NOT NULL CHECK (hours > 0 AND hours <= 500),
    format varchar(12) NOT NULL
        CHECK (format IN ('opening', 'seminar', 'training', 'webinar', 'exchange', 'internship')),
    training varchar(12) NOT NULL DEFAULT 'primary' CHECK (training IN ('primary', 'in_process')),
    description text NOT NULL DEFAULT '',
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, programme_id) REFERENCES school_programme (region_id, id) ON DELETE CASCADE
);

CREATE TABLE school_material (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    programme_id uuid NOT NULL,
    module_id uuid,
    title text NOT NULL CHECK (btrim(title) <> ''),
    url text NOT NULL DEFAULT '',                 -- a link, or a file below
    filename varchar(200) NOT NULL DEFAULT '',
    content_type varchar(100) NOT NULL DEFAULT '',
    data bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, programme_id) REFERENCES school_programme (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, module_id) REFERENCES school_module (region_id, id) ON DELETE CASCADE,
    CHECK ((url <> '') <> (data IS NOT NULL))
);

CREATE TABLE school_question (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    programme_id uuid NOT NULL,
    position smallint NOT NULL DEFAULT 0,
    text text NOT NULL CHECK (btrim(text) <> ''),
    multiple boolean NOT NULL DEFAULT false,     -- several right options, or one
    options jsonb NOT NULL,                      -- ["вариант", ...]
    correct smallint[] NOT NULL,                 -- indexes into options
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, programme_id) REFERENCES school_programme (region_id, id) ON DELETE CASCADE,
    CHECK (cardinality(correct) >= 1 AND (multiple OR cardinality(correct) = 1))
);

CREATE TABLE school_cohort (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    programme_id uuid NOT NULL,
    title text NOT NULL CHECK (btrim(title) <> ''),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    place text NOT NULL DEFAULT '',
    online_link text NOT NULL DEFAULT '',
    capacity smallint NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    enrolment_open boolean NOT NULL DEFAULT true,
    published boolean NOT NULL DEFAULT true,      -- in the public offer while its programme is published
    cancelled_at timestamptz,
    enrolment_order_id uuid,                     -- programme_order of the school's level
    completion_order_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, programme_id) REFERENCES school_programme (region_id, id),
    CHECK (ends_on >= starts_on)
);

CREATE TABLE school_cohort_trainer (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    cohort_id uuid NOT NULL,
    user_id uuid NOT NULL REFERENCES app_user (id),
    full_name text NOT NULL,                     -- as the participants see it; the trainer may have no organization
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, cohort_id, user_id),
    FOREIGN KEY (region_id, cohort_id) REFERENCES school_cohort (region_id, id) ON DELETE CASCADE
);
CREATE INDEX school_cohort_trainer_user_idx ON school_cohort_trainer (user_id);

CREATE TABLE school_session (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    cohort_id uuid NOT NULL,
    module_id uuid,
    title text NOT NULL CHECK (btrim(title) <> ''),
    starts_at timestamptz NOT NULL,
    hours numeric(4, 1) NOT NULL CHECK (hours > 0 AND hours <= 12),
    place text NOT NULL DEFAULT '',
    checkin_code varchar(8) NOT NULL DEFAULT '',  -- shown in the room (and as a QR code) while check-in is open
    checkin_until timestamptz,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, cohort_id) REFERENCES school_cohort (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, module_id) REFERENCES school_module (region_id, id) ON DELETE SET NULL (module_id)
);
CREATE INDEX school_session_code_idx ON school_session (region_id, checkin_code) WHERE checkin_code <> '';

CREATE TABLE school_enrolment (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    cohort_id uuid NOT NULL,
    organization_id uuid NOT NULL,               -- the participant's organization, which nominated them
    person_id uuid NOT NULL,
    user_id uuid,                                -- the participant's account, for the cabinet and check-in
    audience varchar(20) NOT NULL CHECK (audience IN ('mentor_candidate', 'mentor', 'curator')),
    full_name text NOT NULL,                     -- as the trainer sees it: the trainer reads no registry
    organization_name text NOT NULL DEFAULT '',
    position text NOT NULL DEFAULT '',
    -- applied: by the person, waiting for the curator; nominated: by the curator, waiting for the school;
    -- accepted | waiting (the list beyond capacity) | declined | withdrawn
    state varchar(10) NOT NULL
        CHECK (state IN ('applied', 'nominated', 'accepted', 'waiting', 'declined', 'withdrawn')),
    requested_at timestamptz NOT NULL DEFAULT now(),   -- the waiting list's order
    nominated_by uuid,
    nominated_at timestamptz,
    decided_by uuid,
    decided_at timestamptz,
    reason text NOT NULL DEFAULT '',             -- why declined or withdrawn
    -- completed | not_completed, decided by the rules or by the trainer's override with a reason
    outcome varchar(14) CHECK (outcome IN ('completed', 'not_completed')),
    outcome_overridden boolean NOT NULL DEFAULT false,
    outcome_reason text NOT NULL DEFAULT '',
    outcome_by uuid,
    outcome_at timestamptz,
    hours_attended numeric(6, 1) NOT NULL DEFAULT 0,
    completed_on date,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, cohort_id) REFERENCES school_cohort (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id),
    CHECK (NOT outcome_overridden OR btrim(outcome_reason) <> '')
);
CREATE UNIQUE INDEX school_enrolment_once ON school_enrolment (region_id, cohort_id, person_id)
    WHERE state NOT IN ('declined', 'withdrawn');
CREATE INDEX school_enrolment_person_idx ON school_enrolment (region_id, person_id);

CREATE TABLE school_attendance (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    cohort_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    session_id uuid NOT NULL,
    enrolment_id uuid NOT NULL,
    status varchar(8) NOT NULL CHECK (status IN ('present', 'late', 'absent')),
    minutes_late smallint CHECK (minutes_late IS NULL OR minutes_late BETWEEN 1 AND 720),
    reason text NOT NULL DEFAULT '',             -- of an absence or a lateness
    via varchar(8) NOT NULL CHECK (via IN ('trainer', 'code')),
    marked_by uuid,
    marked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, session_id, enrolment_id),
    FOREIGN KEY (region_id, session_id) REFERENCES school_session (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, enrolment_id) REFERENCES school_enrolment (region_id, id) ON DELETE CASCADE
);

CREATE TABLE school_attempt (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    school_id uuid NOT NULL,
    cohort_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    enrolment_id uuid NOT NULL,
    kind varchar(12) NOT NULL CHECK (kind IN ('test', 'assignment', 'credit')),
    answers jsonb NOT NULL DEFAULT '{{}}',       -- a test: {{question id: [option indexes]}}
    text text NOT NULL DEFAULT '',               -- an assignment's answer
    filename varchar(200) NOT NULL DEFAULT '',
    content_type varchar(100) NOT NULL DEFAULT '',
    data bytea,
    score_pct numeric(5, 1),
    passed boolean,                              -- NULL: an assignment not yet graded
    comment text NOT NULL DEFAULT '',
    graded_by uuid,
    submitted_at timestamptz NOT NULL DEFAULT now(),
    graded_at timestamptz,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, enrolment_id) REFERENCES school_enrolment (region_id, id) ON DELETE CASCADE
);

{rls.enable("mentor_school", rls.region_rows(public="true"), check=OWN_SCHOOL)}
{rls.enable("school_programme", rls.region_rows(public="published"), check=RUNNER_WRITES)}
{rls.enable("school_module", rls.region_rows(public=PUBLISHED_PROGRAMME), check=RUNNER_WRITES)}
{rls.enable("school_material", rls.region_rows(), check=RUNNER_WRITES)}
{rls.enable("school_question", rls.region_rows(), check=RUNNER_WRITES)}
{rls.enable("school_cohort", rls.region_rows(public=f"published AND {PUBLISHED_PROGRAMME}"), check=RUNNER_WRITES)}
{rls.enable("school_cohort_trainer", rls.region_rows(), check=RUNNER_WRITES)}
{rls.enable("school_session", rls.region_rows(), check=rls.within_region(rls.runner_of(), rls.trainer_of()))}
{rls.enable("school_enrolment", PARTICIPANTS)}
{rls.enable("school_attendance", PARTICIPANTS)}
{rls.enable("school_attempt", PARTICIPANTS)}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "school", DESCRIPTION, SQL)
