"""An organization's contingent per school year: the learners and pedagogical workers it has, which the target
shares divide by (not the people already entered in its bases)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, school_year, today
from shared.db import current_connection
from shared.errors import Errors


class ContingentRecord(msgspec.Struct, frozen=True, kw_only=True):
    organization_id: UUID
    school_year: int  # the year it starts in: 2026 is 2026/27
    learners_total: int
    learners_10_18: int | None = None
    learners_by_grade: dict[str, int] = msgspec.field(default_factory=dict)
    teachers: int
    young_specialists: int | None = None


_COLUMNS = (
    "organization_id, school_year, learners_total, learners_10_18, learners_by_grade, teachers, young_specialists"
)


def _record(row: object) -> ContingentRecord:
    values = dict(row)  # type: ignore[call-overload]
    grades = values["learners_by_grade"]
    values["learners_by_grade"] = msgspec.json.decode(grades) if isinstance(grades, str | bytes) else grades
    return msgspec.convert(values, ContingentRecord)


async def contingents(school_year: int, organization_ids: list[UUID] | None = None) -> dict[UUID, ContingentRecord]:
    """The contingents of one school year that the scope sees, by organization; an organization absent here has
    no data (never a zero)."""
    rows = await current_connection().fetch(
        f"""SELECT {_COLUMNS} FROM organization_contingent
            WHERE school_year = $1 AND ($2::uuid[] IS NULL OR organization_id = ANY($2::uuid[]))""",
        school_year,
        organization_ids,
    )
    return {row["organization_id"]: _record(row) for row in rows}


async def save_contingent(actor: Actor, record: ContingentRecord) -> None:
    """Insert or replace one organization's contingent for a school year (validated by the caller's form)."""
    await current_connection().execute(
        f"""INSERT INTO organization_contingent (region_id, {_COLUMNS}, updated_by, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)
            ON CONFLICT (region_id, organization_id, school_year) DO UPDATE SET
                learners_total = EXCLUDED.learners_total, learners_10_18 = EXCLUDED.learners_10_18,
                learners_by_grade = EXCLUDED.learners_by_grade, teachers = EXCLUDED.teachers,
                young_specialists = EXCLUDED.young_specialists, updated_by = EXCLUDED.updated_by,
                updated_at = EXCLUDED.updated_at""",
        actor.region_id,
        record.organization_id,
        record.school_year,
        record.learners_total,
        record.learners_10_18,
        msgspec.json.encode(record.learners_by_grade).decode(),
        record.teachers,
        record.young_specialists,
        actor.user_id,
        now(),
    )


# Entry: the curator's or head's form, a coordinator's, the API and the organizations' import ------------------

MAX_COUNT = 100_000  # more learners or teachers than any one organization has: a typo
SCHOOL_GRADES = tuple(str(n) for n in range(1, 12))
COLLEGE_COURSES = tuple(str(n) for n in range(1, 5))

FIELD_LABELS = {
    "learners_total": "Обучающихся всего",
    "learners_10_18": "Из них в возрасте 10–18 лет",
    "teachers": "Педагогических работников",
    "young_specialists": "Из них молодых специалистов (стаж 0–3 года)",
}


def grade_keys(kind: str) -> tuple[str, ...]:
    """Classes 1–11 for a school, courses 1–4 for a college; other kinds give no breakdown."""
    return {"school": SCHOOL_GRADES, "college": COLLEGE_COURSES}.get(kind, ())


def school_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def school_year_choices(day: date | None = None) -> list[int]:
    """The current school year and the previous one: the years a contingent is entered or corrected for."""
    current = school_year(day or today())[0].year
    return [current, current - 1]


@dataclass
class ContingentForm:
    """As typed: every number a string, the grades as `grade_1`…`grade_11` (courses for a college)."""

    school_year: str = ""
    learners_total: str = ""
    learners_10_18: str = ""
    teachers: str = ""
    young_specialists: str = ""
    grades: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_record(cls, record: ContingentRecord) -> ContingentForm:
        def text(value: int | None) -> str:
            return "" if value is None else str(value)

        return cls(
            str(record.school_year),
            str(record.learners_total),
            text(record.learners_10_18),
            str(record.teachers),
            text(record.young_specialists),
            {key: str(value) for key, value in record.learners_by_grade.items()},
        )

    @classmethod
    def from_posted(cls, posted: Mapping[str, Any]) -> ContingentForm:
        names = ("school_year", "learners_total", "learners_10_18", "teachers", "young_specialists")
        values = {name: str(posted.get(name, "") or "") for name in names}
        grades = {
            key.removeprefix("grade_"): str(value or "")
            for key, value in posted.items()
            if key.startswith("grade_") and str(value or "").strip()
        }
        return cls(**values, grades=grades)


def _count(errors: Errors, name: str, text: str, *, required: bool, label: str = "") -> int | None:
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        if required:
            errors.add(name, "Укажите число")
        return None
    if not text.isdigit():
        errors.add(name, "Укажите целое неотрицательное число" if text.lstrip("-").isdigit() else "Укажите целое число")
        return None
    value = int(text)
    if value > MAX_COUNT:
        errors.add(name, f"Не больше {MAX_COUNT:,}".replace(",", " "))
        return None
    return value


def clean_contingent(
    kind: str, organization_id: UUID, form: ContingentForm, years: Sequence[int] | None = None
) -> ContingentRecord:
    """Checks the form with Russian messages by field: 10–18 within the total, the classes (or courses) summing
    to the total when given, young specialists within the teachers, a school year of the current or previous."""
    errors = Errors()
    allowed = list(years) if years is not None else school_year_choices()
    text = form.school_year.strip()
    year = int(text) if text.isdigit() else None
    if year not in allowed:
        labels = " или ".join(school_year_label(y) for y in allowed)
        errors.add("school_year", f"Выберите учебный год: {labels}")
    total = _count(errors, "learners_total", form.learners_total, required=True)
    aged = _count(errors, "learners_10_18", form.learners_10_18, required=kind == "school")
    teachers = _count(errors, "teachers", form.teachers, required=True)
    young = _count(errors, "young_specialists", form.young_specialists, required=False)
    if total is not None and aged is not None and aged > total:
        errors.add("learners_10_18", f"Не больше, чем обучающихся всего ({total})")
    if teachers is not None and young is not None and young > teachers:
        errors.add("young_specialists", f"Не больше, чем педагогических работников ({teachers})")
    keys = grade_keys(kind)
    grades: dict[str, int] = {}
    for key, text in form.grades.items():
        if not text.strip():
            continue
        if key not in keys:
            unit = "Курсы" if kind == "college" else "Классы"
            errors.add(
                "learners_by_grade",
                f"{unit} — от 1 до {len(keys)}"
                if keys
                else "Разбивка по классам или курсам — только для школы или колледжа",
            )
            continue
        value = _count(errors, f"grade_{key}", text, required=False)
        if value is not None:
            grades[key] = value
    if grades and total is not None and not any(f"grade_{key}" in errors.errors for key in keys):
        given = sum(grades.values())
        if given != total:
            unit = "курсам" if kind == "college" else "классам"
            errors.add("learners_by_grade", f"Сумма по {unit} ({given}) не равна числу обучающихся всего ({total})")
    errors.raise_if_any()
    assert year is not None and total is not None and teachers is not None
    return ContingentRecord(
        organization_id=organization_id,
        school_year=year,
        learners_total=total,
        learners_10_18=aged,
        learners_by_grade={key: grades[key] for key in keys if key in grades},
        teachers=teachers,
        young_specialists=young,
    )


def _changes(before: ContingentRecord | None, after: ContingentRecord) -> list[str]:
    def shown(value: int | None) -> str:
        return "—" if value is None else str(value)

    changes = []
    for name, label in FIELD_LABELS.items():
        old = getattr(before, name) if before else None
        new = getattr(after, name)
        if before is None or old != new:
            changes.append(f"{label.lower()}: {shown(old)} → {shown(new)}")
    if (before.learners_by_grade if before else {}) != after.learners_by_grade:
        changes.append("разбивка по классам (курсам) изменена" if after.learners_by_grade else "разбивка убрана")
    return changes


async def record_contingent(actor: Actor, record: ContingentRecord) -> bool:
    """Saves a checked contingent and writes to the audit log what changed (a headline number the region's
    shares divide by); False when nothing changed."""
    before = (await contingents(record.school_year, [record.organization_id])).get(record.organization_id)
    changes = _changes(before, record)
    if before is not None and not changes:
        return False
    await save_contingent(actor, record)
    details = f"контингент {school_year_label(record.school_year)}: " + "; ".join(changes)
    await audit(actor, "contingent", None, details, organization_id=record.organization_id)
    return True
