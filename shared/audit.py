"""The audit log of personal data: every read and change, written in the acting request's transaction."""

from __future__ import annotations

from uuid import UUID

from shared.actor import Actor
from shared.db import current_connection


async def audit(actor: Actor, action: str, person_id: UUID | None = None, details: str = "") -> None:
    """Details name fields and counts, never values: the log itself must not hold personal data."""
    # No RETURNING: only a regional scope may read the log back.
    await current_connection().execute(
        """INSERT INTO audit_log (region_id, user_id, organization_id, action, person_id, details, ip)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        actor.region_id,
        actor.user_id,
        actor.organization_id,
        action,
        person_id,
        details,
        actor.ip,
    )
