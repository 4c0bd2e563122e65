"""The demo region's public face: the portal lists every organization's published page, each opens with the
mentors of its registry approved by order who consented to publication, a portfolio, its curator, partners,
announcements and documents; a peer mentor shows by first name and class, never a surname or a birth date."""

from __future__ import annotations

import re
from typing import Any

from app.cli import seed_demo_region
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import make_client


async def test_the_demo_organizations_publish_their_pages(app: Any) -> None:
    await seed_demo_region()
    async with make_client(app) as visitor:
        portal = await visitor.get("/")
        assert portal.status_code == 200
        pages = sorted(set(re.findall(r'href="(/o/[a-z0-9-]+)"', portal.text)))
        assert len(pages) >= 10, pages
        mentors_shown = 0
        peers = 0
        texts: list[str] = []
        with_cases = 0
        for url in pages:
            shown = await visitor.get(url)
            assert shown.status_code == 200, url
            assert "Партнёры" in shown.text and "Фестиваль наставнических практик" in shown.text, url
            documents = re.findall(rf'href="({url}/documents/[0-9a-f-]+)"', shown.text)
            assert documents, url
            first = await visitor.get(documents[0])
            assert first.status_code == 200 and first.content[:5] == b"%PDF-", url
            text = shown.text
            texts.append(text)
            assert "Реестр наставников утверждён: Приказ №" in text, url
            mentors = text[text.index('id="h-mentors"') : text.index("</section>", text.index('id="h-mentors"'))]
            assert mentors.count('itemtype="https://schema.org/Person"') >= 1, url
            assert "<em>Достижения:</em>" in mentors, url  # a portfolio the mentor chose to show
            mentors_shown += mentors.count('itemtype="https://schema.org/Person"')
            assert 'id="h-curators"' in text and "Куратор программы наставничества:" in text, url
            assert 'id="h-news"' in text and 'id="h-partners"' in text and 'id="h-documents"' in text, url
            peers += len(re.findall(r'itemprop="name">[А-ЯЁ][а-яё]+</strong>, \d{1,2} «[А-ЯЁ]» класс', text))
            peers += len(re.findall(r'itemprop="name">[А-ЯЁ][а-яё]+</strong>, \d курс', text))
            if 'id="h-cases"' in shown.text:
                with_cases += 1
                case = re.search(r'href="(/cases/[0-9a-f-]{36})"', shown.text)
                assert case is not None and (await visitor.get(case.group(1))).status_code == 200
            feed = await visitor.get(f"{url}/feed.atom")
            assert feed.status_code == 200 and "<entry>" in feed.text
        assert mentors_shown >= 2 * len(pages) and with_cases >= 3
        assert peers >= 2  # peer mentors whose representatives agreed: the first name and the class only
        assert (await visitor.get("/sitemap.xml")).text.count("<url>") >= len(pages)
    async with tenant_transaction(Scope(Level.platform)):
        learners = await current_connection().fetch(
            """SELECT DISTINCT p.surname, p.name, p.patronymic, p.birth_date FROM programme_order o
               CROSS JOIN LATERAL jsonb_array_elements(o.payload->'rows') r
               JOIN person p ON p.id = (r->>'person_id')::uuid
               WHERE o.kind = 'approve_registry' AND o.number IS NOT NULL AND p.category = 'learner'"""
        )
    assert learners
    for learner in learners:  # a peer mentor never shows with a surname, a patronymic or a birth date
        for text in texts:
            assert f"{learner['surname']} {learner['name']}" not in text
            assert f"{learner['name']} {learner['patronymic']}" not in text
            born = learner["birth_date"]
            assert born is None or (f"{born:%d.%m.%Y}" not in text and born.isoformat() not in text)
