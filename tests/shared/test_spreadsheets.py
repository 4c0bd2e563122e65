"""The kernel's spreadsheet writers: every cell a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from shared.spreadsheets import CsvWriter, csv_cell, workbook


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+7 900", "'+7 900"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Иванов", "Иванов"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_csv_cell_that_would_start_a_formula_is_neutralised(typed: str, written: str) -> None:
    assert csv_cell(typed) == written
    handle = io.StringIO()
    CsvWriter(handle).writerow([typed, 5])
    assert next(csv.reader(io.StringIO(handle.getvalue()), delimiter=";")) == [written, "5"]


def test_the_workbook_takes_strings_as_strings_even_through_write() -> None:
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for n, text in enumerate(['=HYPERLINK("http://evil.example","Нажми")', "http://evil.example", "012"]):
        sheet.write(n, 0, text)
    book.close()
    cells = [row[0] for row in openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows()]
    assert [(c.value, c.data_type, c.hyperlink) for c in cells] == [
        ('=HYPERLINK("http://evil.example","Нажми")', "s", None),
        ("http://evil.example", "s", None),
        ("012", "s", None),
    ]
