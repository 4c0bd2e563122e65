"""«Хочу участвовать»: people who wish to take part in a contest (an expected result of the programmes, 003 §4).

A visitor's wish is inserted under the public scope, which may insert but not read back: no RETURNING, the id is
made here. A second wish of the same person (user or e-mail) for the same contest and kind is not counted twice."""

from __future__ import annotations

import contextlib
import re
import uuid
from dataclasses import dataclass
from uuid import UUID

import msgspec

from services.contests.tables import NominationKind
from shared import clock
from shared.actor import Actor
from shared.audit import audit
from shared.db import Scope, current_connection, widened
from shared.errors import Errors

MAX_NAME = 200
MAX_EMAIL = 254
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The kinds a person may wish to take part in (a pair or a practice is put forward by the curator).
WISH_KINDS = (NominationKind.mentor_of_year, NominationKind.curator_of_year)


@dataclass
class WishForm:
    full_name: str = ""
    email: str = ""
    organization_id: str = ""
    nomination_kind: str = ""
    consent: str = ""


class WishValues(msgspec.Struct, frozen=True, kw_only=True):
    full_name: str
    email: str
    organization_id: UUID
    nomination_kind: NominationKind


class OrganizationChoice(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str
    municipality_id: UUID


async def organization_choices(region_id: UUID) -> list[OrganizationChoice]:
    """The region's organizations by name (names only: the public form lists them)."""
    async with widened(Scope.for_region(region_id)):
        rows = await current_connection().fetch(
            """SELECT id, coalesce(nullif(short_name, ''), name) AS name, municipality_id FROM organization
               WHERE region_id = $1 ORDER BY sort_key, name""",
            region_id,
        )
    return [OrganizationChoice(id=r["id"], name=r["name"], municipality_id=r["municipality_id"]) for r in rows]


def clean_wish(form: WishForm, choices: list[OrganizationChoice], *, signed_in: bool = False) -> WishValues:
    """Russian errors per field; a signed-in person's name, e-mail and organization come from their account."""
    errors = Errors()
    name = " ".join(form.full_name.split())
    email = form.email.strip().lower()
    if not name:
        errors.add("full_name", "Укажите фамилию, имя и отчество")
    elif len(name) > MAX_NAME:
        errors.add("full_name", f"Не длиннее {MAX_NAME} символов")
    if not signed_in and not EMAIL.match(email):
        errors.add("email", "Укажите адрес электронной почты, например ivanova@school.ru")
    elif len(email) > MAX_EMAIL:
        errors.add("email", f"Не длиннее {MAX_EMAIL} символов")
    organization: UUID | None = None
    with contextlib.suppress(ValueError):
        organization = UUID(form.organization_id.strip())
    if organization is None or organization not in {c.id for c in choices}:
        errors.add("organization_id", "Выберите организацию из списка")
    kind = next((k for k in WISH_KINDS if k.value == form.nomination_kind), None)
    if kind is None:
        errors.add("nomination_kind", "Выберите номинацию")
    if not signed_in and form.consent not in ("on", "1", "true", "yes"):
        errors.add("consent", "Без согласия на обработку персональных данных заявку не принять")
    errors.raise_if_any()
    assert organization is not None and kind is not None
    return WishValues(full_name=name, email=email, organization_id=organization, nomination_kind=kind)


async def record_wish(
    actor: Actor,
    contest_id: UUID | None,
    values: WishValues,
    municipality_id: UUID,
    *,
    user_id: UUID | None = None,
    person_id: UUID | None = None,
) -> bool:
    """One statement under the caller's scope (the public one may insert only). A signed-in person's repeated wish
    is not inserted again (their scope reads their organization's wishes); False then."""
    connection = current_connection()
    if user_id is not None:
        again = await connection.fetchval(
            """SELECT count(*) FROM contest_wish WHERE region_id = $1 AND contest_id IS NOT DISTINCT FROM $2
               AND nomination_kind = $3 AND (user_id = $4 OR lower(email) = $5)""",
            actor.region_id,
            contest_id,
            values.nomination_kind.value,
            user_id,
            values.email,
        )
        if again:
            return False
    await connection.execute(
        """INSERT INTO contest_wish (region_id, id, contest_id, nomination_kind, organization_id, municipality_id,
               user_id, person_id, full_name, email, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""",
        actor.region_id,
        uuid.uuid4(),
        contest_id,
        values.nomination_kind.value,
        values.organization_id,
        municipality_id,
        user_id,
        person_id,
        values.full_name,
        values.email,
        clock.now(),
    )
    await audit(actor, "contest.wish", person_id, "хочу участвовать: номинация", organization_id=values.organization_id)
    return True


async def wish_count(contest_id: UUID) -> int:
    """People wishing to take part in the contest that the caller's scope sees, once by person or e-mail and kind."""
    value = await current_connection().fetchval(
        """SELECT count(DISTINCT (nomination_kind, coalesce(person_id::text, user_id::text, lower(email))))
           FROM contest_wish WHERE contest_id = $1""",
        contest_id,
    )
    return int(value or 0)
