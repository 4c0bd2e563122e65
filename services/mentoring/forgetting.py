"""What pairs keep about a person whose personal data is destroyed (the registry's retention job calls this).

A pair's free text may speak of anyone in it: in every pair or group the person took part in — as a mentor, a
former mentor or a mentee — the reflections and participants of meetings, the development plan, the reasons for an
early end or an extension, the requests' reasons and answers, and the reasons matching gave go. What the indicators
count stays: the pair itself, its form, status and dates, and each meeting's kind, day, length, format and final
score.
"""

from __future__ import annotations

from uuid import UUID

from services.registry import DESTROYED, Forgotten
from shared.db import current_connection


async def forget_people(people: list[Forgotten]) -> None:
    ids = [record for person in people for record in person.ids]
    connection = current_connection()
    pair_ids: list[UUID] = [
        row["id"]
        for row in await connection.fetch(
            """SELECT id FROM mentorship WHERE mentor_id = ANY($1::uuid[])
               UNION SELECT mentorship_id FROM mentorship_mentee WHERE mentee_id = ANY($1::uuid[])
               UNION SELECT mentorship_id FROM mentor_change WHERE mentor_id = ANY($1::uuid[])""",
            ids,
        )
    ]
    if not pair_ids:
        return
    await connection.execute(
        "UPDATE meeting SET participants = '', answers = '{}'::jsonb WHERE mentorship_id = ANY($1::uuid[])", pair_ids
    )
    await connection.execute("DELETE FROM plan_row WHERE mentorship_id = ANY($1::uuid[])", pair_ids)
    await connection.execute(
        "UPDATE pair_request SET reason = $2, answer = CASE WHEN answer = '' THEN '' ELSE $2 END "
        "WHERE mentorship_id = ANY($1::uuid[])",
        pair_ids,
        DESTROYED,
    )
    # An extension keeps a reason (the table requires one), but not the document about somebody's absence.
    await connection.execute(
        """UPDATE mentorship SET score_details = score_details - 'parts', updated_at = now(),
               end_reason = CASE WHEN end_reason = '' THEN '' ELSE $2 END,
               extension_reason = CASE WHEN extension_reason = '' THEN '' ELSE $2 END
           WHERE id = ANY($1::uuid[])""",
        pair_ids,
        DESTROYED,
    )
