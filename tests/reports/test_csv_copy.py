"""The CSV written by PostgreSQL's COPY, and the XLSX from SQL-formatted rows, hold, cell for cell, what the
cursor's path writes: the same rows, dates дд.мм.гггг, decimal commas, the column's word for no value, formulas
neutralised, names with `;` and quotes kept whole."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl

from services.reports import exports
from services.reports.indicators import Period, refresh
from shared.clock import ZONE, today
from shared.db import Scope, tenant_transaction
from shared.spreadsheets import csv_cell
from tests.factories import active_pair, person, programme
from tests.helpers import PASSWORD, login_api, make_client, make_tenant

AWKWARD = ['=HYPERLINK("http://evil.example/";"x")', "Точка;Запятая", 'Кавычки "в" имени', "-Минусов", "Обычная"]


def text(value: Any) -> str:
    """How the export formatted a cell in Python before COPY: the reference the SQL must equal."""
    if value is None:
        return ""
    if isinstance(value, float):  # a decimal comma, or Excel in Russian reads 12.5 as a date
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.astimezone(ZONE).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


async def expected(kind: str, filters: exports.Filters) -> list[list[str]]:
    """The cursor's path, as the XLSX and JSON exports still read it."""
    _, columns, _ = exports.KINDS[kind]
    return [[csv_cell(text(row[c.key]) or c.missing) for c in columns] async for row in exports.rows(kind, filters)]


def spreadsheet_value(column: exports.Column, value: Any) -> Any:
    """What the cursor's path put in an XLSX cell, as openpyxl reads it back."""
    if column.kind == "date" and isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if column.kind == "number" and value is not None:
        return value
    return text(value) or column.missing


async def test_the_copy_csv_holds_the_cursors_rows(app: Any, tmp_path: Path) -> None:
    tenant = await make_tenant(f"COPY {uuid.uuid4().hex[:4]}")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        mentors = [await person(client, surname, "mentor") for surname in AWKWARD]
        mentee = await person(client, "@Наставляемая", "mentee_candidate")
        prog = await programme(client)
        pair = await active_pair(client, prog, mentors[0], [mentee])
        for minutes in ("45", "60"):
            held = await client.post(f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": minutes})
            assert held.status_code == 201, held.text
    period = Period(today() - timedelta(days=30), today())
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await refresh(period)
        for kind in exports.KINDS:
            filters = exports.Filters(starts_on=period.starts_on, ends_on=period.ends_on)
            if kind == "people":
                filters = exports.Filters()
            path = tmp_path / f"{kind}.csv"
            heard: list[int] = []
            written = await exports.copy_csv(kind, filters, path, heard.append)
            assert heard and heard[-1] == written, kind  # the page's progress bar hears the lines
            content = path.read_bytes()
            assert content.startswith("\ufeff".encode()), kind
            table = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
            assert table[0] == [c.title for c in exports.KINDS[kind][1]], kind
            rows = await expected(kind, filters)
            assert rows, kind  # every kind has something to compare
            for got, want in zip(table[1:], rows, strict=True):
                assert [(i, a, b) for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b] == [], kind
            assert written == len(rows), kind
            xlsx = tmp_path / f"{kind}.xlsx"
            assert await exports.write(kind, "xlsx", filters, xlsx) == len(rows)
            sheet = openpyxl.load_workbook(xlsx, read_only=True).active
            assert sheet is not None
            cells = [["" if v is None else v for v in r] for r in sheet.iter_rows(min_row=2, values_only=True)]
            columns = exports.KINDS[kind][1]
            wanted = [[spreadsheet_value(c, row[c.key]) for c in columns] async for row in exports.rows(kind, filters)]
            assert cells == wanted, kind
    names = {row[0] for row in rows}  # the indicators: one organization, the one in question
    assert names
    people = list(csv.reader(io.StringIO((tmp_path / "people.csv").read_text("utf-8-sig")), delimiter=";"))
    assert {r[0] for r in people[1:]} >= {'\'=HYPERLINK("http://evil.example/";"x") Тест', "Точка;Запятая Тест"}
    assert any(r[0] == "'-Минусов Тест" for r in people[1:])
