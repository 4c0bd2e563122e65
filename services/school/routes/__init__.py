"""The mentor school's routes, one module per part of the school; app/ composes the two routers.

Each module adds its handlers to the lists below: adding a module is one line in each list.
"""

from litestar import Router
from litestar.types import ControllerRouterHandler

from services.school.routes import planning, training

PAGE_HANDLERS: list[ControllerRouterHandler] = [
    *training.page_handlers,
    *planning.page_handlers,
]
API_HANDLERS: list[ControllerRouterHandler] = [
    *planning.api_handlers,
]

page_router = Router(path="/", route_handlers=PAGE_HANDLERS, include_in_schema=False)
api_router = Router(path="/", route_handlers=API_HANDLERS)
