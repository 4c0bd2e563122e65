"""The case library's tables. DDL lives in piccolo_migrations (composite keys, RLS, the search trigger); these classes
are the query side.

A case (kind `case`) is an organization's: written up by its curator from a finished pair or group or from its
practice, approved by its municipality or the region, then published. A material (kind `material`: a memo, a meeting
script, a workbook) is the region's or a municipality's «методическая копилка», published by its owner. Both are
searched the same way; participants (a pair's mentor and mentees) are kept by id, their names read only when shown."""

from __future__ import annotations

import enum

from piccolo.columns import JSONB, UUID, Array, Boolean, Bytea, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class CaseKind(enum.StrEnum):
    case = "case"
    material = "material"


class MaterialKind(enum.StrEnum):
    mentor_memo = "mentor_memo"
    mentee_memo = "mentee_memo"
    meeting_script = "meeting_script"
    workbook = "workbook"
    other = "other"


class CaseStatus(enum.StrEnum):
    draft = "draft"  # the curator writes it (also after the approver returned it)
    sent = "sent"  # the curator has reviewed it and sent it for approval
    approved = "approved"  # the municipality or the region approved it
    published = "published"  # in the public library
    withdrawn = "withdrawn"  # taken off the public library


class PracticeCase(Table, tablename="practice_case", db=DB):
    region_id = UUID()
    id = UUID(primary_key=True)
    kind = Varchar(length=10)
    material_kind = Varchar(length=16, null=True)
    organization_id = UUID(null=True)
    municipality_id = UUID(null=True)
    organization_kind = Varchar(length=16)
    mentorship_id = UUID(null=True)
    title = Text()
    problem = Text()
    form_id = UUID(null=True)
    form_title = Text()
    role_model_id = UUID(null=True)
    role_model_title = Text()
    goals = Text()
    activities = Text()
    results = Text()
    quotes = Text()
    tags = Array(base_column=Text())
    year = SmallInt()
    anonymised = Boolean()
    pair_numbers = JSONB()
    status = Varchar(length=10)
    return_comment = Text()
    created_by = UUID(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    sent_at = Timestamptz(null=True)
    sent_by = UUID(null=True)
    approved_at = Timestamptz(null=True)
    approved_by = UUID(null=True)
    published_at = Timestamptz(null=True)
    withdrawn_at = Timestamptz(null=True)


class CaseParticipant(Table, tablename="practice_case_participant", db=DB):
    region_id = UUID()
    id = UUID(primary_key=True)
    case_id = UUID()
    organization_id = UUID(null=True)
    municipality_id = UUID(null=True)
    person_id = UUID()
    role = Varchar(length=8)
    position = SmallInt()


class CaseFile(Table, tablename="practice_case_file", db=DB):
    region_id = UUID()
    id = UUID(primary_key=True)
    case_id = UUID()
    organization_id = UUID(null=True)
    municipality_id = UUID(null=True)
    title = Text()
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    data = Bytea()
    created_at = Timestamptz()


TABLES: list[type[Table]] = [PracticeCase, CaseParticipant, CaseFile]
