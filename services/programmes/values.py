"""The values people type into programmes' forms and read back: text, dates, numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from shared.errors import Errors
from shared.i18n import parse_date


def read_text(errors: Errors, name: str, value: str, message: str, *, minimum: int = 1) -> str:
    value = value.strip()
    if len(value) < minimum:
        errors.add(name, message)
    return value


def read_date(errors: Errors, name: str, text: str, *, required: bool = True) -> date | None:
    """Forms send дд.мм.гггг, the API ISO dates; both are accepted."""
    text = text.strip()
    if not text:
        if required:
            errors.add(name, "Укажите дату")
        return None
    try:
        return parse_date(text)
    except ValueError as exc:  # a wrong shape or a day that does not exist, each with its message
        errors.add(name, str(exc))
        return None


def read_number(errors: Errors, name: str, text: str, *, required: bool = False) -> Decimal | None:
    text = text.strip().replace(" ", "").replace(",", ".").rstrip("%")
    if not text:
        if required:
            errors.add(name, "Укажите число")
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.add(name, "Нужно число, например 25 или 12,5")
        return None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        errors.add(name, "Нужно число, например 25 или 12,5")
        return None
    return number


def read_small_int(errors: Errors, name: str, text: str, low: int, high: int) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        errors.add(name, f"Целое число от {low} до {high}")
        return None
    if not low <= value <= high:
        errors.add(name, f"Целое число от {low} до {high}")
        return None
    return value


def moment(value: datetime | date | None) -> str:
    return value.isoformat() if value else ""


def plain_number(value: Decimal | int | None) -> str:
    """A Decimal as people write it: 12,5 and 25 (not 25.00)."""
    if value is None:
        return "—"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
