"""Pairs and groups: exact matching under capacity and consent, the one-year limit, early end, extension,
replacement keeping the period, the 14-day alert firing once, and cabinets that see only their own pairs."""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from services.matching.solver import Objective, solve
from shared import clock
from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.errors import ValidationFailed
from shared.settings import get_settings
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant
from tests.test_jobs import smtp  # noqa: F401 - the SMTP fixture

TODAY = clock.today()


def iso(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


# The solver ---------------------------------------------------------------------------------------------------


def test_the_solver_finds_the_optimum_a_greedy_choice_misses() -> None:
    # Greedy takes the best couple first (A–1: 10) and leaves B with nobody: 10. The optimum is A–2 + B–1 = 9 + 8.
    scores = {(0, 0): 10, (0, 1): 9, (1, 0): 8}
    result = solve(2, [1, 1], scores)
    assert result.pairs == {0: 1, 1: 0} and result.total == 17


def test_the_two_objectives_differ_and_both_are_exact() -> None:
    # Mentee 1 can only go to mentor 0. The best score keeps mentor 0 for mentee 0 (10, one pair);
    # "most mentees" gives both a mentor (1 + 3) at a lower total.
    scores = {(0, 0): 10, (1, 0): 3, (0, 1): 1}
    best = solve(2, [1, 1], scores, Objective.best_score)
    most = solve(2, [1, 1], scores, Objective.most_mentees)
    assert best.pairs == {0: 0} and best.total == 10
    assert most.pairs == {0: 1, 1: 0} and most.total == 4


def brute_force(mentees: int, capacities: list[int], scores: dict[tuple[int, int], int], most: bool) -> tuple[int, ...]:
    best: tuple[int, ...] = (0, 0) if most else (0,)
    for choice in itertools.product([None, *range(len(capacities))], repeat=mentees):
        used: dict[int, int] = {}
        total = matched = 0
        for i, j in enumerate(choice):
            if j is None:
                continue
            if (i, j) not in scores or used.get(j, 0) >= capacities[j]:
                break
            used[j] = used.get(j, 0) + 1
            total, matched = total + scores[(i, j)], matched + 1
        else:
            best = max(best, (matched, total) if most else (total,))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_the_solver_agrees_with_brute_force_under_capacities(seed: int) -> None:
    rng = random.Random(seed)
    mentees, mentors = rng.randint(1, 5), rng.randint(1, 3)
    capacities = [rng.randint(0, 2) for _ in range(mentors)]
    scores = {(i, j): rng.randint(1, 30) for i in range(mentees) for j in range(mentors) if rng.random() < 0.7}
    best = solve(mentees, capacities, scores, Objective.best_score)
    most = solve(mentees, capacities, scores, Objective.most_mentees)
    assert (best.total,) == brute_force(mentees, capacities, scores, most=False)
    assert (len(most.pairs), most.total) == brute_force(mentees, capacities, scores, most=True)
    for j, capacity in enumerate(capacities):
        assert sum(1 for m in best.pairs.values() if m == j) <= capacity


# Fixtures -------------------------------------------------------------------------------------------------------


async def programme(client: Any, *, capacity: int = 2, group: bool = False, months: int = 12) -> dict[str, Any]:
    created = await client.post(
        "/api/v1/programmes", json={"title": f"Пары {uuid.uuid4().hex[:6]}", "starts_on": iso(-60), "ends_on": iso(300)}
    )
    assert created.status_code == 201, created.text
    forms = (await client.get("/api/v1/catalogue/forms")).json()
    teacher = next(f for f in forms if f["code"] == "teacher_teacher")
    saved = await client.put(
        f"/api/v1/programmes/{created.json()['id']}/steps/forms",
        json={
            "form_ids": [teacher["id"]],
            "max_mentees_per_mentor": str(capacity),
            "group_work": "1" if group else "",
            "max_pair_months": str(months),
        },
    )
    assert saved.status_code == 200, saved.text
    return {**saved.json(), "form_id": teacher["id"]}


async def person(client: Any, surname: str, role: str, *, consent: bool = True, email: str = "", **extra: Any) -> str:
    response = await client.post(
        "/api/v1/people",
        json={"surname": surname, "name": "Тест", "category": "staff", "roles": [role], "email": email, **extra},
    )
    assert response.status_code == 201, response.text
    person_id: str = response.json()["id"]
    if consent:
        given = await client.post(
            f"/api/v1/people/{person_id}/consents", json={"kind": "personal_data", "given_on": iso(-90)}
        )
        assert given.status_code == 201, given.text
    return person_id


async def active_pair(client: Any, prog: dict[str, Any], mentor: str, mentees: list[str], starts: int = -20) -> str:
    created = await client.post(
        "/api/v1/pairs",
        json={
            "programme_id": prog["id"],
            "mentor_id": mentor,
            "mentee_ids": mentees,
            "form_id": prog["form_id"],
            "starts_on": iso(starts),
        },
    )
    assert created.status_code == 201, created.text
    pair_id: str = created.json()["id"]
    order = await client.post(f"/api/v1/programmes/{prog['id']}/pairs/order", json={"pair_ids": [pair_id]})
    assert order.status_code == 201, order.text
    registered = await client.post(
        f"/api/v1/orders/{order.json()['order_id']}/register",
        json={"number": uuid.uuid4().hex[:8], "signed_on": TODAY.isoformat()},
    )
    assert registered.status_code == 201, registered.text
    return pair_id


# Matching -----------------------------------------------------------------------------------------------------


@pytest.fixture
async def fresh(app: Any) -> Tenant:
    """Matching looks at the whole organization's bases: these tests get an organization of their own."""
    return await make_tenant("Подбор")


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


# The lifecycle ------------------------------------------------------------------------------------------------


async def test_a_pair_lasts_at_most_one_year(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Годовой", "mentor")
        mentee = await person(client, "Годовая", "mentee_candidate")
        body = {
            "programme_id": prog["id"],
            "mentor_id": mentor,
            "mentee_ids": [mentee],
            "form_id": prog["form_id"],
            "starts_on": iso(0),
        }
        too_long = await client.post("/api/v1/pairs", json={**body, "ends_on": iso(366)})
        assert too_long.status_code == 400 and "календарного года" in too_long.json()["errors"]["ends_on"]
        default = await client.post("/api/v1/pairs", json=body)
        assert default.status_code == 201
        assert default.json()["ends_on"] == (TODAY + relativedelta(years=1, days=-1)).isoformat()
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        from asyncpg import CheckViolationError

        with pytest.raises(CheckViolationError):
            await current_connection().execute(
                "UPDATE mentorship SET ends_on = starts_on + 400 WHERE id = $1", uuid.UUID(default.json()["id"])
            )


async def test_early_end_extension_and_replacement_keeping_the_period(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        tag = uuid.uuid4().hex[:4]
        first = await person(client, f"Первый{tag}", "mentor")
        second = await person(client, f"Второй{tag}", "mentor")
        mentees = [await person(client, f"Ученица{tag}{n}", "mentee_candidate") for n in range(2)]
        pair = await active_pair(client, prog, first, [mentees[0]])
        card = (await client.get(f"/api/v1/pairs/{pair}")).json()
        assert card["status"] == "active"
        period = (card["starts_on"], card["ends_on"])

        url = f"/api/v1/pairs/{pair}/status"
        no_reason = await client.post(url, json={"action": "extend", "extended_to": iso(400)})
        assert "extension_reason" in no_reason.json()["errors"]
        extended = await client.post(
            url, json={"action": "extend", "extended_to": iso(400), "extension_reason": "больничный лист № 123"}
        )
        assert extended.json()["extended_to"] == iso(400)

        bad_reason = await client.post(url, json={"action": "replace", "new_mentor_id": second, "reason": "надоел"})
        assert "reason" in bad_reason.json()["errors"]
        replaced = await client.post(
            url, json={"action": "replace", "new_mentor_id": second, "reason": "incompatibility"}
        )
        assert replaced.status_code == 201, replaced.text
        assert replaced.json()["mentor"]["id"] == first  # until the order is registered
        registered = await client.post(
            f"/api/v1/orders/{replaced.json()['order_id']}/register",
            json={"number": uuid.uuid4().hex[:8], "signed_on": TODAY.isoformat()},
        )
        assert registered.status_code == 201
        after = (await client.get(f"/api/v1/pairs/{pair}")).json()
        assert after["mentor"]["id"] == second
        assert (after["starts_on"], after["ends_on"]) == period
        assert [h["mentor"] for h in after["history"]][-2:] == [f"Первый{tag} Тест", f"Второй{tag} Тест"]
        order_text = (await client.get(f"/api/v1/orders/{replaced.json()['order_id']}")).json()
        assert order_text["title"] == "О замене наставника"

        early = await active_pair(client, prog, first, [mentees[1]])
        alone = await client.post(
            f"/api/v1/pairs/{early}/status",
            json={"action": "end_early", "end_reason": "компетенции освоены", "mentor_agrees": True},
        )
        assert "agreement" in alone.json()["errors"]
        ended = await client.post(
            f"/api/v1/pairs/{early}/status",
            json={
                "action": "end_early",
                "end_reason": "компетенции освоены",
                "mentor_agrees": True,
                "curator_agrees": True,
            },
        )
        assert ended.json()["status"] == "ended_early" and ended.json()["finished_on"] == TODAY.isoformat()
        late_meeting = await client.post(f"/api/v1/pairs/{early}/meetings", json={"kind": "regular", "minutes": "60"})
        assert late_meeting.status_code == 400


async def test_meetings_follow_their_scripts_and_the_final_one_makes_a_mentor(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Итоговый", "mentor")
        mentee = await person(client, "Будущая", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee])
        url = f"/api/v1/pairs/{pair}/meetings"
        future = await client.post(url, json={"kind": "regular", "held_on": iso(3), "minutes": "60"})
        assert "held_on" in future.json()["errors"]
        final_without_scale = await client.post(url, json={"kind": "final", "minutes": "90"})
        assert "closeness" in final_without_scale.json()["errors"]
        regular = await client.post(
            url, json={"kind": "regular", "minutes": "75", "q_closer": "Да", "q_feeling": "Хорошо", "q_unknown": "x"}
        )
        assert regular.json()["answers"] == {"closer": "Да", "feeling": "Хорошо"}
        final = await client.post(
            url,
            json={
                "kind": "final",
                "minutes": "90",
                "closeness": "8",
                "wants_to_mentor": "1",
                "q_results": "Открытый урок",
            },
        )
        assert final.status_code == 201 and final.json()["closeness"] == 8
        roles = {p["role"] for p in (await client.get(f"/api/v1/people/{mentee}")).json()["participations"]}
        assert "mentor_candidate" in roles
        plan = await client.put(
            f"/api/v1/pairs/{pair}/plan/goal",
            json=[{"goal": "Провести открытый урок", "deadline": "май", "indicators": "урок проведён"}, {}],
        )
        assert plan.status_code == 200 and plan.json()["plan"]["goal"][0]["goal"] == "Провести открытый урок"


# Rhythm -------------------------------------------------------------------------------------------------------


async def test_the_fourteen_day_alert_fires_once_per_lapse(app: Any, tenant_a: Tenant, smtp: Any) -> None:  # noqa: F811
    from services.mentoring.jobs import check_rhythm

    inbox, port = smtp
    ctx = {"settings": replace(get_settings(), smtp_port=port), "redis": app.state.redis}
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Молчаливый", "mentor")
        mentee = await person(client, "Пропавшая", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee], starts=-20)
        await check_rhythm(ctx)
        await check_rhythm(ctx)

        async def alerts() -> list[Any]:
            async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
                return list(
                    await current_connection().fetch(
                        "SELECT kind, lapse, mailed_at FROM rhythm_alert WHERE mentorship_id = $1", uuid.UUID(pair)
                    )
                )

        found = await alerts()
        assert len(found) == 1 and found[0]["kind"] == "no_meeting" and found[0]["mailed_at"] is not None
        mails = [m for m in inbox.to(tenant_a.curator) if pair in m.get_payload(decode=True).decode()]
        assert len(mails) == 1
        home = await client.get("/workspace")
        assert "Под угрозой" in home.text and "нет встреч" in home.text

        # A short in-person meeting ends the silence but is itself a lapse, reported once.
        await client.post(
            f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "40", "format": "in_person"}
        )
        await check_rhythm(ctx)
        await check_rhythm(ctx)
        kinds = sorted(a["kind"] for a in await alerts())
        assert kinds == ["no_meeting", "short_meeting"]


# Cabinets -----------------------------------------------------------------------------------------------------


async def test_a_cabinet_sees_only_its_own_pairs(app: Any, tenant_a: Tenant) -> None:
    from tenants import logic as tenants
    from tenants.roles import Role

    tag = uuid.uuid4().hex[:6]
    email = f"mentor-{tag}@test.local"
    async with tenant_transaction(Scope(Level.platform)):
        user_id = await tenants.ensure_user(email, PASSWORD, "Кабинетов", "Пётр")
        await tenants.ensure_membership(
            user_id, Role.mentor, tenant_a.region_id, tenant_a.municipality_id, tenant_a.organization_id
        )
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        prog = await programme(curator)
        own_mentor = await person(curator, f"Кабинетов{tag}", "mentor", email=email)
        other_mentor = await person(curator, f"Чужой{tag}", "mentor")
        mentees = [await person(curator, f"Подопечная{tag}{n}", "mentee_candidate") for n in range(2)]
        own = await active_pair(curator, prog, own_mentor, [mentees[0]])
        other = await active_pair(curator, prog, other_mentor, [mentees[1]])
    async with make_client(app) as cabinet:
        await login_api(cabinet, email, PASSWORD)
        listed = {p["id"] for p in (await cabinet.get("/api/v1/pairs")).json()}
        assert listed == {own}
        assert (await cabinet.get(f"/api/v1/pairs/{other}")).status_code == 404
        assert (await cabinet.get(f"/cabinet/pairs/{other}")).status_code == 404
        assert (await cabinet.post(f"/api/v1/pairs/{other}/meetings", json={"kind": "regular"})).status_code == 404
        page = await cabinet.get("/cabinet")
        assert page.status_code == 200 and f"Подопечная{tag}0" in page.text and f"Подопечная{tag}1" not in page.text
        recorded = await cabinet.post(
            f"/api/v1/pairs/{own}/meetings",
            json={"kind": "regular", "minutes": "60", "format": "video", "q_good": "Всё"},
        )
        assert recorded.status_code == 201
        assert (await cabinet.get("/pairs")).status_code == 403
        assert (await cabinet.get(f"/api/v1/people/{mentees[1]}")).status_code == 403


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
        from services.matching import logic as matching

        rankings = {str(r["chooser_id"]): r["id"] for r in await matching.rankings(uuid.UUID(prog["id"]))}
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


async def test_a_withdrawn_consent_stops_the_pair_records(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Согласный", "mentor")
        mentee = await person(client, "Отозвавшая", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee])
        consent = (await client.get(f"/api/v1/people/{mentee}/consents")).json()[0]
        withdrawn = await client.post(f"/api/v1/people/{mentee}/consents/{consent['id']}/withdraw", json={})
        assert withdrawn.status_code == 200, withdrawn.text
        refused = await client.post(f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "60"})
        assert refused.status_code == 400 and "consent" in refused.json()["errors"]
        plan = await client.put(f"/api/v1/pairs/{pair}/plan/wish", json=[{"wish": "x"}])
        assert plan.status_code == 400


