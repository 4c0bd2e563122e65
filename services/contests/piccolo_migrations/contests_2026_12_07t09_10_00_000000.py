"""Contests «Наставник года», «Куратор года», «Лучшая пара «Наставник+»», «Лучшие практики наставничества» and the
organizers' own: nominations, stages, panels with juries and criteria, applications with portfolios, entries per
stage, declared conflicts, blind sheets, public votes, «Хочу участвовать», festivals with awards and photos.

Who sees what, in the database: the organizer (the region; a municipality for its contest and for the municipal
stage it runs; an organization for its own contest), the nominating organization and its municipality, a juror
(only entries of their panels that are not from their own organization, at the municipal stage not from their own
municipality, and not declared in conflict; only their own sheets and scores), and a public visitor (announced
contests, finalists, published results of consenting nominees, published festivals; a vote by its link)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-07T09:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Contests"


def organizer(prefix: str = "") -> str:
    """A municipality for its own contest, an organization for its own; the region's scope is added by
    `within_region`."""
    return (
        f"(app_text('app.scope') = 'municipality' AND {prefix}organization_id IS NULL "
        f"AND {prefix}municipality_id = app_uuid('app.municipality_id')) OR "
        f"(app_text('app.scope') = 'organization' AND {prefix}organization_id = app_uuid('app.organization_id'))"
    )


def organizer_of(column: str = "contest_id") -> str:
    return f"{column} IN (SELECT c.id FROM contest c WHERE {organizer('c.')})"


def runner_of(column: str = "panel_id") -> str:
    """The municipality (or organization) that runs the row's panel: a municipal stage of the region's contest."""
    return (
        f"{column} IN (SELECT p.id FROM contest_panel p WHERE "
        "(app_text('app.scope') = 'municipality' AND p.municipality_id = app_uuid('app.municipality_id')) OR "
        "(app_text('app.scope') = 'organization' AND p.organization_id = app_uuid('app.organization_id')))"
    )


JUROR = "app_text('app.scope') = 'juror'"
OWN_JURORS = "(SELECT j.id FROM contest_juror j WHERE j.user_id = app_uuid('app.user_id'))"
JUROR_OWN = f"{JUROR} AND juror_id IN {OWN_JURORS}"
CHAIR_OF_PANEL = (
    f"{JUROR} AND panel_id IN (SELECT j.panel_id FROM contest_juror j "
    "WHERE j.user_id = app_uuid('app.user_id') AND j.is_chair)"
)
# A juror's entries: their panels', never from their own organization, at the municipal stage never from their own
# municipality, never one they declared a conflict with.
JUROR_ENTRY = (
    f"{JUROR} AND EXISTS (SELECT 1 FROM contest_juror j JOIN contest_panel p "
    "ON p.region_id = j.region_id AND p.id = j.panel_id "
    "WHERE j.panel_id = contest_entry.panel_id AND j.user_id = app_uuid('app.user_id') "
    "AND j.organization_id IS DISTINCT FROM contest_entry.organization_id "
    "AND NOT (p.level = 'municipality' AND j.municipality_id IS NOT NULL "
    "AND j.municipality_id = contest_entry.municipality_id) "
    "AND NOT EXISTS (SELECT 1 FROM contest_conflict x "
    "WHERE x.juror_id = j.id AND x.application_id = contest_entry.application_id))"
)
JUROR_APPLICATION = f"{JUROR} AND id IN (SELECT e.application_id FROM contest_entry e)"
JUROR_UPLOAD = f"{JUROR} AND application_id IN (SELECT e.application_id FROM contest_entry e)"

PUBLIC_IN_REGION = f"{rls.PUBLIC} AND {rls.IN_REGION}"
ANNOUNCED = "contest_id IN (SELECT c.id FROM contest c)"  # the contest's own policy hides drafts from the public
PUBLIC_ENTRY = (
    f"{ANNOUNCED} AND (finalist OR panel_id IN "
    "(SELECT p.id FROM contest_panel p WHERE p.results_published_at IS NOT NULL))"
)
PUBLIC_APPLICATION = (
    "publication_consent AND state = 'submitted' AND id IN (SELECT e.application_id FROM contest_entry e)"
)
BY_TOKEN = "app_text('app.link_token_hash') <> '' AND token_hash = app_text('app.link_token_hash')"  # noqa: S105
# An organization (or the municipality) puts a new entry of its own into a panel; ranking it is the organizer's.
FRESH_ENTRY = (
    f"(({rls.IN_OWN_ORGANIZATION}) OR ({rls.IN_MUNICIPAL_ORGANIZATIONS})) "
    "AND state IN ('in_review', 'withdrawn') AND place IS NULL AND jury_score IS NULL AND total IS NULL"
)
FESTIVAL_ORGANIZER = f"festival_id IN (SELECT f.id FROM contest_festival f WHERE {organizer('f.')})"

CONTEST_WRITES = rls.within_region(organizer())
CATALOGUE_WRITES = rls.within_region(organizer_of())
PANEL_WRITES = rls.within_region(
    organizer_of(),
    "app_text('app.scope') = 'municipality' AND municipality_id = app_uuid('app.municipality_id')",
    "app_text('app.scope') = 'organization' AND organization_id = app_uuid('app.organization_id')",
)
RUNNERS = rls.within_region(organizer_of(), runner_of())

SQL = f"""
CREATE TABLE contest (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    level varchar(12) NOT NULL CHECK (level IN ('organization', 'municipality', 'region')),
    municipality_id uuid,
    organization_id uuid,
    title text NOT NULL CHECK (btrim(title) <> ''),
    year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    description text NOT NULL DEFAULT '',
    rules_url text NOT NULL DEFAULT '',
    status varchar(10) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'announced', 'finished')),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    CHECK (CASE level
        WHEN 'region' THEN municipality_id IS NULL AND organization_id IS NULL
        WHEN 'municipality' THEN municipality_id IS NOT NULL AND organization_id IS NULL
        ELSE municipality_id IS NOT NULL AND organization_id IS NOT NULL END)
);

