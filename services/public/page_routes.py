"""The organization's public pages, open to anyone: the «Наставничество» page at `/o/<slug>`, its documents, its
Atom feed of announcements, and a compact page made to be framed by the organization's own site. Responses carry
an ETag of what they show, so a repeated visit costs a 304."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from services.public import showcase, sites
from services.public.sites import SiteRecord
from services.public.tables import PARTNER_LABELS
from shared.auth import public
from shared.downloads import download_headers
from shared.pages import page
from shared.security import content_security_policy
from shared.settings import Settings

# A page (and an order it publishes) names people who may withdraw their consent to publication at any moment:
# caches keep it but ask each time (the page's 304 costs a few small statements), so a withdrawal is seen at once.
CACHE = "public, no-cache"


async def _etag(site: SiteRecord, variant: str) -> str:
    """Of the page's version, read in a few small statements: a conditional request is answered 304 without
    building the page, and any change of what the page shows (a consent withdrawn, a new announcement) changes it."""
    return f'"{await showcase.page_version(site)}-{variant}"'


def _not_modified(request: Request[Any, Any, Any], etag: str) -> bool:
    return etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}


async def _page(request: Request[Any, Any, Any], slug: str, template: str, variant: str, **extra: Any) -> Response[Any]:
    site = await sites.find_site(slug)
    etag = await _etag(site, variant)
    headers = {"ETag": etag, "Cache-Control": CACHE, **extra.pop("headers", {})}
    if _not_modified(request, etag):
        return Response(b"", status_code=304, headers=headers)
    found = await showcase.published_page(site)
    response = page(template, page=found, partner_labels=PARTNER_LABELS, **extra)
    response.headers.update(headers)
    return response


@get("/o/{slug:str}", guards=[public])
async def organization_page(request: Request[Any, Any, Any], slug: FromPath[str]) -> Response[Any]:
    return await _page(request, slug, "public/organization.html", "page", preview=False)


@get("/o/{slug:str}/embed", guards=[public])
async def organization_embed(request: Request[Any, Any, Any], slug: FromPath[str]) -> Response[Any]:
    """Framed by the organization's own site (its address is a setting of the page), by nobody else."""
    site = await sites.find_site(slug)
    ancestors = f"'self' {site.frame_origin}" if site.frame_origin else "'self'"
    policy = content_security_policy({"frame-ancestors": ancestors})
    return await _page(request, slug, "public/embed.html", "embed", headers={"Content-Security-Policy": policy})


@get("/o/{slug:str}/feed.atom", guards=[public])
async def organization_feed(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings], slug: FromPath[str]
) -> Response[Any]:
    site = await sites.find_site(slug)
    etag = await _etag(site, "atom")
    headers = {"ETag": etag, "Cache-Control": CACHE}
    if _not_modified(request, etag):
        return Response(b"", status_code=304, headers=headers)
    found = await showcase.published_page(site)
    response = Template(
        "public/feed.atom",
        context={"page": found, "base": settings.base_url},
        media_type="application/atom+xml; charset=utf-8",
    )
    response.headers.update(headers)
    return response


@get("/o/{slug:str}/documents/{document_id:uuid}", guards=[public])
async def organization_document(slug: FromPath[str], document_id: FromPath[UUID]) -> Response[bytes]:
    site = await sites.find_site(slug)
    file = await showcase.public_document(site, document_id)
    headers = download_headers(file.filename, "inline" if file.content_type == "application/pdf" else "attachment")
    headers["Cache-Control"] = CACHE
    return Response(file.data, media_type=file.content_type, headers=headers)


PAGES: list[Any] = [organization_page, organization_embed, organization_feed, organization_document]
