"""The participant bases: people, their roles in organizations, consents and the audit of personal data.

A person is held once per region. Without an active consent to the processing of personal data (visible in
the caller's scope) a person shows only their name and organization, cannot be paired and is left out of
exports.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from services.registry import questionnaires
from services.registry.tables import (
    Category,
    Consent,
    ConsentKind,
    ConsentScan,
    Participation,
    ParticipationRole,
    Person,
    PersonMerge,
    QuestionnaireRequest,
    QuestionnaireTemplate,
)
from services.registry.validation import age_on, normalise_snils, parse_any_date, snils_problem
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import Level, Scope, current_connection, rescope
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import plural, sort_key
from shared.links import LinkUnusable, link_token, token_hash

CATEGORY_LABELS: dict[Category, str] = {
    Category.learner: "Обучающийся",
    Category.staff: "Педагог или сотрудник",
    Category.employer: "Представитель работодателя",
    Category.graduate: "Выпускник",
    Category.parent: "Родитель",
}
ROLE_LABELS: dict[ParticipationRole, str] = {
    ParticipationRole.mentee_candidate: "Наставляемый",
    ParticipationRole.mentor_candidate: "Кандидат в наставники",
    ParticipationRole.mentor: "Наставник (в реестре)",
    ParticipationRole.curator: "Куратор",
}
CONSENT_LABELS: dict[ConsentKind, str] = {
    ConsentKind.personal_data: "На обработку персональных данных",
    ConsentKind.participation: "На участие в программе наставничества",
}
SEX_LABELS = {"male": "мужской", "female": "женский"}
ACTION_LABELS = {
    "view": "просмотр",
    "create": "создание",
    "edit": "изменение",
    "link": "добавление из базы региона",
    "archive": "архив",
    "consent": "согласие",
    "export": "выгрузка",
    "import": "импорт",
    "merge": "объединение",
    "unmerge": "отмена объединения",
    "questionnaire": "анкета",
}
MENTEE_BASE = (ParticipationRole.mentee_candidate,)
MENTOR_BASE = (ParticipationRole.mentor_candidate, ParticipationRole.mentor)
OTHER_ORGANIZATION = "другая организация региона"  # the keeper of a shared record, outside the caller's scope
MIN_MENTEE_AGE = 10
ADULT_AGE = 18
YOUNG_SPECIALIST_YEARS = 3
SCAN_LIMIT = 10 * 1024 * 1024
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")

# Columns a person shows whatever their consent: enough to know who and where, nothing more.
PUBLIC_COLUMNS = ("id", "region_id", "organization_id", "surname", "name", "patronymic", "full_name")


# People -------------------------------------------------------------------------------------------


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
    def from_row(cls, row: dict[str, Any], roles: list[str] | None = None) -> PersonForm:
        values = {f.name: row.get(f.name) for f in fields(cls) if f.name != "roles"}
        values["birth_date"] = row["birth_date"].strftime("%d.%m.%Y") if row.get("birth_date") else ""
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
    if learner and minor and any(r != ParticipationRole.mentee_candidate for r in roles):
        errors.add("roles", "Несовершеннолетний обучающийся может быть только наставляемым")
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


async def find_by_snils(scope: Scope, numbers: list[str]) -> dict[str, UUID]:
    """The regional base holds each person once: an organization finds people another one entered."""
    if not numbers:
        return {}
    await rescope(scope.with_lookup(snils=",".join(numbers)))
    try:
        rows = (
            await Person.select(Person.id, Person.snils)
            .where((Person.region_id == scope.region_id) & Person.snils.is_in(numbers) & Person.merged_into.is_null())
            .run()
        )
    finally:
        await rescope(scope)
    return {row["snils"]: row["id"] for row in rows}


async def add_roles(actor: Actor, organization_id: UUID, person_id: UUID, roles: list[ParticipationRole]) -> None:
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


async def create_person(actor: Actor, scope: Scope, form: PersonForm) -> tuple[UUID, bool]:
    """Returns the person's id and whether an existing record of the regional base (same СНИЛС) was reused."""
    if actor.organization_id is None:
        raise Forbidden()
    values, roles = clean_person(form)
    if values["snils"] and (existing := (await find_by_snils(scope, [values["snils"]])).get(values["snils"])):
        await add_roles(actor, actor.organization_id, existing, roles)
        await audit(actor, "link", existing, "найден по СНИЛС в базе региона")
        return existing, True
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


