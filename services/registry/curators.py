"""A curator with an account is a person of the aggregated base (003 stage 4): their record is found or created,
with the curator role, when they first open the bases."""

from __future__ import annotations

from uuid import UUID

from services.registry.people import add_roles
from services.registry.tables import Category, ParticipationRole, Person
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.i18n import sort_key


async def ensure_curator_person(actor: Actor, surname: str, name: str, patronymic: str) -> UUID | None:
    """The curator's own record in their organization: the one already holding the role (archived or not), else a
    record of the organization with the same full name, else a new one with the names alone (no contacts: the
    account's e-mail is not the base's to keep without a consent)."""
    if actor.organization_id is None or not surname.strip() or not name.strip():
        return None
    connection = current_connection()
    found = await connection.fetchval(
        """SELECT pa.person_id FROM participation pa JOIN person p ON p.region_id = pa.region_id AND p.id = pa.person_id
           WHERE pa.organization_id = $1 AND pa.role = 'curator' AND p.merged_into IS NULL
             AND lower(p.surname) = lower($2) AND lower(p.name) = lower($3) LIMIT 1""",
        actor.organization_id,
        surname.strip(),
        name.strip(),
    )
    if found is not None:
        return UUID(str(found))
    same = await connection.fetchval(
        """SELECT id FROM person WHERE organization_id = $1 AND merged_into IS NULL AND destroyed_at IS NULL
             AND lower(surname) = lower($2) AND lower(name) = lower($3) AND lower(patronymic) = lower($4)
           ORDER BY created_at LIMIT 1""",
        actor.organization_id,
        surname.strip(),
        name.strip(),
        patronymic.strip(),
    )
    if same is not None:
        person_id = UUID(str(same))
    else:
        rows = (
            await Person.insert(
                Person(
                    region_id=actor.region_id,
                    organization_id=actor.organization_id,
                    surname=surname.strip(),
                    name=name.strip(),
                    patronymic=patronymic.strip(),
                    category=Category.staff.value,
                    sort_key=sort_key(f"{surname} {name} {patronymic}"),
                    created_at=now(),
                    updated_at=now(),
                )
            )
            .returning(Person.id)
            .run()
        )
        person_id = rows[0]["id"]
        await audit(actor, "create", person_id, "куратор организации")
    await add_roles(actor, actor.organization_id, person_id, [ParticipationRole.curator])
    return person_id


async def organization_curators(organization_id: UUID) -> list[UUID]:
    """The people of the base holding the curator role in the organization now (not archived), in Russian order."""
    rows = await current_connection().fetch(
        """SELECT p.id FROM person p WHERE p.merged_into IS NULL AND p.destroyed_at IS NULL AND EXISTS (
               SELECT 1 FROM participation pa WHERE pa.region_id = p.region_id AND pa.person_id = p.id
               AND pa.organization_id = $1 AND pa.role = 'curator' AND pa.archived_at IS NULL)
           ORDER BY p.sort_key, p.created_at""",
        organization_id,
    )
    return [UUID(str(row["id"])) for row in rows]
