"""The public offer of the mentor school opens without signing in, for one region, lists published programmes and
the cohorts taking people with their free places, and names no participant."""

from __future__ import annotations

import uuid
from typing import Any

from shared.db import Scope, current_connection, tenant_transaction
from tests.factories import person
from tests.helpers import PASSWORD, Tenant, login_api, make_client
from tests.school.test_enrolment import decide, school_cohort


async def test_the_offer_opens_without_a_session_and_shows_no_names(app: Any, fresh: Tenant) -> None:
    cohort = await school_cohort(fresh, capacity=3)
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        await current_connection().execute(
            """INSERT INTO school_programme (region_id, school_id, title, audience, published)
               VALUES ($1, $2, $3, '{mentor}', false)""",
            fresh.region_id,
            uuid.UUID(cohort["school_id"]),
            f"Черновик {cohort['tag']}",
        )
    async with make_client(app) as curator, make_client(app) as regional:
        await login_api(curator, fresh.curator, PASSWORD)
        await login_api(regional, fresh.regional, PASSWORD)
        surname = f"Скрытная{cohort['tag']}"
        mentor = await person(curator, surname, "mentor")
        created = await curator.post(
            f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": [mentor]}
        )
        assert (await decide(regional, created.json()[0]["id"], "accept")).json()["state"] == "accepted"
    async with make_client(app) as visitor:
        offer = await visitor.get(f"/school/offer?region={fresh.region_id}")
        assert offer.status_code == 200, offer.text
        assert f"Основы наставничества {cohort['tag']}" in offer.text
        assert f"Поток {cohort['tag']}" in offer.text and "Этапы наставнического цикла" in offer.text
        assert "2 из 3" in offer.text  # free places, counted without reading anyone's row
        assert surname not in offer.text and f"Черновик {cohort['tag']}" not in offer.text
        assert f'href="/school/cohorts/{cohort["cohort_id"]}/apply"' in offer.text
        api = await visitor.get(f"/api/v1/school/offer?region={fresh.region_id}")
        assert api.status_code == 200 and surname not in api.text
        [programme] = [p for p in api.json()["programmes"] if p["id"] == cohort["programme_id"]]
        assert programme["cohorts"][0]["free_places"] == 2 and programme["hours"] in ("6.0", 6, 6.0, "6")
        # «Подать заявку» leads to the sign-in first.
        apply = await visitor.get(f"/school/cohorts/{cohort['cohort_id']}/apply")
        assert apply.status_code in (302, 303) and apply.headers["location"].startswith("/login?next=/school/cohorts/")
        # Without a region the visitor chooses one; an unknown region shows the choice again.
        choose = await visitor.get("/school/offer")
        assert choose.status_code == 200
        unknown = await visitor.get(f"/school/offer?region={uuid.uuid4()}")
        assert unknown.status_code == 200 and cohort["tag"] not in unknown.text


async def test_a_signed_in_mentor_sees_the_offer_of_their_region(app: Any, fresh: Tenant, tenant_b: Tenant) -> None:
    ours = await school_cohort(fresh)
    theirs = await school_cohort(tenant_b)
    async with make_client(app) as mentor:
        await login_api(mentor, fresh.mentor, PASSWORD)
        offer = await mentor.get(f"/school/offer?region={tenant_b.region_id}")
        assert offer.status_code == 200
        assert ours["tag"] in offer.text and theirs["tag"] not in offer.text
        assert "Подать заявку" in offer.text
