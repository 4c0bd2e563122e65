"""What the public sees of the contests: the announced and finished contests of each region, and a contest's
published results, read in the public scope, so the database's policies decide (a name only with the nominee's
consent to publication, an entry only once its panel's results are published)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from services.contests.records import (
    ENTRY_LABELS,
    ContestRecord,
    applications_of,
    entries_of,
    list_contests,
    nominations_of,
    panels_of,
    stages_of,
)
from services.contests.tables import EntryState
from shared.db import Scope, current_connection, widened
from tenants import organization_names, public_regions

HIDDEN_NAME = "Участник (имя не публикуется)"


class PublicLine(msgspec.Struct, frozen=True, kw_only=True):
    entry_id: UUID
    rank: int | None
    place: int | None
    name: str
    organization: str
    jury_score: Decimal | None
    votes: int
    total: Decimal | None
    state: EntryState
    audience_prize: bool

    @property
    def state_label(self) -> str:
        return ENTRY_LABELS[self.state]


class PublicPanel(msgspec.Struct, frozen=True, kw_only=True):
    panel_id: UUID
    stage: str
    stage_position: int
    nomination: str
    nomination_position: int
    municipality_id: UUID | None
    municipality: str
    published_at: datetime
    lines: list[PublicLine]


class RegionContests(msgspec.Struct, frozen=True, kw_only=True):
    region_id: UUID
    region: str
    contests: list[ContestRecord]


async def public_contests() -> list[RegionContests]:
    """Every region's contests that are not drafts, newest first, as an anonymous visitor reads them."""
    found = []
    for region_id in await public_regions():
        async with widened(Scope.public_region(region_id)):
            contests = await list_contests()
            name = await current_connection().fetchval("SELECT name FROM region WHERE id = $1", region_id)
        if contests:
            found.append(RegionContests(region_id=region_id, region=name or "", contests=contests))
    return found


async def published_results(contest: ContestRecord) -> list[PublicPanel]:
    """The contest's panels with published results, stage by stage and nomination by nomination."""
    async with widened(Scope.public_region(contest.region_id)):
        panels = [p for p in await panels_of(contest.id) if p.results_published_at is not None]
        stages = {s.id: s for s in await stages_of(contest.id)}
        nominations = {n.id: n for n in await nominations_of(contest.id)}
        names = {a.id: a.full_name for a in await applications_of(contest.id)}  # consented ones only
        entries = {p.id: [e for e in await entries_of(p.id) if e.state != EntryState.withdrawn] for p in panels}
    organization_ids = list({e.organization_id for found in entries.values() for e in found})
    async with widened(Scope.for_region(contest.region_id)):  # names of units only, as the wish form lists them
        organizations = await organization_names(organization_ids)
        rows = await current_connection().fetch(
            "SELECT id, name FROM municipality WHERE region_id = $1", contest.region_id
        )
    municipalities = {r["id"]: r["name"] for r in rows}
    found = []
    for panel in panels:
        assert panel.results_published_at is not None
        lines = [
            PublicLine(
                entry_id=e.id,
                rank=e.rank,
                place=e.place,
                name=names.get(e.application_id, HIDDEN_NAME),
                organization=organizations.get(e.organization_id, ""),
                jury_score=e.jury_score,
                votes=e.votes,
                total=e.total,
                state=e.state,
                audience_prize=e.audience_prize,
            )
            for e in entries[panel.id]
        ]
        stage, nomination = stages[panel.stage_id], nominations[panel.nomination_id]
        found.append(
            PublicPanel(
                panel_id=panel.id,
                stage=stage.label,
                stage_position=stage.position,
                nomination=nomination.title,
                nomination_position=nomination.position,
                municipality_id=panel.municipality_id,
                municipality=municipalities.get(panel.municipality_id, "") if panel.municipality_id else "",
                published_at=panel.results_published_at,
                lines=lines,
            )
        )
    found.sort(key=lambda p: (-p.stage_position, p.nomination_position, p.municipality))
    return found
