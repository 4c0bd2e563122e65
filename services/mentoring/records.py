"""The typed records mentoring hands out, and the views it takes of the programmes' and the bases' records.

A view reads only the fields mentoring relies on, from a dict or a typed record alike (`view`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from services.mentoring.tables import MeetingFormat, MeetingKind, RequestKind, RequestStatus, Status
from services.programmes import ProgrammeRecord as ProgrammeRecord  # passed through, read through `Terms`

T = TypeVar("T")


def view(record: object, cls: type[T]) -> T:
    """The fields of `cls` out of another domain's record (a dict or an object with attributes)."""
    return msgspec.convert(record, cls, from_attributes=True)


# What mentoring reads of other domains ------------------------------------------------------------------------


class Terms(msgspec.Struct, frozen=True):
    """What a programme sets for its pairs: its period, forms and the rules of the constructor's step 8."""

    id: UUID
    region_id: UUID
    organization_id: UUID | None
    starts_on: date
    ends_on: date
    form_ids: list[UUID]
    group_work: bool
    max_pair_months: int
    max_mentees_per_mentor: int
    municipality_id: UUID | None = None  # a municipal programme (organization_id None as well)


class FormRule(msgspec.Struct, frozen=True):
    """A mentorship form of the catalogue: who may be the mentor and who the mentee in it."""

    id: UUID
    title: str
    mentor_categories: list[str]
    mentee_categories: list[str]


class RoleModelRef(msgspec.Struct, frozen=True):
    id: UUID
    title: str


class OrderRef(msgspec.Struct, frozen=True):
    id: UUID
    title: str
    number: str | None = None
    signed_on: date | None = None


class RegisteredOrder(msgspec.Struct, frozen=True):
    """An order just registered: its id, and the references to the pairs it acts on."""

    id: UUID
    payload: dict[str, Any]


# What mentoring hands out --------------------------------------------------------------------------------------


class Member(msgspec.Struct, frozen=True):
    """A mentor or a mentee as a pair shows them; the category and the consent are for the rules."""

    id: UUID
    full_name: str
    category: str = ""
    consented: bool = False


class ScoreDetails(msgspec.Struct, frozen=True, omit_defaults=True):
    """Why matching proposed the pair: the parts of its score, and the run or the choice it came from."""

    parts: list[tuple[str, int]] = []
    run_id: str | None = None
    choice: int | None = None


class Pair(msgspec.Struct, kw_only=True):
    id: UUID
    region_id: UUID
    organization_id: UUID
    programme_id: UUID
    mentor_id: UUID
    form_id: UUID
    role_model_id: UUID | None
    status: Status
    starts_on: date
    ends_on: date
    extended_to: date | None
    extension_reason: str
    order_id: UUID | None
    finished_on: date | None
    end_reason: str
    score: int | None
    score_details: ScoreDetails
    form_title: str
    role_model_title: str | None
    mentee_ids: list[UUID]
    meetings: int
    last_meeting: date | None
    mentor: Member
    mentees: list[Member]
    group_agreed_on: date | None = None
    approved_on: date | None = None

    @property
    def rhythm_since(self) -> date:
        """The rhythm counts from the latest meeting, else from the start of work (and never before the order)."""
        return max(d for d in (self.last_meeting, self.starts_on, self.approved_on) if d is not None)

    @property
    def end(self) -> date:
        """The last day of work: the extension's, else the planned end."""
        return self.extended_to or self.ends_on


class Meeting(msgspec.Struct, kw_only=True):
    id: UUID
    kind: MeetingKind
    held_on: date
    minutes: int
    format: MeetingFormat
    curator_present: bool
    participants: str
    answers: dict[str, str]
    closeness: int | None
    wants_to_mentor: bool | None


class MentorSpell(msgspec.Struct, frozen=True):
    """One mentor of a pair since a day; a replacement waits for its order (`pending`)."""

    mentor_id: UUID
    mentor: str
    since: date
    reason: str
    pending: bool
    order_id: UUID | None = None


class Alert(msgspec.Struct, frozen=True):
    kind: str
    lapse: str
    details: str
    found_at: datetime


class PairCard(msgspec.Struct):
    pair: Pair
    plan: dict[str, list[dict[str, str]]]
    meetings: list[Meeting]
    history: list[MentorSpell]
    orders: list[OrderRef]
    alerts: list[Alert]


class Lapse(msgspec.Struct, frozen=True):
    """A new rhythm alert: no meeting for more than 14 days, or an in-person meeting under an hour."""

    region_id: UUID
    organization_id: UUID
    mentorship_id: UUID
    kind: str
    details: str


class Risk(msgspec.Struct, frozen=True):
    pair: Pair
    health: int
    reasons: list[str]


REQUEST_KIND_LABELS: dict[RequestKind, str] = {
    RequestKind.new_mentor: "Просьба наставляемого о другом наставнике",
    RequestKind.step_down: "Просьба наставника освободить от обязанностей",
}
REQUEST_STATUS_LABELS: dict[RequestStatus, str] = {
    RequestStatus.pending: "На рассмотрении у куратора",
    RequestStatus.declined: "Отклонена",
    RequestStatus.accepted: "Принята: готовится приказ о замене наставника",
}


class Request(msgspec.Struct, kw_only=True):
    id: UUID
    mentorship_id: UUID
    person_id: UUID
    person: str
    kind: RequestKind
    reason: str
    status: RequestStatus
    answer: str
    order_id: UUID | None
    created_at: datetime
    answered_at: datetime | None

    @property
    def kind_label(self) -> str:
        return REQUEST_KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return REQUEST_STATUS_LABELS[self.status]


class Attention(msgspec.Struct, frozen=True):
    """The curator's home: pairs at risk, final meetings due, pairs near their one-year end, requests to answer."""

    risky: list[Risk]
    finals: list[Pair]
    near_year: list[Pair]
    requests: list[Request] = []


class FormCount(msgspec.Struct, frozen=True):
    form: str
    status: Status
    pairs: int
    groups: int
