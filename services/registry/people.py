"""People of the bases: the person form and its checks, creating and editing a record, roles in organizations.

A person is held once per region (one record per СНИЛС). Without an active consent to the processing of personal
data (visible in the caller's scope) a person shows only their name and organization, cannot be paired and is left
out of exports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from services.registry.tables import Category, Participation, ParticipationRole, Person
from services.registry.validation import age_on, normalise_snils, parse_any_date, snils_problem
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import Level, Scope, current_connection, rescope
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import sort_key

CATEGORY_LABELS: dict[Category, str] = {
    Category.learner: "Обучающийся",
    Category.staff: "Педагог или сотрудник",
    Category.employer: "Представитель работодателя",
    Category.graduate: "Выпускник",
    Category.parent: "Родитель",
}
PARTICIPATION_ROLE_LABELS: dict[ParticipationRole, str] = {
    ParticipationRole.mentee_candidate: "Наставляемый",
    ParticipationRole.mentor_candidate: "Кандидат в наставники",
    ParticipationRole.mentor: "Наставник (в реестре)",
    ParticipationRole.curator: "Куратор",
    ParticipationRole.curator_candidate: "Желает стать куратором",
}
SEX_LABELS = {"male": "мужской", "female": "женский"}
MENTEE_BASE = (ParticipationRole.mentee_candidate,)
MENTOR_BASE = (ParticipationRole.mentor_candidate, ParticipationRole.mentor)
CURATOR_ROLES = (ParticipationRole.curator, ParticipationRole.curator_candidate)
MIN_MENTEE_AGE = 10
ADULT_AGE = 18
YOUNG_SPECIALIST_YEARS = 3  # a teacher's first years of work: «опытный педагог – молодой специалист»
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")
NO_CONSENT_TO_EDIT = "Нет согласия на обработку данных: изменение невозможно"

CONSENTED = """EXISTS (SELECT 1 FROM consent c WHERE c.region_id = p.region_id AND c.person_id = p.id
               AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL)"""


def is_young_specialist(teaching_experience: int | None) -> bool:
    return teaching_experience is not None and teaching_experience <= YOUNG_SPECIALIST_YEARS


class PersonRecord(msgspec.Struct, kw_only=True):
    """A person's record; without consent only the public part (who and where) is filled in."""

    id: UUID
    region_id: UUID
    organization_id: UUID
    surname: str
    name: str
    patronymic: str
    full_name: str
    birth_date: date | None = None
    sex: str = ""
    email: str = ""
    phone: str = ""
    snils: str | None = None
    category: Category | None = None
    class_or_course: str = ""
    position: str = ""
    subject: str = ""
    teaching_experience: int | None = None
    company: str = ""
    graduation_year: int | None = None
    sort_key: bytes = b""
    merged_into: UUID | None = None
    archived_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    destroyed_at: datetime | None = None  # its personal data destroyed (services/registry/retention.py)
    destroyed_ground: str = ""

    @property
    def young_specialist(self) -> bool:
        return is_young_specialist(self.teaching_experience)


# Columns a person shows whatever their consent: enough to know who and where, nothing more (and whether the
# record's personal data has been destroyed).
PUBLIC_COLUMNS = (
    "id",
    "region_id",
    "organization_id",
    "surname",
    "name",
    "patronymic",
    "full_name",
    "destroyed_at",
    "destroyed_ground",
)


@dataclass
class PersonForm:
    surname: str = ""
    name: str = ""
    patronymic: str = ""
    birth_date: str = ""
    sex: str = ""
    email: str = ""
    phone: str = ""
    snils: str = ""
    category: str = Category.learner.value
    class_or_course: str = ""
    position: str = ""
    subject: str = ""
    teaching_experience: str = ""
    company: str = ""
    graduation_year: str = ""
    roles: list[str] = field(default_factory=list)

    @classmethod
    def from_record(cls, person: PersonRecord, roles: list[str] | None = None) -> PersonForm:
        values = {f.name: getattr(person, f.name) for f in fields(cls) if f.name != "roles"}
        values["birth_date"] = person.birth_date.strftime("%d.%m.%Y") if person.birth_date else ""
        return cls(**{k: "" if v is None else str(v) for k, v in values.items()}, roles=roles or [])