async def update_person(actor: Actor, person_id: UUID, form: PersonForm) -> None:
    before = await _person_row(person_id)
    values, roles = clean_person(form)
    if values["snils"] and values["snils"] != before["snils"]:
        scope = Scope(
            Level.region if actor.organization_id is None else Level.organization,
            actor.user_id,
            actor.region_id,
            None,
            actor.organization_id,
        )
        owner = (await find_by_snils(scope, [values["snils"]])).get(values["snils"])
        if owner and owner != person_id:
            raise ValidationFailed({"snils": "Этот СНИЛС уже у другой записи базы региона: объедините дубликаты"})
    changed = sorted(k for k, v in values.items() if k != "sort_key" and before.get(k) != v)
    await (
        Person.update({getattr(Person, k): v for k, v in values.items()} | {Person.updated_at: now()})
        .where(Person.id == person_id)
        .run()
    )
    if actor.organization_id is not None:
        await set_roles(actor, actor.organization_id, person_id, roles)
    await audit(actor, "edit", person_id, "поля: " + ", ".join(changed) if changed else "")


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
    await _person_row(person_id)
    if actor.organization_id is None:
        raise Forbidden()
    await (
        Participation.update({Participation.archived_at: now()})
        .where((Participation.person_id == person_id) & (Participation.organization_id == actor.organization_id))
        .run()
    )
    await audit(actor, "archive", person_id)


async def _person_row(person_id: UUID) -> dict[str, Any]:
    row = await Person.select().where((Person.id == person_id) & Person.merged_into.is_null()).first().run()
    if row is None:
        raise NotFound()
    return row


CONSENTED = """EXISTS (SELECT 1 FROM consent c WHERE c.region_id = p.region_id AND c.person_id = p.id
               AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL)"""


@dataclass
class PersonCard:
    person: dict[str, Any]
    consented: bool
    organization_name: str
    participations: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    history: list[dict[str, Any]]

    @property
    def age(self) -> int | None:
        return age_on(self.person.get("birth_date"), today())


async def person_card(actor: Actor, person_id: UUID) -> PersonCard:
    row = await current_connection().fetchrow(
        f"""SELECT p.*, o.short_name, o.name AS organization_name, {CONSENTED} AS consented
            FROM person p LEFT JOIN organization o ON o.region_id = p.region_id AND o.id = p.organization_id
            WHERE p.id = $1 AND p.merged_into IS NULL""",
        person_id,
    )
    if row is None:
        raise NotFound()
    person = dict(row)
    consented = bool(person.pop("consented"))
    if not consented:
        person = {k: person[k] for k in PUBLIC_COLUMNS}
    participations = await current_connection().fetch(
        """SELECT pa.*, coalesce(nullif(o.short_name, ''), o.name) AS organization_name
           FROM participation pa JOIN organization o ON o.region_id = pa.region_id AND o.id = pa.organization_id
           WHERE pa.person_id = $1 ORDER BY pa.archived_at NULLS FIRST, pa.created_at""",
        person_id,
    )
    consents = await Consent.select().where(Consent.person_id == person_id).order_by(Consent.given_on).run()
    history = await current_connection().fetch(
        """SELECT a.at, a.action, a.details, u.surname, u.name FROM audit_log a
           LEFT JOIN app_user u ON u.id = a.user_id WHERE a.person_id = $1 ORDER BY a.at DESC LIMIT 50""",
        person_id,
    )
    await audit(actor, "view", person_id, "" if consented else "без согласия: только ФИО")
    return PersonCard(
        person=person,
        consented=consented,
        organization_name=row["short_name"] or row["organization_name"] or OTHER_ORGANIZATION,
        participations=[dict(p) for p in participations],
        consents=list(consents),
        history=[dict(h) for h in history],
    )


@dataclass
class PersonFilter:
    query: str = ""
    roles: tuple[ParticipationRole, ...] = ()
    category: str = ""
    consent: str = ""  # "", "yes", "no"
    tag: str = ""  # a #tag from questionnaire answers
    organization_id: UUID | None = None
    page: int = 1
    per_page: int = 50


@dataclass
class PersonPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


