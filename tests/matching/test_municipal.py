"""Municipal matching: a municipality's programme matches the mentees of its organizations with the registry mentors
of its organizations and partner employers, under the organization-level rules, with the distance rules; the
optimum against brute force on a small municipality; another level's or tenant's asker gets 404."""

from __future__ import annotations

import uuid
from typing import Any

from shared.db import Level, Scope, tenant_transaction
from tests.factories import iso, person, programme, sign
from tests.helpers import PASSWORD, Tenant, login_api, make_client
from tests.matching.brute import brute_force


async def partner_employer(tenant: Tenant) -> str:
    """An employer of the tenant's first municipality, with its curator's account."""
    from shared import clock
    from shared.i18n import sort_key
    from tenants import logic
    from tenants.roles import Role
    from tenants.tables import Organization

    tag = uuid.uuid4().hex[:6]
    async with tenant_transaction(Scope(Level.platform)):
        rows = (
            await Organization.insert(
                Organization(
                    region_id=tenant.region_id,
                    municipality_id=tenant.municipality_id,
                    kind="employer",
                    name=f"Завод {tag}",
                    short_name="",
                    sort_key=sort_key(f"Завод {tag}"),
                    inn="",
                    address="",
                    head_name="",
                    phone="",
                    email="",
                    website="",
                    created_at=clock.now(),
                    updated_at=clock.now(),
                )
            )
            .returning(Organization.id)
            .run()
        )
        email = f"curator-employer-{tag}@test.local"
        user_id = await logic.ensure_user(email, PASSWORD, "Партнёров", Role.curator.value)
        await logic.ensure_membership(user_id, Role.curator, tenant.region_id, tenant.municipality_id, rows[0]["id"])
    return email


