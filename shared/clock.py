"""The one clock: today and now in the region's time zone (a school day ends at local midnight, not UTC's)."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo(os.environ.get("TIME_ZONE", "Europe/Moscow"))


def now() -> datetime:
    return datetime.now(ZONE)


def today() -> date:
    return now().date()


def school_year(day: date) -> tuple[date, date]:
    """A school year runs from 1 September to 31 August; it is named by the year it starts in."""
    start = date(day.year if day.month >= 9 else day.year - 1, 9, 1)
    return start, date(start.year + 1, 8, 31)
