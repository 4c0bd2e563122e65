"""Contest pages and API, composed from the domain's parts; thin: the rules live in the logic modules."""

from litestar import Router

from services.contests import (
    application_routes,
    festival_routes,
    jury_routes,
    panel_routes,
    public_routes,
    result_routes,
    setup_routes,
    voting_routes,
    wish_routes,
)

PARTS = (
    setup_routes,
    application_routes,
    jury_routes,
    panel_routes,
    voting_routes,
    public_routes,
    result_routes,
    festival_routes,
    wish_routes,
)

# API handlers carry their full path (/api/v1/...), as the other domains' do.
page_router = Router(path="/", route_handlers=[h for part in PARTS for h in part.PAGES], include_in_schema=False)
api_router = Router(path="/", route_handlers=[h for part in PARTS for h in part.API])
