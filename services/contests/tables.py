"""The contests' tables. DDL lives in piccolo_migrations; these classes are the query side.

A contest (of the region, a municipality or an organization) has nominations and stages. A stage runs in panels: one
per nomination and per unit of the stage's level (the region; each municipality; each organization), each with its
jury, its criteria (per stage and nomination) and its ranking. An application is made once per nominee and
nomination; it enters a panel of the first stage as an entry, and the top N entries of a finished panel advance as
new entries of the next stage's panel, pointing back at the entry they came from."""

from __future__ import annotations

import enum

from piccolo.columns import (
    JSONB,
    UUID,
    Array,
    Boolean,
    Bytea,
    Date,
    Integer,
    Numeric,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from shared.engine import DB


class Level(enum.StrEnum):
    organization = "organization"
    municipality = "municipality"
    region = "region"


class ContestStatus(enum.StrEnum):
    draft = "draft"  # the organizer prepares it; nobody else sees it
    announced = "announced"  # public, applications follow the stages' dates
    finished = "finished"


class NominationKind(enum.StrEnum):
    mentor_of_year = "mentor_of_year"  # «Наставник года»
    curator_of_year = "curator_of_year"  # «Куратор года»
    best_pair = "best_pair"  # «Лучшая пара «Наставник+»»
    best_practice = "best_practice"  # «Лучшие практики наставничества»
    custom = "custom"  # the organizer's own


class VotingMode(enum.StrEnum):
    none = "none"
    audience_prize = "audience_prize"  # a separate audience prize; the jury's ranking stays as it is
    weighted = "weighted"  # the votes are a share (voting_weight) of the result


class PanelStatus(enum.StrEnum):
    open = "open"  # entries arrive, jurors score
    finished = "finished"  # ranked, places given, the top N advanced


class ApplicationState(enum.StrEnum):
    draft = "draft"  # the curator (or the nominee) prepares it
    prepared = "prepared"  # the curator is done; the head confirms
    submitted = "submitted"  # confirmed and sent: it has an entry at the first stage
    withdrawn = "withdrawn"


class EntryState(enum.StrEnum):
    in_review = "in_review"
    advanced = "advanced"  # among the top N: a new entry at the next stage
    not_advanced = "not_advanced"
    winner = "winner"  # a place at the final stage
    participant = "participant"  # ranked at the final stage without a place
    withdrawn = "withdrawn"


class Contest(Table, tablename="contest", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    level = Varchar(length=12, choices=Level)
    municipality_id = UUID(null=True, default=None)  # the organizer, for a municipal contest
    organization_id = UUID(null=True, default=None)  # the organizer, for an organization's own contest
    title = Text()
    year = SmallInt()
    description = Text()
    rules_url = Text()  # the Положение, where it is published
    status = Varchar(length=10, choices=ContestStatus)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()


class ContestNomination(Table, tablename="contest_nomination", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    position = SmallInt()
    kind = Varchar(length=16, choices=NominationKind)
    title = Text()
    description = Text()
    # Eligibility, checked by the platform against its own data.
    roles = Array(base_column=Varchar(length=24))  # participation roles of the nominee: mentor, curator
    min_experience_years = SmallInt(null=True, default=None)  # teaching experience in the base
    pair_completed_in_year = Boolean(default=False)  # a pair or group completed in the contest's year
    approved_programme = Boolean(default=False)  # the nominee's organization has an approved programme
    min_age = SmallInt(null=True, default=None)
    max_age = SmallInt(null=True, default=None)
    self_nomination = Boolean(default=False)  # a person may apply for themselves
    min_rating_points = Numeric(digits=(8, 2), null=True, default=None)  # the mentor rating's points, at least
    # Public voting.
    voting_mode = Varchar(length=16, choices=VotingMode)
    voting_weight = Numeric(digits=(4, 2))  # the votes' share of the result when weighted (0 < w < 1)
    voting_from = Timestamptz(null=True, default=None)
    voting_until = Timestamptz(null=True, default=None)


class ContestStage(Table, tablename="contest_stage", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    position = SmallInt()  # 1, 2, 3: organization -> municipality -> region, or fewer
    level = Varchar(length=12, choices=Level)
    title = Text()
    applications_from = Date()
    applications_until = Date()
    review_from = Date()
    review_until = Date()
    results_on = Date()
    advance_count = SmallInt(null=True, default=None)  # the top N of each panel go on; NULL at the final stage


class ContestCriterion(Table, tablename="contest_criterion", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    stage_id = UUID()
    nomination_id = UUID()
    position = SmallInt()
    title = Text()
    descriptors = Text()  # what each level of points means, for the juror
    max_points = Numeric(digits=(6, 1))
    weight = Numeric(digits=(4, 2))
    tie_break = Boolean(default=False)  # the named criterion that breaks ties (one per stage and nomination)


class ContestPanel(Table, tablename="contest_panel", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    stage_id = UUID()
    nomination_id = UUID()
    level = Varchar(length=12, choices=Level)
    municipality_id = UUID(null=True, default=None)  # the unit, at the municipal stage (and the organization's)
    organization_id = UUID(null=True, default=None)  # the unit, at an organization's stage
    status = Varchar(length=10, choices=PanelStatus)
    finished_at = Timestamptz(null=True, default=None)
    finished_by = UUID(null=True, default=None)
    results_published_at = Timestamptz(null=True, default=None)
    protocol_order_id = UUID(null=True, default=None)


class ContestJuror(Table, tablename="contest_juror", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    panel_id = UUID()
    user_id = UUID()
    full_name = Text()
    position = Text()  # as the protocol names them: post and workplace
    organization_id = UUID(null=True, default=None)  # where the juror works: never scores its applications
    municipality_id = UUID(null=True, default=None)  # at the municipal stage, never its municipality's
    is_chair = Boolean(default=False)
    reminded_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ContestApplication(Table, tablename="contest_application", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    nomination_id = UUID()
    organization_id = UUID()  # the nominating organization (the nominee's)
    municipality_id = UUID()
    person_id = UUID()  # the nominee in the base: the mentor of a pair, the lead author of a practice
    mentee_person_id = UUID(null=True, default=None)  # the mentee of «Лучшая пара»
    mentorship_id = UUID(null=True, default=None)  # the pair or group the application is about
    user_id = UUID(null=True, default=None)  # the nominee's account, when self-nominated
    self_nominated = Boolean(default=False)
    full_name = Text()  # the nominee, or the pair («Иванова А. А. и Петров П.»), or the practice's authors
    title = Text()  # a practice's title; the essay's title otherwise
    state = Varchar(length=10, choices=ApplicationState)
    participation_consent_on = Date(null=True, default=None)  # the nominee's consent to take part
    publication_consent = Boolean(default=False)  # the nominee's consent to publication of name and results
    representative_name = Text()  # a minor mentee's legal representative, who consented for them
    representative_consent_on = Date(null=True, default=None)
    essay = Text()
    video_url = Text()
    portfolio = JSONB()  # assembled from the platform's data when sent
    eligibility = JSONB()  # the checks and their outcome when sent
    prepared_by = UUID(null=True, default=None)
    prepared_at = Timestamptz(null=True, default=None)
    confirmed_by = UUID(null=True, default=None)  # the head
    submitted_at = Timestamptz(null=True, default=None)
    withdrawn_at = Timestamptz(null=True, default=None)
    withdrawn_reason = Text()
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()


class ContestUpload(Table, tablename="contest_upload", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    organization_id = UUID()
    application_id = UUID()
    title = Text()
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    data = Bytea()
    created_at = Timestamptz()


class ContestEntry(Table, tablename="contest_entry", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    panel_id = UUID()
    stage_id = UUID()
    nomination_id = UUID()
    application_id = UUID()
    organization_id = UUID()
    municipality_id = UUID()
    from_entry_id = UUID(null=True, default=None)  # the entry of the previous stage it advanced from
    state = Varchar(length=14, choices=EntryState)
    finalist = Boolean(default=False)  # on the public voting page
    jury_score = Numeric(digits=(8, 2), null=True, default=None)  # the mean or trimmed mean, set at finishing
    votes = Integer(default=0)  # confirmed votes not excluded, set at finishing
    total = Numeric(digits=(8, 2), null=True, default=None)
    place = SmallInt(null=True, default=None)
    rank = SmallInt(null=True, default=None)
    tie_note = Text()  # how a tie with a neighbour was broken
    audience_prize = Boolean(default=False)
    certificate_id = UUID(null=True, default=None)  # the diploma or the participant's certificate
    created_at = Timestamptz()
    chair_order = SmallInt(null=True, default=None)  # the chair's order among entries tied after the criterion


class ContestConflict(Table, tablename="contest_conflict", db=DB):
    """A conflict of interest a juror declared: the application disappears from their panel."""

    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    panel_id = UUID()
    juror_id = UUID()
    application_id = UUID()
    organization_id = UUID()
    reason = Text()
    declared_at = Timestamptz()


class ContestSheet(Table, tablename="contest_sheet", db=DB):
    """One juror's sheet for one entry: blind to the other jurors' until submitted."""

    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    panel_id = UUID()
    entry_id = UUID()
    juror_id = UUID()
    juror_name = Text()  # for the chair, who sees the panel's sheets (never their scores) to reopen one
    organization_id = UUID()  # the entry's
    comment = Text()
    submitted_at = Timestamptz(null=True, default=None)
    reopened_at = Timestamptz(null=True, default=None)
    reopened_by = UUID(null=True, default=None)
    reopen_reason = Text()
    created_at = Timestamptz()


class ContestScore(Table, tablename="contest_score", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    panel_id = UUID()
    entry_id = UUID()
    sheet_id = UUID()
    juror_id = UUID()
    organization_id = UUID()
    criterion_id = UUID()
    points = Numeric(digits=(6, 1))


class ContestVote(Table, tablename="contest_vote", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID()
    nomination_id = UUID()
    entry_id = UUID()
    organization_id = UUID()  # the entry's
    voter_hash = Varchar(length=64)  # a keyed hash of the normalised e-mail: one vote per person and nomination
    token_hash = Varchar(length=64)  # the confirmation link's
    network = Varchar(length=64)  # the /24 (IPv4) or /48 (IPv6) it came from, for bursts
    created_at = Timestamptz()
    confirmed_at = Timestamptz(null=True, default=None)
    flagged_at = Timestamptz(null=True, default=None)  # part of a suspicious burst
    flag_reason = Text()
    excluded_at = Timestamptz(null=True, default=None)  # the organizer's decision
    excluded_by = UUID(null=True, default=None)


class ContestWish(Table, tablename="contest_wish", db=DB):
    """«Хочу участвовать»: a person wishing to take part, from the public page or a cabinet."""

    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID(null=True, default=None)
    nomination_kind = Varchar(length=16, choices=NominationKind)
    organization_id = UUID()
    municipality_id = UUID()
    user_id = UUID(null=True, default=None)
    person_id = UUID(null=True, default=None)
    full_name = Text()
    email = Varchar(length=254)
    created_at = Timestamptz()


class ContestFestival(Table, tablename="contest_festival", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    contest_id = UUID(null=True, default=None)
    programme_id = UUID(null=True, default=None)  # the mentoring programme it closes
    level = Varchar(length=12, choices=Level)
    municipality_id = UUID(null=True, default=None)
    organization_id = UUID(null=True, default=None)
    title = Text()
    held_on = Date()
    place = Text()
    agenda = Text()  # the festival's programme
    audiences = Array(base_column=Varchar(length=16))  # FESTIVAL_AUDIENCES keys
    results = Text()
    published_at = Timestamptz(null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()


class ContestAward(Table, tablename="contest_award", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    festival_id = UUID()
    position = SmallInt()
    title = Text()  # «Диплом I степени в номинации «Наставник года»»
    winner_name = Text()
    entry_id = UUID(null=True, default=None)
    certificate_id = UUID(null=True, default=None)


class ContestPhoto(Table, tablename="contest_photo", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    festival_id = UUID()
    caption = Text()
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    data = Bytea()
    created_at = Timestamptz()


FESTIVAL_AUDIENCES = {
    "learners": "обучающиеся",
    "graduates": "выпускники",
    "relatives": "родители и родственники",
    "partners": "партнёры",
    "media": "СМИ",
    "authorities": "органы власти",
}

TABLES: list[type[Table]] = [
    Contest,
    ContestNomination,
    ContestStage,
    ContestCriterion,
    ContestPanel,
    ContestJuror,
    ContestApplication,
    ContestUpload,
    ContestEntry,
    ContestConflict,
    ContestSheet,
    ContestScore,
    ContestVote,
    ContestWish,
    ContestFestival,
    ContestAward,
    ContestPhoto,
]
