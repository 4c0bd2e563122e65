"""Programmes at a glance: every organization's for coordinators, and the current one for a home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import msgspec

from services.programmes.access import Access
from services.programmes.constructor import missing_steps
from services.programmes.programme import current_programme
from services.programmes.records import EventRecord, Owner, ProgrammeRecord, records
from services.programmes.roadmap import roadmap
from services.programmes.tables import EventStatus
from shared.clock import today
from shared.db import current_connection


class OverviewRow(msgspec.Struct, frozen=True, kw_only=True):
    """An organization and its current programme (the programme's fields are None without one)."""

    organization_id: UUID
    organization: str
    municipality: str
    programme_id: UUID | None
    title: str | None
    starts_on: date | None
    ends_on: date | None
    approved: bool | None
    registry_approved: bool | None
    events: int
    done: int
    overdue: int


async def programmes_overview(access: Access, on: date | None = None) -> list[OverviewRow]:
    """Every organization in the coordinator's reach with its current programme, approval and roadmap progress."""
    municipality_id = access.coordinating()
    day = on or today()
    rows = await current_connection().fetch(
        """SELECT o.id AS organization_id, coalesce(nullif(o.short_name, ''), o.name) AS organization,
                  m.name AS municipality, p.id AS programme_id, p.title, p.starts_on, p.ends_on,
                  p.approved_order_id IS NOT NULL AS approved, p.registry_order_id IS NOT NULL AS registry_approved,
                  count(e.id) FILTER (WHERE e.status <> 'cancelled') AS events,
                  count(e.id) FILTER (WHERE e.status = 'done') AS done,
                  count(e.id) FILTER (WHERE e.status IN ('planned', 'in_progress') AND e.ends_on < $2) AS overdue
           FROM organization o
           JOIN municipality m ON m.region_id = o.region_id AND m.id = o.municipality_id
           LEFT JOIN LATERAL (
               SELECT * FROM programme p WHERE p.region_id = o.region_id AND p.organization_id = o.id
               ORDER BY (p.starts_on <= $2 AND $2 <= p.ends_on) DESC, p.starts_on DESC LIMIT 1) p ON true
           LEFT JOIN roadmap_event e ON e.region_id = p.region_id AND e.programme_id = p.id
           WHERE o.kind <> 'municipal_body' AND ($1::uuid IS NULL OR o.municipality_id = $1)
           GROUP BY o.region_id, o.id, m.name, m.sort_key, p.id, p.title, p.starts_on, p.ends_on,
                    p.approved_order_id, p.registry_order_id
           ORDER BY m.sort_key, o.sort_key""",
        municipality_id,
        day,
    )
    return records(rows, OverviewRow)


class DraftOrder(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    awaiting: bool = False  # sent for signature


@dataclass(frozen=True)
class WorkspaceSummary:
    programme: ProgrammeRecord
    done: int
    total: int
    overdue: list[EventRecord]
    current: list[EventRecord]
    drafts: list[DraftOrder]  # orders not yet registered: prepared, or sent to the head for signature
    missing: list[str]  # the constructor's steps not filled in


async def workspace_summary(owner: Owner, on: date | None = None) -> WorkspaceSummary | None:
    """For a home page: the current programme, its progress, what is overdue and which orders await signing."""
    day = on or today()
    programme = await current_programme(owner, day)
    if programme is None:
        return None
    stages = await roadmap(programme.id, day)
    events = [e for s in stages for e in s.events]
    drafts = await current_connection().fetch(
        """SELECT id, title, submitted_at IS NOT NULL AS awaiting FROM programme_order
           WHERE programme_id = $1 AND number IS NULL ORDER BY submitted_at, created_at""",
        programme.id,
    )
    return WorkspaceSummary(
        programme=programme,
        done=sum(s.done for s in stages),
        total=sum(s.total for s in stages),
        overdue=[e for e in events if e.overdue],
        current=[e for e in events if e.status == EventStatus.in_progress],
        drafts=records(drafts, DraftOrder),
        missing=await missing_steps(programme),
    )
