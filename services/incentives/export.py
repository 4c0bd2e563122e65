"""The register as XLSX, through the kernel's only writer."""

from __future__ import annotations

import io

from services.incentives.register import IncentiveRow
from shared.i18n import format_date
from shared.spreadsheets import workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "ФИО наставника",
    "Организация",
    "Вид поощрения",
    "Основание",
    "Сумма, руб.",
    "Уровень",
    "Состояние",
    "Приказ",
]


def register_xlsx(rows: list[IncentiveRow]) -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Поощрения")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "# ##0.00"})
    for column, title in enumerate(HEADER):
        sheet.write_string(0, column, title, bold)
    for line, row in enumerate(rows, start=1):
        i = row.incentive
        order = f"№ {i.order_number} от {format_date(i.decided_on)}" if i.decided_on else ""
        cells = [row.full_name, row.organization, i.kind_label, i.reason]
        for column, value in enumerate(cells):
            sheet.write_string(line, column, value)
        if i.amount is not None:
            sheet.write_number(line, 4, float(i.amount), money)
        for column, value in enumerate((i.level_label, i.status_label, order), start=5):
            sheet.write_string(line, column, value)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 1, 32)
    sheet.set_column(2, 2, 26)
    sheet.set_column(3, 3, 50)
    sheet.set_column(4, 7, 18)
    book.close()
    return buffer.getvalue()
