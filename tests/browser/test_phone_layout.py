"""Every page a demo role reaches from its menus, and the records below them, fits a 390 px phone: Debian's
Chromium, driven by Playwright, over a real HTTP server of the suite's app with the demo region seeded."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import uvicorn
from playwright.async_api import Browser, Error, Page, ViewportSize, async_playwright

from app.cli import seed_demo_region
from infra.ports import free_port
from tenants.demo_accounts import DEMO_LOGINS, PASSWORD

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
MIN_CHART_TEXT_PX = 11
DEPTH = 2  # the menu's pages, the records they list, and the tabs of those records
MAX_PAGES = 45  # per role, menu pages included
SCREENS = Path(__file__).resolve().parents[2] / ".data" / "screens"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,}")
SKIPPED = re.compile(r"^/(logout|static/|schema|api/)|/(download|file|scan|document)(/|$)|\.(xlsx|csv|json|docx|pdf)$")

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


def pattern(url: str) -> str:
    """A route pattern: the same page for another record, another page number or filter counts once."""
    parts = urlsplit(url)
    segments = [
        "{id}" if UUID_RE.fullmatch(s) else "{n}" if s.isdigit() else "{token}" if TOKEN_RE.fullmatch(s) else s
        for s in parts.path.split("/")
    ]
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


@dataclass
class Crawl:
    origin: str
    label: str
    problems: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    visited: list[str] = field(default_factory=list)

    def wanted(self, url: str) -> bool:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin or SKIPPED.search(parts.path):
            return False
        key = pattern(parts.path + ("?" + parts.query if parts.query else ""))
        if key in self.seen or len(self.seen) >= MAX_PAGES:
            return False
        self.seen.add(key)
        return True

    async def visit(self, page: Page, url: str) -> list[str]:
        """Open one page at phone size, then at desktop size; the same-origin links of its content come back."""
        errors: list[str] = []

        def on_console(message: Any) -> None:
            if message.type == "error":
                errors.append(message.text)

        def on_error(error: Any) -> None:
            errors.append(str(error))

        page.on("console", on_console)
        page.on("pageerror", on_error)
        try:
            return await self._visit(page, url, errors)
        finally:
            page.remove_listener("console", on_console)
            page.remove_listener("pageerror", on_error)

    async def _visit(self, page: Page, url: str, errors: list[str]) -> list[str]:
        await page.set_viewport_size(PHONE)
        try:
            response = await page.goto(url, wait_until="load")
        except Error as exc:
            if "Download is starting" in exc.message or "ERR_ABORTED" in exc.message:
                return []  # a file, not a page
            raise
        path = urlsplit(page.url).path + ("?" + urlsplit(page.url).query if urlsplit(page.url).query else "")
        self.visited.append(path)
        if response is None or response.status >= 400:
            self.problems.append(f"{self.label}: {path} answers {response.status if response else 'nothing'}")
            return []
        if "html" not in (response.headers.get("content-type") or ""):
            return []
        measured = await page.evaluate(MEASURE)
        if measured["scrollWidth"] > measured["width"]:
            self.problems.append(
                f"{self.label}: {path} is {measured['scrollWidth']} px wide at {measured['width']} px"
                f" ({'; '.join(measured['wide'])})"
            )
        small = [c for c in measured["charts"] if c["px"] < MIN_CHART_TEXT_PX - 0.05]
        if small:
            shown = ", ".join(f"«{c['text']}» {c['px']:.1f} px" for c in small[:3])
            self.problems.append(f"{self.label}: {path} has chart text under {MIN_CHART_TEXT_PX} px: {shown}")
        slug = re.sub(r"[^\w-]+", "_", pattern(path)).strip("_")[:80] or "home"
        await page.screenshot(path=SCREENS / f"{self.label}-{slug}-390.png", full_page=True)
        await page.set_viewport_size(DESKTOP)
        desktop = await page.evaluate("document.documentElement.scrollWidth")
        if desktop > DESKTOP["width"]:
            self.problems.append(f"{self.label}: {path} is {desktop} px wide at {DESKTOP['width']} px")
        await page.screenshot(path=SCREENS / f"{self.label}-{slug}-1280.png", full_page=True)
        if errors:
            self.problems.append(f"{self.label}: {path} logs errors: {'; '.join(errors[:3])}")
        links: list[str] = await page.eval_on_selector_all(
            "main a[href]:not([download])",
            "links => links.map((a) => new URL(a.getAttribute('href'), location.href).href.split('#')[0])",
        )
        return links

    async def crawl(self, page: Page) -> None:
        """The menu's pages first, then breadth first below them, a route pattern once."""
        menu: list[str] = await page.eval_on_selector_all("#nav a[href], a.brand", "links => links.map((a) => a.href)")
        level = [url for url in dict.fromkeys(menu) if self.wanted(url)]
        for _ in range(DEPTH + 1):
            below: list[str] = []
            for url in level:
                below += await self.visit(page, url)
            level = [url for url in dict.fromkeys(below) if self.wanted(url)]


@dataclass
class Site:
    origin: str
    browser: Browser


def _installed(path: Path) -> bool:
    return path.exists()


@pytest.fixture(scope="module")
async def site(app: Any) -> AsyncIterator[Site]:
    if not _installed(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install -y chromium)")
    await seed_demo_region()
    shutil.rmtree(SCREENS, ignore_errors=True)
    SCREENS.mkdir(parents=True)
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


@pytest.mark.parametrize("email", [email for email, _ in DEMO_LOGINS])
async def test_every_page_of_a_demo_role_fits_a_phone(site: Site, email: str) -> None:
    context = await site.browser.new_context(viewport=PHONE, locale="ru-RU", accept_downloads=False)
    page = await context.new_page()
    try:
        await page.goto(f"{site.origin}/login")
        await page.fill("input[name=email]", email)
        await page.fill("input[name=password]", PASSWORD)
        async with page.expect_navigation():
            await page.click("main button[type=submit]")
        assert "/login" not in page.url, f"{email} did not sign in"
        await page.click(".menu-toggle")  # on a phone the menu folds behind its button
        assert await page.is_visible("#nav a[href='/profile']"), "the phone's menu does not open"
        roles: list[str] = await page.eval_on_selector_all("#role-select option", "os => os.map((o) => o.value)")
        problems, visited = [], []
        for index, role in enumerate(roles or [""]):
            if index:
                await page.goto(f"{site.origin}/")
                async with page.expect_navigation():
                    await page.select_option("#role-select", role)
            crawl = Crawl(site.origin, email.split("@")[0] + (f"-role{index + 1}" if index else ""))
            await crawl.crawl(page)
            problems += crawl.problems
            visited += crawl.visited
        assert len(visited) >= 3, f"{email} reached only {visited}"
        assert not problems, "\n".join(problems)
    finally:
        await context.close()
