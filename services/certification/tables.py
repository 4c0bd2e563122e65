"""Curator certification's tables. DDL lives in piccolo_migrations; these classes are the query side."""

from __future__ import annotations

import enum

from piccolo.columns import JSONB, UUID, Boolean, Bytea, Date, Numeric, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class RoundStatus(enum.StrEnum):
    draft = "draft"
    open = "open"  # curators apply
    review = "review"  # the commission scores
    closed = "closed"


class ApplicationState(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    certified = "certified"
    not_certified = "not_certified"
    returned = "returned"  # sent for completion


class CriterionSource(enum.StrEnum):
    approved_programme = "approved_programme"
    pairs_completed = "pairs_completed"
    monitoring_on_time = "monitoring_on_time"
    roadmap_held = "roadmap_held"
    cases_published = "cases_published"
    contest_results = "contest_results"
    school_hours = "school_hours"
    manual = "manual"


class CertificationRound(Table, tablename="certification_round", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    title = Text()
    applications_from = Date()
    applications_until = Date()
    min_school_hours = Numeric(digits=(6, 1))
    min_curator_months = SmallInt()
    pass_score = Numeric(digits=(6, 1))
    in_person = Varchar(length=10)
    in_person_description = Text()
    in_person_max = Numeric(digits=(6, 1))
    validity_years = SmallInt(default=3)
    status = Varchar(length=8, choices=RoundStatus)
    commission_order_id = UUID(null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()


class CertificationCriterion(Table, tablename="certification_criterion", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    round_id = UUID()
    position = SmallInt()
    source = Varchar(length=20, choices=CriterionSource)
    title = Text()
    points_per_item = Numeric(digits=(6, 1))
    max_points = Numeric(digits=(6, 1))
    required = Boolean(default=False)


class CertificationMember(Table, tablename="certification_member", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    round_id = UUID()
    user_id = UUID()
    full_name = Text()
    position = Text()
    organization_id = UUID(null=True, default=None)
    is_chair = Boolean(default=False)


class CertificationApplication(Table, tablename="certification_application", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    round_id = UUID()
    organization_id = UUID()
    user_id = UUID()
    person_id = UUID(null=True, default=None)
    full_name = Text()
    state = Varchar(length=14, choices=ApplicationState)
    portfolio = JSONB()
    auto_points = Numeric(digits=(6, 1))
    total_score = Numeric(digits=(6, 1), null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decided_by = UUID(null=True, default=None)
    decision_reasons = Text()
    decision_order_id = UUID(null=True, default=None)
    certificate_id = UUID(null=True, default=None)
    previous_certificate_id = UUID(null=True, default=None)
    created_at = Timestamptz()


class CertificationUpload(Table, tablename="certification_upload", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    round_id = UUID()
    organization_id = UUID()
    application_id = UUID()
    criterion_id = UUID(null=True, default=None)
    title = Text()
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    data = Bytea()
    created_at = Timestamptz()


class CertificationScore(Table, tablename="certification_score", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    round_id = UUID()
    organization_id = UUID()
    application_id = UUID()
    member_id = UUID()
    criterion_id = UUID(null=True, default=None)
    points = Numeric(digits=(6, 1))
    comment = Text()
    submitted_at = Timestamptz(null=True, default=None)


TABLES: list[type[Table]] = [
    CertificationRound,
    CertificationCriterion,
    CertificationMember,
    CertificationApplication,
    CertificationUpload,
    CertificationScore,
]
