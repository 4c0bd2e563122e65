"""What the contests keep about a person whose personal data is destroyed (the registry's retention job calls this
through app/retention.py).

An application keeps its state, dates and the entries' places (a stage's ranking rests on them) but loses the
nominee's name as printed, the essay, the video, the uploads, the representative and the frozen portfolio; as the
mentee of a «Лучшая пара» the person leaves the application's title and representative; and their name leaves
every other portfolio that lists them (a mentor's pairs name their mentees) and the festivals' awards."""

from __future__ import annotations

from services.registry import DESTROYED, Forgotten
from shared.db import current_connection


async def forget_people(people: list[Forgotten]) -> None:
    ids = [record for person in people for record in person.ids]
    if not ids:
        return
    connection = current_connection()
    nominated = [
        row["id"]
        for row in await connection.fetch(
            """UPDATE contest_application SET full_name = $2, title = '', essay = '', video_url = '',
                   representative_name = '', portfolio = '{}'::jsonb, eligibility = '{}'::jsonb,
                   withdrawn_reason = ''
               WHERE person_id = ANY($1::uuid[]) RETURNING id""",
            ids,
            DESTROYED,
        )
    ]
    if nominated:
        await connection.execute("DELETE FROM contest_upload WHERE application_id = ANY($1::uuid[])", nominated)
        await connection.execute(
            """UPDATE contest_award SET winner_name = $2 WHERE entry_id IN
                   (SELECT e.id FROM contest_entry e WHERE e.application_id = ANY($1::uuid[]))""",
            nominated,
            DESTROYED,
        )
    await connection.execute(
        """UPDATE contest_application SET title = '', representative_name = '', portfolio = '{}'::jsonb
           WHERE mentee_person_id = ANY($1::uuid[])""",
        ids,
    )
    for name in {name for person in people for name in person.names if name.strip()}:
        await connection.execute(
            """UPDATE contest_application SET portfolio = replace(portfolio::text, $1, $2)::jsonb
               WHERE strpos(portfolio::text, $1) > 0""",
            name,
            DESTROYED,
        )
