"""What the mentor school keeps about a person whose personal data is destroyed (the registry's retention job calls
this through app/retention.py).

The enrolment keeps its state, dates, hours and outcome (the «обученные наставники» count and the issued
certificates rest on them) but loses the name as printed, the position and every free text about the person; the
attempts lose their answers and files, the attendance marks their reasons.
"""

from __future__ import annotations

from services.registry import DESTROYED, Forgotten
from shared.db import current_connection


async def forget_people(people: list[Forgotten]) -> None:
    ids = [record for person in people for record in person.ids]
    if not ids:
        return
    connection = current_connection()
    enrolments = [
        row["id"]
        for row in await connection.fetch(
            """UPDATE school_enrolment SET full_name = $2, position = '', reason = '',
                   outcome_reason = CASE WHEN outcome_overridden THEN $2 ELSE '' END
               WHERE person_id = ANY($1::uuid[]) RETURNING id""",
            ids,
            DESTROYED,
        )
    ]
    if not enrolments:
        return
    await connection.execute(
        """UPDATE school_attempt SET answers = '{}'::jsonb, text = '', filename = '', content_type = '', data = NULL,
               comment = '' WHERE enrolment_id = ANY($1::uuid[])""",
        enrolments,
    )
    await connection.execute(
        "UPDATE school_attendance SET reason = '' WHERE enrolment_id = ANY($1::uuid[])", enrolments
    )
