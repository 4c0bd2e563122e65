"""The audit log of personal data: every read and change, written in the acting request's transaction."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from uuid import UUID

from shared.actor import Actor
from shared.db import current_connection

NO_ADDRESS = "—"  # what the log shows for an act with no client address: a job, the demo seeding, a command


def client_address(ip: str) -> str:
    """Only a real IP address is written: a job or the seeding has none, and a label in its place would read as
    one."""
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return ""


def shown_address(ip: str | None) -> str:
    """The log's address column: the address, or «—» where there is none (older entries may hold a label)."""
    return client_address(ip or "") or NO_ADDRESS


async def audit(
    actor: Actor, action: str, person_id: UUID | None = None, details: str = "", *, organization_id: UUID | None = None
) -> None:
    """Details name fields and counts, never values: the log itself must not hold personal data.

    The entry goes to the actor's organization, or to `organization_id` of the same region when the act concerns
    another organization too (a link by СНИЛС is both schools' business); every scope of the region may write."""
    # No RETURNING: only a regional scope may read the log back.
    await current_connection().execute(
        """INSERT INTO audit_log (region_id, user_id, organization_id, action, person_id, details, ip)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        actor.region_id,
        actor.user_id,
        organization_id or actor.organization_id,
        action,
        person_id,
        details,
        client_address(actor.ip),
    )


async def audit_many(actor: Actor, action: str, entries: Sequence[tuple[UUID | None, UUID | None, str]]) -> None:
    """One entry per (organization, person, details) in one statement: an import links thousands at once."""
    if not entries:
        return
    # No RETURNING: only a regional scope may read the log back.
    await current_connection().execute(
        """INSERT INTO audit_log (region_id, user_id, organization_id, action, person_id, details, ip)
           SELECT $1, $2, e.organization_id, $3, e.person_id, e.details, $4
           FROM unnest($5::uuid[], $6::uuid[], $7::text[]) AS e (organization_id, person_id, details)""",
        actor.region_id,
        actor.user_id,
        action,
        client_address(actor.ip),
        [organization for organization, _, _ in entries],
        [person for _, person, _ in entries],
        [details for _, _, details in entries],
    )
