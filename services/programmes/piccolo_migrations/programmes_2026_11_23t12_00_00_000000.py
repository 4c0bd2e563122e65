"""Programmes: the forms catalogue, the constructor, the roadmap, mentor selection and the orders."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from services.programmes.catalogue import FORMS
from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Programmes"


def _text_array(items: tuple[str, ...]) -> str:
    return "ARRAY[" + ", ".join(f"$t${item}$t$" for item in items) + "]::text[]" if items else "'{}'::text[]"


def _builtin_catalogue() -> str:
    """The forms of 002 §5 and 004 §2 as they are at this version; variants refer to their general form."""
    lines = ["SELECT set_config('app.scope', 'platform', true);"]
    for position, spec in enumerate(FORMS):
        parent = f"(SELECT id FROM mentorship_form WHERE region_id IS NULL AND code = '{spec.parent}')"
        lines.append(
            "INSERT INTO mentorship_form (code, parent_id, title, goal, tasks, expected_results, evaluated_results,"
            " mentor_portrait, mentee_portrait, application, mentor_categories, mentee_categories, position) VALUES ("
            f"'{spec.code}', {parent if spec.parent else 'NULL'}, $t${spec.title}$t$, $t${spec.goal}$t$,"
            f" {_text_array(spec.tasks)}, $t${spec.expected_results}$t$, {_text_array(spec.evaluated_results)},"
            f" $t${spec.mentor_portrait}$t$, $t${spec.mentee_portrait}$t$, $t${spec.application}$t$,"
            f" {_text_array(tuple(spec.mentor_categories))}, {_text_array(tuple(spec.mentee_categories))}, {position});"
        )
        for model_position, model in enumerate(spec.role_models):
            lines.append(
                "INSERT INTO role_model (form_id, code, title, description, position) VALUES ("
                f"(SELECT id FROM mentorship_form WHERE region_id IS NULL AND code = '{spec.code}'),"
                f" '{model.code}', $t${model.title}$t$, $t${model.description}$t$, {model_position});"
            )
    return "\n".join(lines)


# A row belongs to an organization, a municipality (organization_id NULL) or the region (both NULL).
OWNED = rls.within_region(rls.IN_OWN_ORGANIZATION, rls.IN_MUNICIPAL_ORGANIZATIONS, rls.IN_OWN_MUNICIPALITY)
# Built-in catalogue rows (region_id NULL) are read by everyone and written only by the platform.
CATALOGUE_READ = f"region_id IS NULL OR {rls.PLATFORM} OR {rls.IN_REGION}"
CATALOGUE_WRITE = f"{rls.PLATFORM} OR ({rls.IN_REGION} AND {rls.REGION_WIDE})"

OWNER_COLUMNS = """
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid,
    municipality_id uuid,"""
OWNER_KEYS = """
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id),
    CHECK (organization_id IS NULL OR municipality_id IS NULL)"""

SQL = f"""
CREATE TABLE mentorship_form (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id uuid REFERENCES region (id),
    code varchar(60) NOT NULL,
    parent_id uuid REFERENCES mentorship_form (id),
    title text NOT NULL CHECK (length(btrim(title)) > 0),
    goal text NOT NULL DEFAULT '',
    tasks text[] NOT NULL DEFAULT '{{}}',
    expected_results text NOT NULL DEFAULT '',
    evaluated_results text[] NOT NULL DEFAULT '{{}}',
    mentor_portrait text NOT NULL DEFAULT '',
    mentee_portrait text NOT NULL DEFAULT '',
    application text NOT NULL DEFAULT '',
    mentor_categories text[] NOT NULL CHECK (cardinality(mentor_categories) > 0),
    mentee_categories text[] NOT NULL CHECK (cardinality(mentee_categories) > 0),
    position integer NOT NULL DEFAULT 1000,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (region_id, code)
);

CREATE TABLE role_model (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    region_id uuid REFERENCES region (id),
    form_id uuid NOT NULL REFERENCES mentorship_form (id),
    code varchar(60) NOT NULL,
    title text NOT NULL CHECK (length(btrim(title)) > 0),
    description text NOT NULL DEFAULT '',
    position integer NOT NULL DEFAULT 1000,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (region_id, code)
);

