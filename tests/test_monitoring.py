"""Twice-yearly effectiveness monitoring: the period opens a month before its deadline, curators who have not
reported are reminded once per reminder, the report carries the indicators, and coordinators see who is missing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.monitoring.jobs import check_monitoring
from shared.settings import get_settings
from tests.helpers import PASSWORD, login_api, make_client, make_tenant
from tests.test_jobs import smtp  # noqa: F401 - the SMTP fixture


def mails_to(inbox: Any, address: str) -> list[str]:
    return [m.get_payload(decode=True).decode() for m in inbox.to(address)]


async def test_a_period_opens_reminds_once_and_closes(app: Any, smtp: Any) -> None:  # noqa: F811
    inbox, port = smtp
    ctx = {"settings": replace(get_settings(), smtp_port=port)}
    tenant = await make_tenant("Мониторинг")

    await check_monitoring(ctx, "2027-02-20")  # more than a month before 30.03: nothing opens
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        assert (await client.get("/api/v1/monitoring/periods")).json() == []

    await check_monitoring(ctx, "2027-03-05")
    await check_monitoring(ctx, "2027-03-06")
    opened = mails_to(inbox, tenant.curator)
    assert len(opened) == 1 and "Открыт" in opened[0] and "30.03.2027" in opened[0]
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        periods = (await client.get("/api/v1/monitoring/periods")).json()
        assert [(p["covers_from"], p["deadline"], p["closed"]) for p in periods] == [
            ("2026-10-01", "2027-03-30", False)
        ]
        period_id = periods[0]["id"]

    await check_monitoring(ctx, "2027-03-23")  # a week before: a reminder to both organizations' curators
    await check_monitoring(ctx, "2027-03-24")  # not again the next day
    assert len(mails_to(inbox, tenant.curator)) == 2 and "Напоминаем" in mails_to(inbox, tenant.curator)[1]
    assert len(mails_to(inbox, tenant.other_curator)) == 2

    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        short = await client.post(f"/api/v1/monitoring/{period_id}/report", json={"achievements": "Всё"})
        assert short.status_code == 400 and "achievements" in short.json()["errors"]
        sent = await client.post(
            f"/api/v1/monitoring/{period_id}/report",
            json={"achievements": "Сформированы пары, проведены встречи", "problems": "", "plans": "Конкурс"},
        )
        assert sent.status_code == 201, sent.text
        assert {"learners_share", "pairs", "meetings"} <= set(sent.json()["indicators"])

    await check_monitoring(ctx, "2027-03-29")  # a day before: only the organization that has not reported
    assert len(mails_to(inbox, tenant.curator)) == 2
    assert len(mails_to(inbox, tenant.other_curator)) == 3

    await check_monitoring(ctx, "2027-03-31")
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        reports = (await client.get(f"/api/v1/monitoring/{period_id}/reports")).json()
        submitted = {r["organization_id"]: r["submitted_at"] is not None for r in reports}
        assert submitted == {str(tenant.organization_id): True, str(tenant.other_organization_id): False}
        assert (await client.get("/api/v1/monitoring/periods")).json()[0]["closed"] is True
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        own = (await client.get(f"/api/v1/monitoring/{period_id}/reports")).json()
        assert [r["organization_id"] for r in own] == [str(tenant.organization_id)]  # never another municipality
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)
        late = await client.post(
            f"/api/v1/monitoring/{period_id}/report", json={"achievements": "Поздний отчёт о работе"}
        )
        assert late.status_code == 400 and "period" in late.json()["errors"]
