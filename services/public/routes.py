"""The public pages, composed from the domain's parts; thin: the rules live in the logic modules."""

from litestar import Router

from services.public import editor_routes, page_routes, portal_routes

page_router = Router(
    path="/",
    route_handlers=[*portal_routes.PAGES, *page_routes.PAGES, *editor_routes.PAGES],
    include_in_schema=False,
)
