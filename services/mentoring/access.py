"""Who reaches a pair: the curator of its organization, and its mentor and mentees from their cabinets, found by
the account's e-mail in the organization's base. The pages and the API both ask here."""

from __future__ import annotations

from uuid import UUID

from services.mentoring.pairs import get_pair
from services.mentoring.records import Pair
from shared.db import current_connection
from shared.errors import Forbidden, NotFound
from tenants import Principal, Role

CABINET = (Role.mentor, Role.mentee)


async def person_of(email: str, organization_id: UUID, mentor: bool | None = None) -> UUID | None:
    """The mentor's or mentee's record in the organization's base, found by the account's e-mail and, for a
    cabinet, the account's role; none when two records match (a parent and a child sharing an address)."""
    roles = ["mentor", "mentor_candidate"] if mentor else ["mentee_candidate"]
    rows = await current_connection().fetch(
        """SELECT p.id FROM person p WHERE lower(p.email) = lower($1) AND p.merged_into IS NULL AND EXISTS (
               SELECT 1 FROM participation pa WHERE pa.region_id = p.region_id AND pa.person_id = p.id
               AND pa.organization_id = $2 AND pa.archived_at IS NULL
               AND ($3::boolean IS NULL OR pa.role = ANY($4::text[])))""",
        email,
        organization_id,
        mentor,
        roles,
    )
    return rows[0]["id"] if len(rows) == 1 else None


async def cabinet_person(principal: Principal) -> UUID | None:
    """The signed-in mentor's or mentee's record in the organization's base (None: not found, or not one)."""
    if principal.scope.organization_id is None:
        raise NotFound()
    return await person_of(principal.email, principal.scope.organization_id, mentor=principal.role == Role.mentor)


async def reader(principal: Principal) -> UUID | None:
    """Whose pairs a viewer reads: a cabinet only its own person's (404 without a record), staff and coordinators
    every pair of their scope (None)."""
    if principal.role not in CABINET:
        return None
    person_id = await cabinet_person(principal)
    if person_id is None:
        raise NotFound()
    return person_id


async def curator_pair(principal: Principal, pair_id: UUID) -> Pair:
    """Only the curator of the pair's organization changes it; a head or a coordinator reads it."""
    if principal.role != Role.curator:
        raise Forbidden()
    pair = await get_pair(pair_id)
    if pair.organization_id != principal.scope.organization_id:
        raise NotFound()
    return pair


async def recorder(principal: Principal, pair_id: UUID) -> UUID | None:
    """Who adds a meeting or edits the plan: the pair's mentor or mentee (their record; the pair must hold it)
    or the curator of its organization (None)."""
    if principal.role in CABINET:
        return await reader(principal)
    await curator_pair(principal, pair_id)
    return None
