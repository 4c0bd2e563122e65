"""Spreadsheets going out: whatever a person typed reaches Excel or LibreOffice as text, never as a formula.

A surname such as `=HYPERLINK("http://…"&A1,"Нажми")` is data from a school's computer; written as a formula it
runs in the coordinator's spreadsheet (CSV and formula injection). Every export of the product writes through here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter

# What a spreadsheet reads as the start of a formula (tab and CR too: some programs strip them first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell that would start a formula gets a leading «'»: Excel and LibreOffice then show it as typed."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class CsvWriter:
    """`csv.writer` whose every text cell is neutralised; the only way the product writes CSV."""

    def __init__(self, handle: IO[str], delimiter: str = ";") -> None:
        self._writer = csv.writer(handle, delimiter=delimiter)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(cell) if isinstance(cell, str) else cell for cell in row])


def workbook(target: str | IO[bytes], options: dict[str, Any] | None = None) -> xlsxwriter.Workbook:
    """An XLSX writer that takes every string as a string: no formulas, links or numbers guessed from text,
    whether a cell is written with `write` or `write_string`."""
    safe = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    return xlsxwriter.Workbook(target, {**(options or {}), **safe})
