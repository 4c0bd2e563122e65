"""An organization's public page: its readable address (a slug unique on the platform, so `/o/<slug>` names no
region), the introduction, the indicators it chooses to show, the site allowed to frame it, and publication."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import msgspec

from services.programmes import INDICATORS as INDICATOR_LABELS
from services.public.tables import PublicSite
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import Level, Scope, current_connection, widened
from shared.downloads import ascii_name
from shared.errors import Errors, NotFound

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# What an organization may publish of its programme's indicators (the programmes' keys and labels).
INDICATORS = {
    key: INDICATOR_LABELS[key]
    for key in ("pairs", "mentor_registry", "mentees", "events_held", "trained_mentors", "contest_applicants")
}


class SiteRecord(msgspec.Struct, frozen=True, kw_only=True):
    region_id: UUID
    organization_id: UUID
    slug: str
    intro: str
    frame_origin: str
    indicators: list[str]
    published_at: datetime | None
    updated_at: datetime


@dataclass
class SiteForm:
    slug: str = ""
    intro: str = ""
    frame_origin: str = ""
    indicators: list[str] = field(default_factory=list)


def slug_from(name: str) -> str:
    """«МБОУ «СОШ № 1»» → «mbou-sosh-n-1»: the organization's short name transliterated."""
    words = re.split(r"[^a-z0-9]+", ascii_name(name).lower())
    return "-".join(w for w in words if w)[:60].strip("-") or "organizaciya"


def _record(row: Any) -> SiteRecord:
    return msgspec.convert(dict(row), SiteRecord, strict=False)


async def get_site(organization_id: UUID) -> SiteRecord | None:
    row = await PublicSite.select().where(PublicSite.organization_id == organization_id).first().run()
    return _record(row) if row else None


async def _taken(slug: str, region_id: UUID, organization_id: UUID) -> bool:
    """Any other organization's page on the platform with this address (the address names no region)."""
    await current_connection().execute("SELECT pg_advisory_xact_lock(hashtext('public_site:' || $1))", slug)
    async with widened(Scope(Level.platform)):
        return bool(
            await current_connection().fetchval(
                """SELECT EXISTS (SELECT 1 FROM public_site WHERE slug = $1
                       AND NOT (region_id = $2 AND organization_id = $3))""",
                slug,
                region_id,
                organization_id,
            )
        )


async def ensure_site(actor: Actor, organization_id: UUID, short_name: str) -> SiteRecord:
    """The organization's page, made unpublished the first time its curator opens the editor."""
    site = await get_site(organization_id)
    if site is not None:
        return site
    base = slug_from(short_name)
    slug, n = base, 1
    while await _taken(slug, actor.region_id, organization_id):
        n += 1
        slug = f"{base[:55]}-{n}"
    await PublicSite.insert(
        PublicSite(region_id=actor.region_id, organization_id=organization_id, slug=slug, intro="", updated_at=now())
    ).run()
    await audit(actor, "public.site.new", None, f"slug={slug}")
    site = await get_site(organization_id)
    assert site is not None
    return site


def _origin(errors: Errors, text: str) -> str:
    text = text.strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname or parts.path or parts.query or parts.fragment:
        errors.add("frame_origin", "Адрес сайта — в виде https://school1.example.ru, без пути")
        return ""
    return text.lower()


async def save_site(actor: Actor, site: SiteRecord, form: SiteForm) -> None:
    errors = Errors()
    slug = form.slug.strip().lower()
    if not SLUG.fullmatch(slug) or not 3 <= len(slug) <= 60:
        errors.add("slug", "Адрес — от 3 до 60 латинских букв и цифр, слова через дефис: sosh-1-svetlogorsk")
    elif slug != site.slug and await _taken(slug, site.region_id, site.organization_id):
        errors.add("slug", "Этот адрес уже занят другой организацией")
    if len(form.intro) > 20000:
        errors.add("intro", "Введение — до 20 000 знаков")
    origin = _origin(errors, form.frame_origin)
    if any(key not in INDICATORS for key in form.indicators):
        errors.add("indicators", "Выберите показатели из списка")
    errors.raise_if_any()
    await (
        PublicSite.update(
            {
                PublicSite.slug: slug,
                PublicSite.intro: form.intro.strip(),
                PublicSite.frame_origin: origin,
                PublicSite.indicators: [k for k in INDICATORS if k in form.indicators],
                PublicSite.updated_at: now(),
            }
        )
        .where(PublicSite.organization_id == site.organization_id)
        .run()
    )
    await audit(actor, "public.site.edit", None, f"slug={slug}")


async def set_published(actor: Actor, site: SiteRecord, published: bool) -> None:
    moment = now() if published else None
    await (
        PublicSite.update({PublicSite.published_at: moment, PublicSite.updated_at: now()})
        .where(PublicSite.organization_id == site.organization_id)
        .run()
    )
    await audit(actor, "public.site.publish" if published else "public.site.hide", None, f"slug={site.slug}")


async def find_site(slug: str) -> SiteRecord:
    """The published page at this address, read as the public reads it, in whichever region holds it."""
    if not SLUG.fullmatch(slug):
        raise NotFound()
    async with widened(Scope(Level.platform)):  # which region holds the address (unique on the platform), no more
        regions = [
            r["region_id"]
            for r in await current_connection().fetch("SELECT region_id FROM public_site WHERE slug = $1", slug)
        ]
    for region_id in regions:
        async with widened(Scope.public_region(region_id)):
            row = await PublicSite.select().where(PublicSite.slug == slug).first().run()
        if row is not None:
            return _record(row)
    raise NotFound()