CREATE TABLE contest_nomination (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    position smallint NOT NULL DEFAULT 0,
    kind varchar(16) NOT NULL
        CHECK (kind IN ('mentor_of_year', 'curator_of_year', 'best_pair', 'best_practice', 'custom')),
    title text NOT NULL CHECK (btrim(title) <> ''),
    description text NOT NULL DEFAULT '',
    roles varchar(24)[] NOT NULL DEFAULT '{{}}',
    min_experience_years smallint CHECK (min_experience_years >= 0),
    pair_completed_in_year boolean NOT NULL DEFAULT false,
    approved_programme boolean NOT NULL DEFAULT false,
    min_age smallint CHECK (min_age BETWEEN 14 AND 100),
    max_age smallint CHECK (max_age BETWEEN 14 AND 100),
    self_nomination boolean NOT NULL DEFAULT false,
    voting_mode varchar(16) NOT NULL DEFAULT 'none' CHECK (voting_mode IN ('none', 'audience_prize', 'weighted')),
    voting_weight numeric(4, 2) NOT NULL DEFAULT 0 CHECK (voting_weight >= 0 AND voting_weight < 1),
    voting_from timestamptz,
    voting_until timestamptz,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, contest_id) REFERENCES contest (region_id, id) ON DELETE CASCADE,
    CHECK (max_age IS NULL OR min_age IS NULL OR max_age >= min_age),
    CHECK (voting_mode <> 'weighted' OR voting_weight > 0),
    CHECK (voting_mode = 'none' OR (voting_from IS NOT NULL AND voting_until > voting_from))
);

CREATE TABLE contest_stage (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    position smallint NOT NULL CHECK (position BETWEEN 1 AND 3),
    level varchar(12) NOT NULL CHECK (level IN ('organization', 'municipality', 'region')),
    title text NOT NULL DEFAULT '',
    applications_from date NOT NULL,
    applications_until date NOT NULL,
    review_from date NOT NULL,
    review_until date NOT NULL,
    results_on date NOT NULL,
    advance_count smallint CHECK (advance_count BETWEEN 1 AND 1000),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, contest_id, position),
    FOREIGN KEY (region_id, contest_id) REFERENCES contest (region_id, id) ON DELETE CASCADE,
    CHECK (applications_until >= applications_from AND review_from >= applications_from
           AND review_until >= review_from AND results_on >= review_until)
);

