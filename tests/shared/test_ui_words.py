"""No page a role reaches from its menus shows a source reference («(004 §7.4)») or an internal word («seed»)."""

from __future__ import annotations

import re
from typing import Any

from tests.helpers import PASSWORD, login_page, make_client, make_records, make_tenant

LINK = re.compile(r'href="(/[^"#?]*)"')
SKIP = re.compile(r"/(download|scan|document|logout|static)\b|\.(xlsx|csv|json|docx|pdf)$|^/schema")
FORBIDDEN = [re.compile(r"§"), re.compile(r"\(0\d\d\b"), re.compile(r"\bseed", re.I)]
PAGES_PER_ROLE = 40


def visible(html: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


async def test_the_pages_speak_to_people_not_to_developers(app: Any) -> None:
    tenant = await make_tenant("Слова")
    await make_records(app, tenant, tenant.organization_id, tenant.municipality_id)
    problems: list[str] = []
    seen_total = 0
    for email in (tenant.curator, tenant.head, tenant.mentor, tenant.municipal, tenant.regional):
        async with make_client(app) as client:
            await login_page(client, email, PASSWORD)
            queue, seen = ["/"], set[str]()
            while queue and len(seen) < PAGES_PER_ROLE:
                path = queue.pop(0)
                if path in seen or SKIP.search(path):
                    continue
                seen.add(path)
                response = await client.get(path, follow_redirects=True)
                if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
                    continue
                text = visible(response.text)
                problems += [f"{email} {path}: {p.pattern}" for p in FORBIDDEN if p.search(text)]
                queue += [link for link in LINK.findall(response.text) if link not in seen]
            seen_total += len(seen)
    assert seen_total > 30, seen_total  # the crawl reached the menus' pages
    assert problems == []
