"""Where the library's public pages say the cases come from (how they read at all: tenants.visitors)."""

from __future__ import annotations

from uuid import UUID

from shared.db import Scope, widened
from tenants import MunicipalitySummary, list_municipalities, organization_names


class Places:
    """Names of the organizations and municipalities the cases come from: units, not people, read in the cases'
    region as the public pages of the contests read them."""

    def __init__(self, organizations: dict[UUID, str], municipalities: dict[UUID, str]) -> None:
        self.organizations = organizations
        self.municipalities = municipalities

    def organization(self, organization_id: UUID | None) -> str:
        return self.organizations.get(organization_id, "") if organization_id else ""

    def municipality(self, municipality_id: UUID | None) -> str:
        return self.municipalities.get(municipality_id, "") if municipality_id else ""


async def places(region_ids: set[UUID], organization_ids: set[UUID]) -> Places:
    organizations: dict[UUID, str] = {}
    municipalities: dict[UUID, str] = {}
    for region_id in region_ids:
        async with widened(Scope.for_region(region_id)):
            organizations |= await organization_names(list(organization_ids))
            summaries: list[MunicipalitySummary] = await list_municipalities()
            municipalities |= {m.id: m.name for m in summaries}
    return Places(organizations, municipalities)
