"""Russian presentation: dates дд.мм.гггг, plural forms, and ICU collation keys for Cyrillic ordering.

The embedded PostgreSQL is built without ICU, so names carry an ICU sort key (bytea, compared bytewise)
computed here; ordering is then the same on every PostgreSQL build, Citus included.
"""

from __future__ import annotations

from datetime import date, datetime
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


def parse_date(text: str) -> date:
    """Parse дд.мм.гггг (the form users type); raises ValueError with a Russian message."""
    try:
        return datetime.strptime(text.strip(), "%d.%m.%Y").date()
    except ValueError:
        raise ValueError("Дата в формате дд.мм.гггг") from None


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def format_age(birth_date: date | None) -> str:
    age = age_on(birth_date, today())
    return "" if age is None else f"{age} {plural(age, 'год', 'года', 'лет')}"
