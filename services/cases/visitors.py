"""How the library's public pages read: a signed-in visitor in their own scope (the region's published cases and
whatever their role works on), an anonymous one in the public scope of each region in turn (the address names no
region), where the database's public policy shows only what is published."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from litestar import Request

from shared.auth import scope_principal
from shared.db import Scope, current_connection, rescope, widened
from shared.errors import NotFound
from tenants import MunicipalitySummary, Principal, list_municipalities, organization_names

T = TypeVar("T")


async def public_regions() -> list[UUID]:
    async with widened(Scope.public_region(None)):
        return [r["id"] for r in await current_connection().fetch("SELECT id FROM region ORDER BY name")]


def signed_in(request: Request[Any, Any, Any]) -> Principal | None:
    principal = scope_principal(request)
    if isinstance(principal, Principal) and principal.scope.region_id is not None:
        return principal
    return None


async def each_region(request: Request[Any, Any, Any], read: Callable[[], Awaitable[list[T]]]) -> list[T]:
    """`read()` in the visitor's scope; for the public, in every region's public scope, one after another."""
    if signed_in(request) is not None:
        return await read()
    found: list[T] = []
    for region_id in await public_regions():
        async with widened(Scope.public_region(region_id)):
            found += await read()
    return found


async def visible(request: Request[Any, Any, Any], lookup: Callable[[], Awaitable[T]]) -> tuple[T, Principal | None]:
    """`lookup()` in the visitor's scope; for the public, in the first region whose public scope holds it (and the
    rest of the request stays in that public scope)."""
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


class Places:
    """Names of the organizations and municipalities the cases come from: units, not people, read in the cases'
    region as the public pages of the contests read them."""

    def __init__(self, organizations: dict[UUID, str], municipalities: dict[UUID, str]) -> None:
        self.organizations = organizations
        self.municipalities = municipalities

    def organization(self, organization_id: UUID | None) -> str:
        return self.organizations.get(organization_id, "") if organization_id else ""

    def municipality(self, municipality_id: UUID | None) -> str:
        return self.municipalities.get(municipality_id, "") if municipality_id else ""


async def places(region_ids: set[UUID], organization_ids: set[UUID]) -> Places:
    organizations: dict[UUID, str] = {}
    municipalities: dict[UUID, str] = {}
    for region_id in region_ids:
        async with widened(Scope.for_region(region_id)):
            organizations |= await organization_names(list(organization_ids))
            summaries: list[MunicipalitySummary] = await list_municipalities()
            municipalities |= {m.id: m.name for m in summaries}
    return Places(organizations, municipalities)
