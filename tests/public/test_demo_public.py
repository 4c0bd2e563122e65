"""The demo region's public face: the portal lists every organization's published page, each opens with its
partners, announcements and Положение, and СОШ № 1 shows its consenting mentors with portfolios."""

from __future__ import annotations

import re
from typing import Any

from app.cli import seed_demo_region
from tests.helpers import make_client


async def test_the_demo_organizations_publish_their_pages(app: Any) -> None:
    await seed_demo_region()
    async with make_client(app) as visitor:
        portal = await visitor.get("/")
        assert portal.status_code == 200
        pages = sorted(set(re.findall(r'href="(/o/[a-z0-9-]+)"', portal.text)))
        assert len(pages) >= 10, pages
        mentors_shown = 0
        with_cases = 0
        for url in pages:
            shown = await visitor.get(url)
            assert shown.status_code == 200, url
            assert "Партнёры" in shown.text and "Фестиваль наставнических практик" in shown.text, url
            documents = re.findall(rf'href="({url}/documents/[0-9a-f-]+)"', shown.text)
            assert documents, url
            first = await visitor.get(documents[0])
            assert first.status_code == 200 and first.content[:5] == b"%PDF-", url
            if "Реестр наставников утверждён" in shown.text:
                mentors_shown += shown.text.count('itemtype="https://schema.org/Person"')
                assert "Победитель муниципального этапа" in shown.text
            if 'id="h-cases"' in shown.text:
                with_cases += 1
                case = re.search(r'href="(/cases/[0-9a-f-]{36})"', shown.text)
                assert case is not None and (await visitor.get(case.group(1))).status_code == 200
            feed = await visitor.get(f"{url}/feed.atom")
            assert feed.status_code == 200 and "<entry>" in feed.text
        assert mentors_shown >= 2 and with_cases >= 3
        assert (await visitor.get("/sitemap.xml")).text.count("<url>") >= len(pages)
