"""Public voting: one confirmed vote per person and nomination; flagged bursts excluded on the organizer's decision."""

from __future__ import annotations

from uuid import UUID

from shared.db import current_connection


async def counted_votes(entry_ids: list[UUID]) -> dict[UUID, int]:
    """Confirmed votes that the organizer has not excluded, per entry (the results read them at finishing)."""
    rows = await current_connection().fetch(
        """SELECT entry_id, count(*) AS votes FROM contest_vote
           WHERE entry_id = ANY($1::uuid[]) AND confirmed_at IS NOT NULL AND excluded_at IS NULL
           GROUP BY entry_id""",
        entry_ids,
    )
    counts = {entry_id: 0 for entry_id in entry_ids}
    counts.update({row["entry_id"]: int(row["votes"]) for row in rows})
    return counts
