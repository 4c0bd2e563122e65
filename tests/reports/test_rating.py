"""The mentor rating against a hand-computed mentor: each activity's count × the region's points, at most the
maximum; the region changes its rules and the count follows; the standings keep to the viewer's scope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from services.reports import count_region, rating_of
from shared.db import Scope, current_connection, tenant_transaction
from tests.factories import active_pair, person, programme
from tests.helpers import PASSWORD, login_api, login_page, make_client, make_tenant, post_form, run_worker


async def test_a_mentor_is_rated_by_the_regions_rules(app: Any) -> None:
    tenant = await make_tenant("Рейтинг")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Рейтингова", "mentor")
        mentee = await person(client, "Оцениваемый", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee])
        for _ in range(3):
            held = await client.post(f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "45"})
            assert held.status_code == 201, held.text
        parameters = (await client.get(f"/api/v1/programmes/{prog['id']}/assessment-parameters")).json()
        first = parameters[0]["id"]
        scores = [
            {"person_id": mentee, "parameter_id": first, "stage": "before", "score": "4"},
            {"person_id": mentee, "parameter_id": first, "stage": "after", "score": "6"},
        ]
        assert (await client.post(f"/api/v1/programmes/{prog['id']}/assessments", json=scores)).status_code == 201
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await count_region(tenant.region_id)
        (rated,) = await rating_of([UUID(mentor)])
    parts = {p.source: p.points for p in rated.breakdown}
    # 3 meetings × 1 + growth (6 − 4 = 2) × 5; no completed pair, training, certificate, contest result or case.
    assert parts["meetings"] == Decimal(3) and parts["mentee_growth"] == Decimal(10)
    assert rated.points == Decimal(13) and parts["pairs_completed"] == 0

    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        page = await client.get("/rating")
        assert page.status_code == 200 and "Рейтингова" in page.text and "13" in page.text
        bad = await post_form(client, "/rating/rules", {"points_meetings": "много"}, page="/rating")
        assert bad.status_code == 400 and "Число от 0 до 1000" in bad.text
        rules = {
            f"points_{k}": v
            for k, v in (
                ("pairs_completed", "10"),
                ("meetings", "2"),
                ("mentee_growth", "5"),
                ("training", "5"),
                ("certificates", "3"),
                ("contest_results", "10"),
                ("cases", "5"),
                ("incentives", "5"),
            )
        }
        saved = await post_form(
            client, "/rating/rules", {**rules, "max_meetings": "5", "max_mentee_growth": "20"}, page="/rating"
        )
        assert saved.status_code == 303
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await count_region(tenant.region_id)
        (rated,) = await rating_of([UUID(mentor)])
    assert rated.points == Decimal(15)  # meetings: 3 × 2 = 6, at most 5; growth 10

    async with make_client(app) as client:  # another organization's curator does not see this school's mentors
        await login_page(client, tenant.other_curator, PASSWORD)
        assert "Рейтингова" not in (await client.get("/rating")).text
        refused = await post_form(client, "/rating/recount", {}, page="/rating")
        assert refused.status_code == 403
    other = await make_tenant("Рейтинг чужой")
    async with tenant_transaction(Scope.for_region(other.region_id)):
        assert await rating_of([UUID(mentor)]) == []  # another region reads none of it


async def test_the_coordinators_recount_is_a_tracked_job_with_its_state_and_a_retry(app: Any) -> None:
    tenant = await make_tenant("Рейтинг пересчёт")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        await person(client, "Пересчётова", "mentor")
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        started = await post_form(client, "/rating/recount", {}, page="/rating")
        assert started.status_code == 303
        again = await post_form(client, "/rating/recount", {}, page="/rating")  # a double click: one job
        assert again.status_code == 303
        waiting = await client.get("/rating", headers={"HX-Request": "true"})
        assert "Пересчитываем рейтинг" in waiting.text and 'hx-trigger="every 1s"' in waiting.text
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            jobs = await current_connection().fetch(
                "SELECT id, status FROM tracked_job WHERE kind = 'rating_count' AND region_id = $1", tenant.region_id
            )
        assert [j["status"] for j in jobs] == ["queued"]
        await run_worker(app, 1)
        done = await client.get("/rating")
        assert "Рейтинг пересчитан" in done.text and "Пересчётова" in done.text
        refused = await post_form(client, "/rating/recount/retry", {}, page="/rating")
        assert refused.status_code == 400 and "только пересчёт, который не удался" in refused.text
        async with tenant_transaction(Scope.for_region(tenant.region_id)):  # as a run the worker lost ends
            await current_connection().execute(
                "UPDATE tracked_job SET status = 'failed', error = 'Задание прервано' WHERE id = $1", jobs[0]["id"]
            )
            await current_connection().execute("DELETE FROM mentor_rating WHERE region_id = $1", tenant.region_id)
        failed = await client.get("/rating")
        assert "Задание прервано" in failed.text and "Повторить" in failed.text
        retried = await post_form(client, "/rating/recount/retry", {}, page="/rating")
        assert retried.status_code == 303
        await run_worker(app, 1)
        assert "Пересчётова" in (await client.get("/rating")).text
    async with make_client(app) as client:  # a curator reads the standings but sees no recount
        await login_page(client, tenant.curator, PASSWORD)
        assert 'action="/rating/recount"' not in (await client.get("/rating")).text