CREATE TABLE programme ({OWNER_COLUMNS}
    title text NOT NULL CHECK (length(btrim(title)) > 0),
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on > starts_on),
    problem text NOT NULL DEFAULT '',
    goal text NOT NULL DEFAULT '',
    smart_specific text NOT NULL DEFAULT '',
    smart_measurable text NOT NULL DEFAULT '',
    smart_achievable text NOT NULL DEFAULT '',
    smart_relevant text NOT NULL DEFAULT '',
    smart_time_bound text NOT NULL DEFAULT '',
    target_indicator varchar(40) NOT NULL DEFAULT '',
    target_title text NOT NULL DEFAULT '',
    target_baseline numeric,
    target_value numeric,
    target_deadline date,
    audience text NOT NULL DEFAULT '',
    qualitative_results text NOT NULL DEFAULT '',
    implementers text NOT NULL DEFAULT '',
    resources text NOT NULL DEFAULT '',
    regulations text NOT NULL DEFAULT '',
    form_ids uuid[] NOT NULL DEFAULT '{{}}',
    role_model_ids uuid[] NOT NULL DEFAULT '{{}}',
    max_mentees_per_mentor integer NOT NULL DEFAULT 2 CHECK (max_mentees_per_mentor BETWEEN 1 AND 30),
    group_work boolean NOT NULL DEFAULT false,
    max_pair_months integer NOT NULL DEFAULT 12 CHECK (max_pair_months BETWEEN 1 AND 12),
    approved_order_id uuid,
    roadmap_order_id uuid,
    registry_order_id uuid,
    created_by uuid REFERENCES app_user (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),{OWNER_KEYS}
);
CREATE INDEX programme_owner_idx ON programme (region_id, organization_id, municipality_id, starts_on DESC);

-- A quantitative expected result: a live indicator the system counts, or a number typed by hand.
CREATE TABLE programme_result ({OWNER_COLUMNS}
    programme_id uuid NOT NULL,
    position integer NOT NULL,
    indicator varchar(40) NOT NULL DEFAULT '',
    title text NOT NULL CHECK (length(btrim(title)) > 0),
    baseline numeric,
    target numeric NOT NULL,
    manual_value numeric,{OWNER_KEYS},
    FOREIGN KEY (region_id, programme_id) REFERENCES programme (region_id, id) ON DELETE CASCADE
);
CREATE INDEX programme_result_programme_idx ON programme_result (region_id, programme_id);

CREATE TABLE roadmap_event ({OWNER_COLUMNS}
    programme_id uuid NOT NULL,
    stage smallint NOT NULL CHECK (stage BETWEEN 1 AND 7),
    position integer NOT NULL DEFAULT 0,
    title text NOT NULL CHECK (length(btrim(title)) > 0),
    period_label varchar(60) NOT NULL DEFAULT '',
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on >= starts_on),
    responsible text NOT NULL DEFAULT '',
    expected_result text NOT NULL DEFAULT '',
    status varchar(12) NOT NULL DEFAULT 'planned'
        CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    done_on date,
    evidence_link text NOT NULL DEFAULT '',
    evidence_note text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),{OWNER_KEYS},
    FOREIGN KEY (region_id, programme_id) REFERENCES programme (region_id, id) ON DELETE CASCADE,
    CHECK ((status = 'done') = (done_on IS NOT NULL))
);
CREATE INDEX roadmap_event_programme_idx ON roadmap_event (region_id, programme_id, stage, position);

CREATE TABLE roadmap_evidence ({OWNER_COLUMNS}
    event_id uuid NOT NULL,
    filename varchar(200) NOT NULL DEFAULT '',
    content_type varchar(100) NOT NULL,
    data bytea NOT NULL CHECK (length(data) <= 10 * 1024 * 1024),
    uploaded_at timestamptz NOT NULL DEFAULT now(),{OWNER_KEYS},
    FOREIGN KEY (region_id, event_id) REFERENCES roadmap_event (region_id, id) ON DELETE CASCADE
);
CREATE INDEX roadmap_evidence_event_idx ON roadmap_evidence (region_id, event_id);

