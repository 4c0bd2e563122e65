"""What the public pages keep about a person whose personal data is destroyed: their portfolio on the page (the
page itself shows them only with a consent to publication, which a destruction has long ended)."""

from __future__ import annotations

from services.registry import Forgotten
from shared.db import current_connection


async def forget_people(people: list[Forgotten]) -> None:
    ids = [record for person in people for record in person.ids]
    if ids:
        await current_connection().execute("DELETE FROM public_profile WHERE person_id = ANY($1::uuid[])", ids)
