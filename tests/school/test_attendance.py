"""Attendance: the trainer's tap on a phone (htmx) and the API, lateness and absence with a reason, the hours
recounted; the participants' check-in by code or QR link, with wrong, expired and foreign codes refused and
guessing limited; a trainer of another cohort cannot mark."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared import clock
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client, make_tenant, post_form
from tests.school.teaching_setup import another_trainer, make_course, scalar


async def test_the_trainer_marks_by_tap_and_by_api(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh)
    session_id, enrolment_id = course.session_ids[0], course.enrolment_ids[1]
    async with make_client(app) as client:
        await login_api(client, fresh.trainer, PASSWORD)
        page = await client.get(f"/school/sessions/{session_id}")
        assert page.status_code == 200
        assert "Участник1 Курса" in page.text and 'class="tap"' in page.text
        token = await csrf_token(client, f"/school/sessions/{session_id}")
        tapped = await client.post(
            f"/school/sessions/{session_id}/attendance/{enrolment_id}/tap",
            data={"_csrf_token": token},
            headers={"HX-Request": "true"},
        )
        assert tapped.status_code == 200
        assert tapped.text.lstrip().startswith("<li") and "Присутствовал" in tapped.text  # the row alone
        assert tapped.headers["vary"] == "HX-Request"
        hours = "SELECT hours_attended FROM school_enrolment WHERE id = $1"
        assert await scalar(fresh.region_id, hours, enrolment_id) == 2

        late = await client.post(
            f"/school/sessions/{session_id}/attendance/{enrolment_id}",
            data={"_csrf_token": token, "status": "late", "minutes_late": "abc"},
            headers={"HX-Request": "true"},
        )
        assert "Сколько минут опоздания" in late.text  # the error beside the field, in the row

        api = f"/api/v1/school/sessions/{session_id}/attendance"
        response = await client.put(f"{api}/{enrolment_id}", json={"status": "late", "minutes_late": 12})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "late" and response.json()["minutes_late"] == 12
        refused = await client.put(f"{api}/{course.enrolment_ids[2]}", json={"status": "absent"})
        assert refused.status_code == 400 and "reason_kind" in refused.json()["errors"]
        absent = await client.put(
            f"{api}/{course.enrolment_ids[2]}", json={"status": "absent", "reason_kind": "excused", "reason": "Болезнь"}
        )
        assert absent.json()["reason"] == "Уважительная причина: Болезнь"
        marks = {m["enrolment_id"]: m for m in (await client.get(api)).json()}
        assert marks[str(enrolment_id)]["via"] == "trainer"
        assert marks[str(course.enrolment_ids[0])]["status"] is None
        assert await scalar(fresh.region_id, hours, course.enrolment_ids[2]) == 0

        again = await client.post(
            f"/school/sessions/{session_id}/attendance/{enrolment_id}/tap", data={"_csrf_token": token}
        )
        assert again.status_code == 303  # without htmx the page comes back
        assert await scalar(fresh.region_id, hours, enrolment_id) == 2  # late → present: still counts
        await client.post(f"/school/sessions/{session_id}/attendance/{enrolment_id}/tap", data={"_csrf_token": token})
        assert await scalar(fresh.region_id, hours, enrolment_id) == 0  # present → unmarked
    audited = await scalar(
        fresh.region_id,
        "SELECT count(*) FROM audit_log WHERE person_id = (SELECT person_id FROM school_enrolment WHERE id = $1)"
        " AND details LIKE 'посещаемость занятия%'",
        enrolment_id,
    )
    assert audited >= 4


async def test_a_trainer_of_another_cohort_cannot_mark(app: Any, fresh: Tenant, tenant_b: Tenant) -> None:
    course = await make_course(fresh)
    session_id, enrolment_id = course.session_ids[0], course.enrolment_ids[0]
    other = await another_trainer(fresh)
    async with make_client(app) as client:
        await login_api(client, other, PASSWORD)
        assert (await client.get(f"/school/sessions/{session_id}")).status_code == 403
        put = await client.put(
            f"/api/v1/school/sessions/{session_id}/attendance/{enrolment_id}", json={"status": "present"}
        )
        assert put.status_code == 403
        assert (await client.get("/school/teaching")).text.count(str(session_id)) == 0
    async with make_client(app) as client:
        await login_api(client, tenant_b.trainer, PASSWORD)
        put = await client.put(
            f"/api/v1/school/sessions/{session_id}/attendance/{enrolment_id}", json={"status": "present"}
        )
        assert put.status_code == 404
    assert (
        await scalar(fresh.region_id, "SELECT count(*) FROM school_attendance WHERE session_id = $1", session_id) == 0
    )


async def test_check_in_by_code_and_by_the_qr_link(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh)
    started_long_ago, just_started = course.session_ids[0], course.session_ids[1]
    async with make_client(app) as trainer:
        await login_api(trainer, fresh.trainer, PASSWORD)
        opened = await post_form(
            trainer, f"/school/sessions/{just_started}/checkin", {"hours": "2"}, page=f"/school/sessions/{just_started}"
        )
        assert opened.status_code == 303 and opened.headers["location"].endswith("/projector")
        projector = await trainer.get(f"/school/sessions/{just_started}/projector")
        code = await scalar(fresh.region_id, "SELECT checkin_code FROM school_session WHERE id = $1", just_started)
        assert len(code) == 6 and code.isdigit()
        assert code in projector.text and "<svg" in projector.text and "style=" not in projector.text
        api_open = await trainer.post(f"/api/v1/school/sessions/{started_long_ago}/checkin", json={})
        old_code = api_open.json()["checkin_code"]
        assert api_open.json()["checkin_open"] and old_code != code

    async with make_client(app) as mentor:
        await login_api(mentor, fresh.mentor, PASSWORD)
        wrong = await mentor.post("/api/v1/school/checkin", json={"code": "000000" if code != "000000" else "111111"})
        assert wrong.status_code == 400 and wrong.json()["errors"]["code"] == "Неверный код занятия"
        done = await mentor.post("/api/v1/school/checkin", json={"code": code})
        assert done.status_code == 200, done.text
        # 30 minutes after the start: later than 15 minutes is a lateness, with the minutes counted
        assert done.json()["status"] == "late" and 29 <= done.json()["minutes_late"] <= 31
        again = await post_form(mentor, "/school/checkin", {"code": code})  # the code sent twice
        assert again.status_code == 200 and "уже отмечены" in again.text

        # a session that began three days ago, its code opened now: the QR link fills the form, one tap marks
        await scalar(
            fresh.region_id,
            "UPDATE school_session SET starts_at = now() - interval '5 minutes' WHERE id = $1 RETURNING 1",
            started_long_ago,
        )
        link = await mentor.get(f"/school/checkin?code={old_code}")
        assert link.status_code == 200 and f'value="{old_code}"' in link.text  # opening the link marks nothing
        by_link = await post_form(
            mentor, "/school/checkin", {"code": old_code}, page=f"/school/checkin?code={old_code}"
        )
        assert by_link.status_code == 200 and "Вы отмечены на занятии" in by_link.text
        await scalar(
            fresh.region_id,
            "UPDATE school_session SET checkin_until = now() - interval '1 minute' WHERE id = $1 RETURNING 1",
            started_long_ago,
        )
        expired = await post_form(mentor, "/school/checkin", {"code": old_code})
        assert expired.status_code == 422 and "Срок действия кода истёк" in expired.text
    rows = await scalar(
        fresh.region_id,
        "SELECT array_agg(status || ':' || via ORDER BY status) FROM school_attendance WHERE enrolment_id = $1",
        course.enrolment_ids[0],
    )
    assert rows == ["late:code", "present:code"]
    assert (
        await scalar(
            fresh.region_id, "SELECT hours_attended FROM school_enrolment WHERE id = $1", course.enrolment_ids[0]
        )
        == 4
    )


async def test_check_in_refuses_one_not_enrolled_and_limits_guessing(app: Any) -> None:
    tenant = await make_tenant("Отметка")
    course = await make_course(tenant, participants=1, session_starts=(timedelta(minutes=5),))
    code = await open_code(app, tenant, course.session_ids[0])
    async with make_client(app) as curator:  # a curator can take part, but is not in this cohort
        await login_api(curator, tenant.curator, PASSWORD)
        refused = await curator.post("/api/v1/school/checkin", json={"code": code})
        assert refused.status_code == 400
        assert refused.json()["errors"]["code"] == "Вы не зачислены в поток этого занятия"
        for _ in range(9):
            await curator.post("/api/v1/school/checkin", json={"code": "999999" if code != "999999" else "888888"})
        limited = await curator.post("/api/v1/school/checkin", json={"code": code})
        assert limited.status_code == 429 and "Слишком много неверных кодов" in limited.json()["errors"]["code"]
    async with make_client(app) as mentor:  # the limit is the curator's, not everyone's
        await login_api(mentor, tenant.mentor, PASSWORD)
        done = await mentor.post("/api/v1/school/checkin", json={"code": code})
        assert done.status_code == 200 and done.json()["status"] == "present"


async def open_code(app: Any, tenant: Tenant, session_id: Any) -> str:
    """Opens the session's check-in as its trainer does, and gives the code."""
    async with make_client(app) as trainer:
        await login_api(trainer, tenant.trainer, PASSWORD)
        opened = await trainer.post(f"/api/v1/school/sessions/{session_id}/checkin", json={"hours": "1"})
        assert opened.status_code == 201, opened.text
        code: str = opened.json()["checkin_code"]
    return code