async def test_the_programme_counts_its_pairs_live(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        prog = await programme(client)
        before = (await client.get(f"/api/v1/programmes/{prog['id']}")).json()["indicators"]["pairs"]
        await active_pair(
            client,
            prog,
            await person(client, "Счётный", "mentor"),
            [await person(client, "Счётная", "mentee_candidate")],
        )
        after = (await client.get(f"/api/v1/programmes/{prog['id']}")).json()["indicators"]["pairs"]
        assert (before, after) == (0, 1)


async def test_the_pulse_goes_out_once_per_round_and_a_bad_answer_puts_the_pair_at_risk(
    app: Any,
    fresh: Tenant,
    smtp: Any,  # noqa: F811
) -> None:
    from services.mentoring.jobs import check_rhythm
    from services.mentoring.pulse import due_round
    from services.registry import logic as registry

    assert [due_round(TODAY - timedelta(days=d), TODAY) for d in (29, 30, 89, 90, 150)] == [None, 1, 1, 2, 3]
    _, port = smtp
    ctx = {"settings": replace(get_settings(), smtp_port=port), "redis": app.state.redis}
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Пульсовая", "mentor", email=f"pulse-{uuid.uuid4().hex[:6]}@test.local")
        mentee = await person(client, "Пульсовой", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee], starts=-35)
        await client.post(
            f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "60", "held_on": iso(-2)}
        )
        await check_rhythm(ctx)
        await check_rhythm(ctx)
        async with tenant_transaction(Scope.for_region(fresh.region_id)):
            sent = await current_connection().fetch(
                "SELECT round, person_id, request_id FROM pair_pulse WHERE mentorship_id = $1", uuid.UUID(pair)
            )
        assert sorted((r["round"], str(r["person_id"])) for r in sent) == sorted([(1, mentor), (1, mentee)])
        assert "Под угрозой" not in (await client.get("/workspace")).text
        request_id = next(r["request_id"] for r in sent if str(r["person_id"]) == mentee)
        token = registry.questionnaire_token(get_settings().secret_key, request_id)
        async with tenant_transaction(Scope()):
            await registry.submit_questionnaire(token, {"useful": ["3"], "continue": ["нет"]})
        home = (await client.get("/workspace")).text
        assert "участник не хочет продолжать" in home and "малополезные" in home


async def test_a_person_in_a_pair_is_not_merged_away(app: Any, tenant_a: Tenant) -> None:
    from services.registry import logic as registry

    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Слияние", "mentor")
        mentee = await person(client, "Слияемая", "mentee_candidate")
        await active_pair(client, prog, mentor, [mentee])
        duplicate = await person(client, "Слияемая", "mentee_candidate")
    actor = Actor(None, tenant_a.region_id, None)
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        with pytest.raises(ValidationFailed) as refused:
            await registry.merge(actor, uuid.UUID(duplicate), uuid.UUID(mentee))
        assert "участвует в наставнической паре" in refused.value.errors["duplicate_id"]
        await registry.merge(actor, uuid.UUID(mentee), uuid.UUID(duplicate))  # the other way round is fine
