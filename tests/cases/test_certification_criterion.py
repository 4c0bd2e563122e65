"""A curator's certification counts the organization's published cases: not drafts, not withdrawn ones, not a
neighbour's; the criterion is no longer «появится позже»."""

from __future__ import annotations

from typing import Any

from tests.cases.factories import catalogue_form, published, write_case
from tests.certification.test_certification import API, open_round
from tests.helpers import PASSWORD, login_api, make_client, make_tenant


async def test_the_criterion_counts_the_published_cases(app: Any) -> None:
    tenant = await make_tenant("кейсы-сертификация")
    await published(app, tenant, title="Первый кейс")
    await published(app, tenant, title="Второй кейс")
    withdrawn = await published(app, tenant, title="Снятый кейс")
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        await write_case(curator, title="Черновик", form_id=await catalogue_form(curator))
        assert (await curator.post(f"/api/v1/cases/{withdrawn}/steps", json={"action": "withdraw"})).status_code == 200
    async with make_client(app) as neighbour:
        await login_api(neighbour, tenant.other_curator, PASSWORD)
        forms = await catalogue_form(neighbour)
        await write_case(neighbour, title="Кейс соседей", form_id=forms)
    round_ = await open_round(app, tenant)
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        started = await curator.post(f"{API}/rounds/{round_['id']}/applications")
        assert started.status_code == 201, started.text
        items = {i["source"]: i for i in started.json()["application"]["portfolio"]["items"]}
        assert float(items["cases_published"]["count"]) == 2
        assert float(items["cases_published"]["points"]) == 10  # 5 per case, at most 10
        assert items["cases_published"]["note"] == "опубликовано: 2"
