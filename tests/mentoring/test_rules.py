"""The rules a pair keeps: consents that gate it, who may mentor whom, three months of joint work, the group
exception with its agreement, no second pair of a couple, the pairs order's rows, and the meeting rhythm."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from shared.db import Scope, tenant_transaction
from tests.factories import TODAY, active_pair, iso, person, programme
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client

REPRESENTATIVE = {
    "given_by": "representative",
    "representative_name": "Родителева Анна Петровна",
    "representative_relation": "мать",
    "representative_document": "паспорт 8401 123456",
}


async def consent(client: Any, person_id: str, kind: str, **extra: str) -> None:
    given = await client.post(
        f"/api/v1/people/{person_id}/consents", json={"kind": kind, "given_on": iso(-30), **extra}
    )
    assert given.status_code == 201, given.text


def born(years: int) -> str:
    return (TODAY - relativedelta(years=years, days=10)).isoformat()


def pair_body(prog: dict[str, Any], mentor: str, mentees: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "programme_id": prog["id"],
        "mentor_id": mentor,
        "mentee_ids": mentees,
        "form_id": prog["form_id"],
        "starts_on": iso(0),
        **extra,
    }


async def test_a_pair_is_refused_without_participation_consent_on_the_page_and_in_the_api(
    app: Any, fresh: Tenant
) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Согласный", "mentor")
        mentee = await person(client, "Неучастная", "mentee_candidate", consent=False)
        await consent(client, mentee, "personal_data")
        refused = await client.post("/api/v1/pairs", json=pair_body(prog, mentor, [mentee]))
        assert refused.status_code == 400
        assert "согласия на участие" in refused.json()["errors"]["mentee_ids"]
        assert "Неучастная" in refused.json()["errors"]["mentee_ids"]
        token = await csrf_token(client, "/pairs/new")
        form = {"mentor_id": mentor, "mentee_ids": mentee, "form_id": prog["form_id"], "starts_on": iso(0)}
        page = await client.post("/pairs/new", data={**form, "_csrf_token": token})
        assert page.status_code == 422 and "Нет согласия на участие в программе наставничества" in page.text
        assert (await client.get("/api/v1/pairs")).json() == []  # nothing half-written
        await consent(client, mentee, "participation")
        assert (await client.post("/api/v1/pairs", json=pair_body(prog, mentor, [mentee]))).status_code == 201


async def learner_programme(client: Any) -> dict[str, Any]:
    prog = await programme(client)
    forms = (await client.get("/api/v1/catalogue/forms")).json()
    pupils = next(f for f in forms if f["code"] == "pupil_pupil")
    saved = await client.put(
        f"/api/v1/programmes/{prog['id']}/steps/forms",
        json={"form_ids": [pupils["id"]], "max_mentees_per_mentor": "2", "group_work": "", "max_pair_months": "12"},
    )
    assert saved.status_code == 200, saved.text
    return {**prog, "form_id": pupils["id"]}


async def learner(client: Any, tenant: Tenant, surname: str, role: str, years: int, grade: str) -> str:
    """A pupil with a representative's consents; a senior pupil enters the mentor registry the way the registry's
    order puts them there (the registry's own rules for minor mentors are its tests')."""
    from services import registry
    from services.registry import ParticipationRole
    from shared.actor import Actor

    body = {
        "surname": surname,
        "name": "Ученик",
        "category": "learner",
        "roles": ["mentee_candidate"],
        "birth_date": born(years),
        "class_or_course": grade,
    }
    created = await client.post("/api/v1/people", json=body)
    assert created.status_code == 201, created.text
    person_id: str = created.json()["id"]
    for kind in ("personal_data", "participation"):
        await consent(client, person_id, kind, **REPRESENTATIVE)
    if role == "mentor":
        actor = Actor(None, tenant.region_id, tenant.organization_id)
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            await registry.add_roles(actor, tenant.organization_id, uuid.UUID(person_id), [ParticipationRole.mentor])
    return person_id


async def test_a_sixteen_year_old_mentors_a_younger_pupil_with_a_representatives_consent(
    app: Any, tenant_a: Tenant
) -> None:
    tag = uuid.uuid4().hex[:4]
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await learner_programme(client)
        mentor = await learner(client, tenant_a, f"Старшеклассник{tag}", "mentor", 16, "10А")
        younger = await learner(client, tenant_a, f"Шестиклассница{tag}", "mentee_candidate", 12, "6Б")
        elder = await learner(client, tenant_a, f"Выпускница{tag}", "mentee_candidate", 17, "11А")
        refused = await client.post("/api/v1/pairs", json=pair_body(prog, mentor, [elder]))
        assert refused.status_code == 400 and "старше наставляемого" in refused.json()["errors"]["mentor_id"]
        created = await client.post("/api/v1/pairs", json=pair_body(prog, mentor, [younger]))
        assert created.status_code == 201, created.text
        assert created.json()["mentor"]["id"] == mentor


async def test_joint_work_lasts_three_months_at_least_and_a_draft_starts_no_earlier_than_today(
    app: Any, tenant_a: Tenant
) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Трёхмесячный", "mentor")
        mentee = await person(client, "Трёхмесячная", "mentee_candidate")
        last_day = TODAY + relativedelta(months=3, days=-1)
        short = await client.post(
            "/api/v1/pairs", json=pair_body(prog, mentor, [mentee], ends_on=(last_day - timedelta(days=1)).isoformat())
        )
        assert short.status_code == 400
        assert "не меньше 3 месяцев" in short.json()["errors"]["ends_on"]
        assert last_day.strftime("%d.%m.%Y") in short.json()["errors"]["ends_on"]
        past = await client.post("/api/v1/pairs", json=pair_body(prog, mentor, [mentee], starts_on=iso(-1)))
        assert past.status_code == 400 and "не раньше сегодняшнего дня" in past.json()["errors"]["starts_on"]
        exact = await client.post("/api/v1/pairs", json=pair_body(prog, mentor, [mentee], ends_on=last_day.isoformat()))
        assert exact.status_code == 201, exact.text


async def test_more_than_two_mentees_only_with_the_recorded_agreement(app: Any, tenant_a: Tenant) -> None:
    tag = uuid.uuid4().hex[:4]
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client, capacity=5, group=True)
        mentor = await person(client, f"Групповой{tag}", "mentor")
        mentees = [await person(client, f"Группа{tag}{n}", "mentee_candidate") for n in range(3)]
        pair_of_two = [await person(client, f"Двое{tag}{n}", "mentee_candidate") for n in range(2)]
        two = await client.post("/api/v1/pairs", json=pair_body(prog, mentor, pair_of_two))
        assert two.status_code == 201, two.text  # up to two mentees need no agreement
        other = await person(client, f"Другой{tag}", "mentor")
        refused = await client.post("/api/v1/pairs", json=pair_body(prog, other, mentees))
        assert refused.status_code == 400 and "согласованной наставником" in refused.json()["errors"]["group_agreed"]
        no_date = await client.post("/api/v1/pairs", json=pair_body(prog, other, mentees, group_agreed=True))
        assert no_date.status_code == 400 and "group_agreed_on" in no_date.json()["errors"]
        agreed = await client.post(
            "/api/v1/pairs", json=pair_body(prog, other, mentees, group_agreed=True, group_agreed_on=iso(-2))
        )
        assert agreed.status_code == 201, agreed.text
        assert agreed.json()["group_agreed_on"] == iso(-2)
        page = await client.get(f"/pairs/{agreed.json()['id']}")
        assert f"Групповая работа согласована наставником и наставляемыми {(TODAY - timedelta(days=2)):%d.%m.%Y}" in (
            page.text
        )


async def test_a_couple_who_had_a_pair_is_neither_proposed_nor_formed_again(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Прежний", "mentor")
        mentee = await person(client, "Прежняя", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee], starts=-100)
        done = await client.post(f"/api/v1/pairs/{pair}/status", json={"action": "complete"})
        assert done.status_code == 201 and done.json()["status"] == "completed"
        run = await client.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "score"})
        assert run.status_code == 201, run.text
        assert not [p for p in run.json()["proposals"] if (p["mentor_id"], p["mentee_id"]) == (mentor, mentee)]
        again = await client.post("/api/v1/pairs", json=pair_body(prog, mentor, [mentee]))
        assert again.status_code == 400 and "уже была в программе" in again.json()["errors"]["mentee_ids"]
        newcomer = await person(client, "Новый", "mentor")
        run = await client.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "score"})
        assert [(p["mentor_id"], p["mentee_id"]) for p in run.json()["proposals"]] == [(newcomer, mentee)]


async def test_the_pairs_order_needs_each_staff_mentors_agreement_and_prints_each_pairs_period(
    app: Any, tenant_a: Tenant
) -> None:
    from services import programmes

    tag = uuid.uuid4().hex[:4]
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        signed = await person(client, f"Соглашённый{tag}", "mentor")
        unsigned = await person(client, f"Бездоговорный{tag}", "mentor", consent=False)
        for kind in ("personal_data", "participation"):
            await consent(client, unsigned, kind)
        mentees = [await person(client, f"Приказная{tag}{n}", "mentee_candidate") for n in range(2)]
        first = await client.post("/api/v1/pairs", json=pair_body(prog, signed, [mentees[0]]))
        second = await client.post(
            "/api/v1/pairs", json=pair_body(prog, unsigned, [mentees[1]], starts_on=iso(7), ends_on=iso(200))
        )
        ids = [first.json()["id"], second.json()["id"]]
        url = f"/api/v1/programmes/{prog['id']}/pairs/order"
        refused = await client.post(url, json={"pair_ids": ids})
        assert refused.status_code == 400
        assert f"Бездоговорный{tag}" in refused.json()["errors"]["pair_ids"]
        assert f"Соглашённый{tag}" not in refused.json()["errors"]["pair_ids"]
        await consent(client, unsigned, "staff_duties", agreement_number="17-НС", agreement_date=iso(-10))
        order = await client.post(url, json={"pair_ids": ids})
        assert order.status_code == 201, order.text
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        record = await programmes.get_order(uuid.UUID(order.json()["order_id"]))
    rows = {row[0]: row for row in record.payload["rows"]}
    late = rows[next(name for name in rows if name.startswith(f"Бездоговорный{tag}"))]
    assert len(late) == 5
    assert late[3] == f"с {(TODAY + timedelta(days=7)):%d.%m.%Y} по {(TODAY + timedelta(days=200)):%d.%m.%Y}"
    assert late[4] == f"доп. соглашение № 17-НС от {(TODAY - timedelta(days=10)):%d.%m.%Y}"
    early = rows[next(name for name in rows if name.startswith(f"Соглашённый{tag}"))]
    assert early[3].startswith(f"с {TODAY:%d.%m.%Y} по ")
    assert record.payload["starts_on"] == f"{TODAY:%d.%m.%Y}"


async def test_the_rhythm_reads_the_latest_meeting_and_counts_from_the_start(app: Any, fresh: Tenant) -> None:
    from services import mentoring

    silent_label = "Нет встреч больше 14 дней"
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        prog = await programme(client, capacity=3, group=True)
        mentor = await person(client, "Ритмичный", "mentor")
        mentees = [await person(client, f"Ритм{n}", "mentee_candidate") for n in range(3)]
        today_pair = await active_pair(client, prog, mentor, [mentees[0]], starts=0)
        silent = await active_pair(client, prog, mentor, [mentees[1]], starts=-20)
        meeting = await active_pair(client, prog, mentor, [mentees[2]], starts=-30)
        for days in (-25, -5):
            held = {"kind": "regular", "minutes": "60", "format": "in_person", "held_on": iso(days)}
            assert (await client.post(f"/api/v1/pairs/{meeting}/meetings", json=held)).status_code == 201
        async with tenant_transaction(Scope.for_region(fresh.region_id)):
            flagged = {str(lapse.mentorship_id) for lapse in await mentoring.find_lapses(TODAY)}
        assert flagged == {silent}  # approved today: not yet; meeting five days ago: not at all
        assert silent_label not in (await client.get(f"/pairs/{today_pair}")).text
        assert silent_label in (await client.get(f"/pairs/{silent}")).text
        held = {"kind": "regular", "minutes": "60", "format": "in_person", "held_on": iso(0)}
        assert (await client.post(f"/api/v1/pairs/{silent}/meetings", json=held)).status_code == 201
        assert silent_label not in (await client.get(f"/pairs/{silent}")).text
