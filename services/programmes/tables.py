"""Programmes, their roadmaps, mentor selection and orders; the catalogue of forms and role models.

DDL lives in piccolo_migrations; these classes are the query side. A row is owned by an organization,
a municipality (organization_id NULL) or the region (both NULL).
"""

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


class EventStatus(enum.StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


class CommissionRole(enum.StrEnum):
    chair = "chair"
    curator = "curator"
    member = "member"


class Decision(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class OrderKind(enum.StrEnum):
    approve_programme = "approve_programme"
    approve_roadmap = "approve_roadmap"
    approve_registry = "approve_registry"
    approve_pairs = "approve_pairs"
    replace_mentor = "replace_mentor"
    enrol_mentor_school = "enrol_mentor_school"
    # Composed in full by other domains (LevelOrder): the mentor school's and the curator certification's orders.
    school_enrolment = "school_enrolment"
    school_completion = "school_completion"
    certification_commission = "certification_commission"
    certification_decision = "certification_decision"
    mentor_incentives = "mentor_incentives"  # composed by the incentives register


LEVEL_KINDS = (
    OrderKind.school_enrolment,
    OrderKind.school_completion,
    OrderKind.certification_commission,
    OrderKind.certification_decision,
    OrderKind.mentor_incentives,
)


class MentorshipForm(Table, tablename="mentorship_form", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID(null=True, default=None)
    code = Varchar(length=60)
    parent_id = UUID(null=True, default=None)
    title = Text()
    goal = Text()
    tasks = Array(base_column=Text())
    expected_results = Text()
    evaluated_results = Array(base_column=Text())
    mentor_portrait = Text()
    mentee_portrait = Text()
    application = Text()
    mentor_categories = Array(base_column=Text())
    mentee_categories = Array(base_column=Text())
    position = Integer()
    created_at = Timestamptz()


class RoleModel(Table, tablename="role_model", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID(null=True, default=None)
    form_id = UUID()
    code = Varchar(length=60)
    title = Text()
    description = Text()
    position = Integer()
    created_at = Timestamptz()


class Programme(Table, tablename="programme", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    title = Text()
    starts_on = Date()
    ends_on = Date()
    problem = Text()
    goal = Text()
    smart_specific = Text()
    smart_measurable = Text()
    smart_achievable = Text()
    smart_relevant = Text()
    smart_time_bound = Text()
    target_indicator = Varchar(length=40)
    target_title = Text()
    target_baseline = Numeric(null=True, default=None)
    target_value = Numeric(null=True, default=None)
    target_deadline = Date(null=True, default=None)
    audience = Text()
    qualitative_results = Text()
    implementers = Text()
    resources = Text()
    regulations = Text()
    form_ids = Array(base_column=UUID())
    role_model_ids = Array(base_column=UUID())
    max_mentees_per_mentor = Integer()
    group_work = Boolean()
    max_pair_months = Integer()
    approved_order_id = UUID(null=True, default=None)
    roadmap_order_id = UUID(null=True, default=None)
    registry_order_id = UUID(null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ProgrammeResult(Table, tablename="programme_result", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    programme_id = UUID()
    position = Integer()
    indicator = Varchar(length=40)
    title = Text()
    baseline = Numeric(null=True, default=None)
    target = Numeric()
    manual_value = Numeric(null=True, default=None)


class RoadmapEvent(Table, tablename="roadmap_event", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    programme_id = UUID()
    stage = SmallInt()
    position = Integer()
    title = Text()
    period_label = Varchar(length=60)
    starts_on = Date()
    ends_on = Date()
    responsible = Text()
    expected_result = Text()
    status = Varchar(length=12, choices=EventStatus)
    done_on = Date(null=True, default=None)
    evidence_link = Text()
    evidence_note = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class RoadmapEvidence(Table, tablename="roadmap_evidence", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    event_id = UUID()
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    data = Bytea()
    uploaded_at = Timestamptz()


class CommissionMember(Table, tablename="commission_member", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    programme_id = UUID()
    position = Integer()
    role = Varchar(length=8, choices=CommissionRole)
    full_name = Varchar(length=300)
    job_title = Varchar(length=200)
    user_id = UUID(null=True, default=None)


class MentorApplication(Table, tablename="mentor_application", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    programme_id = UUID()
    person_id = UUID()
    applied_on = Date()
    motivation = Text()
    education = Text()
    experience = Text()
    achievements = Text()
    interviewed_on = Date(null=True, default=None)
    interview_notes = Text()
    principles = Array(base_column=Text())
    decision = Varchar(length=10, choices=Decision)
    decision_note = Text()
    decided_on = Date(null=True, default=None)
    created_at = Timestamptz()


class Order(Table, tablename="programme_order", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    programme_id = UUID(null=True, default=None)
    kind = Varchar(length=24, choices=OrderKind)
    title = Text()
    payload = JSONB()
    number = Varchar(length=30, null=True, default=None)
    signed_on = Date(null=True, default=None)
    document = Bytea(null=True, default=None)
    scan = Bytea(null=True, default=None)
    scan_content_type = Varchar(length=100)
    scan_filename = Varchar(length=200)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()
    registered_by = UUID(null=True, default=None)
    registered_at = Timestamptz(null=True, default=None)
    submitted_by = UUID(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    return_comment = Text()
