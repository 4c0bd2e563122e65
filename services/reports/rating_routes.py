"""The mentor rating's pages: the standings the viewer's scope holds (by municipality for the region), the
region's rules, and a recount on request. Thin: the rules live in rating.py."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from services.reports import jobs, rating
from shared.actor import Actor
from shared.errors import ValidationFailed
from shared.pages import flash, fragment, page, see_other
from tenants import Principal, Role, allow, list_municipalities, organization_names

PAGE = "reports/rating.html"
READERS = (Role.regional_coordinator, Role.municipal_coordinator, Role.curator, Role.head)


async def _page(principal: Principal, municipality: UUID | None, errors: dict[str, str], status: int = 200) -> Template:
    found = await rating.standings(municipality_id=municipality)
    edits = principal.role == Role.regional_coordinator
    return page(
        PAGE,
        status,
        standings=found,
        job=await jobs.last_rating_job() if edits else None,
        organizations=await organization_names(list({s.organization_id for s in found})),
        municipalities=await list_municipalities() if principal.role == Role.regional_coordinator else [],
        municipality=municipality,
        rules=await rating.rules(),
        sources=rating.SOURCES,
        edits=edits,
        errors=errors,
    )


@get("/rating", guards=[allow(*READERS)])
async def rating_page(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], municipality: FromQuery[UUID | None] = None
) -> Template | Response[str]:
    if request.headers.get("HX-Request") and principal.role == Role.regional_coordinator:  # the recount polled
        return fragment(request, PAGE, "recount", job=await jobs.last_rating_job(), edits=True)
    return await _page(principal, municipality, {})


@post("/rating/rules", guards=[allow(Role.regional_coordinator)])
async def rating_rules(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    posted = await request.form()
    form = rating.RulesForm(
        {key: (str(posted.get(f"points_{key}", "")), str(posted.get(f"max_{key}", ""))) for key in rating.SOURCES}
    )
    try:
        await rating.save_rules(actor, form)
    except ValidationFailed as exc:
        return await _page(principal, None, exc.errors, 400)
    await jobs.start_rating(principal.scope, actor)
    flash(request, "Правила сохранены; рейтинг пересчитывается", category="success")
    return see_other("/rating")


@post("/rating/recount", guards=[allow(Role.regional_coordinator)])
async def rating_recount(principal: NamedDependency[Principal], actor: NamedDependency[Actor]) -> Redirect:
    await jobs.start_rating(principal.scope, actor)
    return see_other("/rating#recount")


@post("/rating/recount/retry", guards=[allow(Role.regional_coordinator)])
async def rating_recount_retry(principal: NamedDependency[Principal]) -> Template | Redirect:
    try:
        await jobs.retry_rating()
    except ValidationFailed as exc:
        return await _page(principal, None, exc.errors, 400)
    return see_other("/rating#recount")


PAGES: list[Any] = [rating_page, rating_rules, rating_recount, rating_recount_retry]
