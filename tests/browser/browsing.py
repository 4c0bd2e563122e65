"""What the browser tests share: Debian's Chromium and its flags, the two viewports, the overflow measurement, and
a real HTTP server of the suite's app with the demo region seeded (the `site` fixture of this folder's conftest)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.async_api import Browser, ViewportSize, async_playwright

from app.cli import seed_demo_region
from infra.ports import free_port

CHROMIUM = Path("/usr/bin/chromium")
# Debian's own build: Playwright's browser downloads are never used, and nothing phones home during the run.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=800)
DATA = Path(__file__).resolve().parents[2] / ".data"

# What overflows, and which elements stick out past the viewport's right edge (the deepest ones name the culprit).
MEASURE = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && !el.closest('.table-wrap, .scroll-x')) {
      if (![...el.children].some((c) => c.getBoundingClientRect().right > width + 1)) {
        wide.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
          ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(r.right) + 'px');
      }
    }
  }
  const shown = (t) => t.checkVisibility() && t.getBBox().width > 0;
  const charts = [...document.querySelectorAll('svg text')].filter(shown).map((t) => {
    const m = t.getScreenCTM();
    return {text: t.textContent.trim().slice(0, 30),
            px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)};
  });
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5), charts};
}"""


@dataclass
class Site:
    origin: str
    browser: Browser


def _installed(path: Path) -> bool:
    return path.exists()


@asynccontextmanager
async def serve(app: Any) -> AsyncIterator[Site]:
    """The demo region seeded, the app behind uvicorn on a free port, and Chromium launched."""
    if not _installed(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install -y chromium)")
    await seed_demo_region()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "the HTTP server did not start"
        await asyncio.sleep(0.05)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield Site(f"http://127.0.0.1:{port}", browser)
        finally:
            await browser.close()
            server.should_exit = True
            await serving
