"""Enrolment in the mentor school: the curator's nomination with consent checked, the school's acceptance up to the
capacity with the waiting list moving up, a mentor's application confirmed by the curator, the orders of the
school's level, concurrency of two accepts, and what the retention job scrubs."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.factories import TODAY, person, sign
from tests.helpers import PASSWORD, Tenant, login_api, make_client, post_form, run_worker


async def school_cohort(
    tenant: Tenant,
    *,
    capacity: int = 2,
    audience: tuple[str, ...] = ("mentor", "mentor_candidate"),
    starts_in: int = 30,
    municipality_ids: tuple[uuid.UUID, ...] = (),
) -> dict[str, Any]:
    """A regional school with a published programme of one module and a cohort taking people."""
    tag = uuid.uuid4().hex[:6]
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        school = await db.fetchval(
            """INSERT INTO mentor_school (region_id, name, signatory_name, signatory_position)
               VALUES ($1, $2, 'Соколова Т. В.', 'Руководитель центра') RETURNING id""",
            tenant.region_id,
            f"Школа наставников {tag}",
        )
        programme = await db.fetchval(
            """INSERT INTO school_programme (region_id, school_id, title, audience, published, offered_to_all,
                   municipality_ids)
               VALUES ($1, $2, $3, $4, true, $5, $6) RETURNING id""",
            tenant.region_id,
            school,
            f"Основы наставничества {tag}",
            list(audience),
            not municipality_ids,
            list(municipality_ids),
        )
        await db.execute(
            """INSERT INTO school_module (region_id, school_id, programme_id, topic, hours, format)
               VALUES ($1, $2, $3, 'Этапы наставнического цикла', 6, 'training')""",
            tenant.region_id,
            school,
            programme,
        )
        cohort = await db.fetchval(
            """INSERT INTO school_cohort (region_id, school_id, programme_id, title, starts_on, ends_on, place,
                   capacity)
               VALUES ($1, $2, $3, $4, $5, $6, 'Дом учителя', $7) RETURNING id""",
            tenant.region_id,
            school,
            programme,
            f"Поток {tag}",
            TODAY + timedelta(days=starts_in),
            TODAY + timedelta(days=starts_in + 30),
            capacity,
        )
    return {"school_id": str(school), "programme_id": str(programme), "cohort_id": str(cohort), "tag": tag}


async def enrolments(client: Any, cohort_id: str) -> dict[str, str]:
    """person_id → state, as the asker sees the cohort."""
    response = await client.get(f"/api/v1/school/cohorts/{cohort_id}/enrolments")
    assert response.status_code == 200, response.text
    return {e["person_id"]: e["state"] for e in response.json()}


async def decide(client: Any, enrolment_id: str, decision: str, reason: str = "") -> Any:
    return await client.post(
        f"/api/v1/school/enrolments/{enrolment_id}/decision", json={"decision": decision, "reason": reason}
    )


async def test_capacity_keeps_a_waiting_list_that_moves_up_when_a_place_is_freed(app: Any, fresh: Tenant) -> None:
    cohort = await school_cohort(fresh, capacity=2)
    async with make_client(app) as curator, make_client(app) as regional:
        await login_api(curator, fresh.curator, PASSWORD)
        await login_api(regional, fresh.regional, PASSWORD)
        people = [await person(curator, f"Очередной{n}", "mentor") for n in range(3)]
        nominated = await curator.post(
            f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": people}
        )
        assert nominated.status_code == 201, nominated.text
        ids = {e["person_id"]: e["id"] for e in nominated.json()}
        assert {e["state"] for e in nominated.json()} == {"nominated"}
        for person_id in people:
            answered = await decide(regional, ids[person_id], "accept")
            assert answered.status_code == 200, answered.text
        assert await enrolments(regional, cohort["cohort_id"]) == {
            people[0]: "accepted",
            people[1]: "accepted",
            people[2]: "waiting",
        }
        # A place freed by a withdrawal goes to the first of the waiting list, and the promotion is audited.
        withdrawn = await decide(curator, ids[people[0]], "withdraw", "Заболела")
        assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn", withdrawn.text
        assert await enrolments(regional, cohort["cohort_id"]) == {
            people[0]: "withdrawn",
            people[1]: "accepted",
            people[2]: "accepted",
        }
        # A declined participant's place moves the list too; with no one waiting, raising the capacity keeps it.
        fourth = await person(curator, "Четвёртый", "mentor")
        more = await curator.post(
            f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": [fourth]}
        )
        fourth_id = more.json()[0]["id"]
        assert (await decide(regional, fourth_id, "accept")).json()["state"] == "waiting"
        assert (await decide(regional, ids[people[1]], "decline")).status_code == 400  # a reason is required
        assert (await decide(regional, ids[people[1]], "decline", "Не работает в школе")).status_code == 200
        assert (await enrolments(regional, cohort["cohort_id"]))[fourth] == "accepted"
        # Raising the capacity promotes from the waiting list; lowering it below the accepted is refused.
        fifth = await person(curator, "Пятый", "mentor")
        fifth_id = (
            await curator.post(
                f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": [fifth]}
            )
        ).json()[0]["id"]
        assert (await decide(regional, fifth_id, "accept")).json()["state"] == "waiting"
        raised = await regional.post(f"/api/v1/school/cohorts/{cohort['cohort_id']}/capacity", json={"capacity": 3})
        assert raised.status_code == 200, raised.text
        assert raised.json()["promoted"] == [fifth_id] and raised.json()["accepted"] == 3
        lowered = await regional.post(f"/api/v1/school/cohorts/{cohort['cohort_id']}/capacity", json={"capacity": 1})
        assert lowered.status_code == 400 and "capacity" in lowered.json()["errors"]
        # A curator decides nothing for the school.
        assert (
            await curator.post(f"/api/v1/school/cohorts/{cohort['cohort_id']}/capacity", json={})
        ).status_code == 403
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        logged = await current_connection().fetchval(
            "SELECT count(*) FROM audit_log WHERE person_id = $1 AND details LIKE '%из листа ожидания%'",
            uuid.UUID(people[2]),
        )
    assert logged == 1


async def test_nomination_needs_a_consent_and_writes_nothing_otherwise(app: Any, fresh: Tenant) -> None:
    cohort = await school_cohort(fresh)
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        agreed = await person(curator, "Согласная", "mentor")
        refused = await person(curator, "Безсогласия", "mentor_candidate", consent=False)
        url = f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations"
        response = await curator.post(url, json={"person_ids": [agreed, refused]})
        assert response.status_code == 400
        assert "Безсогласия" in response.json()["errors"]["person_ids"]
        assert "согласия на обработку" in response.json()["errors"]["person_ids"]
        assert await enrolments(curator, cohort["cohort_id"]) == {}
        # The page says it next to the list and keeps what was ticked.
        page_url = f"/school/cohorts/{cohort['cohort_id']}/enrolment"
        refused_page = await post_form(
            curator, f"/school/cohorts/{cohort['cohort_id']}/nominations", {"person_ids": refused}, page=page_url
        )
        assert refused_page.status_code == 422
        assert 'id="e-person_ids"' in refused_page.text and "Нет согласия на обработку" in refused_page.text
        assert await enrolments(curator, cohort["cohort_id"]) == {}
        # With consent it goes through the page too.
        done = await post_form(
            curator, f"/school/cohorts/{cohort['cohort_id']}/nominations", {"person_ids": agreed}, page=page_url
        )
        assert done.status_code == 303
        assert await enrolments(curator, cohort["cohort_id"]) == {agreed: "nominated"}


async def test_a_person_is_not_enrolled_twice_in_one_cohort(app: Any, fresh: Tenant) -> None:
    cohort = await school_cohort(fresh)
    async with make_client(app) as curator, make_client(app) as regional:
        await login_api(curator, fresh.curator, PASSWORD)
        await login_api(regional, fresh.regional, PASSWORD)
        mentor = await person(curator, "Дважды", "mentor")
        url = f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations"
        first = await curator.post(url, json={"person_ids": [mentor]})
        assert first.status_code == 201
        again = await curator.post(url, json={"person_ids": [mentor]})
        assert again.status_code == 400 and "Уже записаны" in again.json()["errors"]["person_ids"]
        # Once declined, the person may be put forward again.
        assert (await decide(regional, first.json()[0]["id"], "decline", "Ошибочно")).status_code == 200
        assert (await curator.post(url, json={"person_ids": [mentor]})).status_code == 201
        assert (await curator.post(url, json={"person_ids": [mentor]})).status_code == 400


async def test_a_curator_of_another_organization_cannot_nominate_or_confirm(app: Any, tenant_a: Tenant) -> None:
    cohort = await school_cohort(tenant_a)
    async with make_client(app) as curator, make_client(app) as other, make_client(app) as mentor:
        await login_api(curator, tenant_a.curator, PASSWORD)
        await login_api(other, tenant_a.other_curator, PASSWORD)
        await login_api(mentor, tenant_a.mentor, PASSWORD)
        ours = await person(curator, "Наша", "mentor")
        url = f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations"
        assert (await other.post(url, json={"person_ids": [ours]})).status_code == 404
        assert (await mentor.post(url, json={"person_ids": [ours]})).status_code == 403
        created = await curator.post(url, json={"person_ids": [ours]})
        enrolment_id = created.json()[0]["id"]
        assert (await decide(other, enrolment_id, "withdraw", "Чужое")).status_code == 404
        assert (await decide(other, enrolment_id, "accept")).status_code == 404
        assert ours not in await enrolments(other, cohort["cohort_id"])
        # Nor does the curator decide for the school.
        assert (await decide(curator, enrolment_id, "accept")).status_code == 403
        assert (await enrolments(curator, cohort["cohort_id"]))[ours] == "nominated"


async def cabinet_mentor(tenant: Tenant, email: str) -> None:
    from tenants import logic as tenants
    from tenants.roles import Role

    async with tenant_transaction(Scope(Level.platform)):
        user_id = await tenants.ensure_user(email, PASSWORD, "Заявкина", Role.mentor.value)
        await tenants.ensure_membership(
            user_id, Role.mentor, tenant.region_id, tenant.municipality_id, tenant.organization_id
        )


async def test_an_application_is_confirmed_by_the_curator_and_accepted_by_the_school(
    app: Any, fresh: Tenant, smtp: Any
) -> None:
    inbox, port = smtp
    cohort = await school_cohort(fresh)
    email = f"applicant-{cohort['tag']}@test.local"
    await cabinet_mentor(fresh, email)
    async with make_client(app) as curator, make_client(app) as mentor, make_client(app) as regional:
        await login_api(curator, fresh.curator, PASSWORD)
        await login_api(regional, fresh.regional, PASSWORD)
        person_id = await person(curator, f"Заявкина{cohort['tag']}", "mentor", email=email)
        await login_api(mentor, email, PASSWORD)
        form = await mentor.get(f"/school/cohorts/{cohort['cohort_id']}/apply")
        assert form.status_code == 200 and "Подать заявку" in form.text
        applied = await post_form(mentor, f"/school/cohorts/{cohort['cohort_id']}/apply", {})
        assert applied.status_code == 303, applied.text
        again = await mentor.post(f"/api/v1/school/cohorts/{cohort['cohort_id']}/applications")
        assert again.status_code == 400 and "уже записаны" in again.json()["errors"]["cohort_id"]
        assert (
            "Вы уже записаны на этот поток" in (await mentor.get(f"/school/cohorts/{cohort['cohort_id']}/apply")).text
        )
        mine = await mentor.get("/school/enrolment")
        assert "Ждёт подтверждения куратора" in mine.text
        await run_worker(app, port)
        [letter] = inbox.to(fresh.curator)
        assert f"Заявкина{cohort['tag']}" in letter.get_payload(decode=True).decode()
        # The curator sees it on the enrolment page; the school cannot decide before the curator.
        listed = await curator.get("/school/enrolment")
        assert f"Заявкина{cohort['tag']}" in listed.text and "Подтвердить" in listed.text
        [enrolment] = (await curator.get(f"/api/v1/school/cohorts/{cohort['cohort_id']}/enrolments")).json()
        assert enrolment["state"] == "applied" and enrolment["person_id"] == person_id
        assert (await decide(regional, enrolment["id"], "accept")).status_code == 400
        async with make_client(app) as other:
            await login_api(other, fresh.other_curator, PASSWORD)
            assert (await decide(other, enrolment["id"], "confirm")).status_code == 404
        cohort_page = await curator.get(f"/school/cohorts/{cohort['cohort_id']}/enrolment")
        assert "Ждёт подтверждения куратора" in cohort_page.text and 'value="confirm"' in cohort_page.text
        confirmed = await post_form(
            curator,
            f"/school/enrolments/{enrolment['id']}/decision",
            {"decision": "confirm", "back": "/school/enrolment"},
            page="/school/enrolment",
        )
        assert confirmed.status_code == 303
        assert (await enrolments(curator, cohort["cohort_id"]))[person_id] == "nominated"
        runner_page = await regional.get(f"/school/cohorts/{cohort['cohort_id']}/enrolment")
        assert runner_page.status_code == 200 and "Зачислить" in runner_page.text
        accepted = await decide(regional, enrolment["id"], "accept")
        assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
        await run_worker(app, port)
        letters = [m.get_payload(decode=True).decode() for m in inbox.to(email)]
        assert any("подтвердил" in text for text in letters) and any("зачислены" in text for text in letters)


async def test_a_declined_application_tells_the_person_why(app: Any, fresh: Tenant) -> None:
    cohort = await school_cohort(fresh)
    email = f"declined-{cohort['tag']}@test.local"
    await cabinet_mentor(fresh, email)
    async with make_client(app) as curator, make_client(app) as mentor:
        await login_api(curator, fresh.curator, PASSWORD)
        await person(curator, f"Отказова{cohort['tag']}", "mentor", email=email)
        await login_api(mentor, email, PASSWORD)
        applied = await mentor.post(f"/api/v1/school/cohorts/{cohort['cohort_id']}/applications")
        assert applied.status_code == 201, applied.text
        assert (await decide(curator, applied.json()["id"], "decline")).status_code == 400
        declined = await decide(curator, applied.json()["id"], "decline", "Уже обучена в прошлом году")
        assert declined.status_code == 200 and declined.json()["state"] == "declined"
        page = await mentor.get("/school/enrolment")
        assert "Уже обучена в прошлом году" in page.text


async def test_orders_list_the_accepted_and_those_who_completed(app: Any, fresh: Tenant) -> None:
    from services import programmes

    cohort = await school_cohort(fresh, capacity=2)
    async with make_client(app) as curator, make_client(app) as regional:
        await login_api(curator, fresh.curator, PASSWORD)
        await login_api(regional, fresh.regional, PASSWORD)
        names = [f"Приказная{n}{cohort['tag']}" for n in range(3)]
        people = [await person(curator, name, "mentor") for name in names]
        created = await curator.post(
            f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": people}
        )
        ids = [e["id"] for e in created.json()]
        for enrolment_id in ids:
            await decide(regional, enrolment_id, "accept")
        url = f"/api/v1/school/cohorts/{cohort['cohort_id']}/orders"
        assert (await curator.post(url, json={"kind": "enrolment"})).status_code == 403
        assert (await regional.post(url, json={"kind": "completion"})).status_code == 400  # no one completed yet
        made = await regional.post(url, json={"kind": "enrolment"})
        assert made.status_code == 201, made.text
        order_id = made.json()["order_id"]
        document = await regional.get(f"/orders/{order_id}/document")
        assert document.status_code == 200
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        order = await programmes.get_order(uuid.UUID(order_id))
        listed = {row[0] for row in order.payload["rows"]}
        db = current_connection()
        stored = await db.fetchval(
            "SELECT enrolment_order_id FROM school_cohort WHERE id = $1", uuid.UUID(cohort["cohort_id"])
        )
        await db.execute(
            "UPDATE school_enrolment SET outcome = 'completed', hours_attended = 6 WHERE id = $1", uuid.UUID(ids[1])
        )
        await db.execute("UPDATE school_enrolment SET outcome = 'not_completed' WHERE id = $1", uuid.UUID(ids[0]))
    assert order.kind == programmes.OrderKind.school_enrolment and order.programme_id is None
    assert order.organization_id is None and order.municipality_id is None  # the regional school's level
    assert listed == {f"{names[0]} Тест", f"{names[1]} Тест"}  # the third is on the waiting list
    assert str(stored) == order_id
    await sign(order_id, on=TODAY)
    async with make_client(app) as regional:
        await login_api(regional, fresh.regional, PASSWORD)
        url = f"/api/v1/school/cohorts/{cohort['cohort_id']}/orders"
        again = await regional.post(url, json={"kind": "enrolment"})
        assert again.status_code == 400  # registered: it is not prepared anew
        completion = await regional.post(url, json={"kind": "completion"})
        assert completion.status_code == 201, completion.text
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        order = await programmes.get_order(uuid.UUID(completion.json()["order_id"]))
        stored = await current_connection().fetchval(
            "SELECT completion_order_id FROM school_cohort WHERE id = $1", uuid.UUID(cohort["cohort_id"])
        )
    assert order.kind == programmes.OrderKind.school_completion
    assert [row[0] for row in order.payload["rows"]] == [f"{names[1]} Тест"]
    assert str(stored) == completion.json()["order_id"]


async def test_two_accepts_at_once_do_not_exceed_the_capacity(app: Any, fresh: Tenant) -> None:
    from services.school import enrolment as logic
    from services.school.access import SchoolAccess
    from shared.actor import Actor
    from tenants import Role

    cohort = await school_cohort(fresh, capacity=1)
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        people = [await person(curator, f"Гонка{n}", "mentor") for n in range(2)]
        created = await curator.post(
            f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": people}
        )
        ids = [uuid.UUID(e["id"]) for e in created.json()]
    access = SchoolAccess(Role.regional_coordinator, uuid.uuid4(), fresh.region_id, None, None)
    actor = Actor(None, fresh.region_id, None)

    async def accept(enrolment_id: uuid.UUID) -> str:
        async with tenant_transaction(Scope.for_region(fresh.region_id)):
            decided = await logic.decide(actor, access, enrolment_id, logic.Decision("accept"))
            await asyncio.sleep(0.2)  # hold the lock a while: the other must wait, then see the place taken
            return decided.state

    states = await asyncio.gather(accept(ids[0]), accept(ids[1]))
    assert sorted(states) == ["accepted", "waiting"]
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        accepted = await current_connection().fetchval(
            "SELECT count(*) FROM school_enrolment WHERE cohort_id = $1 AND state = 'accepted'",
            uuid.UUID(cohort["cohort_id"]),
        )
    assert accepted == 1


async def test_a_programme_for_other_roles_or_municipalities_takes_no_one(app: Any, fresh: Tenant) -> None:
    curators_only = await school_cohort(fresh, audience=("curator",))
    elsewhere = await school_cohort(fresh, municipality_ids=(fresh.other_municipality_id,))
    started = await school_cohort(fresh, starts_in=-3)
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        mentor = await person(curator, "Неподходящий", "mentor")
        unfit = await curator.post(
            f"/api/v1/school/cohorts/{curators_only['cohort_id']}/nominations", json={"person_ids": [mentor]}
        )
        assert unfit.status_code == 400 and "не для их роли" in unfit.json()["errors"]["person_ids"]
        far = await curator.post(
            f"/api/v1/school/cohorts/{elsewhere['cohort_id']}/nominations", json={"person_ids": [mentor]}
        )
        assert far.status_code == 400 and "муниципалитету" in far.json()["errors"]["cohort_id"]
        late = await curator.post(
            f"/api/v1/school/cohorts/{started['cohort_id']}/nominations", json={"person_ids": [mentor]}
        )
        assert late.status_code == 400 and "начался" in late.json()["errors"]["cohort_id"]
        home = await curator.get("/school/enrolment")
        assert home.status_code == 200
        assert (
            curators_only["tag"] in home.text and elsewhere["tag"] not in home.text and started["tag"] not in home.text
        )


async def test_the_retention_job_scrubs_what_the_school_keeps_about_a_person(app: Any, fresh: Tenant) -> None:
    from services import school
    from services.registry import DESTROYED, Forgotten, Ground

    cohort = await school_cohort(fresh)
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        mentor = await person(curator, "Забытая", "mentor")
        created = await curator.post(
            f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": [mentor]}
        )
    enrolment_id = uuid.UUID(created.json()[0]["id"])
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        db = current_connection()
        await db.execute(
            """INSERT INTO school_attempt (region_id, school_id, cohort_id, organization_id, enrolment_id, kind, text)
               VALUES ($1, $2, $3, $4, $5, 'assignment', 'Моя история наставничества')""",
            fresh.region_id,
            uuid.UUID(cohort["school_id"]),
            uuid.UUID(cohort["cohort_id"]),
            fresh.organization_id,
            enrolment_id,
        )
        await school.forget_people(
            [Forgotten(id=uuid.UUID(mentor), ids=[uuid.UUID(mentor)], names=["Забытая Тест"], ground=Ground.withdrawal)]
        )
        row = await db.fetchrow("SELECT full_name, position, state FROM school_enrolment WHERE id = $1", enrolment_id)
        text = await db.fetchval("SELECT text FROM school_attempt WHERE enrolment_id = $1", enrolment_id)
    assert (row["full_name"], row["position"], row["state"]) == (DESTROYED, "", "nominated")
    assert text == ""


async def test_the_waiting_list_keeps_the_order_of_nomination_not_of_the_decisions(app: Any, fresh: Tenant) -> None:
    cohort = await school_cohort(fresh, capacity=1)
    async with make_client(app) as curator, make_client(app) as regional:
        await login_api(curator, fresh.curator, PASSWORD)
        await login_api(regional, fresh.regional, PASSWORD)
        people = [await person(curator, f"Порядок{n}", "mentor") for n in range(3)]
        created = await curator.post(
            f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": people}
        )
        first, second, third = (e["id"] for e in created.json())
        for enrolment_id in (first, third, second):  # the school decides on the third before the second
            await decide(regional, enrolment_id, "accept")
        page = await regional.get(f"/school/cohorts/{cohort['cohort_id']}/enrolment")
        waiting = page.text.split('id="state-waiting"')[1]
        assert waiting.index("Порядок1") < waiting.index("Порядок2")
        await decide(regional, first, "decline", "Переведён в другой поток")
        assert await enrolments(regional, cohort["cohort_id"]) == {
            people[0]: "declined",
            people[1]: "accepted",
            people[2]: "waiting",
        }


async def test_the_trainer_reads_the_enrolments_of_a_cohort_they_teach_only(app: Any, fresh: Tenant) -> None:
    from tenants.tables import User

    taught, other = await school_cohort(fresh), await school_cohort(fresh)
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        trainer = await User.select(User.id).where(User.email == fresh.trainer).first().run()
        await current_connection().execute(
            """INSERT INTO school_cohort_trainer (region_id, school_id, cohort_id, user_id, full_name)
               VALUES ($1, $2, $3, $4, 'Преподавателева')""",
            fresh.region_id,
            uuid.UUID(taught["school_id"]),
            uuid.UUID(taught["cohort_id"]),
            trainer["id"] if trainer else None,
        )
    async with make_client(app) as curator, make_client(app) as teacher:
        await login_api(curator, fresh.curator, PASSWORD)
        await login_api(teacher, fresh.trainer, PASSWORD)
        mentor = await person(curator, "Обучаемая", "mentor")
        for cohort in (taught, other):
            await curator.post(
                f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": [mentor]}
            )
        assert await enrolments(teacher, taught["cohort_id"]) == {mentor: "nominated"}
        assert await enrolments(teacher, other["cohort_id"]) == {}
        assert (await teacher.get(f"/school/cohorts/{taught['cohort_id']}/enrolment")).status_code == 403


async def test_free_places_count_every_organization_s_participants(app: Any, tenant_a: Tenant) -> None:
    """A curator and a visitor see the cohort's real free places, not only the enrolments their scope reads."""
    cohort = await school_cohort(tenant_a, capacity=2)
    async with make_client(app) as curator, make_client(app) as other, make_client(app) as regional:
        await login_api(curator, tenant_a.curator, PASSWORD)
        await login_api(other, tenant_a.other_curator, PASSWORD)
        await login_api(regional, tenant_a.regional, PASSWORD)
        people = [await person(curator, f"Занявший{n}", "mentor") for n in range(2)]
        nominated = await curator.post(
            f"/api/v1/school/cohorts/{cohort['cohort_id']}/nominations", json={"person_ids": people}
        )
        for e in nominated.json():
            assert (await decide(regional, e["id"], "accept")).status_code == 200
        page = await other.get("/school/enrolment")
        assert page.status_code == 200
        row = page.text[page.text.index(f"Поток {cohort['tag']}") :]
        assert "0 из 2" in row[: row.index("</tr>")]
    async with make_client(app) as visitor:
        offer = await visitor.get(f"/school/offer?region={tenant_a.region_id}")
        row = offer.text[offer.text.index(f"Поток {cohort['tag']}") :]
        assert "0 из 2" in row[: row.index("</tr>")]
    # The withdrawal of a participant whose training is decided is refused.
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        await current_connection().execute(
            "UPDATE school_enrolment SET outcome = 'completed' WHERE id = $1", uuid.UUID(nominated.json()[0]["id"])
        )
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        refused = await decide(curator, nominated.json()[0]["id"], "withdraw", "Поздно")
        assert refused.status_code == 400 and "decision" in refused.json()["errors"]
