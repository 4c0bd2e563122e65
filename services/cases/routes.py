"""The case library's pages and API, composed from the domain's parts; thin: the rules live in the logic modules."""

from litestar import Router

from services.cases import api_routes, case_routes

page_router = Router(path="/", route_handlers=case_routes.PAGES, include_in_schema=False)
# API handlers carry their full path (/api/v1/...), as the other domains' do.
api_router = Router(path="/", route_handlers=api_routes.API)
