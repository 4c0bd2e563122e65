"""Who may see which numbers: a curator or head their organization, a municipal coordinator their municipality
and its organizations, a regional coordinator any of the region. The dashboards, the API and the exports ask here."""

from __future__ import annotations

from uuid import UUID

from services.reports.indicators import Reach
from services.reports.records import MunicipalityRef, OrganizationRef, view
from shared.errors import NotFound
from tenants import Principal, Role, get_municipality, get_organization


async def reach_of(principal: Principal, municipality_id: str, organization_id: str) -> Reach:
    """The viewer's own level or below it; anything outside answers 404, as a record of another tenant would."""
    scope = principal.scope
    if principal.role in (Role.curator, Role.head):
        return Reach(organization_id=scope.organization_id)
    try:
        organization = UUID(organization_id) if organization_id else None
        municipality = UUID(municipality_id) if municipality_id else None
    except ValueError:
        raise NotFound() from None
    if organization:
        row = view(await get_organization(organization), OrganizationRef)
        if principal.role == Role.municipal_coordinator and row.municipality_id != scope.municipality_id:
            raise NotFound()
        return Reach(organization_id=organization)
    if principal.role == Role.municipal_coordinator:
        if municipality and municipality != scope.municipality_id:
            raise NotFound()
        return Reach(municipality_id=scope.municipality_id)
    if municipality:
        await get_municipality(municipality)
        return Reach(municipality_id=municipality)
    return Reach()


async def trail(principal: Principal, reach: Reach) -> list[tuple[str, Reach]]:
    """The levels from the viewer's own down to the reach (регион → муниципалитет → организация), each a place
    the viewer may open: a coordinator's way back up the drill-down."""
    organization = (
        view(await get_organization(reach.organization_id), OrganizationRef) if reach.organization_id else None
    )
    municipality_id = organization.municipality_id if organization else reach.municipality_id
    levels: list[tuple[str, Reach]] = []
    if principal.role == Role.regional_coordinator:
        levels.append(("Регион", Reach()))
    if municipality_id and principal.role in (Role.regional_coordinator, Role.municipal_coordinator):
        name = view(await get_municipality(municipality_id), MunicipalityRef).name
        levels.append((name, Reach(municipality_id=municipality_id)))
    if organization:
        levels.append((organization.short_name or organization.name, Reach(organization_id=organization.id)))
    return levels


async def place(reach: Reach) -> str:
    """The reach's name for a page's title: the organization, the municipality or the region."""
    if reach.organization_id:
        row = view(await get_organization(reach.organization_id), OrganizationRef)
        return row.short_name or row.name
    if reach.municipality_id:
        return view(await get_municipality(reach.municipality_id), MunicipalityRef).name
    return "Регион"
