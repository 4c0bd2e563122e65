"""The typed records matching hands out, and what it reads of the bases' and the catalogue's records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from services.programmes import ProgrammeRecord as ProgrammeRecord  # passed through, read through `Terms`

T = TypeVar("T")


class Proposal(msgspec.Struct, kw_only=True):
    """A mentor proposed to a mentee, with the score broken down; the curator accepts, swaps or rejects it."""

    mentee_id: str
    mentee: str
    mentor_id: str
    mentor: str
    form_id: str
    form: str
    score: int
    parts: list[tuple[str, int]]
    mentee_organization: str = ""  # named in a municipal or regional programme's run
    mentor_organization: str = ""
    status: str = "proposed"  # proposed, accepted, rejected
    pair_id: str | None = None


class Unmatched(msgspec.Struct, frozen=True):
    """A mentee left without a mentor, and why: they land in the "continue the search" list."""

    mentee_id: str
    mentee: str
    reason: str


class Run(msgspec.Struct, kw_only=True):
    id: UUID
    programme_id: UUID
    objective: str
    weights: dict[str, int]
    proposals: list[Proposal]
    unmatched: list[Unmatched]
    created_at: datetime


class Exclusion(msgspec.Struct, frozen=True):
    """The curator's "must not": this mentor and this mentee are never proposed together."""

    mentor_id: UUID
    mentee_id: UUID


class Ranking(msgspec.Struct, frozen=True):
    """One of a mentee's ranked mentors (or a mentor's mentees) with the chosen one's response."""

    id: UUID
    chooser_id: UUID
    chosen_id: UUID
    rank: int
    response: str  # pending, accepted, declined
    mentee: str
    mentor: str


class AvailableMentor(msgspec.Struct, frozen=True):
    id: UUID
    full_name: str
    places: int


# What matching compares --------------------------------------------------------------------------------------


class Candidate(msgspec.Struct, kw_only=True):
    """A consenting mentor or mentee with what the scores compare (the registry's matching profile)."""

    id: UUID
    full_name: str = ""
    category: str
    birth_date: date | None
    subject: str
    teaching_experience: int | None
    tags: list[str]
    answers: dict[str, Any]
    places: int = 0
    organizations: list[UUID] = []  # the pool's organizations whose base holds them in this role
    municipalities: list[UUID] = []


class FormOption(msgspec.Struct, kw_only=True):
    """A form of the programme, and the mentees already in an open pair of it."""

    id: UUID
    title: str
    mentor_categories: list[str]
    mentee_categories: list[str]
    taken: set[UUID] = set()


class Terms(msgspec.Struct, frozen=True):
    """What matching reads of a programme: its organization, start, forms and role models, mentor capacity."""

    id: UUID
    organization_id: UUID | None
    starts_on: date
    ends_on: date
    form_ids: list[UUID]
    role_model_ids: list[UUID]
    max_mentees_per_mentor: int
    max_pair_months: int
    municipality_id: UUID | None = None  # a municipal programme (organization_id None as well)


class RoleModelCode(msgspec.Struct, frozen=True):
    id: UUID
    code: str


def view(record: object, cls: type[T]) -> T:
    """The fields of `cls` out of another domain's record (a dict or an object with attributes)."""
    return msgspec.convert(record, cls, from_attributes=True)
