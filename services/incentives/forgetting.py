"""What the register keeps about a person whose personal data is destroyed (the registry's retention job calls this
through app/retention.py): a proposal not yet decided is deleted; an incentive decided by a registered order keeps
its kind, level, sum and order (the order itself is kept under the archives law) but loses the reason, which may
describe the person's work."""

from __future__ import annotations

from services.registry import DESTROYED, Forgotten
from shared.db import current_connection


async def forget_people(people: list[Forgotten]) -> None:
    ids = [record for person in people for record in person.ids]
    if not ids:
        return
    connection = current_connection()
    await connection.execute(
        "DELETE FROM mentor_incentive WHERE person_id = ANY($1::uuid[]) AND status = 'proposed'", ids
    )
    await connection.execute(
        "UPDATE mentor_incentive SET reason = $2, updated_at = now() WHERE person_id = ANY($1::uuid[])",
        ids,
        DESTROYED,
    )