async def list_persons(filters: PersonFilter) -> PersonPage:
    """People of the scope, with their roles; details of those without consent are blanked."""
    where = ["p.merged_into IS NULL"]
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    participation = ["pa.archived_at IS NULL", "pa.person_id = p.id", "pa.region_id = p.region_id"]
    if filters.roles:
        participation.append(f"pa.role = ANY({arg([r.value for r in filters.roles])}::text[])")
    if filters.organization_id:
        participation.append(f"pa.organization_id = {arg(filters.organization_id)}")
    where.append(f"EXISTS (SELECT 1 FROM participation pa WHERE {' AND '.join(participation)})")
    if filters.category:
        where.append(f"p.category = {arg(filters.category)}")
    if tag := filters.tag.strip().lower():
        tag = tag if tag.startswith("#") else "#" + tag
        where.append(
            f"EXISTS (SELECT 1 FROM questionnaire_answer qa WHERE qa.person_id = p.id AND {arg(tag)} = ANY(qa.tags))"
        )
    if filters.consent == "yes":
        where.append(CONSENTED)
    elif filters.consent == "no":
        where.append(f"NOT {CONSENTED}")
    order = "p.sort_key"
    query = " ".join(filters.query.split())
    if query:
        q = arg(query)
        where.append(f"(word_similarity({q}, p.full_name) >= 0.4 OR p.full_name ILIKE '%' || {q} || '%')")
        order = f"word_similarity({q}, p.full_name) DESC, p.sort_key"
    sql_where = " AND ".join(where)
    total = await current_connection().fetchval(f"SELECT count(*) FROM person p WHERE {sql_where}", *args)
    limit, offset = arg(filters.per_page), arg((max(filters.page, 1) - 1) * filters.per_page)
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.surname, p.name, p.patronymic, p.full_name, p.birth_date, p.category, p.class_or_course,
                   p.position, p.subject, p.teaching_experience, p.email, p.phone, p.snils, p.organization_id,
                   coalesce(nullif(o.short_name, ''), o.name, '{OTHER_ORGANIZATION}') AS organization_name,
                   {CONSENTED} AS consented,
                   ARRAY(SELECT pa.role FROM participation pa WHERE pa.person_id = p.id AND pa.region_id = p.region_id
                         AND pa.archived_at IS NULL ORDER BY pa.role) AS roles
            FROM person p LEFT JOIN organization o ON o.region_id = p.region_id AND o.id = p.organization_id
            WHERE {sql_where} ORDER BY {order} LIMIT {limit} OFFSET {offset}""",
        *args,
    )
    result = []
    for row in rows:
        item = dict(row)
        if not item["consented"]:
            item = {
                k: item[k]
                for k in (*PUBLIC_COLUMNS[:-1], "full_name", "organization_name", "roles", "consented")
                if k in item
            }
        result.append(item)
    return PersonPage(result, int(total), max(filters.page, 1), filters.per_page)


# Consents -------------------------------------------------------------------------------------------


@dataclass
class ConsentForm:
    kind: str = ConsentKind.personal_data.value
    given_by: str = "self"
    representative_name: str = ""
    representative_relation: str = ""
    representative_document: str = ""
    given_on: str = ""


SCAN_SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def scan_type(data: bytes) -> str | None:
    """The type by content, not by the name or the browser's word."""
    return next((kind for magic, kind in SCAN_SIGNATURES.items() if data.startswith(magic)), None)


