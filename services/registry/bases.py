"""The bases as read: the person card, the filtered list, and the brief views other domains take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from services.registry.people import CONSENTED
from services.registry.tables import Consent, ParticipationRole
from services.registry.validation import age_on
from shared.actor import Actor
from shared.audit import audit
from shared.clock import today
from shared.db import current_connection
from shared.errors import NotFound

OTHER_ORGANIZATION = "другая организация региона"  # the keeper of a shared record, outside the caller's scope

# Columns a person shows whatever their consent: enough to know who and where, nothing more.
PUBLIC_COLUMNS = ("id", "region_id", "organization_id", "surname", "name", "patronymic", "full_name")


@dataclass
class PersonCard:
    person: dict[str, Any]
    consented: bool
    organization_name: str
    participations: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    history: list[dict[str, Any]]

    @property
    def age(self) -> int | None:
        return age_on(self.person.get("birth_date"), today())


async def person_card(actor: Actor, person_id: UUID) -> PersonCard:
    row = await current_connection().fetchrow(
        f"""SELECT p.*, o.short_name, o.name AS organization_name, {CONSENTED} AS consented
            FROM person p LEFT JOIN organization o ON o.region_id = p.region_id AND o.id = p.organization_id
            WHERE p.id = $1 AND p.merged_into IS NULL""",
        person_id,
    )
    if row is None:
        raise NotFound()
    person = dict(row)
    consented = bool(person.pop("consented"))
    if not consented:
        person = {k: person[k] for k in PUBLIC_COLUMNS}
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
        person=person,
        consented=consented,
        organization_name=row["short_name"] or row["organization_name"] or OTHER_ORGANIZATION,
        participations=[dict(p) for p in participations],
        consents=list(consents),
        history=[dict(h) for h in history],
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


@dataclass
class PersonPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


async def list_persons(filters: PersonFilter) -> PersonPage:
    """People of the scope, with their roles; details of those without consent are blanked."""
    where = ["p.merged_into IS NULL"]
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
    result = []
    for row in rows:
        item = dict(row)
        if not item["consented"]:
            item = {
                k: item[k]
                for k in (*PUBLIC_COLUMNS[:-1], "full_name", "organization_name", "roles", "consented")
                if k in item
            }
        result.append(item)
    return PersonPage(result, int(total), max(filters.page, 1), filters.per_page)


async def people_brief(person_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    """Names (always shown) and, with consent, the work details orders and registries print."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.full_name, p.sort_key, p.category, {CONSENTED} AS consented,
                   CASE WHEN {CONSENTED} THEN p.position ELSE '' END AS position,
                   CASE WHEN {CONSENTED} THEN p.subject ELSE '' END AS subject
            FROM person p WHERE p.id = ANY($1::uuid[]) AND p.merged_into IS NULL""",
        person_ids,
    )
    return {row["id"]: dict(row) for row in rows}


async def base_members(organization_id: UUID, roles: tuple[ParticipationRole, ...]) -> list[dict[str, Any]]:
    """People holding one of the roles in an organization, in Russian order."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.full_name, p.category, {CONSENTED} AS consented
            FROM person p WHERE p.merged_into IS NULL AND EXISTS (
                SELECT 1 FROM participation pa WHERE pa.region_id = p.region_id AND pa.person_id = p.id
                AND pa.organization_id = $1 AND pa.role = ANY($2::text[]) AND pa.archived_at IS NULL)
            ORDER BY p.sort_key, p.birth_date NULLS LAST, p.email, p.created_at""",
        organization_id,
        [role.value for role in roles],
    )
    return [dict(row) for row in rows]


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
