"""A person's incentives in effect, for the other domains: the person card, the mentor's cabinet, the public page's
portfolio, the attestation evidence. Only what a registered order decided: a proposal or a draft order's incentive
is nobody's achievement yet.

It imports only the incentives' records and the kernel, so any domain may use it through the face."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.incentives.records import COLUMNS, IncentiveRecord, record
from shared.db import current_connection


async def incentives_of(person_ids: list[UUID], on: date | None = None) -> list[IncentiveRecord]:
    """Newest decision first, as the scope sees them; `on`: decided by that day."""
    if not person_ids:
        return []
    rows = await current_connection().fetch(
        f"""SELECT {COLUMNS} FROM mentor_incentive
            WHERE person_id = ANY($1::uuid[]) AND status = 'effective' AND ($2::date IS NULL OR decided_on <= $2)
            ORDER BY decided_on DESC, created_at DESC""",
        person_ids,
        on,
    )
    return [record(r) for r in rows]
