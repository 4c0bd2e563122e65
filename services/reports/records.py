"""The typed records the read model hands out, and what it reads of the tenants' records."""

from __future__ import annotations

from datetime import date
from typing import TypeVar
from uuid import UUID

import msgspec

T = TypeVar("T")


def view(record: object, cls: type[T]) -> T:
    """The fields of `cls` out of another domain's record (a dict or an object with attributes)."""
    return msgspec.convert(record, cls, from_attributes=True)


# What the read model reads of other domains ------------------------------------------------------------------


class OrganizationRef(msgspec.Struct, frozen=True):
    id: UUID
    municipality_id: UUID
    name: str
    short_name: str = ""


class MunicipalityRef(msgspec.Struct, frozen=True):
    id: UUID
    name: str


class ProgrammePeriod(msgspec.Struct, frozen=True):
    starts_on: date
    ends_on: date


class FormRef(msgspec.Struct, frozen=True):
    id: UUID
    title: str


# What the read model hands out -------------------------------------------------------------------------------


class Satisfaction(msgspec.Struct, frozen=True):
    """The average scale answer of the satisfaction questionnaires (of 10), None without answers."""

    mentors: float | None
    mentees: float | None


class FormLine(msgspec.Struct, frozen=True):
    form: str
    role_model: str | None
    status: str
    pairs: int


class KindShare(msgspec.Struct, frozen=True, kw_only=True):
    """The shares of one kind of organization against its contingent: only organizations with a contingent for
    the school year count, in the numerator and the denominator alike; the others are counted as without data.
    Schools divide their involved learners aged 10–18 by their learners aged 10–18 (the 70 % target is theirs);
    the other kinds divide all their involved learners by all their learners."""

    kind: str  # school, college, additional, other
    title: str
    target: bool  # the 70 % target applies (general education only)
    organizations: int
    without_contingent: int
    learners_involved: int
    learners_contingent: int | None  # None: no organization of the kind has a contingent
    learners_share: float | None
    teachers_involved: int
    teachers_contingent: int | None
    teachers_share: float | None


class Indicators(msgspec.Struct, kw_only=True):
    """The indicators of a set of organizations for a period: counts, then the shares and averages made of them."""

    learners: int
    learners_involved: int
    teachers: int
    teachers_involved: int
    pairs: int
    groups: int
    meetings: int
    pair_days: int
    rhythm_pairs: int
    rhythm_ok: int
    completed: int
    ended_early: int
    organizations: int
    organizations_with_programme: int
    events_held: int
    mentor_candidates: int
    mentors: int
    learners_any_involved: int = 0  # learners of any age in working pairs (the other kinds' numerator)
    trained_mentors: int = 0  # completed the mentor school's training in the period, one person once
    certified_curators: int = 0  # hold a curator certificate valid on the period's last day (or today)
    # The 70 % target: general-education organizations' involved learners and teachers over their contingent
    # (None without any contingent); the shares of the people entered in the bases are separate numbers.
    learners_share: float | None
    teachers_share: float | None
    base_learners_share: float | None
    base_teachers_share: float | None
    school_year: int  # the contingent's school year, by the year it starts in
    without_contingent: int  # organizations of the reach without a contingent for that year
    contingent: list[KindShare]  # per kind of organization, schools first; only kinds the reach has
    meetings_per_pair_month: float | None
    rhythm_share: float | None
    completion_rate: float | None
    early_end_rate: float | None
    influence_change: float | None
    satisfaction: Satisfaction
    by_form: list[FormLine]


class Line(Indicators, kw_only=True):
    """One municipality's (for the region) or organization's (for a municipality) indicators on a dashboard."""

    id: UUID
    name: str


class DrilledPerson(msgspec.Struct, frozen=True):
    """Somebody behind a number: the name and organizations only."""

    id: UUID
    full_name: str
    birth_date: date | None
    category: str
    organizations: str | None
