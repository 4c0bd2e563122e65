"""Russian presentation: dates дд.мм.гггг, plural forms, and ICU collation keys for Cyrillic ordering.

The embedded PostgreSQL is built without ICU, so names carry an ICU sort key (bytea, compared bytewise)
computed here; ordering is then the same on every PostgreSQL build, Citus included.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

import icu

from shared.clock import ZONE, today


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    collator = icu.Collator.createInstance(icu.Locale("ru_RU"))
    collator.setStrength(icu.Collator.TERTIARY)
    return collator


def sort_key(text: str) -> bytes:
    return bytes(_collator().getSortKey(text.strip()))


def sorted_ru(items: list[str]) -> list[str]:
    return sorted(items, key=sort_key)


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form: 1 организация, 2 организации, 5 организаций (and 11–14 are «many»)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def format_number(value: float | int | None, unit: str = "") -> str:
    """A decimal comma, as Russian readers expect; a dash for a number that cannot be counted."""
    if value is None:
        return "—"
    return str(value).replace(".", ",") + unit


def format_hours(value: Decimal | float | int | None) -> str:
    """«18», «4,5»: hours without a trailing «,0»; a dash for none."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)).normalize():f}".replace(".", ",")


def format_points(value: Decimal | int) -> str:
    """«45 баллов», «12,5 балла»: a fraction takes the genitive singular."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{format_hours(value)} {plural(int(value), 'балл', 'балла', 'баллов')}"
    return f"{format_hours(value)} балла"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZONE) if value.tzinfo else value
    return value.strftime("%d.%m.%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo:
        value = value.astimezone(ZONE)
    return value.strftime("%d.%m.%Y %H:%M")


DATE_FORMAT = "Дата в формате дд.мм.гггг"
# дд.мм.гггг as people type it (also д.м.гг and дд/мм/гггг, as spreadsheets save it), and ISO as the API sends.
_DAY_FIRST = re.compile(r"([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4}|[0-9]{2})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def parse_date(text: str) -> date:
    """The one date parser of every form, the API and the import: a wrong shape and a day the calendar does not
    have (31.02.2011) are different mistakes, so each gets its own Russian message (a ValueError)."""
    text = text.strip()
    if found := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
        if len(found.group(3)) == 2:  # as strptime's %y: 00–68 this century, 69–99 the last
            year += 2000 if year < 69 else 1900
    elif found := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        raise ValueError(DATE_FORMAT)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Такой даты нет: {text}") from None


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def format_age(birth_date: date | None) -> str:
    age = age_on(birth_date, today())
    return "" if age is None else f"{age} {plural(age, 'год', 'года', 'лет')}"
