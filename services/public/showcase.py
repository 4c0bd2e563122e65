"""The public read model of an organization's page. The page's own rows are read in the visitor's scope (the public
reads only a published page and what it publishes); the organization's card, its registry and its roadmap are
read for the region, and a person reaches the page only with an active consent to publication, checked here on
every read, so a withdrawal removes them at once. Of a learner (a peer mentor, maybe a minor) the page shows the
first name only, and only with the consent a representative gave for them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec

import tenants
from services import cases, contests, incentives, programmes, registry, reports
from services.public import content
from services.public.content import DocumentFile, DocumentRecord, PartnerRecord
from services.public.sites import INDICATORS, SiteRecord
from shared.clock import today
from shared.db import Scope, widened
from shared.errors import NotFound

UPCOMING_DAYS = 120


class OrganizationCard(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    short_name: str
    kind: str
    municipality: str
    address: str
    head_name: str
    phone: str
    email: str
    website: str


class PublicMentor(msgspec.Struct, frozen=True, kw_only=True):
    person_id: UUID
    full_name: str
    position: str
    subject: str
    about: str
    achievements: str
    contest_results: list[str] = []  # «Наставник года — 2026, …: 1 место (победитель)», published ones only
    incentives: list[str] = []  # «Почётная грамота: за … (приказ № 12 от 20.05.2026)», by registered orders only
    points: Decimal | None = None  # the mentor rating's counted points


class PublicEvent(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    starts_on: date
    ends_on: date
    period: str
    done: bool


class Announcement(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    body: str
    event_on: date | None
    place: str
    published_at: datetime
    updated_at: datetime


class OrganizationPage(msgspec.Struct, frozen=True, kw_only=True):
    site: SiteRecord
    organization: OrganizationCard
    registry_order: str  # «Приказ № 12 от 01.09.2026»: what approved the registry shown
    mentors: list[PublicMentor]
    partners: list[PartnerRecord]
    announcements: list[Announcement]
    events: list[PublicEvent]
    documents: list[DocumentRecord]
    indicators: list[tuple[str, int]]
    cases: list[cases.CaseBrief]

    @property
    def updated(self) -> datetime:
        moments = [self.site.updated_at, *(a.updated_at for a in self.announcements)]
        return max(moments)


async def _card(organization_id: UUID) -> OrganizationCard:
    organization = await tenants.get_organization(organization_id)
    municipality = await tenants.get_municipality(organization.municipality_id)
    return OrganizationCard(
        name=organization.name,
        short_name=organization.short_name,
        kind=tenants.KIND_LABELS.get(organization.kind, ""),
        municipality=municipality.name,
        address=organization.address,
        head_name=organization.head_name,
        phone=organization.phone,
        email=organization.email,
        website=organization.website,
    )


async def _registry(
    programme: programmes.ProgrammeRecord | None, profiles: dict[UUID, content.ProfileRecord]
) -> tuple[str, list[PublicMentor]]:
    """The mentors of the registry the head approved by order, those who consented to publication."""
    order = await content.registry_order(programme)
    if order is None:
        return "", []
    listed = content.listed_people(order)
    consented = await registry.publication_consented(listed)
    briefs = await registry.people_brief([p for p in listed if p in consented])
    mentors = []
    adults = []
    for person_id in listed:
        brief = briefs.get(person_id)
        if brief is None:
            continue
        if brief.category == registry.Category.learner:
            parts = brief.full_name.split()
            first = parts[1] if len(parts) > 1 else ""
            mentors.append(
                PublicMentor(person_id=person_id, full_name=first, position="", subject="", about="", achievements="")
            )
            continue
        adults.append(person_id)
        profile = profiles.get(person_id)
        shown = profile is not None and profile.shown
        mentors.append(
            PublicMentor(
                person_id=person_id,
                full_name=brief.full_name,
                position=brief.position,
                subject=brief.subject,
                about=profile.about if shown and profile else "",
                achievements=profile.achievements if shown and profile else "",
            )
        )
    results: dict[UUID, list[str]] = {}
    for result in await contests.contest_results_of(adults):
        results.setdefault(result.person_id, []).append(result.line)
    decided: dict[UUID, list[str]] = {}
    for incentive in await incentives.incentives_of(adults):
        decided.setdefault(incentive.person_id, []).append(incentive.public_line)
    points = {r.person_id: r.points for r in await reports.rating_of(adults)}
    mentors = [
        msgspec.structs.replace(
            m,
            contest_results=results.get(m.person_id, []),
            incentives=decided.get(m.person_id, []),
            points=points.get(m.person_id),
        )
        for m in mentors
    ]
    mentors.sort(key=lambda m: m.full_name)
    signed = f" от {order.signed_on:%d.%m.%Y}" if order.signed_on else ""
    return f"Приказ № {order.number}{signed}", mentors


async def _events(programme: programmes.ProgrammeRecord | None) -> list[PublicEvent]:
    """The roadmap's events of the coming months and the last month, not cancelled."""
    if programme is None:
        return []
    day = today()
    found = []
    for stage in await programmes.roadmap_of(programme.id):
        for event in stage.events:
            if event.status == "cancelled" or (event.ends_on - day).days < -30:
                continue
            if (event.starts_on - day).days > UPCOMING_DAYS:
                continue
            found.append(
                PublicEvent(
                    title=event.title,
                    starts_on=event.starts_on,
                    ends_on=event.ends_on,
                    period=event.period_label,
                    done=event.status == "done",
                )
            )
    return sorted(found, key=lambda e: e.starts_on)