async def give_consent(
    actor: Actor, person_id: UUID, form: ConsentForm, scan: bytes | None = None, scan_name: str = ""
) -> UUID:
    if actor.organization_id is None:
        raise Forbidden()
    person = await _person_row(person_id)
    errors = Errors()
    try:
        kind = ConsentKind(form.kind)
    except ValueError:
        errors.add("kind", "Выберите вид согласия")
        kind = ConsentKind.personal_data
    given_on = None
    try:
        given_on = parse_any_date(form.given_on)
    except ValueError as exc:
        errors.add("given_on", str(exc))
    if given_on is None and "given_on" not in errors.errors:
        errors.add("given_on", "Укажите дату согласия")
    if given_on and given_on > today():
        errors.add("given_on", "Дата согласия не может быть в будущем")
    if form.given_by not in ("self", "representative"):
        errors.add("given_by", "Укажите, кто даёт согласие")
    age = age_on(person["birth_date"], given_on or today())
    if form.given_by == "self" and age is not None and age < ADULT_AGE:
        errors.add(
            "given_by",
            f"Человеку {age} {plural(age, 'год', 'года', 'лет')}: "
            "за несовершеннолетнего согласие даёт законный представитель",
        )
    elif form.given_by == "self" and age is None and person["category"] == Category.learner:
        errors.add("given_by", "Укажите дату рождения обучающегося: без неё нельзя проверить совершеннолетие")
    if form.given_by == "representative":
        if not form.representative_name.strip():
            errors.add("representative_name", "Укажите ФИО законного представителя")
        if not form.representative_relation.strip():
            errors.add("representative_relation", "Укажите, кем приходится представитель")
        if not form.representative_document.strip():
            errors.add("representative_document", "Укажите документ, подтверждающий полномочия")
    content_type = None
    if scan:
        if len(scan) > SCAN_LIMIT:
            errors.add("scan", "Файл больше 10 МБ")
        elif (content_type := scan_type(scan)) is None:
            errors.add("scan", "Скан согласия — PDF, JPEG или PNG")
    errors.raise_if_any()
    representative = form.given_by == "representative"
    rows = (
        await Consent.insert(
            Consent(
                region_id=actor.region_id,
                organization_id=actor.organization_id,
                person_id=person_id,
                kind=kind.value,
                given_by=form.given_by,
                representative_name=form.representative_name.strip() if representative else "",
                representative_relation=form.representative_relation.strip() if representative else "",
                representative_document=form.representative_document.strip() if representative else "",
                given_on=given_on,
                has_scan=bool(scan),
                created_by=actor.user_id,
                created_at=now(),
            )
        )
        .returning(Consent.id)
        .run()
    )
    consent_id: UUID = rows[0]["id"]
    if scan and content_type:
        await ConsentScan.insert(
            ConsentScan(
                region_id=actor.region_id,
                organization_id=actor.organization_id,
                consent_id=consent_id,
                content_type=content_type,
                filename=scan_name[:200],
                data=scan,
            )
        ).run()
    await audit(actor, "consent", person_id, f"получено: {CONSENT_LABELS[kind].lower()}")
    return consent_id


async def withdraw_consent(actor: Actor, person_id: UUID, consent_id: UUID, on: str = "") -> None:
    consent = await Consent.select().where((Consent.id == consent_id) & (Consent.person_id == person_id)).first().run()
    if consent is None:
        raise NotFound()
    if consent["withdrawn_on"] is not None:
        raise ValidationFailed({"withdrawn_on": "Согласие уже отозвано"})
    try:
        day = parse_any_date(on) or today()
    except ValueError as exc:
        raise ValidationFailed({"withdrawn_on": str(exc)}) from exc
    if day < consent["given_on"]:
        raise ValidationFailed({"withdrawn_on": "Дата отзыва раньше даты согласия"})
    await Consent.update({Consent.withdrawn_on: day}).where(Consent.id == consent_id).run()
    await audit(
        actor, "consent", consent["person_id"], f"отозвано: {CONSENT_LABELS[ConsentKind(consent['kind'])].lower()}"
    )


async def consent_scan(actor: Actor, person_id: UUID, consent_id: UUID) -> dict[str, Any]:
    consent = await Consent.exists().where((Consent.id == consent_id) & (Consent.person_id == person_id)).run()
    row = await ConsentScan.select().where(ConsentScan.consent_id == consent_id).first().run()
    if row is None or not consent:
        raise NotFound()
    await audit(actor, "view", person_id, "скан согласия")
    return row


# The regional base ----------------------------------------------------------------------------------


async def likely_duplicates(limit: int = 200) -> list[dict[str, Any]]:
    """Pairs of records with the same surname, name and birth date that nobody has merged yet."""
    rows = await current_connection().fetch(
        """SELECT a.id AS first_id, b.id AS second_id, a.full_name, a.birth_date,
                  a.snils AS first_snils, b.snils AS second_snils,
                  coalesce(nullif(oa.short_name, ''), oa.name) AS first_organization,
                  coalesce(nullif(ob.short_name, ''), ob.name) AS second_organization
           FROM person a
           JOIN person b ON b.region_id = a.region_id AND lower(b.surname) = lower(a.surname)
                AND lower(b.name) = lower(a.name) AND b.birth_date = a.birth_date AND b.id > a.id
           JOIN organization oa ON oa.region_id = a.region_id AND oa.id = a.organization_id
           JOIN organization ob ON ob.region_id = b.region_id AND ob.id = b.organization_id
           WHERE a.merged_into IS NULL AND b.merged_into IS NULL AND a.birth_date IS NOT NULL
             AND (a.snils IS NULL OR b.snils IS NULL OR a.snils = b.snils)
           ORDER BY a.sort_key LIMIT $1""",
        limit,
    )
    return [dict(r) for r in rows]


