"""The contests' public pages: the region's contests, a contest's card with its nominations, dates and published
results, and a published festival with its awards and photos. Open to anyone; what the public reads is what the
database's public policies let it read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from services.contests import festivals, showcase
from services.contests.access import organizes, runs
from services.contests.documents import organizer_name
from services.contests.records import (
    LEVEL_LABELS,
    PanelRecord,
    applications_of,
    entries_of,
    get_nomination,
    get_stage,
    nominations_of,
    panels_of,
    stages_of,
)
from services.contests.tables import ContestStatus, EntryState, PanelStatus, VotingMode
from services.contests.visitors import visible_contest
from shared.auth import public
from shared.db import Scope, widened
from shared.downloads import download_headers
from shared.errors import NotFound
from shared.pages import page
from tenants import organization_names, visible


@get("/contests/public", guards=[public])
async def public_list() -> Template:
    return page("contests/public_list.html", regions=await showcase.public_contests(), level_labels=LEVEL_LABELS)


@get("/contests/{contest_id:uuid}/public", guards=[public])
async def public_card(request: Request[Any, Any, Any], contest_id: FromPath[UUID]) -> Template:
    contest, principal = await visible_contest(request, contest_id)
    nominations = await nominations_of(contest.id)
    async with widened(Scope.for_region(contest.region_id)):  # the organizer's name, as the wish form lists units
        organizer = await organizer_name(contest)
    return page(
        "contests/public_card.html",
        contest=contest,
        organizer=organizer,
        nominations=nominations,
        stages=await stages_of(contest.id),
        panels=await showcase.published_results(contest),
        festivals=[f for f in await festivals.festivals_of(contest.id) if f.published_at is not None],
        voting=any(n.voting_mode != VotingMode.none for n in nominations),
        wishing=contest.status == ContestStatus.announced,
        organizes=principal is not None and organizes(principal, contest),
        level_labels=LEVEL_LABELS,
    )


async def _festival(request: Request[Any, Any, Any], festival_id: UUID) -> festivals.FestivalRecord:
    festival, principal = await visible(request, lambda: festivals.get_festival(festival_id))
    if festival.published_at is None and not (principal is not None and festivals.organizes(principal, festival)):
        raise NotFound()
    return festival


@get("/contests/festivals/{festival_id:uuid}/public", guards=[public])
async def festival_public(request: Request[Any, Any, Any], festival_id: FromPath[UUID]) -> Template:
    festival = await _festival(request, festival_id)
    return page(
        "contests/festival_public.html",
        festival=festival,
        awards=await festivals.awards_of(festival.id),
        photos=await festivals.photos_of(festival.id),
    )


@get("/contests/festivals/{festival_id:uuid}/photos/{photo_id:uuid}", guards=[public])
async def festival_photo(
    request: Request[Any, Any, Any], festival_id: FromPath[UUID], photo_id: FromPath[UUID]
) -> Response[bytes]:
    festival = await _festival(request, festival_id)
    photo = await festivals.photo_file(festival.id, photo_id)
    return Response(photo.data, media_type=photo.content_type, headers=download_headers(photo.filename, "inline"))


# API ----------------------------------------------------------------------------------------------------------------


class ResultLine(msgspec.Struct, frozen=True, kw_only=True):
    entry_id: UUID
    nominee: str
    organization: str
    jury_score: Decimal | None
    votes: int
    total: Decimal | None
    rank: int | None
    place: int | None
    state: str
    audience_prize: bool


class PanelResult(msgspec.Struct, frozen=True, kw_only=True):
    panel_id: UUID
    stage: str
    nomination: str
    municipality_id: UUID | None
    published: bool
    lines: list[ResultLine]


async def _running_result(panel: PanelRecord) -> PanelResult:
    """A finished panel's ranking as whoever runs it reads it, published or not."""
    entries = [e for e in await entries_of(panel.id) if e.state != EntryState.withdrawn]
    organizations = await organization_names(list({e.organization_id for e in entries}))
    applications = {a.id: a for a in await applications_of(panel.contest_id)}
    lines = []
    for e in entries:
        application = applications[e.application_id]
        lines.append(
            ResultLine(
                entry_id=e.id,
                nominee=application.full_name if application.publication_consent else showcase.HIDDEN_NAME,
                organization=organizations.get(e.organization_id, ""),
                jury_score=e.jury_score,
                votes=e.votes,
                total=e.total,
                rank=e.rank,
                place=e.place,
                state=e.state,
                audience_prize=e.audience_prize,
            )
        )
    return PanelResult(
        panel_id=panel.id,
        stage=(await get_stage(panel.stage_id)).label,
        nomination=(await get_nomination(panel.nomination_id)).title,
        municipality_id=panel.municipality_id,
        published=panel.results_published_at is not None,
        lines=lines,
    )


def _published_result(panel: showcase.PublicPanel) -> PanelResult:
    return PanelResult(
        panel_id=panel.panel_id,
        stage=panel.stage,
        nomination=panel.nomination,
        municipality_id=panel.municipality_id,
        published=True,
        lines=[
            ResultLine(
                entry_id=line.entry_id,
                nominee=line.name,
                organization=line.organization,
                jury_score=line.jury_score,
                votes=line.votes,
                total=line.total,
                rank=line.rank,
                place=line.place,
                state=line.state,
                audience_prize=line.audience_prize,
            )
            for line in panel.lines
        ],
    )


@get("/api/v1/contests/{contest_id:uuid}/results", guards=[public], tags=["Конкурсы"])
async def results_api(request: Request[Any, Any, Any], contest_id: FromPath[UUID]) -> list[PanelResult]:
    """The finished panels' rankings: whoever runs a panel reads it before publication; everyone else, signed in
    or not, the published ones as the public page shows them."""
    contest, principal = await visible_contest(request, contest_id)
    published = {p.panel_id: p for p in await showcase.published_results(contest)}
    found = []
    for panel in await panels_of(contest.id):
        if panel.status != PanelStatus.finished:
            continue
        if principal is not None and runs(principal, contest, panel):
            found.append(await _running_result(panel))
        elif panel.id in published:
            found.append(_published_result(published[panel.id]))
    return found


PAGES: list[Any] = [public_list, public_card, festival_public, festival_photo]
API: list[Any] = [results_api]
