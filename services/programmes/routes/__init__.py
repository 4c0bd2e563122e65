"""Programmes' pages and JSON API, as the two routers app/ composes; every handler gets the asker's `access`."""

from litestar import Router
from litestar.di import Provide

from services.programmes.routes.api import CatalogueApi, OrderApi, ProgrammeApi
from services.programmes.routes.catalogue_pages import CataloguePages
from services.programmes.routes.common import provide_access
from services.programmes.routes.order_pages import OrderPages
from services.programmes.routes.programme_pages import ProgrammePages
from services.programmes.routes.roadmap_pages import RoadmapPages
from services.programmes.routes.selection_pages import SelectionPages

ACCESS = {"access": Provide(provide_access, sync_to_thread=False)}

page_router = Router(
    path="/",
    route_handlers=[ProgrammePages, RoadmapPages, SelectionPages, OrderPages, CataloguePages],
    include_in_schema=False,
    dependencies=ACCESS,
)
api_router = Router(path="/api/v1", route_handlers=[ProgrammeApi, OrderApi, CatalogueApi], dependencies=ACCESS)

__all__ = ["api_router", "page_router"]
