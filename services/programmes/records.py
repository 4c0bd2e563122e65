"""The records programmes reads its rows into and hands out: attributes, not dictionary keys.

A row becomes a record with `record(row, T)`, which keeps the fields of T and ignores the other columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar
from uuid import UUID

import msgspec

from services.programmes.tables import EventStatus, OrderKind

T = TypeVar("T")


def record(row: Mapping[str, Any], cls: type[T]) -> T:
    return msgspec.convert(dict(row), cls)


def records(rows: Iterable[Mapping[str, Any]], cls: type[T]) -> list[T]:
    return [record(row, cls) for row in rows]


class Owned(Protocol):
    @property
    def organization_id(self) -> UUID | None: ...

    @property
    def municipality_id(self) -> UUID | None: ...


@dataclass(frozen=True)
class Owner:
    """Whose programme: an organization's, a municipality's, or (both None) the region's."""

    organization_id: UUID | None = None
    municipality_id: UUID | None = None

    @property
    def level(self) -> str:
        if self.organization_id:
            return "organization"
        return "municipality" if self.municipality_id else "region"

    @classmethod
    def of(cls, owned: Owned) -> Owner:
        return cls(owned.organization_id, owned.municipality_id)

    def columns(self) -> dict[str, Any]:
        return {"organization_id": self.organization_id, "municipality_id": self.municipality_id}


class ProgrammeRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    organization_id: UUID | None
    municipality_id: UUID | None
    title: str
    starts_on: date
    ends_on: date
    problem: str
    goal: str
    smart_specific: str
    smart_measurable: str
    smart_achievable: str
    smart_relevant: str
    smart_time_bound: str
    target_indicator: str
    target_title: str
    target_baseline: Decimal | None
    target_value: Decimal | None
    target_deadline: date | None
    audience: str
    qualitative_results: str
    implementers: str
    resources: str
    regulations: str
    form_ids: list[UUID]
    role_model_ids: list[UUID]
    max_mentees_per_mentor: int
    group_work: bool
    max_pair_months: int
    approved_order_id: UUID | None
    roadmap_order_id: UUID | None
    registry_order_id: UUID | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


class ResultRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An expected result: bound to a live indicator, or a manual one with the value typed by hand."""

    id: UUID
    programme_id: UUID
    position: int
    indicator: str
    title: str
    baseline: Decimal | None
    target: Decimal
    manual_value: Decimal | None


class FormRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A mentorship form of the catalogue; `region_id` is None for the built-in ones."""

    id: UUID
    region_id: UUID | None
    code: str
    parent_id: UUID | None
    title: str
    goal: str
    tasks: list[str]
    expected_results: str
    evaluated_results: list[str]
    mentor_portrait: str
    mentee_portrait: str
    application: str
    mentor_categories: list[str]
    mentee_categories: list[str]
    position: int


class RoleModelRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID | None
    form_id: UUID
    code: str
    title: str
    description: str
    position: int


class EvidenceRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    event_id: UUID
    filename: str
    uploaded_at: datetime


class EvidenceFile(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str
    data: bytes


class EventRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A roadmap event; `overdue` is as of the day it was read, `files` filled where the roadmap shows them."""

    id: UUID
    region_id: UUID
    organization_id: UUID | None
    municipality_id: UUID | None
    programme_id: UUID
    stage: int
    position: int
    title: str
    period_label: str
    starts_on: date
    ends_on: date
    responsible: str
    expected_result: str
    status: EventStatus
    done_on: date | None
    evidence_link: str
    evidence_note: str
    overdue: bool = False
    files: list[EvidenceRecord] = msgspec.field(default_factory=list)


class OrderRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An order without its document and scan; `payload` is the snapshot of the data it lists."""

    id: UUID
    region_id: UUID
    organization_id: UUID | None
    municipality_id: UUID | None
    programme_id: UUID | None
    kind: OrderKind
    title: str
    payload: dict[str, Any]
    number: str | None
    signed_on: date | None
    created_at: datetime
    has_scan: bool = False
    submitted_at: datetime | None = None
    return_comment: str = ""

    @property
    def registered(self) -> bool:
        return self.number is not None

    @property
    def state(self) -> str:
        """draft (prepared or returned), awaiting (sent to the signer) or registered (signed and in effect)."""
        if self.number is not None:
            return "registered"
        return "awaiting" if self.submitted_at is not None else "draft"
