"""Matching under consent, capacity and must-not marks; mutual choices; ranked choices within the places left."""

from __future__ import annotations

import uuid
from typing import Any

from shared.db import Level, Scope, tenant_transaction
from tests.factories import iso, person, programme
from tests.helpers import PASSWORD, Tenant, login_api, make_client

# Matching -----------------------------------------------------------------------------------------------------


async def test_matching_respects_consent_capacity_and_must_not_marks(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        prog = await programme(client, capacity=1)
        tag = uuid.uuid4().hex[:4]
        mentors = [await person(client, f"Наставникова{tag}{n}", "mentor") for n in range(2)]
        silent_mentor = await person(client, f"Безсогласия{tag}", "mentor", consent=False)
        mentees = [await person(client, f"Молодой{tag}{n}", "mentee_candidate") for n in range(3)]
        no_consent = await person(client, f"Скрытый{tag}", "mentee_candidate", consent=False)

        run = await client.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "count"})
        assert run.status_code == 201, run.text
        proposals = run.json()["proposals"]
        ours = proposals
        assert len(ours) == 2  # two mentors with one place each
        assert {p["mentor_id"] for p in proposals} == set(mentors)
        assert {p["mentee_id"] for p in proposals} < set(mentees)
        assert all(p["mentor_id"] != silent_mentor for p in proposals)
        assert all(p["parts"] and p["score"] > 0 for p in proposals)
        unmatched = {u["mentee_id"]: u["reason"] for u in run.json()["unmatched"]}
        assert "согласия" in unmatched[no_consent]
        assert no_consent not in {p["mentee_id"] for p in proposals}
        left = next(m for m in mentees if m not in {p["mentee_id"] for p in ours})
        assert "заняты" in unmatched[left]

        accepted = await client.post(
            f"/api/v1/programmes/{prog['id']}/matching/{run.json()['run_id']}/proposals",
            json={"mentee_id": ours[0]["mentee_id"], "action": "accept"},
        )
        assert accepted.status_code == 201, accepted.text
        # The mentor's only place is now taken by a draft pair: a manual second pair is refused.
        refused = await client.post(
            "/api/v1/pairs",
            json={
                "programme_id": prog["id"],
                "mentor_id": ours[0]["mentor_id"],
                "mentee_ids": [left],
                "form_id": prog["form_id"],
                "starts_on": iso(0),
            },
        )
        assert refused.status_code == 400 and "mentor_id" in refused.json()["errors"]
        twice = await client.post(
            "/api/v1/pairs",
            json={
                "programme_id": prog["id"],
                "mentor_id": ours[1]["mentor_id"],
                "mentee_ids": [ours[0]["mentee_id"]],
                "form_id": prog["form_id"],
                "starts_on": iso(0),
            },
        )
        assert twice.status_code == 400 and "mentee_ids" in twice.json()["errors"]

        # "Must not": that couple is never proposed again.
        from tests.helpers import csrf_token

        token = await csrf_token(client, f"/programmes/{prog['id']}/matching")
        marked = await client.post(
            f"/programmes/{prog['id']}/matching/exclusions",
            data={"mentor_id": ours[1]["mentor_id"], "mentee_id": ours[1]["mentee_id"], "_csrf_token": token},
        )
        assert marked.status_code == 303
        again = (await client.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "count"})).json()
        assert (ours[1]["mentor_id"], ours[1]["mentee_id"]) not in {
            (p["mentor_id"], p["mentee_id"]) for p in again["proposals"]
        }
        page = await client.get(f"/programmes/{prog['id']}/matching")
        assert page.status_code == 200 and "Продолжить поиск" in page.text


