"""People of the regional base, their participations in organizations, consents and the audit log.

DDL lives in piccolo_migrations; these classes are the query side.
"""

from __future__ import annotations

import enum

from piccolo.columns import (
    JSONB,
    UUID,
    Array,
    BigSerial,
    Boolean,
    Bytea,
    Date,
    Integer,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from shared.engine import DB


class Category(enum.StrEnum):
    learner = "learner"
    staff = "staff"
    employer = "employer"
    graduate = "graduate"
    parent = "parent"


class ParticipationRole(enum.StrEnum):
    mentee_candidate = "mentee_candidate"
    mentor_candidate = "mentor_candidate"
    mentor = "mentor"
    curator = "curator"
    curator_candidate = "curator_candidate"  # wishes to become a curator (003 §4): counted in the aggregated base


class ConsentKind(enum.StrEnum):
    personal_data = "personal_data"
    participation = "participation"
    staff_duties = "staff_duties"  # ст. 351.8 ТК РФ: an employee's written consent to mentoring duties
    publication = "publication"  # ст. 10.1 152-ФЗ: what the person allows to be disseminated (the public pages)


class Person(Table, tablename="person", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    surname = Varchar(length=100)
    name = Varchar(length=100)
    patronymic = Varchar(length=100)
    birth_date = Date(null=True, default=None)
    sex = Varchar(length=6)
    email = Varchar(length=254)
    phone = Varchar(length=40)
    snils = Varchar(length=11, null=True, default=None)
    category = Varchar(length=16, choices=Category)
    class_or_course = Varchar(length=20)
    position = Varchar(length=200)
    subject = Varchar(length=200)
    teaching_experience = Integer(null=True, default=None)
    company = Varchar(length=300)
    graduation_year = Integer(null=True, default=None)
    sort_key = Bytea()
    merged_into = UUID(null=True, default=None)
    archived_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    birth_year = SmallInt(null=True, default=None)  # kept, alone, once the record is destroyed
    destroyed_at = Timestamptz(null=True, default=None)
    destroyed_ground = Varchar(length=16)


class Participation(Table, tablename="participation", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    person_id = UUID()
    role = Varchar(length=24, choices=ParticipationRole)
    since = Date()
    archived_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Consent(Table, tablename="consent", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    person_id = UUID()
    kind = Varchar(length=16, choices=ConsentKind)
    given_by = Varchar(length=16)
    representative_name = Varchar(length=300)
    representative_relation = Varchar(length=100)
    representative_document = Varchar(length=300)
    given_on = Date()
    withdrawn_on = Date(null=True, default=None)
    has_scan = Boolean()
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()
    agreement_number = Varchar(length=100)
    agreement_date = Date(null=True, default=None)


class ConsentScan(Table, tablename="consent_scan", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    consent_id = UUID()
    content_type = Varchar(length=40)
    filename = Varchar(length=200)
    data = Bytea()


class AuditEntry(Table, tablename="audit_log", db=DB):
    id = BigSerial(primary_key=True)
    region_id = UUID()
    at = Timestamptz()
    user_id = UUID(null=True, default=None)
    organization_id = UUID(null=True, default=None)
    action = Varchar(length=24)
    person_id = UUID(null=True, default=None)
    details = Text()
    ip = Varchar(length=64)


class PersonMerge(Table, tablename="person_merge", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    survivor_id = UUID()
    duplicate_id = UUID()
    moved_participations = Array(base_column=UUID())
    moved_consents = Array(base_column=UUID())
    merged_by = UUID(null=True, default=None)
    merged_at = Timestamptz()
    undone_by = UUID(null=True, default=None)
    undone_at = Timestamptz(null=True, default=None)


class QuestionnaireTemplate(Table, tablename="questionnaire_template", db=DB):
    id = UUID(primary_key=True)
    code = Varchar(length=40)
    version = Integer()
    audience = Varchar(length=16)
    title = Text()
    body = JSONB()
    created_at = Timestamptz()


class QuestionnaireRequest(Table, tablename="questionnaire_request", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    person_id = UUID()
    template_id = UUID()
    token_hash = Varchar(length=64)
    expires_at = Timestamptz()
    answered_at = Timestamptz(null=True, default=None)
    reminded_at = Timestamptz(null=True, default=None)
    mailed_at = Timestamptz(null=True, default=None)
    reminder_mailed_at = Timestamptz(null=True, default=None)
    sent_by = UUID(null=True, default=None)
    created_at = Timestamptz()
    opened_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class QuestionnaireAnswer(Table, tablename="questionnaire_answer", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    person_id = UUID()
    template_id = UUID()
    request_id = UUID(null=True, default=None)
    answers = JSONB()
    tags = Array(base_column=Text())
    submitted_at = Timestamptz()


class DestructionRun(Table, tablename="destruction_run", db=DB):
    """One run of the daily destruction of personal data in one region."""

    id = UUID(primary_key=True)
    region_id = UUID()
    day = Date()
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    withdrawal = Integer()
    retention = Integer()
