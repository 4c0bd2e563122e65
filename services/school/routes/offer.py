"""The public offer of the mentor school: open without signing in, for one region; «Подать заявку» leads to the
sign-in and then to the application form."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from services.school.offer import OfferedProgramme, Region, public_offer, regions
from shared import clock
from shared.auth import public
from shared.db import Scope, rescope
from shared.pages import page
from tenants import Principal, Role, get_organization, visitor

APPLICANTS = (Role.mentor, Role.curator)


async def _region(request: Request[Any, Any, Any], region: UUID | None) -> tuple[UUID | None, list[Region], Any]:
    """The signed-in visitor's own region; an anonymous one reads the public scope of the region chosen (or the only
    one there is)."""
    principal = visitor(request)
    if principal is not None:
        return principal.scope.region_id, [], principal
    await rescope(Scope.public_region(region))
    choices = await regions()
    if region is None and len(choices) == 1:
        region = choices[0].id
        await rescope(Scope.public_region(region))
    if region is not None and region not in {r.id for r in choices}:
        region = None
    return region, choices, None


async def _municipality(principal: Principal | None) -> UUID | None:
    if principal is None or principal.scope.organization_id is None:
        return principal.scope.municipality_id if principal else None
    return (await get_organization(principal.scope.organization_id)).municipality_id


@get("/school/offer", guards=[public])
async def offer_page(request: Request[Any, Any, Any], region: FromQuery[UUID | None] = None) -> Template:
    """Published programmes and cohorts taking people; no one's name is on it."""
    region_id, choices, principal = await _region(request, region)
    programmes = await public_offer(region_id, clock.today(), await _municipality(principal)) if region_id else []
    name = next((r.name for r in choices if r.id == region_id), "")
    return page(
        "school/offer.html",
        programmes=programmes,
        regions=choices,
        region_id=region_id,
        region_name=name,
        signed_in=principal is not None,
        can_apply=principal is None or principal.role in APPLICANTS,
    )


class OfferOut(msgspec.Struct, frozen=True, kw_only=True):
    region_id: UUID | None
    programmes: list[OfferedProgramme]


@get("/school/offer", guards=[public], tags=["Школа наставников"])
async def offer_api(request: Request[Any, Any, Any], region: FromQuery[UUID | None] = None) -> OfferOut:
    """The same offer as JSON: programmes with modules, hours, audience and cohorts with free places."""
    region_id, _, principal = await _region(request, region)
    programmes = await public_offer(region_id, clock.today(), await _municipality(principal)) if region_id else []
    return OfferOut(region_id=region_id, programmes=programmes)


PAGES = [offer_page]
API = [offer_api]
