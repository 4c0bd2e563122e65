"""The bases as XLSX with Russian headers; only people with an active consent are written."""

from __future__ import annotations

import io
from typing import Any

import msgspec

from services.registry.bases import PersonFilter, list_persons
from services.registry.people import CATEGORY_LABELS, PARTICIPATION_ROLE_LABELS
from services.registry.tables import Category, ParticipationRole
from services.registry.validation import age_on, format_snils
from shared import clock
from shared.actor import Actor
from shared.audit import audit
from shared.spreadsheets import workbook as new_workbook

COLUMNS: list[tuple[str, int]] = [
    ("Фамилия", 18),
    ("Имя", 14),
    ("Отчество", 18),
    ("Дата рождения", 14),
    ("Возраст", 9),
    ("Категория", 24),
    ("Класс / курс", 12),
    ("Должность", 24),
    ("Предмет", 18),
    ("Стаж, лет", 10),
    ("Организация", 32),
    ("Роли", 30),
    ("СНИЛС", 16),
    ("Электронная почта", 26),
    ("Телефон", 18),
]


async def people_xlsx(actor: Actor, filters: PersonFilter) -> tuple[bytes, int]:
    filters.consent = "yes"
    filters.per_page = 1000
    rows: list[dict[str, Any]] = []
    while True:
        result = await list_persons(filters)
        rows += [msgspec.structs.asdict(r) for r in result.rows if r.consented]
        if filters.page >= result.pages:
            break
        filters.page += 1
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("База")
    header = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True})
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
    for column, (title, width) in enumerate(COLUMNS):
        sheet.write_string(0, column, title, header)
        sheet.set_column(column, column, width)
    today = clock.today()
    for n, row in enumerate(rows, start=1):
        values = [
            row["surname"],
            row["name"],
            row["patronymic"],
            None,
            age_on(row["birth_date"], today),
            CATEGORY_LABELS[Category(row["category"])],
            row["class_or_course"],
            row["position"],
            row["subject"],
            row["teaching_experience"],
            row["organization_name"],
            ", ".join(PARTICIPATION_ROLE_LABELS[ParticipationRole(r)] for r in row["roles"]),
            format_snils(row["snils"]),
            row["email"],
            row["phone"],
        ]
        for column, value in enumerate(values):
            if isinstance(value, str):  # as typed, never a formula
                sheet.write_string(n, column, value)
            elif value is not None:
                sheet.write_number(n, column, value)
        if row["birth_date"]:
            sheet.write_datetime(n, 3, row["birth_date"], day)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
    workbook.close()
    await audit(actor, "export", None, f"выгрузка XLSX: {len(rows)} записей")
    return buffer.getvalue(), len(rows)