async def organization_page(site: SiteRecord) -> OrganizationPage:
    """The page as its visitor may see it; the curator's preview reads the same, in the organization's scope."""
    organization_id = site.organization_id
    posts = await content.posts_of(organization_id, published_only=True)
    partners = await content.partners_of(organization_id)
    documents = await content.documents_of(organization_id)
    profiles = {p: r for p, r in (await content.profiles_of(organization_id)).items() if r.shown}
    published_cases = await cases.published_of(organization_id)
    async with widened(Scope.for_region(site.region_id)):
        card = await _card(organization_id)
        programme = await programmes.current_programme(programmes.Owner(organization_id=organization_id))
        order, mentors = await _registry(programme, profiles)
        events = await _events(programme)
        shown_documents = [
            d for d in documents if d.order_id is None or not await _unpublishable(organization_id, d.order_id)
        ]
        values = await reports.indicator_values(programme) if programme and site.indicators else {}
    return OrganizationPage(
        site=site,
        organization=card,
        registry_order=order,
        mentors=mentors,
        partners=partners,
        announcements=[
            Announcement(
                id=p.id,
                title=p.title,
                body=p.body,
                event_on=p.event_on,
                place=p.place,
                published_at=p.published_at,
                updated_at=p.updated_at,
            )
            for p in posts
            if p.published_at is not None
        ],
        events=events,
        documents=shown_documents,
        indicators=[(INDICATORS[k], values[k]) for k in site.indicators if k in values],
        cases=published_cases,
    )


async def published_page(site: SiteRecord) -> OrganizationPage:
    """The page as the public reads it, whoever asks (a signed-in visitor of another school sees the same)."""
    async with widened(Scope.public_region(site.region_id)):
        return await organization_page(site)


async def _unpublishable(organization_id: UUID, order_id: UUID) -> bool:
    order = await programmes.get_order(order_id, programmes.Owner(organization_id=organization_id))
    return bool(await content.unconsented_in_order(order))


async def public_document(site: SiteRecord, document_id: UUID) -> DocumentFile:
    """A document of the published page (its row read as the public reads it), its order's file read for the
    region."""
    async with widened(Scope.public_region(site.region_id)):
        listed = await content.documents_of(site.organization_id)
    if not any(d.id == document_id for d in listed):
        raise NotFound()
    async with widened(Scope.for_region(site.region_id)):
        return await content.document_file(site.organization_id, document_id)