CREATE TABLE contest_criterion (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    nomination_id uuid NOT NULL,
    position smallint NOT NULL DEFAULT 0,
    title text NOT NULL CHECK (btrim(title) <> ''),
    descriptors text NOT NULL DEFAULT '',
    max_points numeric(6, 1) NOT NULL CHECK (max_points > 0),
    weight numeric(4, 2) NOT NULL DEFAULT 1 CHECK (weight > 0),
    tie_break boolean NOT NULL DEFAULT false,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, stage_id) REFERENCES contest_stage (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, nomination_id) REFERENCES contest_nomination (region_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX contest_criterion_one_tie_break ON contest_criterion (region_id, stage_id, nomination_id)
    WHERE tie_break;

CREATE TABLE contest_panel (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    nomination_id uuid NOT NULL,
    level varchar(12) NOT NULL CHECK (level IN ('organization', 'municipality', 'region')),
    municipality_id uuid,
    organization_id uuid,
    status varchar(10) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finished')),
    finished_at timestamptz,
    finished_by uuid,
    results_published_at timestamptz,
    protocol_order_id uuid,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, stage_id) REFERENCES contest_stage (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, nomination_id) REFERENCES contest_nomination (region_id, id) ON DELETE CASCADE,
    CHECK (CASE level
        WHEN 'region' THEN municipality_id IS NULL AND organization_id IS NULL
        WHEN 'municipality' THEN municipality_id IS NOT NULL AND organization_id IS NULL
        ELSE municipality_id IS NOT NULL AND organization_id IS NOT NULL END),
    CHECK (results_published_at IS NULL OR status = 'finished')
);
CREATE UNIQUE INDEX contest_panel_once ON contest_panel (region_id, stage_id, nomination_id,
    COALESCE(municipality_id, '00000000-0000-0000-0000-000000000000'),
    COALESCE(organization_id, '00000000-0000-0000-0000-000000000000'));

CREATE TABLE contest_juror (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    panel_id uuid NOT NULL,
    user_id uuid NOT NULL REFERENCES app_user (id),
    full_name text NOT NULL CHECK (btrim(full_name) <> ''),
    position text NOT NULL DEFAULT '',
    organization_id uuid,
    municipality_id uuid,
    is_chair boolean NOT NULL DEFAULT false,
    reminded_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, panel_id, user_id),
    FOREIGN KEY (region_id, panel_id) REFERENCES contest_panel (region_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX contest_juror_one_chair ON contest_juror (region_id, panel_id) WHERE is_chair;
CREATE INDEX contest_juror_user_idx ON contest_juror (user_id);

CREATE TABLE contest_application (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    nomination_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    municipality_id uuid NOT NULL,
    person_id uuid NOT NULL,
    mentee_person_id uuid,
    mentorship_id uuid,
    user_id uuid REFERENCES app_user (id),
    self_nominated boolean NOT NULL DEFAULT false,
    full_name text NOT NULL CHECK (btrim(full_name) <> ''),
    title text NOT NULL DEFAULT '',
    state varchar(10) NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'prepared', 'submitted', 'withdrawn')),
    participation_consent_on date,
    publication_consent boolean NOT NULL DEFAULT false,
    representative_name text NOT NULL DEFAULT '',
    representative_consent_on date,
    essay text NOT NULL DEFAULT '' CHECK (length(essay) <= 20000),
    video_url text NOT NULL DEFAULT '' CHECK (video_url = '' OR video_url ~ '^https?://'),
    portfolio jsonb NOT NULL DEFAULT '{{}}',
    eligibility jsonb NOT NULL DEFAULT '{{}}',
    prepared_by uuid,
    prepared_at timestamptz,
    confirmed_by uuid,
    submitted_at timestamptz,
    withdrawn_at timestamptz,
    withdrawn_reason text NOT NULL DEFAULT '',
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, contest_id) REFERENCES contest (region_id, id),
    FOREIGN KEY (region_id, nomination_id) REFERENCES contest_nomination (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id),
    -- Nothing is sent without the nominee's consent to take part.
    CHECK (state NOT IN ('submitted') OR participation_consent_on IS NOT NULL),
    CHECK (state <> 'withdrawn' OR btrim(withdrawn_reason) <> '')
);
CREATE UNIQUE INDEX contest_application_once ON contest_application (region_id, nomination_id, person_id)
    WHERE state <> 'withdrawn';

CREATE TABLE contest_upload (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    application_id uuid NOT NULL,
    title text NOT NULL CHECK (btrim(title) <> ''),
    filename varchar(200) NOT NULL,
    content_type varchar(100) NOT NULL,
    data bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, application_id) REFERENCES contest_application (region_id, id) ON DELETE CASCADE
);

CREATE TABLE contest_entry (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    panel_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    nomination_id uuid NOT NULL,
    application_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    municipality_id uuid NOT NULL,
    from_entry_id uuid,
    state varchar(14) NOT NULL DEFAULT 'in_review' CHECK (state IN
        ('in_review', 'advanced', 'not_advanced', 'winner', 'participant', 'withdrawn')),
    finalist boolean NOT NULL DEFAULT false,
    jury_score numeric(8, 2),
    votes integer NOT NULL DEFAULT 0 CHECK (votes >= 0),
    total numeric(8, 2),
    place smallint CHECK (place >= 1),
    rank smallint CHECK (rank >= 1),
    tie_note text NOT NULL DEFAULT '',
    audience_prize boolean NOT NULL DEFAULT false,
    certificate_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, stage_id, application_id),
    FOREIGN KEY (region_id, panel_id) REFERENCES contest_panel (region_id, id),
    FOREIGN KEY (region_id, application_id) REFERENCES contest_application (region_id, id),
    FOREIGN KEY (region_id, from_entry_id) REFERENCES contest_entry (region_id, id)
);
CREATE INDEX contest_entry_panel_idx ON contest_entry (region_id, panel_id);

