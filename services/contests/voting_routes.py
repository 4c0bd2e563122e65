"""Contest routes: voting (filled in by its part)."""

from typing import Any

PAGES: list[Any] = []
API: list[Any] = []
