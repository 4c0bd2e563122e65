"""How a page open to the public reads: a signed-in visitor in their own scope, an anonymous one in the public scope
of each region in turn (the address names no region), where the database's public policies show only what is
published."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from litestar.connection import ASGIConnection

from shared.auth import scope_principal
from shared.db import Scope, rescope, widened
from shared.errors import NotFound
from tenants.access import Principal
from tenants.tables import Region

T = TypeVar("T")


async def public_regions() -> list[UUID]:
    async with widened(Scope.public_region(None)):
        return [r["id"] for r in await Region.select(Region.id).order_by(Region.name).run()]


def visitor(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The signed-in visitor with a region, or None for the public (and for a platform admin, who has none)."""
    principal = scope_principal(connection)
    if isinstance(principal, Principal) and principal.scope.region_id is not None:
        return principal
    return None


async def each_region(
    connection: ASGIConnection[Any, Any, Any, Any], read: Callable[[], Awaitable[list[T]]]
) -> list[T]:
    """`read()` in the visitor's scope; for the public, in every region's public scope, one after another."""
    if visitor(connection) is not None:
        return await read()
    found: list[T] = []
    for region_id in await public_regions():
        async with widened(Scope.public_region(region_id)):
            found += await read()
    return found


async def in_public_region(lookup: Callable[[], Awaitable[T]]) -> tuple[T, UUID]:
    """`lookup()` in the first region whose public scope holds it (NotFound in none), and that region."""
    for region_id in await public_regions():
        async with widened(Scope.public_region(region_id)):
            try:
                return await lookup(), region_id
            except NotFound:
                continue
    raise NotFound()


async def visible(
    connection: ASGIConnection[Any, Any, Any, Any], lookup: Callable[[], Awaitable[T]]
) -> tuple[T, Principal | None]:
    """`lookup()` in the visitor's scope; for the public, in the first region whose public scope holds it, and the
    rest of the request stays in that public scope."""
    principal = visitor(connection)
    if principal is not None:
        return await lookup(), principal
    found, region_id = await in_public_region(lookup)
    await rescope(Scope.public_region(region_id))
    return found, None