async def test_sessions_are_planned_edited_and_kept_once_marked(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh)
    in_a_week, in_two = clock.today() + timedelta(days=7), clock.today() + timedelta(days=14)
    async with make_client(app) as client:
        await login_api(client, fresh.trainer, PASSWORD)
        cohort_page = f"/school/teaching/cohorts/{course.cohort_id}"
        bad = await post_form(
            client,
            f"{cohort_page}/sessions",
            {"module_id": "", "title": "", "starts_on": "31.02.2026", "starts_time": "25:00", "hours": "0"},
            page=cohort_page,
        )
        assert bad.status_code == 422
        for message in ("Укажите тему занятия", "Такой даты нет", "Время в формате ЧЧ:ММ", "Часы: число"):
            assert message in bad.text
        good = await post_form(
            client,
            f"{cohort_page}/sessions",
            {"module_id": str(course.module_ids[1]), "starts_on": f"{in_a_week:%d.%m.%Y}", "starts_time": "10:00"},
            page=cohort_page,
        )
        assert good.status_code == 303
        created = await client.get(good.headers["location"])
        assert "Технологии общения" in created.text and f"{in_a_week:%d.%m.%Y} 10:00" in created.text

        api = await client.post(
            f"/api/v1/school/cohorts/{course.cohort_id}/sessions",
            json={"title": "Обмен опытом", "starts_on": in_two.isoformat(), "starts_time": "09:30", "hours": 1.5},
        )
        assert api.status_code == 201, api.text
        session = api.json()
        assert session["hours"] == "1.5" and session["title"] == "Обмен опытом"
        wrong = await client.put(f"/api/v1/school/sessions/{session['id']}", json={"starts_time": "9"})
        assert wrong.status_code == 400 and {"starts_on", "starts_time"} <= set(wrong.json()["errors"])
        outside = await client.put(
            f"/api/v1/school/sessions/{session['id']}",
            json={
                "title": "Обмен",
                "starts_on": (in_two + timedelta(days=60)).isoformat(),
                "starts_time": "09:30",
                "hours": 1,
            },
        )
        assert outside.json()["errors"]["starts_on"].startswith("Поток идёт с ")
        assert (await client.delete(f"/api/v1/school/sessions/{session['id']}")).status_code == 204

        marked = course.session_ids[0]
        await client.put(
            f"/api/v1/school/sessions/{marked}/attendance/{course.enrolment_ids[0]}", json={"status": "present"}
        )
        kept = await client.delete(f"/api/v1/school/sessions/{marked}")
        assert kept.status_code == 400 and "session" in kept.json()["errors"]
