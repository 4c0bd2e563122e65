"""The bases as read: the person card, the filtered list, and the brief views other domains take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from services.registry.consents import PUBLISHABLE, ConsentRecord
from services.registry.people import CONSENTED, PUBLIC_COLUMNS, PersonRecord, is_young_specialist
from services.registry.tables import Category, Consent, ParticipationRole
from services.registry.validation import age_on
from shared.actor import Actor
from shared.audit import audit
from shared.clock import today
from shared.db import current_connection
from shared.errors import NotFound

OTHER_ORGANIZATION = "другая организация региона"  # the keeper of a shared record, outside the caller's scope


class ParticipationRecord(msgspec.Struct, kw_only=True):
    id: UUID
    region_id: UUID
    organization_id: UUID
    person_id: UUID
    role: ParticipationRole
    since: date
    archived_at: datetime | None
    created_at: datetime
    organization_name: str


class HistoryEntry(msgspec.Struct, kw_only=True):
    at: datetime
    action: str
    details: str
    surname: str | None  # of the account that acted; none for the system
    name: str | None


@dataclass
class PersonCard:
    person: PersonRecord
    consented: bool
    organization_name: str
    participations: list[ParticipationRecord]
    consents: list[ConsentRecord]
    history: list[HistoryEntry]

    @property
    def age(self) -> int | None:
        return age_on(self.person.birth_date, today())


async def person_card(actor: Actor, person_id: UUID) -> PersonCard:
    row = await current_connection().fetchrow(
        f"""SELECT p.*, o.short_name, o.name AS organization_name, {CONSENTED} AS consented
            FROM person p LEFT JOIN organization o ON o.region_id = p.region_id AND o.id = p.organization_id
            WHERE p.id = $1 AND p.merged_into IS NULL""",
        person_id,
    )
    if row is None:
        raise NotFound()
    consented = bool(row["consented"])
    shown = dict(row) if consented else {k: row[k] for k in PUBLIC_COLUMNS}
    participations = await current_connection().fetch(
        """SELECT pa.*, coalesce(nullif(o.short_name, ''), o.name) AS organization_name
           FROM participation pa JOIN organization o ON o.region_id = pa.region_id AND o.id = pa.organization_id
           WHERE pa.person_id = $1 ORDER BY pa.archived_at NULLS FIRST, pa.created_at""",
        person_id,
    )
    consents = await Consent.select().where(Consent.person_id == person_id).order_by(Consent.given_on).run()
    history = await current_connection().fetch(
        """SELECT a.at, a.action, a.details, u.surname, u.name FROM audit_log a
           LEFT JOIN app_user u ON u.id = a.user_id WHERE a.person_id = $1 ORDER BY a.at DESC LIMIT 50""",
        person_id,
    )
    await audit(actor, "view", person_id, "" if consented else "без согласия: только ФИО")
    return PersonCard(
        person=msgspec.convert(shown, PersonRecord),
        consented=consented,
        organization_name=row["short_name"] or row["organization_name"] or OTHER_ORGANIZATION,
        participations=msgspec.convert([dict(p) for p in participations], list[ParticipationRecord]),
        consents=msgspec.convert(consents, list[ConsentRecord]),
        history=msgspec.convert([dict(h) for h in history], list[HistoryEntry]),
    )


@dataclass
class PersonFilter:
    query: str = ""
    roles: tuple[ParticipationRole, ...] = ()
    category: str = ""
    consent: str = ""  # "", "yes", "no"
    tag: str = ""  # a #tag from questionnaire answers
    organization_id: UUID | None = None
    page: int = 1
    per_page: int = 50


class PersonRow(msgspec.Struct, kw_only=True):
    """A line of a base; without consent only who, where and in which roles."""

    id: UUID
    organization_id: UUID
    surname: str
    name: str
    patronymic: str
    full_name: str
    organization_name: str
    consented: bool
    roles: list[ParticipationRole]
    birth_date: date | None = None
    category: Category | None = None
    class_or_course: str = ""
    position: str = ""
    subject: str = ""
    teaching_experience: int | None = None
    email: str = ""
    phone: str = ""
    snils: str | None = None

    @property
    def young_specialist(self) -> bool:
        return is_young_specialist(self.teaching_experience)


ROW_PUBLIC_FIELDS = (*PUBLIC_COLUMNS, "organization_name", "roles", "consented")  # the list has no region_id


@dataclass
class PersonPage:
    rows: list[PersonRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


async def list_persons(filters: PersonFilter) -> PersonPage:
    """People of the scope, with their roles; details of those without consent are blanked."""
    where = ["p.merged_into IS NULL", "p.destroyed_at IS NULL"]
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    participation = ["pa.archived_at IS NULL", "pa.person_id = p.id", "pa.region_id = p.region_id"]
    if filters.roles:
        participation.append(f"pa.role = ANY({arg([r.value for r in filters.roles])}::text[])")
    if filters.organization_id:
        participation.append(f"pa.organization_id = {arg(filters.organization_id)}")
    where.append(f"EXISTS (SELECT 1 FROM participation pa WHERE {' AND '.join(participation)})")
    if filters.category:
        where.append(f"p.category = {arg(filters.category)}")
    if tag := filters.tag.strip().lower():
        tag = tag if tag.startswith("#") else "#" + tag
        where.append(
            f"EXISTS (SELECT 1 FROM questionnaire_answer qa WHERE qa.person_id = p.id AND {arg(tag)} = ANY(qa.tags))"
        )
    if filters.consent == "yes":
        where.append(CONSENTED)
    elif filters.consent == "no":
        where.append(f"NOT {CONSENTED}")
    order = "p.sort_key"
    query = " ".join(filters.query.split())
    if query:
        q = arg(query)
        where.append(f"(word_similarity({q}, p.full_name) >= 0.4 OR p.full_name ILIKE '%' || {q} || '%')")
        order = f"word_similarity({q}, p.full_name) DESC, p.sort_key"
    sql_where = " AND ".join(where)
    total = await current_connection().fetchval(f"SELECT count(*) FROM person p WHERE {sql_where}", *args)
    limit, offset = arg(filters.per_page), arg((max(filters.page, 1) - 1) * filters.per_page)
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.surname, p.name, p.patronymic, p.full_name, p.birth_date, p.category, p.class_or_course,
                   p.position, p.subject, p.teaching_experience, p.email, p.phone, p.snils, p.organization_id,
                   coalesce(nullif(o.short_name, ''), o.name, '{OTHER_ORGANIZATION}') AS organization_name,
                   {CONSENTED} AS consented,
                   ARRAY(SELECT pa.role FROM participation pa WHERE pa.person_id = p.id AND pa.region_id = p.region_id
                         AND pa.archived_at IS NULL ORDER BY pa.role) AS roles
            FROM person p LEFT JOIN organization o ON o.region_id = p.region_id AND o.id = p.organization_id
            WHERE {sql_where} ORDER BY {order} LIMIT {limit} OFFSET {offset}""",
        *args,
    )
    shown = [{k: v for k, v in row.items() if row["consented"] or k in ROW_PUBLIC_FIELDS} for row in rows]
    result = msgspec.convert(shown, list[PersonRow])
    return PersonPage(result, int(total), max(filters.page, 1), filters.per_page)


