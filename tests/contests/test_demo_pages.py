"""Every contest page the demo's card links to opens for each demo role: coordinators, curators, the head and a
juror (a 403 where the role may not act is an answer, a 500 is not)."""

from __future__ import annotations

import re
from typing import Any

from app.cli import seed_demo_region
from tenants.demo_accounts import PASSWORD
from tests.helpers import login_page, make_client

LOGINS = ("region@demo.local", "municipality@demo.local", "curator1@demo.local", "head1@demo.local", "jury1@demo.local")
UUID_RE = "[0-9a-f-]{36}"


async def test_the_demo_contest_pages_open_for_every_role(app: Any) -> None:
    await seed_demo_region()
    for email in LOGINS:
        async with make_client(app) as client:
            await login_page(client, email, PASSWORD)
            listing = await client.get("/contests")
            assert listing.status_code == 200 and "Наставник года — 2026" in listing.text, email
            for contest_id in sorted(set(re.findall(f'href="/contests/({UUID_RE})"', listing.text))):
                card = await client.get(f"/contests/{contest_id}")
                assert card.status_code == 200, (email, contest_id)
                for link in sorted(set(re.findall(f'href="(/contests/{UUID_RE}/[^"#]+)"', card.text))):
                    assert (await client.get(link)).status_code in (200, 403), (email, link)
            jury = await client.get("/contests/jury")
            for entry in sorted(set(re.findall(f'href="(/contests/jury/entries/{UUID_RE})"', jury.text))):
                sheet = await client.get(entry)
                assert sheet.status_code == 200 and "Пары и группы" in sheet.text, (email, entry)
            applications = await client.get("/contests/applications")
            for found in sorted(set(re.findall(f'href="/contests/applications/({UUID_RE})"', applications.text))):
                shown = await client.get(f"/contests/applications/{found}")
                assert shown.status_code == 200, (email, found)
                if "· <strong>подана</strong>" in shown.text:  # the jury judges the portfolio frozen when sent
                    assert "Собрано при отправке" in shown.text, (email, found)
    async with make_client(app) as visitor:  # the public: the contests, their results and the festival
        listing = await visitor.get("/contests/public")
        assert listing.status_code == 200 and "Наставник года — 2026" in listing.text
        cards = sorted(set(re.findall(f'href="(/contests/{UUID_RE}/public)"', listing.text)))
        texts = []
        for card in cards:
            shown = await visitor.get(card)
            assert shown.status_code == 200, card
            texts.append(shown.text)
            for link in sorted(set(re.findall(f'href="(/contests/{UUID_RE}/(?:vote|wish))"', shown.text))):
                assert (await visitor.get(link)).status_code == 200, link
        assert any('id="results"' in text and "Муниципальный этап" in text for text in texts)
        festivals = sorted(
            {f for text in texts for f in re.findall(f'href="(/contests/festivals/{UUID_RE}/public)"', text)}
        )
        assert festivals
        festival = await visitor.get(festivals[0])
        assert festival.status_code == 200 and "Диплом I степени" in festival.text
        photos = re.findall(f'src="(/contests/festivals/{UUID_RE}/photos/{UUID_RE})"', festival.text)
        assert len(photos) == 3
        image = await visitor.get(photos[0])
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
