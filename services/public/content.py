"""What the curator puts on the organization's page: partners with the subject of their agreements, announcements
(Markdown), public documents (an uploaded Положение, or a registered order), and the portfolios the mentors and
curators show. Nothing personal is shown without a consent to publication: a portfolio may be marked shown only
with it, and the page checks it again each time it is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from services import programmes, registry
from services.public.sites import SiteRecord
from services.public.tables import PartnerKind, PublicDocument, PublicPartner, PublicPost, PublicProfile
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed
from shared.i18n import parse_date
from shared.uploads import title_of

DOCUMENT_TYPES = {b"%PDF-": "application/pdf", b"PK\x03\x04": "application/vnd.openxmlformats-officedocument"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Orders that list no minors: the programme, its roadmap, and the mentor registry (adults, each with consent).
PUBLIC_ORDER_KINDS = (
    programmes.OrderKind.approve_programme,
    programmes.OrderKind.approve_roadmap,
    programmes.OrderKind.approve_registry,
)


class PartnerRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    kind: PartnerKind
    name: str
    subject: str
    agreement: str
    website: str


class PostRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    body: str
    event_on: date | None
    place: str
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class DocumentRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    order_id: UUID | None
    filename: str
    content_type: str


class ProfileRecord(msgspec.Struct, frozen=True, kw_only=True):
    person_id: UUID
    about: str
    achievements: str
    shown: bool


class DocumentFile(msgspec.Struct, frozen=True, kw_only=True):
    data: bytes
    content_type: str
    filename: str


@dataclass
class PartnerForm:
    kind: str = "employer"
    name: str = ""
    subject: str = ""
    agreement: str = ""
    website: str = ""


@dataclass
class PostForm:
    title: str = ""
    body: str = ""
    event_on: str = ""
    place: str = ""


@dataclass
class ProfileForm:
    about: str = ""
    achievements: str = ""
    shown: str = ""


def _words(text: str) -> str:
    return " ".join(text.split())


def _link(errors: Errors, field: str, text: str) -> str:
    text = text.strip()
    if text and (not text.startswith(("https://", "http://")) or len(text) > 300):
        errors.add(field, "Ссылка начинается с https:// (до 300 знаков)")
    return text


# Partners -----------------------------------------------------------------------------------------------------------


async def partners_of(organization_id: UUID) -> list[PartnerRecord]:
    rows = (
        await PublicPartner.select()
        .where(PublicPartner.organization_id == organization_id)
        .order_by(PublicPartner.position)
        .order_by(PublicPartner.created_at)
        .run()
    )
    return [msgspec.convert(r, PartnerRecord, strict=False) for r in rows]


async def add_partner(actor: Actor, site: SiteRecord, form: PartnerForm) -> UUID:
    errors = Errors()
    try:
        kind = PartnerKind(form.kind)
    except ValueError:
        errors.add("kind", "Выберите вид партнёра")
    name = _words(form.name)
    if not name or len(name) > 300:
        errors.add("name", "Укажите название партнёра (до 300 знаков)")
    subject = form.subject.strip()
    if not subject or len(subject) > 2000:
        errors.add("subject", "Укажите предмет соглашения: чем партнёр участвует в наставничестве")
    agreement = _words(form.agreement)[:300]
    website = _link(errors, "website", form.website)
    errors.raise_if_any()
    rows = (
        await PublicPartner.insert(
            PublicPartner(
                region_id=site.region_id,
                organization_id=site.organization_id,
                position=len(await partners_of(site.organization_id)),
                kind=kind,
                name=name,
                subject=subject,
                agreement=agreement,
                website=website,
                created_at=now(),
            )
        )
        .returning(PublicPartner.id)
        .run()
    )
    await audit(actor, "public.partner", None, "добавлен")
    partner_id: UUID = rows[0]["id"]
    return partner_id


async def _remove(table: type[PublicPartner] | type[PublicDocument], site: SiteRecord, row_id: UUID) -> None:
    """This organization's row, or NotFound (another organization's id is answered as an unknown one)."""
    removed = (
        await table.delete()
        .where((table.id == row_id) & (table.organization_id == site.organization_id))
        .returning(table.id)
        .run()
    )
    if not removed:
        raise NotFound()


async def remove_partner(actor: Actor, site: SiteRecord, partner_id: UUID) -> None:
    await _remove(PublicPartner, site, partner_id)
    await audit(actor, "public.partner", None, "удалён")


# Announcements ------------------------------------------------------------------------------------------------------


async def posts_of(organization_id: UUID, *, published_only: bool) -> list[PostRecord]:
    query = PublicPost.select().where(PublicPost.organization_id == organization_id)
    if published_only:
        query = query.where(PublicPost.published_at.is_not_null())
    rows = await query.order_by(PublicPost.created_at, ascending=False).run()
    return [msgspec.convert(r, PostRecord, strict=False) for r in rows]


async def get_post(organization_id: UUID, post_id: UUID) -> PostRecord:
    row = (
        await PublicPost.select()
        .where((PublicPost.id == post_id) & (PublicPost.organization_id == organization_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return msgspec.convert(row, PostRecord, strict=False)


def _clean_post(form: PostForm) -> tuple[str, str, date | None, str]:
    errors = Errors()
    title = _words(form.title)
    if not title or len(title) > 300:
        errors.add("title", "Назовите объявление (до 300 знаков)")
    body = form.body.strip()
    if len(body) > 20000:
        errors.add("body", "Текст — до 20 000 знаков")
    event_on = None
    if form.event_on.strip():
        try:
            event_on = parse_date(form.event_on)
        except ValueError as exc:
            errors.add("event_on", str(exc) or "Дата в виде дд.мм.гггг")
    place = _words(form.place)[:300]
    errors.raise_if_any()
    return title, body, event_on, place


async def add_post(actor: Actor, site: SiteRecord, form: PostForm, publish: bool) -> UUID:
    title, body, event_on, place = _clean_post(form)
    moment = now()
    rows = (
        await PublicPost.insert(
            PublicPost(
                region_id=site.region_id,
                organization_id=site.organization_id,
                title=title,
                body=body,
                event_on=event_on,
                place=place,
                published_at=moment if publish else None,
                created_by=actor.user_id,
                created_at=moment,
                updated_at=moment,
            )
        )
        .returning(PublicPost.id)
        .run()
    )
    await audit(actor, "public.post", None, "опубликовано" if publish else "черновик")
    post_id: UUID = rows[0]["id"]
    return post_id


async def update_post(actor: Actor, site: SiteRecord, post_id: UUID, form: PostForm, publish: bool) -> None:
    post = await get_post(site.organization_id, post_id)
    title, body, event_on, place = _clean_post(form)
    published = (post.published_at or now()) if publish else None
    await (
        PublicPost.update(
            {
                PublicPost.title: title,
                PublicPost.body: body,
                PublicPost.event_on: event_on,
                PublicPost.place: place,
                PublicPost.published_at: published,
                PublicPost.updated_at: now(),
            }
        )
        .where(PublicPost.id == post.id)
        .run()
    )
    await audit(actor, "public.post", None, "изменено")


async def remove_post(actor: Actor, site: SiteRecord, post_id: UUID) -> None:
    post = await get_post(site.organization_id, post_id)
    await PublicPost.delete().where(PublicPost.id == post.id).run()
    await audit(actor, "public.post", None, "удалено")


# Documents ----------------------------------------------------------------------------------------------------------


async def documents_of(organization_id: UUID) -> list[DocumentRecord]:
    rows = (
        await PublicDocument.select(
            PublicDocument.id,
            PublicDocument.title,
            PublicDocument.order_id,
            PublicDocument.filename,
            PublicDocument.content_type,
        )
        .where(PublicDocument.organization_id == organization_id)
        .order_by(PublicDocument.position)
        .order_by(PublicDocument.created_at)
        .run()
    )
    return [msgspec.convert(r, DocumentRecord, strict=False) for r in rows]


async def add_file(actor: Actor, site: SiteRecord, title: str, data: bytes | None, filename: str) -> UUID:
    errors = Errors()
    title = title_of(title, filename)
    if not title or len(title) > 300:
        errors.add("title", "Назовите документ (до 300 знаков)")
    kind = next((k for magic, k in DOCUMENT_TYPES.items() if data and data.startswith(magic)), None)
    if not data:
        errors.add("file", "Выберите файл")
    elif kind is None or (kind != "application/pdf" and not filename.lower().endswith(".docx")):
        errors.add("file", "Документ — PDF или DOCX")
    errors.raise_if_any()
    assert data is not None and kind is not None
    rows = (
        await PublicDocument.insert(
            PublicDocument(
                region_id=site.region_id,
                organization_id=site.organization_id,
                position=len(await documents_of(site.organization_id)),
                title=title,
                filename=(filename or "document")[-200:],
                content_type=kind if kind == "application/pdf" else DOCX,
                data=data,
                created_at=now(),
            )
        )
        .returning(PublicDocument.id)
        .run()
    )
    await audit(actor, "public.document", None, "файл добавлен")
    document_id: UUID = rows[0]["id"]
    return document_id


async def registry_order(programme: programmes.ProgrammeRecord | None) -> programmes.OrderRecord | None:
    """The order that approved the programme's mentor registry: the page lists its mentors."""
    if programme is None or programme.registry_order_id is None:
        return None
    return await programmes.get_order(programme.registry_order_id)


