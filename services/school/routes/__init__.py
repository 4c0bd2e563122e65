"""The mentor school's pages and JSON API, as the two routers app/ composes: one list of controllers per router,
each module of this package adding its own."""

from typing import Any

from litestar import Router

from services.school.routes import teaching

PAGES: list[Any] = [*teaching.PAGES]
API: list[Any] = [*teaching.API]

page_router = Router(path="/", route_handlers=PAGES, include_in_schema=False)
api_router = Router(path="/api/v1", route_handlers=API)

__all__ = ["api_router", "page_router"]
