"""Every page a demo role reaches from its menus, and the records below them, fits a 390 px phone: Debian's
Chromium, driven by Playwright, over a real HTTP server of the suite's app with the demo region seeded."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.async_api import Error, Page

from tenants.demo_accounts import DEMO_LOGINS, PASSWORD
from tests.browser.browsing import DATA, DESKTOP, MEASURE, PHONE, Site

MIN_CHART_TEXT_PX = 11
DEPTH = 2  # the menu's pages, the records they list, and the tabs of those records
MAX_PAGES = 45  # per role, menu pages included
SCREENS = DATA / "screens"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,}")
SKIPPED = re.compile(r"^/(logout|static/|schema|api/)|/(download|file|scan|document)(/|$)|\.(xlsx|csv|json|docx|pdf)$")


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


@pytest.fixture(scope="module", autouse=True)
def screens() -> None:
    shutil.rmtree(SCREENS, ignore_errors=True)
    SCREENS.mkdir(parents=True)


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