def listed_people(order: programmes.OrderRecord) -> list[UUID]:
    """The people an order lists (a registry order's mentors), in its order."""
    rows = order.payload.get("rows", []) if isinstance(order.payload, dict) else []
    return [UUID(row["person_id"]) for row in rows if isinstance(row, dict) and row.get("person_id")]


async def unconsented_in_order(order: programmes.OrderRecord) -> list[str]:
    """The people a registered order names who have not consented to publication (a registry order's mentors)."""
    listed = listed_people(order)
    if not listed:
        return []
    consented = await registry.publication_consented(listed)
    names = await registry.people_brief([p for p in listed if p not in consented])
    return [brief.full_name for brief in names.values()]


async def add_order(actor: Actor, site: SiteRecord, order_id: UUID) -> UUID:
    order = await programmes.get_order(order_id, programmes.Owner(organization_id=site.organization_id))
    if not order.registered:
        raise ValidationFailed({"order_id": "Публикуется только зарегистрированный приказ"})
    if order.kind not in PUBLIC_ORDER_KINDS:
        raise ValidationFailed({"order_id": "Этот приказ называет участников программы: его не публикуют"})
    if missing := await unconsented_in_order(order):
        raise ValidationFailed(
            {"order_id": "Нет согласия на публикацию у: " + ", ".join(missing) + ". Сначала получите согласия."}
        )
    if any(d.order_id == order.id for d in await documents_of(site.organization_id)):
        raise ValidationFailed({"order_id": "Этот приказ уже опубликован"})
    rows = (
        await PublicDocument.insert(
            PublicDocument(
                region_id=site.region_id,
                organization_id=site.organization_id,
                position=len(await documents_of(site.organization_id)),
                title=f"Приказ № {order.number} от {order.signed_on:%d.%m.%Y} «{order.title}»"
                if order.signed_on
                else f"Приказ № {order.number} «{order.title}»",
                order_id=order.id,
                created_at=now(),
            )
        )
        .returning(PublicDocument.id)
        .run()
    )
    await audit(actor, "public.document", None, f"приказ {order.number}")
    document_id: UUID = rows[0]["id"]
    return document_id


