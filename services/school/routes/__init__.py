"""The mentor school's pages and JSON API, as the two routers app/ composes; each module adds its handlers to the
lists below (one line per module)."""

from typing import Any

from litestar import Router

from services.school.routes import enrolment, offer

PAGES: list[Any] = [*enrolment.pages, *offer.pages]
API: list[Any] = [*enrolment.api, *offer.api]

page_router = Router(path="/", route_handlers=PAGES, include_in_schema=False)
api_router = Router(path="/", route_handlers=API)

__all__ = ["api_router", "page_router"]
