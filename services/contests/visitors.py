"""How a public page finds what it shows: a signed-in visitor reads it in their own scope, an anonymous one in the
public scope of its region (the address names no region) and stays there for the rest of the request. Drafts are
nobody's but the organizer's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from litestar import Request

from services.contests.records import ContestRecord, get_contest
from services.contests.tables import ContestStatus
from shared.auth import scope_principal
from shared.db import Scope, current_connection, rescope, widened
from shared.errors import NotFound
from tenants import Principal

T = TypeVar("T")


async def public_regions() -> list[UUID]:
    async with widened(Scope.public_region(None)):
        return [r["id"] for r in await current_connection().fetch("SELECT id FROM region")]


def signed_in(request: Request[Any, Any, Any]) -> Principal | None:
    principal = scope_principal(request)
    if isinstance(principal, Principal) and principal.scope.region_id is not None:
        return principal
    return None


async def visible(request: Request[Any, Any, Any], lookup: Callable[[], Awaitable[T]]) -> tuple[T, Principal | None]:
    """`lookup()` in the visitor's scope; for the public, in the first region whose public scope holds it."""
    principal = signed_in(request)
    if principal is not None:
        return await lookup(), principal
    for region_id in await public_regions():
        async with widened(Scope.public_region(region_id)):
            try:
                found = await lookup()
            except NotFound:
                continue
        await rescope(Scope.public_region(region_id))
        return found, None
    raise NotFound()


async def visible_contest(request: Request[Any, Any, Any], contest_id: UUID) -> tuple[ContestRecord, Principal | None]:
    """The contest and the signed-in visitor (None for the public); another region's contest is NotFound."""
    contest, principal = await visible(request, lambda: get_contest(contest_id))
    if contest.status == ContestStatus.draft:
        raise NotFound()
    return contest, principal