MergeGuard = Callable[[UUID], Awaitable[str | None]]
_MERGE_GUARDS: list[MergeGuard] = []


def guard_merge(check: MergeGuard) -> None:
    """Other domains refuse merging away a record their own records point at (a person in a pair)."""
    if check not in _MERGE_GUARDS:
        _MERGE_GUARDS.append(check)


async def merge(actor: Actor, survivor_id: UUID, duplicate_id: UUID) -> UUID:
    """The duplicate's roles and consents move to the survivor; the duplicate stays, marked, for unmerging."""
    if survivor_id == duplicate_id:
        raise ValidationFailed({"duplicate_id": "Нельзя объединить запись саму с собой"})
    for check in _MERGE_GUARDS:
        if reason := await check(duplicate_id):
            raise ValidationFailed({"duplicate_id": reason})
    survivor, duplicate = await _person_row(survivor_id), await _person_row(duplicate_id)
    if survivor["snils"] and duplicate["snils"] and survivor["snils"] != duplicate["snils"]:
        raise ValidationFailed({"duplicate_id": "У записей разные СНИЛС: это разные люди"})
    connection = current_connection()
    moved_participations = [
        r["id"]
        for r in await connection.fetch(
            """UPDATE participation d SET person_id = $1 WHERE d.person_id = $2 AND NOT EXISTS (
                   SELECT 1 FROM participation s WHERE s.person_id = $1 AND s.organization_id = d.organization_id
                   AND s.role = d.role) RETURNING d.id""",
            survivor_id,
            duplicate_id,
        )
    ]
    moved_consents = [
        r["id"]
        for r in await connection.fetch(
            "UPDATE consent SET person_id = $1 WHERE person_id = $2 RETURNING id", survivor_id, duplicate_id
        )
    ]
    snils = duplicate["snils"]
    await Person.update({Person.merged_into: survivor_id, Person.snils: None}).where(Person.id == duplicate_id).run()
    if snils and not survivor["snils"]:
        await Person.update({Person.snils: snils}).where(Person.id == survivor_id).run()
    rows = (
        await PersonMerge.insert(
            PersonMerge(
                region_id=actor.region_id,
                organization_id=survivor["organization_id"],
                survivor_id=survivor_id,
                duplicate_id=duplicate_id,
                moved_participations=moved_participations,
                moved_consents=moved_consents,
                merged_by=actor.user_id,
                merged_at=now(),
            )
        )
        .returning(PersonMerge.id)
        .run()
    )
    await audit(actor, "merge", survivor_id, f"присоединена запись {duplicate_id}")
    await audit(actor, "merge", duplicate_id, f"присоединена к записи {survivor_id}")
    return rows[0]["id"]


async def unmerge(actor: Actor, merge_id: UUID) -> None:
    record = await PersonMerge.select().where(PersonMerge.id == merge_id).first().run()
    if record is None:
        raise NotFound()
    if record["undone_at"] is not None:
        raise ValidationFailed({"merge_id": "Объединение уже отменено"})
    connection = current_connection()
    duplicate = await Person.select(Person.snils).where(Person.id == record["duplicate_id"]).first().run()
    survivor = await Person.select(Person.snils).where(Person.id == record["survivor_id"]).first().run()
    assert duplicate is not None and survivor is not None
    await connection.execute(
        "UPDATE participation SET person_id = $1 WHERE id = ANY($2::uuid[])",
        record["duplicate_id"],
        record["moved_participations"],
    )
    await connection.execute(
        "UPDATE consent SET person_id = $1 WHERE id = ANY($2::uuid[])", record["duplicate_id"], record["moved_consents"]
    )
    await Person.update({Person.merged_into: None}).where(Person.id == record["duplicate_id"]).run()
    await (
        PersonMerge.update({PersonMerge.undone_at: now(), PersonMerge.undone_by: actor.user_id})
        .where(PersonMerge.id == merge_id)
        .run()
    )
    await audit(actor, "unmerge", record["survivor_id"], f"отделена запись {record['duplicate_id']}")
    await audit(actor, "unmerge", record["duplicate_id"], f"отделена от записи {record['survivor_id']}")


