"""Twice-yearly effectiveness monitoring: the period opens a month before its deadline, curators who have not
reported are reminded once per reminder, the report carries the indicators, and coordinators see who is missing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.monitoring import quality
from services.monitoring.jobs import check_monitoring
from shared.settings import get_settings
from tests.factories import contingent
from tests.helpers import PASSWORD, login_api, make_client, make_tenant, run_worker


def mails_to(inbox: Any, address: str) -> list[str]:
    return [m.get_payload(decode=True).decode() for m in inbox.to(address)]


async def test_a_period_opens_reminds_once_and_closes(app: Any, smtp: Any) -> None:
    inbox, port = smtp
    ctx = {"settings": replace(get_settings(), smtp_port=port), "redis": app.state.redis}
    tenant = await make_tenant("Мониторинг")

    await check_monitoring(ctx, "2027-02-20")  # more than a month before 30.03: nothing opens
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        assert (await client.get("/api/v1/monitoring/periods")).json() == []

    await check_monitoring(ctx, "2027-03-05")
    await check_monitoring(ctx, "2027-03-06")
    opened = mails_to(inbox, tenant.curator)
    assert len(opened) == 1 and "Открыт" in opened[0] and "30.03.2027" in opened[0]
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        periods = (await client.get("/api/v1/monitoring/periods")).json()
        assert [(p["covers_from"], p["deadline"], p["closed"]) for p in periods] == [
            ("2026-10-01", "2027-03-30", False)
        ]
        period_id = periods[0]["id"]

    await check_monitoring(ctx, "2027-03-23")  # a week before: a reminder to both organizations' curators
    await check_monitoring(ctx, "2027-03-24")  # not again the next day
    assert len(mails_to(inbox, tenant.curator)) == 2 and "Напоминаем" in mails_to(inbox, tenant.curator)[1]
    assert len(mails_to(inbox, tenant.other_curator)) == 2

    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        short = await client.post(
            f"/api/v1/monitoring/{period_id}/report",
            json={"achievements": "Всё", "quality": {"rhythm": {"level": "no", "comment": ""}, "pairs": "meets"}},
        )
        assert short.status_code == 400
        # The curator's questionnaire: every condition answered, a comment where one is not met in full.
        assert {"achievements", "quality_regulation", "quality_rhythm", "quality_pairs"} <= set(short.json()["errors"])
        questionnaire = {c.code: {"level": "meets", "comment": ""} for c in quality.CONDITIONS}
        questionnaire["training"] = {"level": "partly", "comment": "Школа наставников — весной"}
        questionnaire["motivation"] = {"level": "no", "comment": "Поощрений пока не было"}
        sent = await client.post(
            f"/api/v1/monitoring/{period_id}/report",
            json={
                "achievements": "Сформированы пары, проведены встречи",
                "problems": "",
                "plans": "Конкурс",
                "quality": questionnaire,
            },
        )
        assert sent.status_code == 201, sent.text
        assert {"learners_share", "pairs", "meetings"} <= set(sent.json()["indicators"])
        # No contingent yet: the report says so instead of a share.
        assert sent.json()["indicators"]["learners_share"] is None
        page = (await client.get(f"/monitoring/{period_id}")).text
        assert "нет данных о контингенте" in page
        # With the school's contingent, the half-year's shares divide by it: nobody of its 300 learners aged 10–18
        # is in a pair yet.
        await contingent(
            tenant.region_id,
            tenant.organization_id,
            learners_total=400,
            learners_10_18=300,
            teachers=30,
            school_year=2026,
        )
        sent = await client.post(
            f"/api/v1/monitoring/{period_id}/report",
            json={"achievements": "Сформированы пары, проведены встречи", "quality": questionnaire},
        )
        assert sent.status_code == 201, sent.text
        shares = sent.json()["indicators"]
        assert (shares["learners_share"], shares["teachers_share"], shares["school_year"]) == (0.0, 0.0, 2026)
        assert shares["contingent"][0]["learners_contingent"] == 300
        page = (await client.get(f"/monitoring/{period_id}")).text
        assert "от контингента 2026/27 уч. г." in page and "0,0 %" in page

    await check_monitoring(ctx, "2027-03-29")  # a day before: only the organization that has not reported
    assert len(mails_to(inbox, tenant.curator)) == 2
    assert len(mails_to(inbox, tenant.other_curator)) == 3

    await check_monitoring(ctx, "2027-03-31")
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        reports = (await client.get(f"/api/v1/monitoring/{period_id}/reports")).json()
        submitted = {r["organization_id"]: r["submitted_at"] is not None for r in reports}
        assert submitted == {str(tenant.organization_id): True, str(tenant.other_organization_id): False}
        # 9 conditions met, one partly, one not: (9 + 0.5) of 11
        assert [r["conformity"] for r in reports if r["submitted_at"]] == [round(100 * 9.5 / 11)]
        assert (await client.get("/api/v1/monitoring/periods")).json()[0]["closed"] is True
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        own = (await client.get(f"/api/v1/monitoring/{period_id}/reports")).json()
        assert [r["organization_id"] for r in own] == [str(tenant.organization_id)]  # never another municipality
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)
        late = await client.post(
            f"/api/v1/monitoring/{period_id}/report", json={"achievements": "Поздний отчёт о работе"}
        )
        assert late.status_code == 400 and "period" in late.json()["errors"]


async def test_influence_is_the_change_between_the_two_stages(app: Any) -> None:
    from tests.factories import active_pair, person, programme

    tenant = await make_tenant("Влияние")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Оценивающая", "mentor")
        mentee = await person(client, "Оцениваемый", "mentee_candidate")
        await active_pair(client, prog, mentor, [mentee])
        parameters = (await client.get(f"/api/v1/programmes/{prog['id']}/assessment-parameters")).json()
        assert [p["title"] for p in parameters][:2] == ["Учебные (профессиональные) результаты", "Мотивация"]
        motivation, results = parameters[1]["id"], parameters[0]["id"]
        scores = [
            {"person_id": mentee, "parameter_id": motivation, "stage": "before", "score": "4"},
            {"person_id": mentee, "parameter_id": motivation, "stage": "after", "score": "8"},
            {"person_id": mentee, "parameter_id": results, "stage": "before", "score": "5"},
            {"person_id": mentee, "parameter_id": results, "stage": "after", "score": "6"},
            {"person_id": mentor, "parameter_id": motivation, "stage": "before", "score": "7"},  # no "after" yet
        ]
        saved = await client.post(f"/api/v1/programmes/{prog['id']}/assessments", json=scores)
        assert saved.status_code == 201 and saved.json() == {"saved": 5}
        bad = await client.post(
            f"/api/v1/programmes/{prog['id']}/assessments",
            json=[{"person_id": mentee, "parameter_id": motivation, "stage": "after", "score": "11"}],
        )
        assert bad.status_code == 400
        result = (await client.get(f"/api/v1/programmes/{prog['id']}/influence")).json()
        assert result["per_person"][mentee] == 2.5  # (8 + 6) / 2 − (4 + 5) / 2
        assert result["per_person"][mentor] is None
        assert list(result["per_pair"].values()) == [2.5] and result["per_form"] == {"педагог – педагог": 2.5}
        assert result["per_parameter"][motivation] == 4.0
        page = await client.get(f"/programmes/{prog['id']}/assessments")
        assert page.status_code == 200 and "+2,5" in page.text
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)
        assert (await client.get(f"/api/v1/programmes/{prog['id']}/influence")).status_code == 404


async def test_satisfaction_questionnaires_go_out_once_and_are_reminded_once(app: Any, smtp: Any) -> None:
    import uuid

    from shared.db import Scope, current_connection, tenant_transaction
    from tests.factories import active_pair, person, programme

    inbox, port = smtp
    tenant = await make_tenant("Удовлетворённость")
    tag = uuid.uuid4().hex[:6]
    mentor_mail, mentee_mail = f"sat-mentor-{tag}@test.local", f"sat-mentee-{tag}@test.local"
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Довольная", "mentor", email=mentor_mail)
        mentee = await person(client, "Довольный", "mentee_candidate", email=mentee_mail)
        pair = await active_pair(client, prog, mentor, [mentee])
        url = f"/api/v1/programmes/{prog['id']}/satisfaction"
        assert (await client.post(url, json={})).json() == {"sent": 0, "skipped": 0}  # no finished pair yet
        await client.post(f"/api/v1/pairs/{pair}/status", json={"action": "complete"})
        assert (await client.post(url, json={})).json() == {"sent": 2, "skipped": 0}
        assert (await client.post(url, json={"who": "all"})).json() == {"sent": 0, "skipped": 2}
    await run_worker(app, port)
    assert len(inbox.to(mentor_mail)) == 1 and len(inbox.to(mentee_mail)) == 1

    ctx = {"settings": replace(get_settings(), smtp_port=port), "redis": app.state.redis}
    await check_monitoring(ctx)
    await run_worker(app, port)
    assert len(inbox.to(mentor_mail)) == 1  # not a week yet
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            """UPDATE questionnaire_request SET created_at = created_at - interval '8 days'
               WHERE person_id = ANY($1::uuid[])""",
            [uuid.UUID(mentor), uuid.UUID(mentee)],
        )
    await check_monitoring(ctx)
    await check_monitoring(ctx)
    await run_worker(app, port)
    reminders = [text for text in mails_to(inbox, mentor_mail) if "Напоминаем" in text]
    assert len(inbox.to(mentor_mail)) == 2 and len(reminders) == 1
