"""Pairs and groups, their mentors over time, development plans, meetings and rhythm alerts."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Mentoring"

ORGANIZATION_COLUMNS = """
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,"""
ORGANIZATION_KEYS = """
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id)"""
OF_MENTORSHIP = "FOREIGN KEY (region_id, mentorship_id) REFERENCES mentorship (region_id, id) ON DELETE CASCADE"

SQL = f"""
-- A pair (one mentee) or a group (several) under one mentor, a form and a role model.
CREATE TABLE mentorship ({ORGANIZATION_COLUMNS}
    programme_id uuid NOT NULL,
    mentor_id uuid NOT NULL,
    form_id uuid NOT NULL REFERENCES mentorship_form (id),
    role_model_id uuid REFERENCES role_model (id),
    status varchar(12) NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'approved', 'active', 'completed', 'ended_early')),
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on > starts_on AND ends_on < starts_on + interval '1 year'),
    extended_to date CHECK (extended_to > ends_on),
    extension_reason text NOT NULL DEFAULT '',
    order_id uuid,
    finished_on date,
    end_reason text NOT NULL DEFAULT '',
    score integer,
    score_details jsonb NOT NULL DEFAULT '{{}}',
    created_by uuid REFERENCES app_user (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),{ORGANIZATION_KEYS},
    FOREIGN KEY (region_id, programme_id) REFERENCES programme (region_id, id),
    FOREIGN KEY (region_id, mentor_id) REFERENCES person (region_id, id),
    CHECK ((status IN ('completed', 'ended_early')) = (finished_on IS NOT NULL)),
    CHECK (extended_to IS NULL OR length(btrim(extension_reason)) > 0)
);
CREATE INDEX mentorship_programme_idx ON mentorship (region_id, programme_id, status);
CREATE INDEX mentorship_mentor_idx ON mentorship (region_id, mentor_id);

CREATE TABLE mentorship_mentee ({ORGANIZATION_COLUMNS}
    mentorship_id uuid NOT NULL,
    mentee_id uuid NOT NULL,{ORGANIZATION_KEYS},
    {OF_MENTORSHIP},
    FOREIGN KEY (region_id, mentee_id) REFERENCES person (region_id, id),
    UNIQUE (region_id, mentorship_id, mentee_id)
);
CREATE INDEX mentorship_mentee_person_idx ON mentorship_mentee (region_id, mentee_id);

-- Every mentor a pair had: the first from its start, each replacement by order with its reason.
CREATE TABLE mentor_change ({ORGANIZATION_COLUMNS}
    mentorship_id uuid NOT NULL,
    mentor_id uuid NOT NULL,
    since date NOT NULL,
    reason varchar(20) NOT NULL DEFAULT '',
    order_id uuid,
    pending boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),{ORGANIZATION_KEYS},
    {OF_MENTORSHIP},
    FOREIGN KEY (region_id, mentor_id) REFERENCES person (region_id, id)
);
CREATE INDEX mentor_change_mentorship_idx ON mentor_change (region_id, mentorship_id, since);

-- The development plan of 002 §8.6.3: the wishes table and the goal map, a row each.
CREATE TABLE plan_row ({ORGANIZATION_COLUMNS}
    mentorship_id uuid NOT NULL,
    kind varchar(5) NOT NULL CHECK (kind IN ('wish', 'goal')),
    position integer NOT NULL,
    cells jsonb NOT NULL,
    updated_by uuid REFERENCES app_user (id),
    updated_at timestamptz NOT NULL DEFAULT now(),{ORGANIZATION_KEYS},
    {OF_MENTORSHIP}
);
CREATE INDEX plan_row_mentorship_idx ON plan_row (region_id, mentorship_id, kind, position);

CREATE TABLE meeting ({ORGANIZATION_COLUMNS}
    mentorship_id uuid NOT NULL,
    kind varchar(14) NOT NULL CHECK (kind IN ('acquaintance', 'trial', 'planning', 'regular', 'final')),
    held_on date NOT NULL,
    minutes integer NOT NULL CHECK (minutes BETWEEN 5 AND 600),
    format varchar(10) NOT NULL CHECK (format IN ('in_person', 'chat', 'call', 'video')),
    curator_present boolean NOT NULL DEFAULT false,
    participants text NOT NULL DEFAULT '',
    answers jsonb NOT NULL DEFAULT '{{}}',
    closeness smallint CHECK (closeness BETWEEN 1 AND 10),
    wants_to_mentor boolean,
    recorded_by uuid REFERENCES app_user (id),
    created_at timestamptz NOT NULL DEFAULT now(),{ORGANIZATION_KEYS},
    {OF_MENTORSHIP},
    CHECK (kind <> 'final' OR closeness IS NOT NULL)
);
CREATE INDEX meeting_mentorship_idx ON meeting (region_id, mentorship_id, held_on DESC);

-- One alert per pair per lapse: the lapse is named by the last meeting (or the start) it follows.
CREATE TABLE rhythm_alert ({ORGANIZATION_COLUMNS}
    mentorship_id uuid NOT NULL,
    kind varchar(14) NOT NULL CHECK (kind IN ('no_meeting', 'short_meeting')),
    lapse varchar(60) NOT NULL,
    details text NOT NULL DEFAULT '',
    found_at timestamptz NOT NULL DEFAULT now(),
    mailed_at timestamptz,{ORGANIZATION_KEYS},
    {OF_MENTORSHIP},
    UNIQUE (region_id, mentorship_id, kind, lapse)
);

{rls.tenant_table("mentorship")}
{rls.tenant_table("mentorship_mentee")}
{rls.tenant_table("mentor_change")}
{rls.tenant_table("plan_row")}
{rls.tenant_table("meeting")}
{rls.tenant_table("rhythm_alert")}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "mentoring", DESCRIPTION, SQL)
