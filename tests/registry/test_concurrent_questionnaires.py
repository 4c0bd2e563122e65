"""A personal questionnaire link submitted several times at once is answered once; the others get 410."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

from tests.helpers import CSRF_RE, PASSWORD, Tenant, login_api, make_client

ATTEMPTS = 4
ANSWERS = {
    "experience": "нет",
    "motivation": "Помогать молодым коллегам",
    "frequency": "раз в две недели",
    "tags": "#методика",
}


async def test_concurrent_submissions_of_one_link_have_one_winner(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        person = await curator.post(
            "/api/v1/people",
            json={"surname": "Гонкова", "name": "Лидия", "category": "staff", "roles": ["mentor_candidate"]},
        )
        person_id = person.json()["id"]
        await curator.post(
            f"/api/v1/people/{person_id}/consents", json={"kind": "personal_data", "given_on": "2026-09-01"}
        )
        link = await curator.post(f"/api/v1/people/{person_id}/questionnaires", json={"template": "mentor_offer"})
        path = link.json()["link"].replace("http://testserver.local", "")
    async with AsyncExitStack() as stack:
        phones = [await stack.enter_async_context(make_client(app)) for _ in range(ATTEMPTS)]
        tokens = [CSRF_RE.search((await p.get(path)).text).group(1) for p in phones]  # type: ignore[union-attr]
        sent = await asyncio.gather(
            *(p.post(path, data={**ANSWERS, "_csrf_token": t}) for p, t in zip(phones, tokens, strict=True))
        )
    assert sorted(r.status_code for r in sent) == [200] + [410] * (ATTEMPTS - 1)
    assert all("уже заполнена" in r.text for r in sent if r.status_code == 410)
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        answers = (await curator.get(f"/api/v1/people/{person_id}/questionnaires")).json()
        assert len(answers) == 1