CREATE TABLE contest_conflict (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    panel_id uuid NOT NULL,
    juror_id uuid NOT NULL,
    application_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    reason text NOT NULL CHECK (btrim(reason) <> ''),
    declared_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, juror_id, application_id),
    FOREIGN KEY (region_id, juror_id) REFERENCES contest_juror (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, application_id) REFERENCES contest_application (region_id, id) ON DELETE CASCADE
);

CREATE TABLE contest_sheet (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    panel_id uuid NOT NULL,
    entry_id uuid NOT NULL,
    juror_id uuid NOT NULL,
    juror_name text NOT NULL DEFAULT '',
    organization_id uuid NOT NULL,
    comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 5000),
    submitted_at timestamptz,
    reopened_at timestamptz,
    reopened_by uuid,
    reopen_reason text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, entry_id, juror_id),
    FOREIGN KEY (region_id, entry_id) REFERENCES contest_entry (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, juror_id) REFERENCES contest_juror (region_id, id) ON DELETE CASCADE,
    CHECK (reopened_at IS NULL OR btrim(reopen_reason) <> '')
);

CREATE TABLE contest_score (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    panel_id uuid NOT NULL,
    entry_id uuid NOT NULL,
    sheet_id uuid NOT NULL,
    juror_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    criterion_id uuid NOT NULL,
    points numeric(6, 1) NOT NULL CHECK (points >= 0),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, sheet_id, criterion_id),
    FOREIGN KEY (region_id, sheet_id) REFERENCES contest_sheet (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, criterion_id) REFERENCES contest_criterion (region_id, id) ON DELETE CASCADE
);

CREATE TABLE contest_vote (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid NOT NULL,
    nomination_id uuid NOT NULL,
    entry_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    voter_hash varchar(64) NOT NULL,
    token_hash varchar(64) NOT NULL,
    network varchar(64) NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    confirmed_at timestamptz,
    flagged_at timestamptz,
    flag_reason text NOT NULL DEFAULT '',
    excluded_at timestamptz,
    excluded_by uuid,
    PRIMARY KEY (region_id, id),
    UNIQUE (token_hash),
    FOREIGN KEY (region_id, entry_id) REFERENCES contest_entry (region_id, id) ON DELETE CASCADE
);
-- One counted vote per person and nomination, however many links they asked for.
CREATE UNIQUE INDEX contest_vote_once ON contest_vote (region_id, nomination_id, voter_hash)
    WHERE confirmed_at IS NOT NULL;
CREATE INDEX contest_vote_network_idx ON contest_vote (region_id, nomination_id, network, created_at);

CREATE TABLE contest_wish (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid,
    nomination_kind varchar(16) NOT NULL
        CHECK (nomination_kind IN ('mentor_of_year', 'curator_of_year', 'best_pair', 'best_practice', 'custom')),
    organization_id uuid NOT NULL,
    municipality_id uuid NOT NULL,
    user_id uuid,
    person_id uuid,
    full_name text NOT NULL CHECK (btrim(full_name) <> ''),
    email varchar(254) NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id)
);

CREATE TABLE contest_festival (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    contest_id uuid,
    programme_id uuid,
    level varchar(12) NOT NULL CHECK (level IN ('organization', 'municipality', 'region')),
    municipality_id uuid,
    organization_id uuid,
    title text NOT NULL CHECK (btrim(title) <> ''),
    held_on date NOT NULL,
    place text NOT NULL DEFAULT '',
    agenda text NOT NULL DEFAULT '',
    audiences varchar(16)[] NOT NULL DEFAULT '{{}}',
    results text NOT NULL DEFAULT '',
    published_at timestamptz,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    CHECK (CASE level
        WHEN 'region' THEN municipality_id IS NULL AND organization_id IS NULL
        WHEN 'municipality' THEN municipality_id IS NOT NULL AND organization_id IS NULL
        ELSE municipality_id IS NOT NULL AND organization_id IS NOT NULL END)
);