async def test_a_municipal_programme_matches_its_organizations_and_partner_employers(app: Any, fresh: Tenant) -> None:
    tag = uuid.uuid4().hex[:4]
    employer_curator = await partner_employer(fresh)
    async with make_client(app) as school:
        await login_api(school, fresh.curator, PASSWORD)
        own = await programme(school, capacity=1)
        school_mentor = await person(school, f"Школьная{tag}", "mentor")
        busy_mentor = await person(school, f"Занятая{tag}", "mentor")
        mentees = [await person(school, f"Ученик{tag}{n}", "mentee_candidate") for n in range(3)]
        silent = await person(school, f"Безсогласия{tag}", "mentee_candidate", consent=False)
        parent = await person(school, f"Родитель{tag}", "mentor", category="parent")  # no form of the programme
        own_mentee = await person(school, f"Свой{tag}", "mentee_candidate")
        # The busy mentor's only place is taken in the school's own programme: capacity counts across programmes.
        draft = await school.post(
            "/api/v1/pairs",
            json={
                "programme_id": own["id"],
                "mentor_id": busy_mentor,
                "mentee_ids": [own_mentee],
                "form_id": own["form_id"],
                "starts_on": iso(0),
            },
        )
        assert draft.status_code == 201, draft.text
    async with make_client(app) as employer:
        await login_api(employer, employer_curator, PASSWORD)
        partner_mentors = [await person(employer, f"Инженер{tag}{n}", "mentor") for n in range(2)]
        trainee = await person(employer, f"Стажёр{tag}", "mentee_candidate")
    async with make_client(app) as far:
        await login_api(far, fresh.other_curator, PASSWORD)
        elsewhere = await person(far, f"Дальняя{tag}", "mentor")

    async with make_client(app) as municipal:
        await login_api(municipal, fresh.municipal, PASSWORD)
        prog = await programme(municipal, capacity=1)
        assert prog["municipality_id"] == str(fresh.municipality_id) and prog["organization_id"] is None
        run = await municipal.post(
            f"/api/v1/programmes/{prog['id']}/matching",
            json={"objective": "score", "weights": {"organization": "5"}},
        )
        assert run.status_code == 201, run.text
        proposals = run.json()["proposals"]
        unmatched = {u["mentee_id"]: u["reason"] for u in run.json()["unmatched"]}
        mentors = {p["mentor_id"] for p in proposals}
        # Four consenting mentees without a pair (three of the school, the employer's trainee) and three free
        # mentors with one place each: the school's and the partner employer's two.
        assert len(proposals) == 3 and {p["mentee_id"] for p in proposals} <= {*mentees, trainee}
        assert mentors == {school_mentor, *partner_mentors}
        assert busy_mentor not in mentors and parent not in mentors and elsewhere not in mentors
        assert own_mentee not in unmatched and own_mentee not in {p["mentee_id"] for p in proposals}
        assert "согласия" in unmatched[silent]
        left = next(m for m in mentees if m not in {p["mentee_id"] for p in proposals})
        assert "заняты" in unmatched[left]
        # Same organization first: the school's mentor goes to a school mentee, a partner's to the trainee.
        ours = next(p for p in proposals if p["mentor_id"] == school_mentor)
        theirs = next(p for p in proposals if p["mentee_id"] == trainee)
        assert ours["mentee_id"] in mentees and theirs["mentor_id"] in partner_mentors
        for proposal in (ours, theirs):
            assert any(label == "Из одной организации" for label, _ in proposal["parts"])
        assert "Завод" in theirs["mentor_organization"] and "Завод" in theirs["mentee_organization"]

        # "Must not" in the municipal programme: the couple is never proposed again.
        from tests.helpers import csrf_token

        page = await municipal.get(f"/programmes/{prog['id']}/matching")
        assert page.status_code == 200 and "Из одной организации" in page.text
        token = await csrf_token(municipal, f"/programmes/{prog['id']}/matching")
        marked = await municipal.post(
            f"/programmes/{prog['id']}/matching/exclusions",
            data={"mentor_id": ours["mentor_id"], "mentee_id": ours["mentee_id"], "_csrf_token": token},
        )
        assert marked.status_code == 303
        again = (await municipal.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "count"})).json()
        assert (ours["mentor_id"], ours["mentee_id"]) not in {
            (p["mentor_id"], p["mentee_id"]) for p in again["proposals"]
        }

        # The coordinator accepts the partner employer's proposals: each a draft pair of its mentee's organization,
        # checked by the same rules as a pair formed by hand; the mentors' places are then taken.
        accepted = [p for p in again["proposals"] if p["mentor_id"] in partner_mentors]
        assert accepted
        pair_ids = []
        for proposal in accepted:
            done = await municipal.post(
                f"/api/v1/programmes/{prog['id']}/matching/{again['run_id']}/proposals",
                json={"mentee_id": proposal["mentee_id"], "action": "accept"},
            )
            assert done.status_code == 201, done.text
            pair_ids.append(done.json()["pair_id"])
        last = (await municipal.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "count"})).json()
        assert not {p["mentor_id"] for p in last["proposals"]} & {p["mentor_id"] for p in accepted}
        assert not {p["mentee_id"] for p in last["proposals"]} & {p["mentee_id"] for p in accepted}
    school_mentees = [p for p in accepted if p["mentee_id"] in mentees]
    async with make_client(app) as school:
        await login_api(school, fresh.curator, PASSWORD)
        drafts = (await school.get("/api/v1/pairs", params={"status": "draft"})).json()
        seen = {(d["mentor"]["id"], d["mentees"][0]["id"]) for d in drafts}
        assert {(p["mentor_id"], p["mentee_id"]) for p in school_mentees} <= seen
        assert not any(m["id"] == trainee for d in drafts for m in d["mentees"])

    # The municipality's order «о закреплении» takes them (each partner mentor's agreement is with the employer);
    # registered, the pairs start work.
    async with make_client(app) as municipal:
        await login_api(municipal, fresh.municipal, PASSWORD)
        order = await municipal.post(f"/api/v1/programmes/{prog['id']}/pairs/order", json={"pair_ids": pair_ids})
        assert order.status_code == 201, order.text
        await sign(order.json()["order_id"])
        working = (await municipal.get("/api/v1/pairs", params={"status": "active"})).json()
        assert set(pair_ids) <= {p["id"] for p in working}

    # A partner mentor's place taken by the municipal pair of a school mentee is taken for the employer too, though
    # the pair lives in the school and the employer cannot see it.
    lent = [p["mentor_id"] for p in school_mentees if p["mentor_id"] in partner_mentors]
    assert lent
    async with make_client(app) as employer:
        await login_api(employer, employer_curator, PASSWORD)
        own_programme = await programme(employer, capacity=1)
        newcomer = await person(employer, f"Новичок{tag}", "mentee_candidate")
        refused = await employer.post(
            "/api/v1/pairs",
            json={
                "programme_id": own_programme["id"],
                "mentor_id": lent[0],
                "mentee_ids": [newcomer],
                "form_id": own_programme["form_id"],
                "starts_on": iso(0),
            },
        )
        assert refused.status_code == 400 and "не больше 1 наставляем" in refused.text, refused.text
        run = await employer.post(f"/api/v1/programmes/{own_programme['id']}/matching", json={"objective": "count"})
        assert lent[0] not in {p["mentor_id"] for p in run.json()["proposals"]}

    # The municipality's programme is not the school's, nor another municipality's: 404.
    for email in (fresh.curator, fresh.other_curator):
        async with make_client(app) as other:
            await login_api(other, email, PASSWORD)
            assert (await other.get(f"/programmes/{prog['id']}/matching")).status_code == 404
            assert (
                await other.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "count"})
            ).status_code == 404


