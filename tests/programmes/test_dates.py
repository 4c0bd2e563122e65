"""The programmes' forms read dates with the kernel's parser: a day the calendar lacks is named as such."""

from __future__ import annotations

from typing import Any

from tests.helpers import PASSWORD, Tenant, login_api, make_client


async def test_an_impossible_programme_date_is_not_a_wrong_format(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        refused = await client.post(
            "/api/v1/programmes", json={"title": "Даты", "starts_on": "31.02.2026", "ends_on": "2027-13-01"}
        )
        assert refused.status_code == 400, refused.text
        assert refused.json()["errors"] == {
            "starts_on": "Такой даты нет: 31.02.2026",
            "ends_on": "Такой даты нет: 2027-13-01",
        }
        wrong = await client.post(
            "/api/v1/programmes", json={"title": "Даты", "starts_on": "первое сентября", "ends_on": "2027-08-31"}
        )
        assert wrong.json()["errors"] == {"starts_on": "Дата в формате дд.мм.гггг"}
