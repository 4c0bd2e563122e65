"""The public pages' tables. DDL lives in piccolo_migrations; these classes are the query side.

One page per organization (`public_site`, its address a slug unique on the platform), with the organization's
partners, its own announcements, the documents it makes public and the portfolios its mentors and curators show."""

from __future__ import annotations

import enum

from piccolo.columns import UUID, Array, Boolean, Bytea, Date, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class PartnerKind(enum.StrEnum):
    employer = "employer"
    education = "education"
    culture = "culture"
    public = "public"
    other = "other"


PARTNER_LABELS = {
    PartnerKind.employer: "Предприятие-работодатель",
    PartnerKind.education: "Образовательная организация",
    PartnerKind.culture: "Организация культуры и спорта",
    PartnerKind.public: "Общественная организация",
    PartnerKind.other: "Другой партнёр",
}


class PublicSite(Table, tablename="public_site", db=DB):
    region_id = UUID()
    organization_id = UUID(primary_key=True)  # with region_id: Piccolo knows one-column keys only
    slug = Varchar(length=60)
    intro = Text()
    frame_origin = Varchar(length=200)
    indicators = Array(base_column=Varchar(length=40))
    published_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class PublicPartner(Table, tablename="public_partner", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    position = Integer()
    kind = Varchar(length=12, choices=PartnerKind)
    name = Text()
    subject = Text()
    agreement = Text()
    website = Varchar(length=300)
    created_at = Timestamptz()


class PublicPost(Table, tablename="public_post", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    title = Text()
    body = Text()
    event_on = Date(null=True, default=None)
    place = Text()
    published_at = Timestamptz(null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class PublicDocument(Table, tablename="public_document", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    position = Integer()
    title = Text()
    order_id = UUID(null=True, default=None)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    data = Bytea(null=True, default=None)
    created_at = Timestamptz()


class PublicProfile(Table, tablename="public_profile", db=DB):
    region_id = UUID()
    organization_id = UUID()
    person_id = UUID(primary_key=True)  # with region_id and organization_id
    about = Text()
    achievements = Text()
    shown = Boolean()
    updated_at = Timestamptz()


TABLES: list[type[Table]] = [PublicSite, PublicPartner, PublicPost, PublicDocument, PublicProfile]
