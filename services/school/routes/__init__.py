"""The mentor school's pages and JSON API, as the two routers app/ composes. Each module of this package adds its
handlers to one list per router (one line here); every handler gets the asker's `school_access`."""

from litestar import Router
from litestar.di import Provide
from litestar.types import ControllerRouterHandler

from services.school.access import provide_school_access
from services.school.routes import catalogue

DEPENDENCIES = {"school_access": Provide(provide_school_access, sync_to_thread=False)}

PAGE_HANDLERS: list[ControllerRouterHandler] = [
    *catalogue.PAGES,
]
API_HANDLERS: list[ControllerRouterHandler] = [
    *catalogue.API,
]

page_router = Router(path="/", route_handlers=PAGE_HANDLERS, include_in_schema=False, dependencies=DEPENDENCIES)
api_router = Router(path="/api/v1", route_handlers=API_HANDLERS, dependencies=DEPENDENCIES)

__all__ = ["api_router", "page_router"]
