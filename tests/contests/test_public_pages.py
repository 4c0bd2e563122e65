"""What the public sees of a contest: its card and the region's list without signing in, the published results
only (a name only with the nominee's consent to publication), through the page and the API; drafts never."""

from __future__ import annotations

from typing import Any

from shared.db import Scope, current_connection, tenant_transaction
from tests.contests.factories_jury import JuryContest, make_jury_contest
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant

HIDDEN = "Участник (имя не публикуется)"


async def finish_and_publish(tenant: Tenant, contest: JuryContest, publish: bool = True) -> None:
    """The municipal panel ranked as the jury would have left it: places 1–3, the first two advanced."""
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        for n, entry in enumerate(contest.entries, start=1):
            await db.execute(
                """UPDATE contest_entry SET rank = $2::int, place = $2::int, jury_score = $3::numeric,
                       total = $3::numeric, state = CASE WHEN $2::int <= 2 THEN 'advanced' ELSE 'not_advanced' END
                   WHERE id = $1""",
                entry,
                n,
                40 - n,
            )
        await db.execute(
            """UPDATE contest_panel SET status = 'finished', finished_at = now(),
                   results_published_at = CASE WHEN $2::boolean THEN now() END WHERE id = $1""",
            contest.panel_id,
            publish,
        )


async def test_published_results_are_public_and_a_name_needs_consent(app: Any) -> None:
    tenant = await make_tenant("публичные итоги")
    contest = await make_jury_contest(tenant, entries=3, jurors=1)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE contest_application SET publication_consent = false WHERE id = $1", contest.applications[2]
        )
        draft = await current_connection().fetchval(
            """INSERT INTO contest (region_id, level, title, year) VALUES ($1, 'region', 'Черновик конкурса', 2027)
               RETURNING id""",
            tenant.region_id,
        )
    card_url = f"/contests/{contest.contest_id}/public"
    async with make_client(app) as visitor:
        listing = await visitor.get("/contests/public")
        assert listing.status_code == 200 and card_url in listing.text and "Черновик конкурса" not in listing.text
        card = await visitor.get(card_url)
        assert card.status_code == 200 and "Муниципальный этап" in card.text and 'id="results"' not in card.text
        assert (await visitor.get(f"/contests/{draft}/public")).status_code == 404
        assert (await visitor.get(f"/api/v1/contests/{contest.contest_id}/results")).json() == []

    await finish_and_publish(tenant, contest, publish=False)
    async with make_client(app) as visitor:
        assert (await visitor.get(f"/api/v1/contests/{contest.contest_id}/results")).json() == []
        assert "Участникова0 Анна" not in (await visitor.get(card_url)).text

    await finish_and_publish(tenant, contest)
    async with make_client(app) as visitor:
        card = await visitor.get(card_url)
        assert 'id="results"' in card.text and "Участникова0 Анна" in card.text
        assert "прошла в следующий этап" in card.text
        assert "Участникова2" not in card.text and HIDDEN in card.text
        results = (await visitor.get(f"/api/v1/contests/{contest.contest_id}/results")).json()
        assert [(line["place"], line["nominee"]) for line in results[0]["lines"]] == [
            (1, "Участникова0 Анна"),
            (2, "Участникова1 Анна"),
            (3, HIDDEN),
        ]
        listed = (await visitor.get("/api/v1/contests")).json()
        titles = {c["contest"]["id"]: c["contest"]["title"] for c in listed}
        assert str(contest.contest_id) in titles and str(draft) not in titles
        one = await visitor.get(f"/api/v1/contests/{contest.contest_id}")
        assert one.status_code == 200 and one.json()["nominations"][0]["title"] == "Наставник года"
        assert (await visitor.get(f"/api/v1/contests/{draft}")).status_code == 404

    async with make_client(app) as client:  # whoever runs the panel reads the same ranking signed in
        await login_api(client, tenant.regional, PASSWORD)
        results = (await client.get(f"/api/v1/contests/{contest.contest_id}/results")).json()
        assert [line["rank"] for line in results[0]["lines"]] == [1, 2, 3] and results[0]["published"]
        assert (await client.get(f"/api/v1/contests/{draft}")).status_code == 200  # the organizer's own draft

    other = await make_tenant("чужой регион")
    async with make_client(app) as client:  # a signed-in visitor of another region reads their own region only
        await login_api(client, other.regional, PASSWORD)
        assert (await client.get(card_url)).status_code == 404
        assert (await client.get(f"/api/v1/contests/{contest.contest_id}/results")).status_code == 404
