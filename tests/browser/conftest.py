from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.browser.browsing import Site, serve


@pytest.fixture(scope="session")
async def site(app: Any) -> AsyncIterator[Site]:
    """One server and one browser for every browser test of the run."""
    async with serve(app) as started:
        yield started
