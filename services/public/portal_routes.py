"""The region's public home at `/` for a visitor who has not signed in (a signed-in user goes on to their
workspace), and the sitemap of the published pages."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.contests import public_contests
from services.public import portal
from shared.auth import public, scope_principal
from shared.pages import page, see_other
from shared.settings import Settings
from tenants import Principal, home_for, signed_in


@get("/", guards=[public])
async def home(request: Request[Any, Any, Any]) -> Template | Redirect:
    principal = scope_principal(request)
    if isinstance(principal, Principal):
        signed_in(request, request.route_handler)  # a second factor still to set up is set up first
        return see_other(home_for(principal))
    return page("public/portal.html", regions=await portal.regions(), contests=await public_contests())


@get("/sitemap.xml", guards=[public])
async def sitemap(settings: NamedDependency[Settings]) -> Response[Any]:
    return Template(
        "public/sitemap.xml",
        context={"entries": await portal.sitemap(), "base": settings.base_url},
        media_type="application/xml; charset=utf-8",
    )


PAGES: list[Any] = [home, sitemap]