async def merges(limit: int = 100) -> list[dict[str, Any]]:
    rows = await current_connection().fetch(
        """SELECT m.*, s.full_name AS survivor_name, d.full_name AS duplicate_name FROM person_merge m
           JOIN person s ON s.region_id = m.region_id AND s.id = m.survivor_id
           JOIN person d ON d.region_id = m.region_id AND d.id = m.duplicate_id
           ORDER BY m.merged_at DESC LIMIT $1""",
        limit,
    )
    return [dict(r) for r in rows]


async def counts_by_organization() -> list[dict[str, Any]]:
    """The regional base at a glance: mentees and mentors per organization, one person counted once each."""
    rows = await current_connection().fetch(
        """SELECT o.id, coalesce(nullif(o.short_name, ''), o.name) AS organization, m.name AS municipality,
                  count(DISTINCT pa.person_id) FILTER (WHERE pa.role = 'mentee_candidate') AS mentees,
                  count(DISTINCT pa.person_id) FILTER (WHERE pa.role IN ('mentor_candidate', 'mentor')) AS mentors,
                  count(DISTINCT pa.person_id) FILTER (WHERE pa.role = 'mentor') AS registry
           FROM organization o
           JOIN municipality m ON m.region_id = o.region_id AND m.id = o.municipality_id
           LEFT JOIN participation pa ON pa.region_id = o.region_id AND pa.organization_id = o.id
                AND pa.archived_at IS NULL
           GROUP BY o.region_id, o.id, m.name, m.sort_key ORDER BY m.sort_key, o.sort_key"""
    )
    return [dict(r) for r in rows]


