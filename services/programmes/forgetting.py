"""What programmes keep about a person whose personal data is destroyed (the registry's retention job calls this).

A mentor's application and the commission's interview notes and decision are about the person: their text goes,
while the dates, the principles ticked and the decision stay. A draft order is only a snapshot until the head signs
it, and the person's name in it becomes the stub. A registered order is a signed document of the organization that
the law on archives (125-ФЗ, the Росархив list of standard documents) requires to be kept: it stays as signed,
which ст. 21 ч. 5 of 152-ФЗ allows ("если иное не предусмотрено федеральным законом").
"""

from __future__ import annotations

from typing import Any

from services.programmes.tables import Order
from services.registry import DESTROYED, Forgotten
from shared.db import current_connection


async def forget_people(people: list[Forgotten]) -> None:
    ids = [record for person in people for record in person.ids]
    names = {name for person in people for name in person.names}
    connection = current_connection()
    await connection.execute(
        """UPDATE mentor_application SET motivation = '', education = '', experience = '', achievements = '',
               interview_notes = '', decision_note = '' WHERE person_id = ANY($1::uuid[])""",
        ids,
    )
    drafts = await connection.fetch("SELECT id, payload FROM programme_order WHERE number IS NULL")
    wanted = {str(i) for i in ids}
    for draft in drafts:
        payload = _forget(draft["payload"], wanted, names)
        if payload != draft["payload"]:
            await Order.update({Order.payload: payload}).where(Order.id == draft["id"]).run()


def _forget(value: Any, ids: set[str], names: set[str]) -> Any:
    """The snapshot with the person's lines and names replaced: a row that names its person by id loses its
    cells but the last (a date or a note), and a printed name, alone or in a list «А, Б», becomes the stub."""
    if isinstance(value, dict):
        if value.get("person_id") in ids and isinstance(value.get("cells"), list):
            cells = value["cells"]
            return {**value, "cells": [DESTROYED, *([""] * max(0, len(cells) - 2)), *cells[-1:]][: len(cells)]}
        return {key: _forget(item, ids, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_forget(item, ids, names) for item in value]
    if isinstance(value, str) and names and any(name in value for name in names):
        return ", ".join(DESTROYED if part in names else part for part in value.split(", "))
    return value
