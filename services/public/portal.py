"""The regional portal: the region's public home for a visitor who has not signed in — the organizations in the
programme by municipality with their published pages, the latest announcements, and the way to the contests, the
mentor school, certificate verification and the case library."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

import tenants
from services.public.tables import PublicPost, PublicSite
from shared.db import Scope, widened

LATEST = 8


class PortalOrganization(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    slug: str


class PortalMunicipality(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    organizations: list[PortalOrganization]


class PortalNews(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    organization: str
    slug: str
    published_at: datetime


class PortalRegion(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str
    municipalities: list[PortalMunicipality]
    news: list[PortalNews]

    @property
    def organizations(self) -> int:
        return sum(len(m.organizations) for m in self.municipalities)


class SitemapEntry(msgspec.Struct, frozen=True, kw_only=True):
    path: str
    updated_at: datetime


async def _region(region_id: UUID, name: str) -> PortalRegion:
    async with widened(Scope.public_region(region_id)):
        published = await PublicSite.select(PublicSite.organization_id, PublicSite.slug).run()
        posts = (
            await PublicPost.select(PublicPost.organization_id, PublicPost.title, PublicPost.published_at)
            .where(PublicPost.published_at.is_not_null())
            .order_by(PublicPost.published_at, ascending=False)
            .limit(LATEST)
            .run()
        )
    slugs = {row["organization_id"]: row["slug"] for row in published}
    async with widened(Scope.for_region(region_id)):  # the names of the units whose pages are published
        organizations = [o for o in await tenants.list_organizations() if o.id in slugs]
        municipalities = {m.id: m.name for m in await tenants.list_municipalities()}
    by_municipality: dict[UUID, list[PortalOrganization]] = {}
    names = {}
    for o in organizations:
        names[o.id] = o.short_name or o.name
        by_municipality.setdefault(o.municipality_id, []).append(PortalOrganization(name=names[o.id], slug=slugs[o.id]))
    return PortalRegion(
        id=region_id,
        name=name,
        municipalities=[
            PortalMunicipality(name=municipalities.get(m, ""), organizations=found)
            for m, found in sorted(by_municipality.items(), key=lambda item: municipalities.get(item[0], ""))
        ],
        news=[
            PortalNews(
                title=p["title"],
                organization=names.get(p["organization_id"], ""),
                slug=slugs[p["organization_id"]],
                published_at=p["published_at"],
            )
            for p in posts
            if p["organization_id"] in slugs
        ],
    )


async def regions() -> list[PortalRegion]:
    async with widened(Scope.public_region(None)):
        found = await tenants.region_names()
    return [await _region(region_id, name) for region_id, name in found.items()]


async def sitemap() -> list[SitemapEntry]:
    """Every published organization page, for search engines."""
    entries = []
    for region_id in await tenants.public_regions():
        async with widened(Scope.public_region(region_id)):
            rows = await PublicSite.select(PublicSite.slug, PublicSite.updated_at).run()
        entries += [SitemapEntry(path=f"/o/{r['slug']}", updated_at=r["updated_at"]) for r in rows]
    return entries
