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