class PersonBrief(msgspec.Struct, kw_only=True):
    """What orders, registries and pairs print about a person; the work details only with consent."""

    id: UUID
    full_name: str
    sort_key: bytes = b""
    category: Category | None = None
    consented: bool = False
    position: str = ""
    subject: str = ""


def unknown_person(person_id: UUID) -> PersonBrief:
    """A record out of reach (merged away, or not in the scope) still has a line to print."""
    return PersonBrief(id=person_id, full_name="—")


async def people_brief(person_ids: list[UUID]) -> dict[UUID, PersonBrief]:
    """Names (always shown) and, with consent, the work details orders and registries print."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.full_name, p.sort_key, p.category, {CONSENTED} AS consented,
                   CASE WHEN {CONSENTED} THEN p.position ELSE '' END AS position,
                   CASE WHEN {CONSENTED} THEN p.subject ELSE '' END AS subject
            FROM person p WHERE p.id = ANY($1::uuid[]) AND p.merged_into IS NULL""",
        person_ids,
    )
    return {row["id"]: msgspec.convert(dict(row), PersonBrief) for row in rows}


async def publishable_people(person_ids: list[UUID]) -> dict[UUID, PersonBrief]:
    """`people_brief` of those of these people who may be shown publicly now (`publication_consented`), in one
    statement: a public page reads its registry's people with it."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.full_name, p.sort_key, p.category, true AS consented, p.position, p.subject
            FROM person p WHERE p.id = ANY($1::uuid[]) AND {PUBLISHABLE}""",
        person_ids,
    )
    return {row["id"]: msgspec.convert(dict(row), PersonBrief) for row in rows}


class BaseMember(msgspec.Struct, kw_only=True):
    id: UUID
    full_name: str
    category: Category
    consented: bool


async def base_members(organization_id: UUID, roles: tuple[ParticipationRole, ...]) -> list[BaseMember]:
    """People holding one of the roles in an organization, in Russian order."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.full_name, p.category, {CONSENTED} AS consented
            FROM person p WHERE p.merged_into IS NULL AND p.destroyed_at IS NULL AND EXISTS (
                SELECT 1 FROM participation pa WHERE pa.region_id = p.region_id AND pa.person_id = p.id
                AND pa.organization_id = $1 AND pa.role = ANY($2::text[]) AND pa.archived_at IS NULL)
            ORDER BY p.sort_key, p.birth_date NULLS LAST, p.email, p.created_at""",
        organization_id,
        [role.value for role in roles],
    )
    return [msgspec.convert(dict(row), BaseMember) for row in rows]


async def participant_counts(
    organization_id: UUID | None = None, municipality_id: UUID | None = None
) -> dict[ParticipationRole, int]:
    """Distinct people per role in an organization, a municipality's organizations, or the whole scope."""
    rows = await current_connection().fetch(
        """SELECT pa.role, count(DISTINCT pa.person_id) AS people
           FROM participation pa JOIN organization o ON o.region_id = pa.region_id AND o.id = pa.organization_id
           WHERE pa.archived_at IS NULL AND ($1::uuid IS NULL OR o.id = $1)
             AND ($2::uuid IS NULL OR o.municipality_id = $2)
           GROUP BY pa.role""",
        organization_id,
        municipality_id,
    )
    counts = {role: 0 for role in ParticipationRole}
    counts.update({ParticipationRole(row["role"]): int(row["people"]) for row in rows})
    return counts