async def search_audit(
    user_query: str = "", action: str = "", person_id: UUID | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    rows = await current_connection().fetch(
        """SELECT a.at, a.action, a.details, a.ip, a.person_id, u.email, u.surname, u.name,
                  p.full_name AS person_name
           FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id
           LEFT JOIN person p ON p.region_id = a.region_id AND p.id = a.person_id
           WHERE ($1 = '' OR u.email ILIKE '%' || $1 || '%' OR u.surname ILIKE '%' || $1 || '%')
             AND ($2 = '' OR a.action = $2) AND ($3::uuid IS NULL OR a.person_id = $3)
           ORDER BY a.at DESC LIMIT $4""",
        user_query.strip(),
        action,
        person_id,
        limit,
    )
    return [dict(r) for r in rows]


# Questionnaires -------------------------------------------------------------------------------------

LINK_DAYS = 14


async def templates() -> list[dict[str, Any]]:
    """The newest version of each template."""
    rows = await current_connection().fetch(
        """SELECT DISTINCT ON (code) id, code, version, title, audience, body FROM questionnaire_template
           ORDER BY code, version DESC"""
    )
    order = [t["code"] for t in questionnaires.BUILTIN]
    result = [dict(r) for r in rows]
    return sorted(result, key=lambda r: order.index(r["code"]) if r["code"] in order else 99)


@dataclass
class SentQuestionnaire:
    request_id: UUID
    token: str
    email: str  # where the link can be mailed; empty when the person has no e-mail


async def send_questionnaire(actor: Actor, person_id: UUID, code: str, secret_key: str) -> SentQuestionnaire:
    """A personal link to the newest version of a template; needs an active consent."""
    if actor.organization_id is None:
        raise Forbidden()
    card = await person_card(actor, person_id)
    if not card.consented:
        raise ValidationFailed({"template": "Нет согласия на обработку данных: анкету отправить нельзя"})
    template = next((t for t in await templates() if t["code"] == code), None)
    if template is None:
        raise ValidationFailed({"template": "Выберите анкету"})
    request_id = uuid4()
    token = questionnaire_token(secret_key, request_id)
    await QuestionnaireRequest.insert(
        QuestionnaireRequest(
            id=request_id,
            region_id=actor.region_id,
            organization_id=actor.organization_id,
            person_id=person_id,
            template_id=template["id"],
            token_hash=token_hash(token),
            expires_at=now() + timedelta(days=LINK_DAYS),
            sent_by=actor.user_id,
            created_at=now(),
        )
    ).run()
    await audit(actor, "questionnaire", person_id, f"отправлена анкета «{template['title']}»")
    return SentQuestionnaire(request_id, token, card.person.get("email") or "")


def questionnaire_token(secret_key: str, request_id: UUID) -> str:
    return link_token(secret_key, "questionnaire", request_id)


@dataclass
class OpenQuestionnaire:
    request: dict[str, Any]
    template: dict[str, Any]
    first_name: str


async def open_questionnaire(token: str) -> OpenQuestionnaire:
    """By the personal link, without an account. Narrows the transaction to the request's organization."""
    hashed = token_hash(token)
    await rescope(Scope().with_lookup(link_token_hash=hashed))
    request = await QuestionnaireRequest.select().where(QuestionnaireRequest.token_hash == hashed).first().run()
    if request is None:
        raise NotFound()
    if request["answered_at"] is not None:
        raise LinkUnusable("Спасибо! Эта анкета уже заполнена.")
    if request["expires_at"] <= now():
        raise LinkUnusable("Срок действия ссылки истёк. Попросите куратора прислать новую.")
    await rescope(
        Scope(Level.organization, None, request["region_id"], None, request["organization_id"]).with_lookup(
            link_token_hash=hashed
        )
    )
    template = (
        await QuestionnaireTemplate.select().where(QuestionnaireTemplate.id == request["template_id"]).first().run()
    )
    person = await Person.select(Person.name).where(Person.id == request["person_id"]).first().run()
    assert template is not None and person is not None
    return OpenQuestionnaire(request, template, person["name"])


async def submit_questionnaire(token: str, data: dict[str, list[str]]) -> None:
    opened = await open_questionnaire(token)
    request = opened.request
    answers, tags, errors = questionnaires.check_answers(opened.template["body"], data)
    if errors:
        raise ValidationFailed(errors)
    await save_answers(
        Actor(None, request["region_id"], request["organization_id"], ""),
        request["person_id"],
        request["template_id"],
        answers,
        tags,
        request["id"],
    )
    await (
        QuestionnaireRequest.update({QuestionnaireRequest.answered_at: now()})
        .where(QuestionnaireRequest.id == request["id"])
        .run()
    )


async def save_answers(
    actor: Actor,
    person_id: UUID,
    template_id: UUID,
    answers: dict[str, Any],
    tags: list[str],
    request_id: UUID | None = None,
) -> None:
    assert actor.organization_id is not None
    await current_connection().execute(
        """INSERT INTO questionnaire_answer (region_id, organization_id, person_id, template_id, request_id,
                                            answers, tags)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)""",
        actor.region_id,
        actor.organization_id,
        person_id,
        template_id,
        request_id,
        answers,
        tags,
    )
    await audit(actor, "questionnaire", person_id, "получены ответы на анкету")


async def person_answers(person_id: UUID) -> list[dict[str, Any]]:
    """Each answer with the version of the template it was given to, so old answers keep their questions."""
    rows = await current_connection().fetch(
        """SELECT a.id, a.answers, a.tags, a.submitted_at, t.title, t.version, t.body
           FROM questionnaire_answer a JOIN questionnaire_template t ON t.id = a.template_id
           WHERE a.person_id = $1 ORDER BY a.submitted_at DESC""",
        person_id,
    )
    result = []
    for row in rows:
        answers = row["answers"]
        items = [(q["text"], answers[q["code"]]) for q in questionnaires.questions(row["body"]) if q["code"] in answers]
        result.append({**dict(row), "entries": items})
    return result


# For other domains ----------------------------------------------------------------------------------


async def people_brief(person_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    """Names (always shown) and, with consent, the work details orders and registries print."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.full_name, p.sort_key, p.category, {CONSENTED} AS consented,
                   CASE WHEN {CONSENTED} THEN p.position ELSE '' END AS position,
                   CASE WHEN {CONSENTED} THEN p.subject ELSE '' END AS subject
            FROM person p WHERE p.id = ANY($1::uuid[]) AND p.merged_into IS NULL""",
        person_ids,
    )
    return {row["id"]: dict(row) for row in rows}


async def base_members(organization_id: UUID, roles: tuple[ParticipationRole, ...]) -> list[dict[str, Any]]:
    """People holding one of the roles in an organization, in Russian order."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.full_name, p.category, {CONSENTED} AS consented
            FROM person p WHERE p.merged_into IS NULL AND EXISTS (
                SELECT 1 FROM participation pa WHERE pa.region_id = p.region_id AND pa.person_id = p.id
                AND pa.organization_id = $1 AND pa.role = ANY($2::text[]) AND pa.archived_at IS NULL)
            ORDER BY p.sort_key, p.birth_date NULLS LAST, p.email, p.created_at""",
        organization_id,
        [role.value for role in roles],
    )
    return [dict(row) for row in rows]


