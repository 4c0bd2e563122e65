"""Contest routes: jury (filled in by its part)."""

from typing import Any

PAGES: list[Any] = []
API: list[Any] = []