async def test_a_mutual_choice_outweighs_shared_interests(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        prog = await programme(client, capacity=1)
        tag = uuid.uuid4().hex[:4]
        first, second = [await person(client, f"Выбранная{tag}{n}", "mentor") for n in range(2)]
        mentee = await person(client, f"Выбирающий{tag}", "mentee_candidate")
        from tests.helpers import csrf_token

        token = await csrf_token(client, f"/programmes/{prog['id']}/matching")
        for chooser, chosen in ((mentee, second), (second, mentee)):
            response = await client.post(
                f"/programmes/{prog['id']}/matching/choices",
                data={"chooser_id": chooser, "chosen_ids": [chosen], "_csrf_token": token},
            )
            assert response.status_code == 303
        run = (await client.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "score"})).json()
        proposal = next(p for p in run["proposals"] if p["mentee_id"] == mentee)
        assert proposal["mentor_id"] == second
        assert any("Взаимный выбор" in label for label, _ in proposal["parts"])
        assert first not in {p["mentor_id"] for p in run["proposals"] if p["mentee_id"] == mentee}


async def test_ranked_choices_never_promise_more_places_than_a_mentor_has(app: Any, fresh: Tenant) -> None:
    from tenants import logic as tenants
    from tenants.roles import Role
    from tests.helpers import csrf_token

    tag = uuid.uuid4().hex[:6]
    mentor_email, mentee_email = f"m-{tag}@test.local", f"e-{tag}@test.local"
    async with tenant_transaction(Scope(Level.platform)):
        for email, role in ((mentor_email, Role.mentor), (mentee_email, Role.mentee)):
            user_id = await tenants.ensure_user(email, PASSWORD, "Выборов", role.value)
            await tenants.ensure_membership(
                user_id, role, fresh.region_id, fresh.municipality_id, fresh.organization_id
            )
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        prog = await programme(curator, capacity=1)
        mentor = await person(curator, f"Ранговый{tag}", "mentor", email=mentor_email)
        first = await person(curator, f"Первая{tag}", "mentee_candidate")
        second = await person(curator, f"Вторая{tag}", "mentee_candidate", email=mentee_email)
        token = await csrf_token(curator, f"/programmes/{prog['id']}/matching")
        for chooser in (first, second):
            response = await curator.post(
                f"/programmes/{prog['id']}/matching/choices",
                data={"chooser_id": chooser, "chosen_ids": [mentor], "_csrf_token": token},
            )
            assert response.status_code == 303
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        from services import matching

        rankings = {str(r.chooser_id): r.id for r in await matching.rankings(uuid.UUID(prog["id"]))}
    async with make_client(app) as cabinet:
        await login_api(cabinet, mentor_email, PASSWORD)
        page = await cabinet.get("/cabinet")
        assert f"Первая{tag}" in page.text and f"Вторая{tag}" in page.text
        token = await csrf_token(cabinet, "/cabinet")
        await cabinet.post(f"/cabinet/choices/{rankings[first]}", data={"response": "accept", "_csrf_token": token})
        refused = await cabinet.post(
            f"/cabinet/choices/{rankings[second]}", data={"response": "accept", "_csrf_token": token}
        )
        assert refused.status_code == 303
        assert "Свободных мест у наставника больше нет" in (await cabinet.get("/cabinet")).text
    async with make_client(app) as mentee:
        await login_api(mentee, mentee_email, PASSWORD)
        own_page = (await mentee.get("/cabinet")).text
        assert "Выбрать наставника" in own_page and f'<option value="{mentor}"' not in own_page
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        token = await csrf_token(curator, f"/programmes/{prog['id']}/matching")
        not_accepted = await curator.post(
            f"/programmes/{prog['id']}/matching/choices/{rankings[second]}/confirm", data={"_csrf_token": token}
        )
        assert not_accepted.status_code == 303 and "/matching" in not_accepted.headers["location"]
        confirmed = await curator.post(
            f"/programmes/{prog['id']}/matching/choices/{rankings[first]}/confirm", data={"_csrf_token": token}
        )
        assert confirmed.status_code == 303 and confirmed.headers["location"].startswith("/pairs/")
        pairs = (await curator.get("/api/v1/pairs", params={"status": "draft"})).json()
        assert [(p["mentor"]["id"], p["mentees"][0]["id"]) for p in pairs] == [(mentor, first)]
