"""Bulk import of learners and staff from the XLSX and CSV files school systems export.

A preview checks every row and names each problem by row and column; a commit writes all rows or none.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.registry.people import (
    LINKED_HERE,
    LINKED_THERE,
    SNILS_OF_ANOTHER,
    PersonForm,
    clean_person,
    snils_holders,
)
from services.registry.tables import Category, ParticipationRole
from shared.actor import Actor
from shared.audit import audit, audit_many
from shared.db import Scope, current_connection
from shared.errors import ValidationFailed
from shared.file_imports import RowError, plain_word
from shared.tabular import ImportLimits, Table, UnreadableFile, read_table

# Normalised header -> PersonForm field. Headers are matched ignoring case, ё/е, spaces and punctuation.
HEADERS: dict[str, str] = {
    "фамилия": "surname",
    "имя": "name",
    "отчество": "patronymic",
    "дата рождения": "birth_date",
    "др": "birth_date",
    "пол": "sex",
    "email": "email",
    "e-mail": "email",
    "электронная почта": "email",
    "почта": "email",
    "телефон": "phone",
    "снилс": "snils",
    "категория": "category",
    "класс": "class_or_course",
    "курс": "class_or_course",
    "класс/курс": "class_or_course",
    "класс или курс": "class_or_course",
    "группа": "class_or_course",
    "должность": "position",
    "предмет": "subject",
    "стаж": "teaching_experience",
    "педагогический стаж": "teaching_experience",
    "компания": "company",
    "год выпуска": "graduation_year",
    "роль": "roles",
}
REQUIRED = ("surname", "name")
CATEGORY_WORDS = {
    "обучающийся": Category.learner,
    "учащийся": Category.learner,
    "ученик": Category.learner,
    "ученица": Category.learner,
    "студент": Category.learner,
    "learner": Category.learner,
    "педагог": Category.staff,
    "учитель": Category.staff,
    "сотрудник": Category.staff,
    "преподаватель": Category.staff,
    "staff": Category.staff,
    "работодатель": Category.employer,
    "представитель работодателя": Category.employer,
    "выпускник": Category.graduate,
    "родитель": Category.parent,
}
ROLE_WORDS = {
    "наставляемый": ParticipationRole.mentee_candidate,
    "наставник": ParticipationRole.mentor_candidate,
    "кандидат в наставники": ParticipationRole.mentor_candidate,
    "куратор": ParticipationRole.curator,
    "желает стать куратором": ParticipationRole.curator_candidate,
    "кандидат в кураторы": ParticipationRole.curator_candidate,
}
SEX_WORDS = {"м": "male", "муж": "male", "мужской": "male", "ж": "female", "жен": "female", "женский": "female"}
FIELD_TITLES = {
    "surname": "Фамилия",
    "name": "Имя",
    "patronymic": "Отчество",
    "birth_date": "Дата рождения",
    "sex": "Пол",
    "email": "Электронная почта",
    "phone": "Телефон",
    "snils": "СНИЛС",
    "category": "Категория",
    "class_or_course": "Класс или курс",
    "position": "Должность",
    "subject": "Предмет",
    "teaching_experience": "Стаж",
    "company": "Компания",
    "graduation_year": "Год выпуска",
    "roles": "Роль",
}
MAX_ERRORS = 500


def normalise_header(text: str) -> str:
    text = str(text or "").lower().replace("ё", "е").replace("*", "")
    return " ".join(re.sub(r"[.:;_]+", " ", text).split())


@dataclass
class ImportReport:
    total: int = 0
    valid: int = 0
    linked: int = 0
    errors: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "valid": self.valid,
            "linked": self.linked,
            "ok": self.ok,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors],
        }


@dataclass
class Prepared:
    report: ImportReport
    people: list[tuple[int, PersonValues, list[ParticipationRole]]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def prepare(rows: Iterable[Sequence[Any]], progress: Callable[[int, int], None] | None = None) -> Prepared:
    """Checks every row without touching the database, reading the rows as they come (a file's rows are never
    all in memory) and keeping of each valid row only what the commit writes."""
    stream: Iterator[Sequence[Any]] = iter(rows)
    expected = rows.expected if isinstance(rows, Table) else len(rows) - 1 if isinstance(rows, Sized) else 0
    report = ImportReport()
    first = next(stream, None)
    if first is None:
        raise UnreadableFile("Файл пуст")
    header = [normalise_header(h) for h in first]
    mapping: dict[int, str] = {}
    for index, title in enumerate(header):
        if title in HEADERS and HEADERS[title] not in mapping.values():
            mapping[index] = HEADERS[title]
        elif title:
            report.ignored_columns.append(str(first[index]))
    report.columns = [FIELD_TITLES[f] for f in mapping.values()]
    missing = [FIELD_TITLES[f] for f in REQUIRED if f not in mapping.values()]
    if missing:
        report.errors.append(RowError(1, ", ".join(missing), "Нет обязательного столбца"))
        report.total = max(expected, 0)
        return Prepared(report, [])
    people: list[tuple[int, PersonValues, list[ParticipationRole]]] = []
    seen_snils: dict[str, int] = {}
    seen_people: dict[tuple[str, str, Any], int] = {}
    shared: dict[Any, Any] = {}  # one object for the values rows repeat (names, classes, role lists)
    number = 1
    for number, raw in enumerate(stream, start=2):
        if progress and number % 1000 == 0:
            progress(number - 1, max(expected, number - 1))
        cells = {name: _cell(raw[i]) if i < len(raw) else "" for i, name in mapping.items()}
        row_errors: list[RowError] = []
        category_text = plain_word(cells.get("category", ""))
        category = CATEGORY_WORDS.get(category_text) if category_text else Category.learner
        if category is None:
            row_errors.append(RowError(number, "Категория", f"Неизвестная категория «{cells['category']}»"))
            category = Category.learner
        role_text = plain_word(cells.get("roles", ""))
        default = (
            ParticipationRole.mentee_candidate if category == Category.learner else ParticipationRole.mentor_candidate
        )
        role = ROLE_WORDS.get(role_text) if role_text else default
        if role is None:
            row_errors.append(RowError(number, "Роль", f"Неизвестная роль «{cells['roles']}»"))
            role = default
        sex = SEX_WORDS.get(plain_word(cells.get("sex", "")), "") if cells.get("sex") else ""
        form = PersonForm(
            **{k: v for k, v in cells.items() if k not in ("category", "roles", "sex")},
            category=category.value,
            sex=sex,
            roles=[role.value],
        )
        try:
            values, roles = clean_person(form)
        except ValidationFailed as exc:
            row_errors += [RowError(number, FIELD_TITLES.get(k, k), m) for k, m in exc.errors.items()]
            values, roles = {}, []
        if values:
            key = (values["surname"].lower(), values["name"].lower(), values["birth_date"])
            if values["snils"] and values["snils"] in seen_snils:
                row_errors.append(
                    RowError(number, "СНИЛС", f"Тот же СНИЛС, что в строке {seen_snils[values['snils']]}")
                )
            elif values["birth_date"] and key in seen_people:
                row_errors.append(
                    RowError(number, "Фамилия", f"Повтор строки {seen_people[key]}: те же ФИО и дата рождения")
                )
            if values["snils"]:
                seen_snils.setdefault(values["snils"], number)
            seen_people.setdefault(key, number)
        if row_errors:
            if len(report.errors) < MAX_ERRORS:
                report.errors += row_errors
        else:
            people.append((number, PersonValues(values, shared), shared.setdefault(tuple(roles), roles)))
    report.total = number - 1
    report.valid = len(people)
    return Prepared(report, people)


PERSON_COLUMNS = (
    "surname",
    "name",
    "patronymic",
    "birth_date",
    "sex",
    "email",
    "phone",
    "snils",
    "category",
    "class_or_course",
    "position",
    "subject",
    "teaching_experience",
    "company",
    "graduation_year",
    "sort_key",
)
ARRAY_TYPES = {"birth_date": "date", "teaching_experience": "int", "graduation_year": "int", "sort_key": "bytea"}
# Values many rows share, kept once (a school's file repeats its names, classes and positions).
SHARED_VALUES = ("name", "patronymic", "sex", "category", "class_or_course", "position", "subject", "company")


class PersonValues(Mapping[str, Any]):
    """One valid row as the commit writes it, read like the dict `clean_person` returns: slots instead of a dict
    per row, so that a file at the row limit stays in tens of megabytes."""

    __slots__ = PERSON_COLUMNS

    def __init__(self, values: Mapping[str, Any], shared: dict[Any, Any] | None = None) -> None:
        for name in PERSON_COLUMNS:
            value = values[name]
            if shared is not None and name in SHARED_VALUES:
                value = shared.setdefault(value, value)
            setattr(self, name, value)

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(PERSON_COLUMNS)

    def __len__(self) -> int:
        return len(PERSON_COLUMNS)


async def check_against_base(actor: Actor, scope: Scope, prepared: Prepared) -> None:
    """Rows already in the organization's base are errors; a СНИЛС known in the region links to that person when
    surname, name and birth date match, and is an error on its column otherwise (saying nothing of that record)."""
    assert actor.organization_id is not None
    report = prepared.report
    rows = await current_connection().fetch(
        """SELECT lower(p.surname) AS surname, lower(p.name) AS name, p.birth_date FROM person p
           WHERE p.merged_into IS NULL AND p.birth_date IS NOT NULL AND EXISTS (SELECT 1 FROM participation pa
             WHERE pa.person_id = p.id AND pa.organization_id = $1 AND pa.archived_at IS NULL)""",
        actor.organization_id,
    )
    existing = {(r["surname"], r["name"], r["birth_date"]) for r in rows}
    snils = [values["snils"] for _, values, _ in prepared.people if values["snils"]]
    holders = await snils_holders(scope, snils)
    kept = []
    for number, values, roles in prepared.people:
        holder = holders.get(values["snils"]) if values["snils"] else None
        if holder is not None:
            if not holder.is_person(values):
                report.errors.append(RowError(number, FIELD_TITLES["snils"], SNILS_OF_ANOTHER))
                continue
            report.linked += 1
        elif (values["surname"].lower(), values["name"].lower(), values["birth_date"]) in existing:
            report.errors.append(RowError(number, "Фамилия", "Уже есть в базе организации: те же ФИО и дата рождения"))
            continue
        kept.append((number, values, roles))
    prepared.people = kept
    report.valid = len(kept)


async def commit(actor: Actor, scope: Scope, prepared: Prepared) -> int:
    """Writes every prepared row in the current transaction; the caller's transaction makes it all or none."""
    assert actor.organization_id is not None
    if not prepared.report.ok:
        raise ValidationFailed({"file": "В файле есть ошибки: ничего не импортировано"})
    snils = [v["snils"] for _, v, _ in prepared.people if v["snils"]]
    holders = await snils_holders(scope, snils)
    if any(not holders[v["snils"]].is_person(v) for _, v, _ in prepared.people if v["snils"] in holders):
        raise ValidationFailed({"file": "В файле есть ошибки: ничего не импортировано"})  # checked just before
    known = {number: holder.id for number, holder in holders.items()}  # by СНИЛС
    new = [(values, roles) for _, values, roles in prepared.people if values["snils"] not in known]
    columns = ", ".join(PERSON_COLUMNS)
    arrays = ", ".join(f"${i + 3}::{ARRAY_TYPES.get(c, 'text')}[]" for i, c in enumerate(PERSON_COLUMNS))
    ids = await current_connection().fetch(
        f"""INSERT INTO person (region_id, organization_id, {columns})
            SELECT $1, $2, * FROM unnest({arrays}) RETURNING id""",
        actor.region_id,
        actor.organization_id,
        *[[values[c] for values, _ in new] for c in PERSON_COLUMNS],
    )
    person_ids = [r["id"] for r in ids]
    roles_of = [roles for _, roles in new] + [roles for _, v, roles in prepared.people if v["snils"] in known]
    targets = person_ids + [known[v["snils"]] for _, v, _ in prepared.people if v["snils"] in known]
    pairs = [(pid, role.value) for pid, roles in zip(targets, roles_of, strict=True) for role in roles]
    await current_connection().execute(
        """INSERT INTO participation (region_id, organization_id, person_id, role)
           SELECT $1, $2, * FROM unnest($3::uuid[], $4::text[])
           ON CONFLICT (region_id, organization_id, person_id, role) DO UPDATE SET archived_at = NULL""",
        actor.region_id,
        actor.organization_id,
        [p for p, _ in pairs],
        [r for _, r in pairs],
    )
    await audit(actor, "import", None, f"импорт: {len(person_ids)} новых, {len(known)} из базы региона")
    linked = [holders[v["snils"]] for _, v, _ in prepared.people if v["snils"] in known]
    await audit_many(
        actor,
        "link",
        [(actor.organization_id, h.id, LINKED_HERE) for h in linked]
        + [(h.organization_id, h.id, LINKED_THERE) for h in linked if h.organization_id != actor.organization_id],
    )
    return len(targets)


async def import_file(
    actor: Actor,
    scope: Scope,
    content: bytes,
    filename: str,
    *,
    dry_run: bool,
    limits: ImportLimits,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read, check, and (unless a dry run) commit, in the open tenant transaction. Reading and checking run in a
    thread, row by row, so that progress can be published meanwhile; a file over a limit ends as one error."""

    def check() -> Prepared:
        return prepare(read_table(content, limits), progress)

    try:
        prepared = await asyncio.to_thread(check)
    except UnreadableFile as exc:
        return ImportReport(errors=[RowError(0, "", str(exc))])
    if prepared.report.errors:
        return prepared.report
    await check_against_base(actor, scope, prepared)
    if prepared.report.ok and not dry_run:
        if progress:  # every row is checked: what remains is the write
            progress(prepared.report.total, prepared.report.total)
        await commit(actor, scope, prepared)
    return prepared.report