async def test_the_municipal_optimum_agrees_with_brute_force(app: Any, fresh: Tenant) -> None:
    """A small municipality with several organizations: the run's total is the exhaustive search's best."""
    from services import programmes
    from services.matching import logic
    from services.matching.solver import Objective, solve

    tag = uuid.uuid4().hex[:4]
    employer_curator = await partner_employer(fresh)
    async with make_client(app) as school:
        await login_api(school, fresh.curator, PASSWORD)
        for n in range(3):
            await person(school, f"Наставляемая{tag}{n}", "mentee_candidate", subject="Математика")
        await person(school, f"Учитель{tag}", "mentor", subject="Математика")
    async with make_client(app) as employer:
        await login_api(employer, employer_curator, PASSWORD)
        for n in range(2):
            await person(employer, f"Мастер{tag}{n}", "mentor")
        await person(employer, f"Стажёр{tag}", "mentee_candidate")
    async with make_client(app) as municipal:
        await login_api(municipal, fresh.municipal, PASSWORD)
        prog = await programme(municipal, capacity=2)
        for objective in ("score", "count"):
            run = await municipal.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": objective})
            assert run.status_code == 201, run.text
            total = sum(p["score"] for p in run.json()["proposals"])
            async with tenant_transaction(
                Scope(Level.municipality, None, fresh.region_id, fresh.municipality_id, None)
            ):
                record = await programmes.get_programme(uuid.UUID(prog["id"]))
                instance = await logic.build(record, logic.default_weights(pooled=True))
            scores = {k: c.score for k, c in instance.couples.items()}
            assert len(instance.mentees) == 4 and len(instance.mentors) == 3
            most = objective == "count"
            best = brute_force(len(instance.mentees), instance.capacities, scores, most=most)
            assert ((len(run.json()["proposals"]), total) if most else (total,)) == best
            exact = solve(len(instance.mentees), instance.capacities, scores, Objective(objective))
            assert exact.total == total