def _int_or_none(errors: Errors, name: str, text: str, low: int, high: int, message: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = int(float(text.replace(",", ".")))
    except ValueError:
        errors.add(name, message)
        return None
    if not low <= value <= high:
        errors.add(name, message)
        return None
    return value


def clean_person(form: PersonForm, on: date | None = None) -> tuple[dict[str, Any], list[ParticipationRole]]:
    """Checks every field and returns column values and roles; raises ValidationFailed naming each field."""
    errors = Errors()
    on = on or today()
    surname, name, patronymic = (" ".join(v.split()) for v in (form.surname, form.name, form.patronymic))
    if not surname:
        errors.add("surname", "Укажите фамилию")
    if not name:
        errors.add("name", "Укажите имя")
    birth_date = None
    try:
        birth_date = parse_any_date(form.birth_date)
    except ValueError as exc:
        errors.add("birth_date", str(exc))
    if birth_date and not date(1900, 1, 2) <= birth_date <= on:
        errors.add("birth_date", "Проверьте дату рождения")
        birth_date = None
    sex = form.sex.strip()
    if sex not in ("", "male", "female"):
        errors.add("sex", "Выберите пол")
    email = form.email.strip().lower()
    if email and not EMAIL_RE.match(email):
        errors.add("email", "Проверьте адрес электронной почты")
    phone = form.phone.strip()
    if phone and not PHONE_RE.match(phone):
        errors.add("phone", "Телефон: цифры, пробелы, скобки и дефисы")
    snils = normalise_snils(form.snils)
    if problem := snils_problem(form.snils):
        errors.add("snils", problem)
    try:
        category = Category(form.category)
    except ValueError:
        errors.add("category", "Выберите категорию")
        category = Category.learner
    experience = _int_or_none(
        errors, "teaching_experience", form.teaching_experience, 0, 70, "Стаж — число лет от 0 до 70"
    )
    graduation_year = _int_or_none(errors, "graduation_year", form.graduation_year, 1950, 2100, "Год выпуска")
    roles: list[ParticipationRole] = []
    for role in form.roles:
        try:
            roles.append(ParticipationRole(role))
        except ValueError:
            errors.add("roles", "Неизвестная роль")
    age = age_on(birth_date, on)
    minor = age is not None and age < ADULT_AGE
    learner = category == Category.learner
    if learner and ParticipationRole.mentee_candidate in roles and age is not None and age < MIN_MENTEE_AGE:
        errors.add("roles", f"Наставляемым может быть обучающийся с {MIN_MENTEE_AGE} лет")
    if minor and any(r in CURATOR_ROLES for r in roles):
        errors.add("roles", "Куратором может быть только совершеннолетний")
    errors.raise_if_any()
    values = {
        "surname": surname,
        "name": name,
        "patronymic": patronymic,
        "birth_date": birth_date,
        "sex": sex,
        "email": email,
        "phone": phone,
        "snils": snils or None,
        "category": category.value,
        "class_or_course": form.class_or_course.strip()[:20],
        "position": form.position.strip()[:200],
        "subject": form.subject.strip()[:200],
        "teaching_experience": experience,
        "company": form.company.strip()[:300],
        "graduation_year": graduation_year,
        "sort_key": sort_key(f"{surname} {name} {patronymic}"),
    }
    return values, list(dict.fromkeys(roles))


SNILS_OF_ANOTHER = "Этот СНИЛС в регионе записан на другого человека: проверьте номер"
LINKED_HERE = "найден по СНИЛС в базе региона: добавлен в организацию"
LINKED_THERE = "связан по СНИЛС с другой организацией региона"


class SnilsHolder(msgspec.Struct, frozen=True):
    """The region's record holding a СНИЛС, as far as the check needs it; never shown to the one who asked."""

    id: UUID
    organization_id: UUID
    surname: str
    name: str
    birth_date: date | None

    def is_person(self, values: Mapping[str, Any]) -> bool:
        """The same surname, name and birth date (case and ё/е aside): only then does a new record join this one.
        A birth date is required on both sides: a name alone is easy to learn, and would open the whole record."""
        return (
            values["birth_date"] is not None
            and self.birth_date == values["birth_date"]
            and _plain(self.surname) == _plain(values["surname"])
            and _plain(self.name) == _plain(values["name"])
        )


def _plain(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


async def snils_holders(scope: Scope, numbers: list[str]) -> dict[str, SnilsHolder]:
    """The regional base holds each person once: an organization finds people another one entered."""
    if not numbers:
        return {}
    await rescope(scope.with_lookup(snils=",".join(numbers)))
    try:
        rows = await current_connection().fetch(
            """SELECT snils, id, organization_id, surname, name, birth_date FROM person
               WHERE region_id = $1 AND snils = ANY($2::text[]) AND merged_into IS NULL""",
            scope.region_id,
            numbers,
        )
    finally:
        await rescope(scope)
    return {row["snils"]: msgspec.convert(dict(row), SnilsHolder) for row in rows}


async def find_by_snils(scope: Scope, numbers: list[str]) -> dict[str, UUID]:
    return {snils: holder.id for snils, holder in (await snils_holders(scope, numbers)).items()}


async def audit_link(actor: Actor, holder: SnilsHolder) -> None:
    """A link by СНИЛС shows in the logs of both organizations: the one that joined and the one keeping the record."""
    await audit(actor, "link", holder.id, LINKED_HERE)
    if holder.organization_id != actor.organization_id:
        await audit(actor, "link", holder.id, LINKED_THERE, organization_id=holder.organization_id)


MINOR_MENTOR_NEEDS = (
    "Несовершеннолетний становится наставником только с согласием законного представителя на участие "
    "в программе наставничества: запишите это согласие на карточке"
)


async def minor_mentor_problem(organization_id: UUID, person_id: UUID) -> str | None:
    """A senior pupil or student under 18 mentors (ученик – ученик, студент – студент) only once a legal
    representative has agreed to their taking part in the programme."""
    row = await current_connection().fetchrow(
        """SELECT p.birth_date, EXISTS (SELECT 1 FROM consent c WHERE c.person_id = p.id AND c.organization_id = $2
                  AND c.kind = 'participation' AND c.given_by = 'representative' AND c.withdrawn_on IS NULL) AS agreed
           FROM person p WHERE p.id = $1""",
        person_id,
        organization_id,
    )
    if row is None:
        return None
    age = age_on(row["birth_date"], today())
    return MINOR_MENTOR_NEEDS if age is not None and age < ADULT_AGE and not row["agreed"] else None


async def add_roles(actor: Actor, organization_id: UUID, person_id: UUID, roles: list[ParticipationRole]) -> None:
    """Gives roles in an organization (again, if archived); the role «наставник» of a minor needs the consent of
    a legal representative to their participation."""
    for role in roles:
        await current_connection().execute(
            """INSERT INTO participation (region_id, organization_id, person_id, role, since)
               VALUES ($1, $2, $3, $4, current_date)
               ON CONFLICT (region_id, organization_id, person_id, role) DO UPDATE SET archived_at = NULL""",
            actor.region_id,
            organization_id,
            person_id,
            role.value,
        )
    # checked once the role is in (a record of another organization is visible through it); refused, all is undone
    if ParticipationRole.mentor in roles and (problem := await minor_mentor_problem(organization_id, person_id)):
        raise ValidationFailed({"roles": problem})


async def create_person(actor: Actor, scope: Scope, form: PersonForm) -> tuple[UUID, bool]:
    """Returns the person's id and whether an existing record of the regional base (same СНИЛС) was reused."""
    if actor.organization_id is None:
        raise Forbidden()
    values, roles = clean_person(form)
    if values["snils"] and (holder := (await snils_holders(scope, [values["snils"]])).get(values["snils"])):
        if not holder.is_person(values):
            raise ValidationFailed({"snils": SNILS_OF_ANOTHER})
        await add_roles(actor, actor.organization_id, holder.id, roles)
        await audit_link(actor, holder)
        return holder.id, True
    rows = (
        await Person.insert(
            Person(
                region_id=actor.region_id,
                organization_id=actor.organization_id,
                created_at=now(),
                updated_at=now(),
                **values,
            )
        )
        .returning(Person.id)
        .run()
    )
    person_id: UUID = rows[0]["id"]
    await add_roles(actor, actor.organization_id, person_id, roles)
    await audit(actor, "create", person_id)
    return person_id, False


async def consented(person_id: UUID) -> bool:
    """An active consent to the processing of personal data, visible in the caller's scope."""
    return bool(await current_connection().fetchval(f"SELECT {CONSENTED} FROM person p WHERE p.id = $1", person_id))


async def editable_roles(organization_id: UUID | None, person_id: UUID) -> list[str]:
    """The roles a curator edits: the person's active ones in the curator's organization, not another's."""
    if organization_id is None:
        return []
    rows = (
        await Participation.select(Participation.role)
        .where(
            (Participation.person_id == person_id)
            & (Participation.organization_id == organization_id)
            & Participation.archived_at.is_null()
        )
        .order_by(Participation.created_at)
        .run()
    )
    return [row["role"] for row in rows]


async def stored_form(actor: Actor, person_id: UUID) -> PersonForm:
    """The person's record as the edit form holds it, with the roles the actor may edit."""
    person = await person_row(person_id)
    return PersonForm.from_record(person, await editable_roles(actor.organization_id, person_id))


async def update_person(actor: Actor, person_id: UUID, form: PersonForm) -> None:
    """Every edit, from the page or the API, passes here: no change at all without an active consent."""
    before = await person_row(person_id)
    if not await consented(person_id):
        raise ValidationFailed({"consent": NO_CONSENT_TO_EDIT})
    values, roles = clean_person(form)
    if values["snils"] and values["snils"] != before.snils:
        scope = Scope(
            Level.region if actor.organization_id is None else Level.organization,
            actor.user_id,
            actor.region_id,
            None,
            actor.organization_id,
        )
        holder = (await snils_holders(scope, [values["snils"]])).get(values["snils"])
        if holder and holder.id != person_id:
            if not holder.is_person(values):
                raise ValidationFailed({"snils": SNILS_OF_ANOTHER})
            raise ValidationFailed({"snils": "Этот СНИЛС уже у другой записи базы региона: объедините дубликаты"})
    changed = sorted(k for k, v in values.items() if k != "sort_key" and getattr(before, k) != v)
    await (
        Person.update({getattr(Person, k): v for k, v in values.items()} | {Person.updated_at: now()})
        .where(Person.id == person_id)
        .run()
    )
    if actor.organization_id is not None:
        await set_roles(actor, actor.organization_id, person_id, roles)
    await audit(actor, "edit", person_id, "поля: " + ", ".join(changed) if changed else "")


async def patch_person(actor: Actor, person_id: UUID, changes: dict[str, object]) -> None:
    """Some fields changed, the rest (and the editable roles) as stored."""
    form = await stored_form(actor, person_id)
    unknown = set(changes) - {f.name for f in fields(PersonForm)}
    if unknown:
        raise ValidationFailed({name: "Неизвестное поле" for name in sorted(unknown)})
    for key, value in changes.items():
        setattr(form, key, value if key == "roles" else ("" if value is None else str(value)))
    await update_person(actor, person_id, form)


async def set_roles(actor: Actor, organization_id: UUID, person_id: UUID, roles: list[ParticipationRole]) -> None:
    await add_roles(actor, organization_id, person_id, roles)
    await (
        Participation.update({Participation.archived_at: now()})
        .where(
            (Participation.person_id == person_id)
            & (Participation.organization_id == organization_id)
            & Participation.archived_at.is_null()
            & Participation.role.not_in([r.value for r in roles] or [""])
        )
        .run()
    )


async def archive_person(actor: Actor, person_id: UUID) -> None:
    """Archives the person's roles in the actor's organization; the record stays for the others."""
    await person_row(person_id)
    if actor.organization_id is None:
        raise Forbidden()
    await (
        Participation.update({Participation.archived_at: now()})
        .where((Participation.person_id == person_id) & (Participation.organization_id == actor.organization_id))
        .run()
    )
    await audit(actor, "archive", person_id)


async def person_row(person_id: UUID) -> PersonRecord:
    """The whole record, whatever the consent: for the rules, never for showing. A destroyed record is gone for
    every rule: nothing may be added to it or changed in it."""
    row = await current_connection().fetchrow(
        "SELECT * FROM person WHERE id = $1 AND merged_into IS NULL AND destroyed_at IS NULL", person_id
    )
    if row is None:
        raise NotFound()
    return msgspec.convert(dict(row), PersonRecord)
