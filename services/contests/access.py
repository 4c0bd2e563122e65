"""Who organizes a contest and who runs a panel: the checks every part's pages and API share. The database says
the same in its policies; these say it early, with a 403 instead of a failed write."""

from __future__ import annotations

from uuid import UUID

from services.contests.records import ContestRecord, PanelRecord, get_contest, get_panel
from services.contests.tables import Level
from shared.errors import Forbidden, NotFound
from tenants import Principal, Role

ORGANIZER_ROLES = (Role.regional_coordinator, Role.municipal_coordinator, Role.curator, Role.head)


def organizes(principal: Principal, contest: ContestRecord) -> bool:
    """The region's coordinator organizes the region's contests (and oversees all); a municipal coordinator their
    municipality's; a curator or head their organization's own contest (its festival)."""
    scope = principal.scope
    if scope.region_id != contest.region_id:
        return False
    match principal.role:
        case Role.regional_coordinator:
            return True
        case Role.municipal_coordinator:
            return contest.level == Level.municipality and contest.municipality_id == scope.municipality_id
        case Role.curator | Role.head:
            return contest.level == Level.organization and contest.organization_id == scope.organization_id
    return False


def runs(principal: Principal, contest: ContestRecord, panel: PanelRecord) -> bool:
    """Whoever organizes the contest runs all its panels; a municipal coordinator also runs the municipal stage's
    panels of their municipality in the region's contest."""
    if organizes(principal, contest):
        return True
    scope = principal.scope
    return (
        principal.role == Role.municipal_coordinator
        and panel.level == Level.municipality
        and panel.municipality_id == scope.municipality_id
    )


async def running_panel(principal: Principal, contest_id: UUID, panel_id: UUID) -> tuple[ContestRecord, PanelRecord]:
    """The contest and its panel, for whoever runs it: 404 for a panel of another contest, 403 for a bystander."""
    contest, panel = await get_contest(contest_id), await get_panel(panel_id)
    if panel.contest_id != contest.id:
        raise NotFound()
    if not runs(principal, contest, panel):
        raise Forbidden()
    return contest, panel


async def organized_contest(principal: Principal, contest_id: UUID) -> ContestRecord:
    """The contest, for its organizer: 404 outside the scope, 403 for a bystander."""
    contest = await get_contest(contest_id)
    if not organizes(principal, contest):
        raise Forbidden()
    return contest
