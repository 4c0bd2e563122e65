"""The organization workspace: the home of heads, curators, mentors and mentees."""

from __future__ import annotations

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.response import Template

from services.mentoring.logic import at_risk
from services.programmes.logic import Owner, workspace_summary
from shared.errors import NotFound
from shared.pages import page
from tenants import logic
from tenants.access import Principal
from tenants.guards import roles
from tenants.roles import ORGANIZATION_ROLES


@get("/workspace", guards=[roles(*ORGANIZATION_ROLES)])
async def workspace_home(principal: NamedDependency[Principal]) -> Template:
    organization_id = principal.scope.organization_id
    if organization_id is None:
        raise NotFound()
    organization = await logic.get_organization(organization_id)
    municipality = await logic.get_municipality(organization["municipality_id"])
    staff = principal.role in ORGANIZATION_ROLES[:2]
    people = await logic.list_people(organization_id) if staff else []
    return page(
        "workspace/home.html",
        organization=organization,
        municipality=municipality,
        kinds=logic.KIND_LABELS,
        people=people,
        programme=await workspace_summary(Owner(organization_id=organization_id)) if staff else None,
        risk=await at_risk(organization_id) if staff else None,
    )


workspace_router = Router(path="/", route_handlers=[workspace_home], include_in_schema=False)