-- The selection commission (004 §2.13): 3 to 5 members, chaired by the head, the curator among them.
CREATE TABLE commission_member ({OWNER_COLUMNS}
    programme_id uuid NOT NULL,
    position integer NOT NULL,
    role varchar(8) NOT NULL CHECK (role IN ('chair', 'curator', 'member')),
    full_name varchar(300) NOT NULL CHECK (length(btrim(full_name)) > 0),
    job_title varchar(200) NOT NULL DEFAULT '',
    user_id uuid REFERENCES app_user (id),{OWNER_KEYS},
    FOREIGN KEY (region_id, programme_id) REFERENCES programme (region_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX commission_chair_idx ON commission_member (region_id, programme_id) WHERE role = 'chair';

CREATE TABLE mentor_application ({OWNER_COLUMNS}
    programme_id uuid NOT NULL,
    person_id uuid NOT NULL,
    applied_on date NOT NULL,
    motivation text NOT NULL DEFAULT '',
    education text NOT NULL DEFAULT '',
    experience text NOT NULL DEFAULT '',
    achievements text NOT NULL DEFAULT '',
    interviewed_on date,
    interview_notes text NOT NULL DEFAULT '',
    principles text[] NOT NULL DEFAULT '{{}}',
    decision varchar(10) NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'approved', 'rejected')),
    decision_note text NOT NULL DEFAULT '',
    decided_on date,
    created_at timestamptz NOT NULL DEFAULT now(),{OWNER_KEYS},
    FOREIGN KEY (region_id, programme_id) REFERENCES programme (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id),
    UNIQUE (region_id, programme_id, person_id),
    CHECK ((decision = 'pending') = (decided_on IS NULL))
);

-- An order the head signs; "approved" means registered in the document register with a number and a date.
CREATE TABLE programme_order ({OWNER_COLUMNS}
    programme_id uuid,
    kind varchar(24) NOT NULL CHECK (kind IN ('approve_programme', 'approve_roadmap', 'approve_registry',
        'approve_pairs', 'replace_mentor', 'enrol_mentor_school')),
    title text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{{}}',
    number varchar(30),
    signed_on date,
    year integer GENERATED ALWAYS AS (extract(year FROM signed_on)::integer) STORED,
    document bytea,
    scan bytea CHECK (length(scan) <= 10 * 1024 * 1024),
    scan_content_type varchar(100) NOT NULL DEFAULT '',
    scan_filename varchar(200) NOT NULL DEFAULT '',
    created_by uuid REFERENCES app_user (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    registered_by uuid REFERENCES app_user (id),
    registered_at timestamptz,{OWNER_KEYS},
    FOREIGN KEY (region_id, programme_id) REFERENCES programme (region_id, id),
    CHECK ((number IS NULL) = (signed_on IS NULL) AND (number IS NULL) = (document IS NULL))
);
CREATE UNIQUE INDEX programme_order_number_idx ON programme_order
    (region_id, coalesce(organization_id, municipality_id, region_id), year, lower(number)) WHERE number IS NOT NULL;
CREATE INDEX programme_order_programme_idx ON programme_order (region_id, programme_id);

{rls.enable("mentorship_form", CATALOGUE_READ, check=CATALOGUE_WRITE)}
{rls.enable("role_model", CATALOGUE_READ, check=CATALOGUE_WRITE)}
{rls.enable("programme", OWNED)}
{rls.enable("programme_result", OWNED)}
{rls.enable("roadmap_event", OWNED)}
{rls.enable("roadmap_evidence", OWNED)}
{rls.enable("commission_member", OWNED)}
{rls.enable("mentor_application", OWNED)}
{rls.enable("programme_order", OWNED)}

{_builtin_catalogue()}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "programmes", DESCRIPTION, SQL)