CREATE TABLE contest_award (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    festival_id uuid NOT NULL,
    position smallint NOT NULL DEFAULT 0,
    title text NOT NULL CHECK (btrim(title) <> ''),
    winner_name text NOT NULL CHECK (btrim(winner_name) <> ''),
    entry_id uuid,
    certificate_id uuid,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, festival_id) REFERENCES contest_festival (region_id, id) ON DELETE CASCADE
);

CREATE TABLE contest_photo (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    festival_id uuid NOT NULL,
    caption text NOT NULL DEFAULT '',
    filename varchar(200) NOT NULL,
    content_type varchar(100) NOT NULL,
    data bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, festival_id) REFERENCES contest_festival (region_id, id) ON DELETE CASCADE
);

-- Diplomas of the winners and certificates of the participants, numbered and verified like the others.
ALTER TABLE certificate DROP CONSTRAINT certificate_kind_check;
ALTER TABLE certificate ADD CONSTRAINT certificate_kind_check
    CHECK (kind IN ('training', 'curator', 'diploma', 'participant'));

{rls.enable("contest", rls.region_rows(public="status <> 'draft'") + f" AND (status <> 'draft' OR {rls.PLATFORM} OR {rls.REGION_WIDE} OR {organizer()})", check=CONTEST_WRITES)}
{rls.enable("contest_nomination", rls.region_rows(public=ANNOUNCED) + f" AND ({ANNOUNCED})", check=CATALOGUE_WRITES)}
{rls.enable("contest_stage", rls.region_rows(public=ANNOUNCED) + f" AND ({ANNOUNCED})", check=CATALOGUE_WRITES)}
{rls.enable("contest_criterion", rls.region_rows(public=ANNOUNCED) + f" AND ({ANNOUNCED})", check=CATALOGUE_WRITES)}
{rls.enable("contest_panel", rls.region_rows(public=ANNOUNCED) + f" AND ({ANNOUNCED})", check=PANEL_WRITES)}
{rls.enable("contest_juror", rls.within_region(organizer_of(), runner_of(), JUROR + " AND user_id = app_uuid('app.user_id')"), check=RUNNERS)}
{rls.enable("contest_application", rls.within_region(rls.IN_OWN_ORGANIZATION, rls.IN_MUNICIPAL_ORGANIZATIONS, organizer_of(), JUROR_APPLICATION, f"{rls.PUBLIC} AND {PUBLIC_APPLICATION}"), check=rls.organization_rows())}
{rls.enable("contest_upload", rls.within_region(rls.IN_OWN_ORGANIZATION, rls.IN_MUNICIPAL_ORGANIZATIONS, organizer_of(), JUROR_UPLOAD), check=rls.organization_rows())}
{rls.enable("contest_entry", rls.within_region(rls.IN_OWN_ORGANIZATION, rls.IN_MUNICIPAL_ORGANIZATIONS, organizer_of(), runner_of(), JUROR_ENTRY, f"{rls.PUBLIC} AND {PUBLIC_ENTRY}"), check=rls.within_region(organizer_of(), runner_of(), FRESH_ENTRY))}
{rls.enable("contest_conflict", rls.within_region(organizer_of(), runner_of(), JUROR_OWN))}
{rls.enable("contest_sheet", rls.within_region(organizer_of(), runner_of(), JUROR_OWN, CHAIR_OF_PANEL), check=rls.within_region(f"{JUROR_OWN} AND entry_id IN (SELECT e.id FROM contest_entry e)", CHAIR_OF_PANEL))}
{rls.enable("contest_score", rls.within_region(organizer_of(), runner_of(), JUROR_OWN), check=rls.within_region(f"{JUROR_OWN} AND sheet_id IN (SELECT s.id FROM contest_sheet s WHERE s.submitted_at IS NULL AND s.juror_id = contest_score.juror_id)"))}
{rls.enable("contest_vote", rls.within_region(organizer_of()) + f" OR ({PUBLIC_IN_REGION} AND {BY_TOKEN})", check=rls.within_region(organizer_of()) + f" OR ({PUBLIC_IN_REGION} AND {BY_TOKEN})")}
{rls.enable("contest_wish", rls.organization_rows(), check=rls.organization_rows() + f" OR ({PUBLIC_IN_REGION})")}
{rls.enable("contest_festival", rls.region_rows(public="published_at IS NOT NULL"), check=rls.within_region(organizer()))}
{rls.enable("contest_award", rls.region_rows(public="festival_id IN (SELECT f.id FROM contest_festival f)"), check=rls.within_region(FESTIVAL_ORGANIZER))}
{rls.enable("contest_photo", rls.region_rows(public="festival_id IN (SELECT f.id FROM contest_festival f)"), check=rls.within_region(FESTIVAL_ORGANIZER))}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "contests", DESCRIPTION, SQL)