async def test_the_municipal_run_keeps_the_organization_run_rules(app: Any, fresh: Tenant) -> None:
    """Within one school the municipal programme finds the very couples the school's own programme finds (the same
    rule code: forms, categories, consents, places); the scores differ by the distance rule alone."""
    from services import programmes
    from services.matching import logic

    tag = uuid.uuid4().hex[:4]
    async with make_client(app) as school:
        await login_api(school, fresh.curator, PASSWORD)
        own = await programme(school, capacity=2)
        await person(school, f"Первая{tag}", "mentor", subject="Физика")
        await person(school, f"Вторая{tag}", "mentor", consent=False)
        await person(school, f"Мама{tag}", "mentor", category="parent")
        await person(school, f"Физик{tag}", "mentee_candidate", subject="Физика")
        await person(school, f"Лирик{tag}", "mentee_candidate", subject="Литература")
        await person(school, f"Тайный{tag}", "mentee_candidate", consent=False)
    async with make_client(app) as municipal:
        await login_api(municipal, fresh.municipal, PASSWORD)
        prog = await programme(municipal, capacity=2)

    async def couples(programme_id: str, scope: Scope, pooled: bool) -> dict[tuple[str, str], int]:
        async with tenant_transaction(scope):
            record = await programmes.get_programme(uuid.UUID(programme_id))
            instance = await logic.build(record, logic.default_weights(pooled))
        return {
            (instance.mentees[i].full_name, instance.mentors[j].full_name): c.score
            for (i, j), c in instance.couples.items()
            if tag in instance.mentees[i].full_name
        }

    school_scope = Scope(Level.organization, None, fresh.region_id, fresh.municipality_id, fresh.organization_id)
    municipal_scope = Scope(Level.municipality, None, fresh.region_id, fresh.municipality_id, None)
    in_school = await couples(own["id"], school_scope, pooled=False)
    in_municipality = await couples(prog["id"], municipal_scope, pooled=True)
    assert len(in_school) == 2  # one consenting staff mentor, two consenting staff mentees
    assert in_municipality.keys() == in_school.keys()
    bonus = logic.SAME_ORGANIZATION_POINTS * logic.default_weights(pooled=True)["organization"]
    assert all(in_municipality[k] == in_school[k] + bonus for k in in_school)


async def test_a_regional_programme_reaches_every_municipality(app: Any, fresh: Tenant) -> None:
    tag = uuid.uuid4().hex[:4]
    async with make_client(app) as school:
        await login_api(school, fresh.curator, PASSWORD)
        mentee = await person(school, f"Региональный{tag}", "mentee_candidate")
    async with make_client(app) as far:
        await login_api(far, fresh.other_curator, PASSWORD)
        mentor = await person(far, f"Далёкий{tag}", "mentor")
    async with make_client(app) as municipal:
        await login_api(municipal, fresh.municipal, PASSWORD)
        local = await programme(municipal, capacity=1)
        run = (await municipal.post(f"/api/v1/programmes/{local['id']}/matching", json={"objective": "count"})).json()
        assert mentor not in {p["mentor_id"] for p in run["proposals"]}  # another municipality's mentor
    async with make_client(app) as regional:
        await login_api(regional, fresh.regional, PASSWORD)
        prog = await programme(regional, capacity=1)
        assert prog["organization_id"] is None and prog["municipality_id"] is None
        run = await regional.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "count"})
        assert run.status_code == 201, run.text
        couple = next(p for p in run.json()["proposals"] if p["mentee_id"] == mentee)
        assert couple["mentor_id"] == mentor
        assert not any("Из одн" in label for label, _ in couple["parts"])  # another organization and municipality
        assert (await regional.get(f"/programmes/{prog['id']}/matching")).status_code == 200
        # The region's coordinator does not run a municipality's programme: 404.
        assert (
            await regional.post(f"/api/v1/programmes/{local['id']}/matching", json={"objective": "count"})
        ).status_code == 404


async def test_a_municipal_run_is_seen_by_its_municipality_and_region_only(app: Any, fresh: Tenant) -> None:
    """Row-level security on the matching tables for a municipality's rows (organization_id NULL)."""
    from services.matching import logic

    async with make_client(app) as school:
        await login_api(school, fresh.curator, PASSWORD)
        await person(school, f"Видимый{uuid.uuid4().hex[:4]}", "mentee_candidate")
    async with make_client(app) as municipal:
        await login_api(municipal, fresh.municipal, PASSWORD)
        prog = await programme(municipal, capacity=1)
        run = await municipal.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "count"})
        assert run.status_code == 201, run.text
    programme_id = uuid.UUID(prog["id"])
    seen = {}
    for name, scope in {
        "municipality": Scope(Level.municipality, None, fresh.region_id, fresh.municipality_id, None),
        "region": Scope.for_region(fresh.region_id),
        "school": Scope(Level.organization, None, fresh.region_id, fresh.municipality_id, fresh.organization_id),
        "other municipality": Scope(Level.municipality, None, fresh.region_id, fresh.other_municipality_id, None),
    }.items():
        async with tenant_transaction(scope):
            seen[name] = await logic.latest_run(programme_id) is not None
    assert seen == {"municipality": True, "region": True, "school": False, "other municipality": False}
