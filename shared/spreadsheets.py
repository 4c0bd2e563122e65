"""Spreadsheets going out: whatever a person typed reaches Excel or LibreOffice as text, never as a formula.

A surname such as `=HYPERLINK("http://…"&A1,"Нажми")` is data from a school's computer; written as a formula it
runs in the coordinator's spreadsheet (CSV and formula injection). Every export of the product writes through here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

# What a spreadsheet reads as the start of a formula (tab and CR too: some programs strip them first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell that would start a formula gets a leading «'»: Excel and LibreOffice then show it as typed."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_cell_sql(expression: str) -> str:
    """`csv_cell` in SQL, for a CSV that PostgreSQL's COPY writes; NULL stays NULL (an empty cell)."""
    starts = " || ".join(f"chr({ord(c)})" for c in FORMULA_STARTS)
    quote = "chr(39)"  # «'»
    return f"CASE WHEN strpos({starts}, left({expression}, 1)) > 0 THEN {quote} || {expression} ELSE {expression} END"


class CsvWriter:
    """`csv.writer` whose every text cell is neutralised; the only way the product writes CSV."""

    def __init__(self, handle: IO[str], delimiter: str = ";", lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(cell) if isinstance(cell, str) else cell for cell in row])


A4 = 9  # xlsxwriter's paper code


def print_setup(sheet: Worksheet, header_rows: int = 1) -> None:
    """Prints as a table, not a narrow column of cut-off text: A4 landscape, every column on one page's width
    (as many pages down as it takes), the header rows repeated on each page."""
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if header_rows:
        sheet.repeat_rows(0, header_rows - 1)


class SafeWorkbook(xlsxwriter.Workbook):
    """Every sheet is set up to print with its first row as the header; a sheet whose header takes more rows
    calls `print_setup(sheet, rows)` again."""

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Worksheet:
        sheet: Worksheet = super().add_worksheet(name, worksheet_class)
        print_setup(sheet)
        return sheet


def workbook(target: str | IO[bytes], options: dict[str, Any] | None = None) -> SafeWorkbook:
    """An XLSX writer that takes every string as a string: no formulas, links or numbers guessed from text,
    whether a cell is written with `write` or `write_string`; its sheets print on A4 landscape."""
    safe = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    return SafeWorkbook(target, {**(options or {}), **safe})
