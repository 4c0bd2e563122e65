"""Pairs and groups, their mentors over time, development plans, meetings and rhythm alerts.

DDL lives in piccolo_migrations; these classes are the query side.
"""

from __future__ import annotations

import enum

from piccolo.columns import JSONB, UUID, Boolean, Date, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class Status(enum.StrEnum):
    draft = "draft"
    approved = "approved"
    active = "active"
    completed = "completed"
    ended_early = "ended_early"


class MeetingKind(enum.StrEnum):
    acquaintance = "acquaintance"
    trial = "trial"
    planning = "planning"
    regular = "regular"
    final = "final"


class MeetingFormat(enum.StrEnum):
    in_person = "in_person"
    chat = "chat"
    call = "call"
    video = "video"


class Mentorship(Table, tablename="mentorship", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    programme_id = UUID()
    mentor_id = UUID()
    form_id = UUID()
    role_model_id = UUID(null=True, default=None)
    status = Varchar(length=12, choices=Status)
    starts_on = Date()
    ends_on = Date()
    extended_to = Date(null=True, default=None)
    extension_reason = Text()
    order_id = UUID(null=True, default=None)
    finished_on = Date(null=True, default=None)
    end_reason = Text()
    score = Integer(null=True, default=None)
    score_details = JSONB()
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    group_agreed_on = Date(null=True, default=None)  # more than two mentees: the mentor's and mentees' agreement
    approved_on = Date(null=True, default=None)  # the day the pairs order put it to work


class MentorshipMentee(Table, tablename="mentorship_mentee", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    mentorship_id = UUID()
    mentee_id = UUID()


class MentorChange(Table, tablename="mentor_change", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    mentorship_id = UUID()
    mentor_id = UUID()
    since = Date()
    reason = Varchar(length=20)
    order_id = UUID(null=True, default=None)
    pending = Boolean()
    created_at = Timestamptz()


class PlanRow(Table, tablename="plan_row", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    mentorship_id = UUID()
    kind = Varchar(length=5)
    position = Integer()
    cells = JSONB()
    updated_by = UUID(null=True, default=None)
    updated_at = Timestamptz()


class Meeting(Table, tablename="meeting", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    mentorship_id = UUID()
    kind = Varchar(length=14, choices=MeetingKind)
    held_on = Date()
    minutes = Integer()
    format = Varchar(length=10, choices=MeetingFormat)
    curator_present = Boolean()
    participants = Text()
    answers = JSONB()
    closeness = SmallInt(null=True, default=None)
    wants_to_mentor = Boolean(null=True, default=None)
    recorded_by = UUID(null=True, default=None)
    created_at = Timestamptz()


class RhythmAlert(Table, tablename="rhythm_alert", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    mentorship_id = UUID()
    kind = Varchar(length=14)
    lapse = Varchar(length=60)
    details = Text()
    found_at = Timestamptz()
    mailed_at = Timestamptz(null=True, default=None)


class PairPulse(Table, tablename="pair_pulse", db=DB):
    """The pair pulse sent: one round per person per pair."""

    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    mentorship_id = UUID()
    round = Integer()
    person_id = UUID()
    request_id = UUID()
    sent_at = Timestamptz()


class RequestKind(enum.StrEnum):
    new_mentor = "new_mentor"  # the mentee asks for another mentor (004 §6.2)
    step_down = "step_down"  # the mentor asks to give up the duties (004 §5.2)


class RequestStatus(enum.StrEnum):
    pending = "pending"
    declined = "declined"
    accepted = "accepted"


class PairRequest(Table, tablename="pair_request", db=DB):
    """A mentee's or mentor's request about their pair, and the curator's answer."""

    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    mentorship_id = UUID()
    person_id = UUID()
    kind = Varchar(length=12, choices=RequestKind)
    reason = Text()
    status = Varchar(length=10, choices=RequestStatus)
    answer = Text()
    order_id = UUID(null=True, default=None)
    created_at = Timestamptz()
    answered_at = Timestamptz(null=True, default=None)
    answered_by = UUID(null=True, default=None)
