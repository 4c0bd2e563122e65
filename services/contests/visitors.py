"""How a public page finds what it shows: a signed-in visitor reads it in their own scope, an anonymous one in the
public scope of its region (the address names no region) and stays there for the rest of the request. Drafts are
nobody's but the organizer's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request

from services.contests.records import ContestRecord, get_contest
from services.contests.tables import ContestStatus
from shared.errors import NotFound
from tenants import Principal, visible


async def visible_contest(request: Request[Any, Any, Any], contest_id: UUID) -> tuple[ContestRecord, Principal | None]:
    """The contest and the signed-in visitor (None for the public); another region's contest is NotFound."""
    contest, principal = await visible(request, lambda: get_contest(contest_id))
    if contest.status == ContestStatus.draft:
        raise NotFound()
    return contest, principal
