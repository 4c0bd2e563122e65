"""How a public page finds the contest it shows: a signed-in visitor reads it in their own scope, an anonymous one
in the public scope of its region (the address names no region). Drafts are nobody's but the organizer's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request

from services.contests.records import ContestRecord, get_contest
from services.contests.tables import ContestStatus
from shared.auth import scope_principal
from shared.db import Scope, current_connection, widened
from shared.errors import NotFound
from tenants import Principal


async def public_regions() -> list[UUID]:
    async with widened(Scope.public_region(None)):
        return [r["id"] for r in await current_connection().fetch("SELECT id FROM region")]


async def visible_contest(request: Request[Any, Any, Any], contest_id: UUID) -> tuple[ContestRecord, Principal | None]:
    """The contest and the signed-in visitor (None for the public); another region's contest is NotFound."""
    principal = scope_principal(request)
    if isinstance(principal, Principal) and principal.scope.region_id is not None:
        contest = await get_contest(contest_id)
        if contest.status == ContestStatus.draft:
            raise NotFound()
        return contest, principal
    for region_id in await public_regions():
        async with widened(Scope.public_region(region_id)):
            try:
                return await get_contest(contest_id), None
            except NotFound:
                continue
    raise NotFound()