async def remove_document(actor: Actor, site: SiteRecord, document_id: UUID) -> None:
    await _remove(PublicDocument, site, document_id)
    await audit(actor, "public.document", None, "снят с публикации")


async def document_file(organization_id: UUID, document_id: UUID) -> DocumentFile:
    """An uploaded file as it is; an order as its signed scan, else the registered document."""
    row = (
        await PublicDocument.select()
        .where((PublicDocument.id == document_id) & (PublicDocument.organization_id == organization_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    if row["order_id"] is None:
        return DocumentFile(data=bytes(row["data"]), content_type=row["content_type"], filename=row["filename"])
    owner = programmes.Owner(organization_id=organization_id)
    order = await programmes.get_order(row["order_id"], owner)
    if await unconsented_in_order(order):  # a consent withdrawn since: the order is no longer public
        raise NotFound()
    if order.has_scan:
        data, content_type, filename = await programmes.order_scan(order.id, owner)
        return DocumentFile(data=data, content_type=content_type, filename=filename)
    data, filename = await programmes.order_document(order.id, owner)
    return DocumentFile(data=data, content_type=DOCX, filename=filename)


# Portfolios ---------------------------------------------------------------------------------------------------------


async def profiles_of(organization_id: UUID) -> dict[UUID, ProfileRecord]:
    rows = await PublicProfile.select().where(PublicProfile.organization_id == organization_id).run()
    return {r["person_id"]: msgspec.convert(r, ProfileRecord, strict=False) for r in rows}


async def save_profile(actor: Actor, site: SiteRecord, person_id: UUID, form: ProfileForm) -> None:
    errors = Errors()
    about, achievements = form.about.strip(), form.achievements.strip()
    if len(about) > 5000:
        errors.add("about", "О себе — до 5 000 знаков")
    if len(achievements) > 5000:
        errors.add("achievements", "Достижения — до 5 000 знаков")
    shown = form.shown.strip().lower() in {"on", "true", "1"}
    if shown and person_id not in await registry.publication_consented([person_id]):
        errors.add("shown", "Нет действующего согласия на публикацию: сначала внесите его в карточку человека")
    errors.raise_if_any()
    values: dict[Any, Any] = {
        PublicProfile.about: about,
        PublicProfile.achievements: achievements,
        PublicProfile.shown: shown,
        PublicProfile.updated_at: now(),
    }
    updated = (
        await PublicProfile.update(values)
        .where((PublicProfile.organization_id == site.organization_id) & (PublicProfile.person_id == person_id))
        .returning(PublicProfile.person_id)
        .run()
    )
    if not updated:
        await PublicProfile.insert(
            PublicProfile(
                region_id=site.region_id,
                organization_id=site.organization_id,
                person_id=person_id,
                about=about,
                achievements=achievements,
                shown=shown,
                updated_at=now(),
            )
        ).run()
    await audit(actor, "public.profile", person_id, "показывается" if shown else "скрыто")


# The page as it is read ----------------------------------------------------------------------------------------


class PageRows(msgspec.Struct, frozen=True, kw_only=True):
    posts: list[PostRecord]  # published, newest first
    partners: list[PartnerRecord]
    documents: list[DocumentRecord]
    profiles: dict[UUID, ProfileRecord]


async def page_rows(region_id: UUID, organization_id: UUID) -> PageRows:
    """The page's own rows as the reader sees them, in one statement (the editor reads each list on its own):
    published announcements newest first, partners and documents in their order, portfolios."""
    row = await current_connection().fetchrow(
        """SELECT
             (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.created_at DESC), '[]') FROM (
                 SELECT id, title, body, event_on, place, published_at, created_at, updated_at FROM public_post
                 WHERE region_id = $1 AND organization_id = $2 AND published_at IS NOT NULL) x) AS posts,
             (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.position, x.created_at), '[]') FROM (
                 SELECT id, kind, name, subject, agreement, website, position, created_at FROM public_partner
                 WHERE region_id = $1 AND organization_id = $2) x) AS partners,
             (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.position, x.created_at), '[]') FROM (
                 SELECT id, title, order_id, filename, content_type, position, created_at FROM public_document
                 WHERE region_id = $1 AND organization_id = $2) x) AS documents,
             (SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM (
                 SELECT person_id, about, achievements, shown FROM public_profile
                 WHERE region_id = $1 AND organization_id = $2) x) AS profiles""",
        region_id,
        organization_id,
    )
    found = {key: msgspec.json.decode(v) if isinstance(v, str) else v for key, v in dict(row).items()}
    profiles = msgspec.convert(found["profiles"], list[ProfileRecord], strict=False)
    return PageRows(
        posts=msgspec.convert(found["posts"], list[PostRecord], strict=False),
        partners=msgspec.convert(found["partners"], list[PartnerRecord], strict=False),
        documents=msgspec.convert(found["documents"], list[DocumentRecord], strict=False),
        profiles={p.person_id: p for p in profiles},
    )


# The page's version --------------------------------------------------------------------------------------------


async def rows_version(region_id: UUID, organization_id: UUID) -> tuple[str, list[UUID]]:
    """A digest of the page's own rows as the reader sees them (published announcements, partners, documents,
    portfolios) by their row versions (`xmin` changes with each update, a deleted row drops out), and the orders
    the documents publish: what the page's ETag is made of, in one statement."""
    row = await current_connection().fetchrow(
        """WITH parts (tag, id, v) AS (
               SELECT 'post', id, xmin::text FROM public_post
                   WHERE region_id = $1 AND organization_id = $2 AND published_at IS NOT NULL
               UNION ALL SELECT 'partner', id, xmin::text FROM public_partner
                   WHERE region_id = $1 AND organization_id = $2
               UNION ALL SELECT 'document', id, xmin::text FROM public_document
                   WHERE region_id = $1 AND organization_id = $2
               UNION ALL SELECT 'profile', person_id, xmin::text FROM public_profile
                   WHERE region_id = $1 AND organization_id = $2)
           SELECT coalesce(md5(string_agg(tag || ':' || id || ':' || v, ',' ORDER BY tag, id, v)), '') AS version,
                  (SELECT coalesce(array_agg(d.order_id ORDER BY d.order_id), '{}') FROM public_document d
                   WHERE d.region_id = $1 AND d.organization_id = $2 AND d.order_id IS NOT NULL) AS orders
           FROM parts""",
        region_id,
        organization_id,
    )
    return row["version"], list(row["orders"])
