"""Field rules of the participant bases: СНИЛС, dates, age."""

from __future__ import annotations

import re
from datetime import date, datetime

from shared.i18n import DATE_FORMAT, age_on, parse_date

__all__ = ["age_on", "format_snils", "normalise_snils", "parse_any_date", "snils_problem"]

SERIAL_RE = re.compile(r"[0-9]{4,5}(\.0+)?")  # a date cell that a spreadsheet saved as its day number
SNILS_UNCHECKED_BELOW = 1001998  # numbers up to 001-001-998 were issued before the checksum existed


def normalise_snils(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def snils_checksum(number: str) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(number[:9], range(9, 0, -1), strict=True))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    rest = total % 101
    return 0 if rest == 100 else rest


def snils_problem(text: str) -> str | None:
    """None when the СНИЛС is valid (or empty)."""
    digits = normalise_snils(text)
    if not digits:
        return None
    if len(digits) != 11:
        return "СНИЛС — 11 цифр, например 112-233-445 95"
    if int(digits[:9]) <= SNILS_UNCHECKED_BELOW:
        return None
    if snils_checksum(digits) != int(digits[9:]):
        return "Неверная контрольная сумма СНИЛС — проверьте цифры"
    return None


def format_snils(digits: str | None) -> str:
    if not digits or len(digits) != 11:
        return digits or ""
    return f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def parse_any_date(value: str | date | datetime | float | None) -> date | None:
    """A date as typed or sent (the kernel's parser), or an Excel serial day number as spreadsheets store it."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return _excel_date(float(value))
    text = str(value).strip()
    if SERIAL_RE.fullmatch(text):
        return _excel_date(float(text))
    return parse_date(text)


def _excel_date(serial: float) -> date:
    if not 1 <= serial <= 2958465:
        raise ValueError(DATE_FORMAT)
    return date.fromordinal(date(1899, 12, 30).toordinal() + int(serial))
