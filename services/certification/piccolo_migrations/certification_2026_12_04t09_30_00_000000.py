"""Curator certification: the region's rounds with their requirements and criteria, the commission named by the
region's order, the curators' applications with portfolios, the members' scores and the decisions."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-04T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Curator certification"

REGION_WRITES = f"{rls.PLATFORM} OR ({rls.IN_REGION} AND {rls.REGION_WIDE})"


def member_of(table: str) -> str:
    """A commission member of the row's round, never for an application from the member's own organization."""
    return (
        f"{table}.round_id IN (SELECT m.round_id FROM certification_member m "
        f"WHERE m.user_id = app_uuid('app.user_id') AND m.organization_id IS DISTINCT FROM {table}.organization_id)"
    )


def applicants(table: str) -> str:
    return rls.within_region(rls.IN_OWN_ORGANIZATION, rls.IN_MUNICIPAL_ORGANIZATIONS, member_of(table))


SQL = f"""
CREATE TABLE certification_round (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    title text NOT NULL CHECK (btrim(title) <> ''),
    applications_from date NOT NULL,
    applications_until date NOT NULL,
    min_school_hours numeric(6, 1) NOT NULL DEFAULT 0 CHECK (min_school_hours >= 0),
    min_curator_months smallint NOT NULL DEFAULT 0 CHECK (min_curator_months >= 0),
    pass_score numeric(6, 1) NOT NULL CHECK (pass_score > 0),
    in_person varchar(10) NOT NULL DEFAULT 'interview' CHECK (in_person IN ('interview', 'defence')),
    in_person_description text NOT NULL DEFAULT '',
    in_person_max numeric(6, 1) NOT NULL DEFAULT 0 CHECK (in_person_max >= 0),
    validity_years smallint NOT NULL DEFAULT 3 CHECK (validity_years BETWEEN 1 AND 10),
    status varchar(8) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'review', 'closed')),
    commission_order_id uuid,                    -- the region's order naming the commission
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    CHECK (applications_until >= applications_from)
);

CREATE TABLE certification_criterion (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    round_id uuid NOT NULL,
    position smallint NOT NULL DEFAULT 0,
    -- what the platform counts for it: approved_programme, pairs_completed, monitoring_on_time, roadmap_held,
    -- cases_published, contest_results, school_hours; or 'manual' (an upload the commission judges)
    source varchar(20) NOT NULL,
    title text NOT NULL CHECK (btrim(title) <> ''),
    points_per_item numeric(6, 1) NOT NULL DEFAULT 1 CHECK (points_per_item >= 0),
    max_points numeric(6, 1) NOT NULL CHECK (max_points > 0),
    required boolean NOT NULL DEFAULT false,     -- the application cannot be sent without it
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, round_id) REFERENCES certification_round (region_id, id) ON DELETE CASCADE
);

CREATE TABLE certification_member (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    round_id uuid NOT NULL,
    user_id uuid NOT NULL REFERENCES app_user (id),
    full_name text NOT NULL,
    position text NOT NULL DEFAULT '',
    organization_id uuid,                        -- where the member works: they never score its curators
    is_chair boolean NOT NULL DEFAULT false,
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, round_id, user_id),
    FOREIGN KEY (region_id, round_id) REFERENCES certification_round (region_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX certification_member_one_chair ON certification_member (region_id, round_id) WHERE is_chair;

CREATE TABLE certification_application (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    round_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    user_id uuid NOT NULL REFERENCES app_user (id),   -- the curator
    person_id uuid,                                   -- the curator's record in the organization's base
    full_name text NOT NULL,
    -- draft -> submitted -> certified | not_certified | returned (sent for completion, a draft again)
    state varchar(14) NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'submitted', 'certified', 'not_certified', 'returned')),
    portfolio jsonb NOT NULL DEFAULT '{{}}',          -- assembled from the platform's data when sent
    auto_points numeric(6, 1) NOT NULL DEFAULT 0,
    total_score numeric(6, 1),
    submitted_at timestamptz,
    decided_at timestamptz,
    decided_by uuid,
    decision_reasons text NOT NULL DEFAULT '',
    decision_order_id uuid,
    certificate_id uuid,
    previous_certificate_id uuid,                     -- a re-certification
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, round_id) REFERENCES certification_round (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    CHECK (state NOT IN ('not_certified', 'returned') OR btrim(decision_reasons) <> '')
);
CREATE UNIQUE INDEX certification_application_once ON certification_application (region_id, round_id, user_id);

CREATE TABLE certification_upload (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    round_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    application_id uuid NOT NULL,
    criterion_id uuid,
    title text NOT NULL CHECK (btrim(title) <> ''),
    filename varchar(200) NOT NULL,
    content_type varchar(100) NOT NULL,
    data bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, application_id) REFERENCES certification_application (region_id, id) ON DELETE CASCADE
);

CREATE TABLE certification_score (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    round_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    application_id uuid NOT NULL,
    member_id uuid NOT NULL,
    criterion_id uuid,                           -- NULL: the in-person interview or defence
    points numeric(6, 1) NOT NULL CHECK (points >= 0),
    comment text NOT NULL DEFAULT '',
    submitted_at timestamptz,                    -- a member's sheet is blind to others' until submitted
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, application_id) REFERENCES certification_application (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, member_id) REFERENCES certification_member (region_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX certification_score_once ON certification_score
    (region_id, application_id, member_id, COALESCE(criterion_id, '00000000-0000-0000-0000-000000000000'));

{rls.enable("certification_round", rls.region_rows(), check=REGION_WRITES)}
{rls.enable("certification_criterion", rls.region_rows(), check=REGION_WRITES)}
{rls.enable("certification_member", rls.region_rows(), check=REGION_WRITES)}
{rls.enable("certification_application", applicants("certification_application"))}
{rls.enable("certification_upload", applicants("certification_upload"))}
{rls.enable("certification_score", applicants("certification_score"))}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "certification", DESCRIPTION, SQL)
