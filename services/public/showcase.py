"""The public read model of an organization's page. The page's own rows are read in the visitor's scope (the public
reads only a published page and what it publishes); the organization's card, its registry and its roadmap are
read for the region, and a person reaches the page only with an active consent to publication, checked here on
every read, so a withdrawal removes them at once. Of a learner (a peer mentor, maybe a minor) the page shows the
first name only, with the class or course the registry keeps, and only with the consent to publication (a minor's
given by a representative); the curators who consented have their own section."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
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
from shared.templating import KERNEL_TEMPLATES

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
    full_name: str  # a learner's first name only
    form: str = ""  # a learner's class or course: «10 «Б» класс», «2 курс»
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
    curators: list[PublicMentor]  # the programme's curators who consented to publication
    partners: list[PartnerRecord]
    announcements: list[Announcement]
    events: list[PublicEvent]
    documents: list[DocumentRecord]
    indicators: list[tuple[str, int]]
    # The indicators are the organization's dashboard's, counted hourly: for the school year up to that moment.
    indicators_as_of: datetime | None = None
    indicators_year: str = ""  # «2026/27»
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


def class_label(value: str) -> str:
    """«10Б», «10 б», «10-Б» → «10 «Б» класс»; «9» → «9 класс»; a course («2 курс») as the registry keeps it."""
    value = " ".join(value.split())
    found = re.fullmatch(r"(\d{1,2})\s*[-«\"]?\s*([А-ЯЁа-яё])?[»\"]?(?:\s*класс)?", value)
    if found is None:
        return value
    number, letter = found.groups()
    return f"{number} «{letter.upper()}» класс" if letter else f"{number} класс"


def _portfolio(person_id: UUID, brief: registry.PersonBrief, profile: content.ProfileRecord | None) -> PublicMentor:
    shown = profile if profile is not None and profile.shown else None
    return PublicMentor(
        person_id=person_id,
        full_name=brief.full_name,
        position=brief.position,
        subject=brief.subject,
        about=shown.about if shown else "",
        achievements=shown.achievements if shown else "",
    )


async def _curators(organization_id: UUID, profiles: dict[UUID, content.ProfileRecord]) -> list[PublicMentor]:
    """The organization's curators who consented to publication, with the portfolio each chose to show."""
    people = await registry.organization_curators(organization_id)
    consented = await registry.publication_consented(people)
    briefs = await registry.people_brief([p for p in people if p in consented])
    return [
        _portfolio(p, briefs[p], profiles.get(p))
        for p in people
        if p in briefs and briefs[p].category != registry.Category.learner
    ]


async def _registry(
    programme: programmes.ProgrammeRecord | None, profiles: dict[UUID, content.ProfileRecord]
) -> tuple[str, list[PublicMentor]]:
    """The mentors of the registry the head approved by order, those who consented to publication."""
    order = await content.registry_order(programme)
    if order is None:
        return "", []
    listed = content.listed_people(order)
    briefs = await registry.publishable_people(listed)
    classes = await registry.published_classes(list(briefs))
    mentors = []
    adults = []
    for person_id in listed:
        brief = briefs.get(person_id)
        if brief is None:
            continue
        if brief.category == registry.Category.learner:
            parts = brief.full_name.split()
            first = parts[1] if len(parts) > 1 else ""
            form = class_label(classes.get(person_id, ""))
            mentors.append(
                PublicMentor(
                    person_id=person_id, full_name=first, form=form, position="", subject="", about="", achievements=""
                )
            )
            continue
        adults.append(person_id)
        mentors.append(_portfolio(person_id, brief, profiles.get(person_id)))
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
    rows = await content.page_rows(site.region_id, organization_id)
    posts, partners, documents = rows.posts, rows.partners, rows.documents
    profiles = {p: r for p, r in rows.profiles.items() if r.shown}
    published_cases = await cases.published_of(organization_id)
    async with widened(Scope.for_region(site.region_id)):
        card = await _card(organization_id)
        programme = await programmes.current_programme(programmes.Owner(organization_id=organization_id))
        order, mentors = await _registry(programme, profiles)
        curators = await _curators(organization_id, profiles)
        events = await _events(programme)
        shown_documents = [
            d for d in documents if d.order_id is None or not await _unpublishable(organization_id, d.order_id)
        ]
        counted = await reports.counted_indicators(site.region_id, organization_id) if site.indicators else None
    return OrganizationPage(
        site=site,
        organization=card,
        registry_order=order,
        mentors=mentors,
        curators=curators,
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
        indicators=[(INDICATORS[k], counted.values[k]) for k in site.indicators if k in counted.values]
        if counted
        else [],
        indicators_as_of=counted.as_of if counted else None,
        indicators_year=f"{counted.starts_on.year}/{(counted.starts_on.year + 1) % 100:02d}" if counted else "",
        cases=published_cases,
    )


async def published_page(site: SiteRecord) -> OrganizationPage:
    """The page as the public reads it, whoever asks (a signed-in visitor of another school sees the same)."""
    async with widened(Scope.public_region(site.region_id)):
        return await organization_page(site)


# The page's templates are part of what a visitor has: a new release's page is a new page.
_TEMPLATES = hashlib.blake2b(
    b"".join(
        path.read_bytes()
        for folder in (Path(__file__).parent / "templates", KERNEL_TEMPLATES)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ),
    digest_size=16,
).hexdigest()


async def page_version(site: SiteRecord) -> str:
    """What the page's ETag is made of, without building the page: the site's record, its own rows' versions, the
    version of what it shows of the other domains (the read model's one statement: the organization's card, the
    registry's people and their consents, so a withdrawal changes it at once, the roadmap, the results, the
    counted indicators), the day (the roadmap's window moves with it) and the templates. Read before the page is
    built, so that a change made meanwhile shows as a new version on the next request."""
    day = today()
    async with widened(Scope.public_region(site.region_id)):
        own, orders = await content.rows_version(site.region_id, site.organization_id)
        async with widened(Scope.for_region(site.region_id)):
            others = await reports.public_page_version(site.region_id, site.organization_id, orders, day)
    parts = [msgspec.json.encode(site), own.encode(), others.encode(), day.isoformat().encode(), _TEMPLATES.encode()]
    return hashlib.blake2b(b"|".join(parts), digest_size=16).hexdigest()


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
