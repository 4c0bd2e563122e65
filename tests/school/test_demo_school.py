"""The demo's mentor school as its people see it: the regional coordinator runs it, a curator sees the offer with
the organization's participants, the second municipality's draft stays out of sight."""

from __future__ import annotations

from typing import Any

from app.cli import seed_demo_region
from tenants.demo_accounts import PASSWORD
from tests.helpers import login_api, login_page, make_client


async def test_the_demo_school_for_the_region_and_a_curator(app: Any) -> None:
    await seed_demo_region()
    async with make_client(app) as client:
        await login_page(client, "region@demo.local", PASSWORD)
        home = (await client.get("/school")).text
        assert "Региональная сетевая школа наставников" in home
        for title in ("поток 1", "поток 2", "поток 3", "Наставничество в СПО: студент — ученик"):
            assert title in home
        assert "Набор открыт" in home and "Идёт" in home and "Завершён" in home
    async with make_client(app) as client:
        await login_api(client, "region@demo.local", PASSWORD)
        cohorts = (await client.get("/api/v1/school/cohorts")).json()
        assert sorted(c["stage"] for c in cohorts) == ["finished", "finished", "planned", "running"]
        assert all(c["trainers"][0]["full_name"] == "Орлова Наталья Геннадьевна" for c in cohorts)
        running = next(c for c in cohorts if c["stage"] == "running")
        page = await client.get(f"/school/cohorts/{running['cohort']['id']}")
        assert page.status_code == 200 and "Зачислен — 14" in page.text
    async with make_client(app) as client:
        await login_page(client, "curator1@demo.local", PASSWORD)
        home = (await client.get("/school")).text
        assert "От нашей организации" in home and "Основы наставничества, поток 3" in home
        assert "Наставничество в СПО" not in home  # a draft, offered to another municipality
        assert "Открыть школу" in home  # a base organization may open its own school
    async with make_client(app) as client:
        await login_api(client, "curator1@demo.local", PASSWORD)
        planned = next(c for c in (await client.get("/api/v1/school/cohorts")).json() if c["stage"] == "planned")
        page = await client.get(f"/school/cohorts/{planned['cohort']['id']}")
        assert "Ждёт подтверждения куратора" in page.text  # the application from the cabinet
        assert "Озёрская" not in page.text  # another organization's people are not the curator's to see