async def participant_counts(
    organization_id: UUID | None = None, municipality_id: UUID | None = None
) -> dict[ParticipationRole, int]:
    """Distinct people per role in an organization, a municipality's organizations, or the whole scope."""
    rows = await current_connection().fetch(
        """SELECT pa.role, count(DISTINCT pa.person_id) AS people
           FROM participation pa JOIN organization o ON o.region_id = pa.region_id AND o.id = pa.organization_id
           WHERE pa.archived_at IS NULL AND ($1::uuid IS NULL OR o.id = $1)
             AND ($2::uuid IS NULL OR o.municipality_id = $2)
           GROUP BY pa.role""",
        organization_id,
        municipality_id,
    )
    counts = {role: 0 for role in ParticipationRole}
    counts.update({ParticipationRole(row["role"]): int(row["people"]) for row in rows})
    return counts


async def matching_profiles(person_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    """What matching compares, for consenting people only: category, age, subject, #tags and the answers
    of their latest questionnaires (meeting times, preferred mentee ages)."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.category, p.birth_date, p.subject, p.teaching_experience, p.class_or_course,
                   coalesce((SELECT array_agg(DISTINCT t) FROM questionnaire_answer qa, unnest(qa.tags) t
                             WHERE qa.region_id = p.region_id AND qa.person_id = p.id), '{{}}') AS tags,
                   coalesce((SELECT jsonb_object_agg(x.code, x.answers) FROM (
                       SELECT DISTINCT ON (t.code) t.code, qa.answers FROM questionnaire_answer qa
                       JOIN questionnaire_template t ON t.id = qa.template_id
                       WHERE qa.region_id = p.region_id AND qa.person_id = p.id
                       ORDER BY t.code, qa.submitted_at DESC) x), '{{}}') AS answers
            FROM person p WHERE p.id = ANY($1::uuid[]) AND p.merged_into IS NULL AND {CONSENTED}""",
        person_ids,
    )
    profiles = {}
    for row in rows:
        profiles[row["id"]] = dict(row)
    return profiles


async def questionnaires_sent(person_ids: list[UUID], code: str, since: date) -> set[UUID]:
    """People who were already sent a template (any version) since a day: bulk sends skip them."""
    rows = await current_connection().fetch(
        """SELECT DISTINCT r.person_id FROM questionnaire_request r
           JOIN questionnaire_template t ON t.id = r.template_id
           WHERE r.person_id = ANY($1::uuid[]) AND t.code = $2 AND r.created_at >= $3""",
        person_ids,
        code,
        since,
    )
    return {row["person_id"] for row in rows}


async def due_questionnaire_reminders(codes: list[str], older_than: datetime) -> list[dict[str, Any]]:
    """Unanswered, unexpired links of these templates sent before a moment and not yet reminded about;
    they are marked as reminded at once, so a reminder goes out only once."""
    rows = await current_connection().fetch(
        """UPDATE questionnaire_request r SET reminded_at = now()
           FROM questionnaire_template t
           WHERE t.id = r.template_id AND t.code = ANY($1::text[]) AND r.answered_at IS NULL
             AND r.reminded_at IS NULL AND r.expires_at > now() AND r.created_at < $2
             AND EXISTS (SELECT 1 FROM consent c WHERE c.region_id = r.region_id AND c.person_id = r.person_id
                         AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL)
           RETURNING r.id, r.region_id""",
        codes,
        older_than,
    )
    return [dict(row) for row in rows]
