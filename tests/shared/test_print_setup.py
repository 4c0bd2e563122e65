"""Every XLSX the product writes prints as a table: A4 landscape, one page wide, the header row on every page."""

from __future__ import annotations

import io
import uuid
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from shared.spreadsheets import print_setup, workbook
from tests.factories import person
from tests.helpers import PASSWORD, login_api, make_client, make_tenant, run_worker


def assert_prints_as_a_table(content: bytes, header: str = "$1:$1") -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (1 is the file format's default, which the writer leaves out), any number of pages down.
    assert int(sheet.page_setup.fitToWidth or 1) == 1
    assert str(sheet.page_setup.fitToHeight) == "0"
    assert sheet.print_title_rows == header


def test_the_kernel_workbook_sets_every_sheet_up_to_print() -> None:
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Лист")
    sheet.write_row(0, 0, ["Фамилия", "Имя"])
    sheet.write_row(1, 0, ["Иванов", "Иван"])
    book.close()
    assert_prints_as_a_table(buffer.getvalue())


def test_a_taller_header_is_repeated_whole() -> None:
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    print_setup(sheet, header_rows=2)
    sheet.write_row(0, 0, ["Отчёт"])
    sheet.write_row(1, 0, ["Фамилия", "Имя"])
    book.close()
    assert_prints_as_a_table(buffer.getvalue(), "$1:$2")


async def test_the_bases_and_the_region_exports_print_as_tables(app: Any, smtp: Any) -> None:
    tenant = await make_tenant(f"Печать {uuid.uuid4().hex[:4]}")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        await person(client, "Печатнов", "mentor")
        base = await client.get("/people/export.xlsx?base=mentors")
        assert base.status_code == 200
        assert_prints_as_a_table(base.content)
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        started = await client.post("/api/v1/exports", json={"kind": "people", "format": "xlsx"})
        assert started.status_code == 202, started.text
        await run_worker(app, smtp[1])
        download = await client.get(started.json()["download"])
        assert download.status_code == 200
        assert_prints_as_a_table(download.content)
