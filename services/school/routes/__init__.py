"""The mentor school's pages and JSON API, as the two routers app/ composes. Each module of this package adds its
handlers to one list per router (one line here); every handler gets the asker's `school_access`."""

from typing import Any

from litestar import Router
from litestar.di import Provide

from services.school.access import provide_school_access
from services.school.routes import catalogue, enrolment, offer, planning, teaching, training

DEPENDENCIES = {"school_access": Provide(provide_school_access, sync_to_thread=False)}

PAGE_HANDLERS: list[Any] = [
    *catalogue.PAGES,
    *enrolment.PAGES,
    *offer.PAGES,
    *teaching.PAGES,
    *training.page_handlers,
    *planning.page_handlers,
]
API_HANDLERS: list[Any] = [
    *catalogue.API,
    *enrolment.API,
    *offer.API,
    *teaching.API,
    *planning.api_handlers,
]

page_router = Router(path="/", route_handlers=PAGE_HANDLERS, include_in_schema=False, dependencies=DEPENDENCIES)
api_router = Router(path="/api/v1", route_handlers=API_HANDLERS, dependencies=DEPENDENCIES)

__all__ = ["api_router", "page_router"]
