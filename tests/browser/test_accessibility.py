"""The pages a visitor sees without signing in pass axe-core's WCAG 2.0/2.1 A and AA rules with nothing serious or
critical, and fit a 390 px phone and a 1280 px desktop: the regional portal, the contests, their cards and a
festival, the organizations' «Наставничество» pages and a framable one, the school's offer, the certificate check
and the sign-in page. Debian's Chromium over a real HTTP server of the suite's app, the demo region seeded."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.async_api import BrowserContext, Page, ViewportSize

from tests.browser.browsing import DATA, DESKTOP, MEASURE, PHONE, Site

SCREENS = DATA / "screens-public"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = {"serious", "critical"}
MIN_ORGANIZATIONS = 3
AXE_RUN = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
SIGN_IN = "header .public-nav a[href='/login']"
LINKS = "links => links.map((a) => new URL(a.getAttribute('href'), location.href).pathname)"


@pytest.fixture(scope="module", autouse=True)
def screens() -> None:
    shutil.rmtree(SCREENS, ignore_errors=True)
    SCREENS.mkdir(parents=True)


@pytest.fixture(scope="module")
async def visitor(site: Site) -> AsyncIterator[Page]:
    """A visitor who has not signed in: a context of its own, with no cookies."""
    context: BrowserContext = await site.browser.new_context(viewport=DESKTOP, locale="ru-RU", accept_downloads=False)
    try:
        yield await context.new_page()
    finally:
        await context.close()


async def _links(page: Page, url: str, prefix: str, suffix: str = "") -> list[str]:
    """The paths under `prefix` (and ending in `suffix`) that the page at `url` links to in its content."""
    response = await page.goto(url)
    assert response is not None and response.ok, f"{url} answers {response.status if response else 'nothing'}"
    found: list[str] = await page.eval_on_selector_all("main a[href]", LINKS)
    return [path for path in dict.fromkeys(found) if path.startswith(prefix) and path.endswith(suffix)]


@pytest.fixture(scope="module")
async def public_pages(site: Site, visitor: Page) -> list[str]:
    """Every public page worth a look, found by following the portal's and the contests' own links."""
    portal = f"{site.origin}/"
    contests = await _links(visitor, portal, "/contests/", "/public")
    contests += await _links(visitor, f"{site.origin}/contests/public", "/contests/", "/public")
    cards = [path for path in dict.fromkeys(contests) if path != "/contests/public" and "/festivals/" not in path]
    assert cards, "the portal links to no contest"
    festivals: list[str] = []
    for card in cards:
        festivals += await _links(visitor, site.origin + card, "/contests/festivals/", "/public")
    assert festivals, "no contest card links to a festival"
    organizations = [path for path in await _links(visitor, portal, "/o/") if path.count("/") == 2]
    assert len(organizations) >= MIN_ORGANIZATIONS, f"the portal links to only {organizations}"
    return [
        "/",
        "/contests/public",
        *cards,
        festivals[0],
        *organizations,
        f"{organizations[0]}/embed",
        "/school/offer",
        "/verify",
        "/login",
    ]


async def _open(page: Page, url: str, viewport: ViewportSize) -> None:
    await page.set_viewport_size(viewport)
    response = await page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url} answers {response.status if response else '-'}"
    assert urlsplit(page.url).path == urlsplit(url).path, f"{url} sends a visitor on to {page.url}"


def _report(path: str, width: int, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(str(t) for t in node["target"]) for node in v["nodes"][:8])
        more = f" and {len(v['nodes']) - 8} more" if len(v["nodes"]) > 8 else ""
        lines.append(f"{path} @{width}: {v['id']} ({v['impact']}) {v['help']}: {targets}{more}")
    return lines


async def test_public_pages_pass_axe(site: Site, visitor: Page, public_pages: list[str]) -> None:
    failing: list[str] = []
    for path in public_pages:
        for viewport in (PHONE, DESKTOP):
            await _open(visitor, site.origin + path, viewport)
            await visitor.evaluate(AXE_SCRIPT)
            results = await visitor.evaluate(AXE_RUN, WCAG)
            for line in _report(path, viewport["width"], results["violations"]):
                print(line)  # the moderate and minor ones too, shown with -s or on a failure
            failing += _report(path, viewport["width"], [v for v in results["violations"] if v["impact"] in FAILING])
    assert not failing, "serious or critical accessibility violations:\n" + "\n".join(failing)


async def test_public_pages_fit_a_phone_and_a_desktop(site: Site, visitor: Page, public_pages: list[str]) -> None:
    problems: list[str] = []
    for path in public_pages:
        slug = re.sub(r"[^\w-]+", "_", path).strip("_") or "portal"
        for viewport in (PHONE, DESKTOP):
            await _open(visitor, site.origin + path, viewport)
            measured = await visitor.evaluate(MEASURE)
            if measured["scrollWidth"] > measured["width"]:
                problems.append(
                    f"{path} is {measured['scrollWidth']} px wide at {measured['width']} px"
                    f" ({'; '.join(measured['wide'])})"
                )
            if await visitor.locator("header.topbar").count() and not await visitor.is_visible(SIGN_IN):
                problems.append(f"{path} hides the header's sign-in link at {viewport['width']} px")
            await visitor.screenshot(path=SCREENS / f"{slug}-{viewport['width']}.png", full_page=True)
    assert not problems, "\n".join(problems)
