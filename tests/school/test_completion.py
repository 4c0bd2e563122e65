"""Completion by the programme's rules (attendance share of the sessions held, hours, the test), each failed rule
named in Russian; the override with a mandatory reason, audited and undone; what the certificates read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.school import completed_of
from shared.db import Scope, tenant_transaction
from tests.helpers import PASSWORD, Tenant, login_api, make_client, post_form
from tests.school.teaching_setup import Course, make_course, scalar

FOUR_HELD = (timedelta(days=-20), timedelta(days=-15), timedelta(days=-10), timedelta(days=-5), timedelta(days=5))


async def _mark(client: Any, course: Course, enrolment: int, sessions: range) -> None:
    for n in sessions:
        url = f"/api/v1/school/sessions/{course.session_ids[n]}/attendance/{course.enrolment_ids[enrolment]}"
        assert (await client.put(url, json={"status": "present"})).status_code == 200


async def _pass_test(course: Course, enrolment: int, passed: bool) -> None:
    await scalar(
        course.region_id,
        """INSERT INTO school_attempt (region_id, school_id, cohort_id, organization_id, enrolment_id, kind,
               score_pct, passed)
           SELECT region_id, school_id, cohort_id, organization_id, id, 'test', $2, $3 FROM school_enrolment
           WHERE id = $1 RETURNING 1""",
        course.enrolment_ids[enrolment],
        100 if passed else 40,
        passed,
    )


async def test_the_rules_decide_and_name_what_failed(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh, min_attendance_pct=75, min_hours=6, session_starts=FOUR_HELD)
    async with make_client(app) as trainer:
        await login_api(trainer, fresh.trainer, PASSWORD)
        await _mark(trainer, course, 0, range(4))  # all four held sessions, 8 h, test passed: completed
        await _mark(trainer, course, 1, range(2))  # 2 of 4 held, 4 h: short on attendance and hours
        await _mark(trainer, course, 2, range(4))  # all attended, but the test failed
        await _pass_test(course, 0, True)
        await _pass_test(course, 1, True)
        await _pass_test(course, 2, False)

        api = f"/api/v1/school/cohorts/{course.cohort_id}/completion"
        early = await trainer.post(api, json={})
        assert early.status_code == 400 and "confirm" in early.json()["errors"]  # the cohort has not ended
        decided = await trainer.post(api, json={"early": True})
        assert decided.status_code == 200, decided.text
        by_name = {v["full_name"]: v for v in decided.json()}

    first, second, third = (by_name[f"Участник{n} Курса"] for n in range(3))
    assert first["outcome"] == "completed" and first["failures"] == [] and first["share_pct"] == "100.0"
    assert second["outcome"] == "not_completed" and second["held"] == 4 and second["attended"] == 2
    assert second["failures"] == [
        "Посещаемость 50 % (2 из 4 занятий) — нужно не меньше 75 %",
        "Посещено 4 ч — нужно не меньше 6 ч",
    ]
    assert third["outcome"] == "not_completed" and third["failures"] == ["Тест: не сдан"]

    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        completed = await completed_of(course.cohort_id)
    assert [c.full_name for c in completed] == ["Участник0 Курса"]
    done = completed[0]
    assert done.completed_on is not None and done.programme_title == "Основы наставничества"
    assert done.hours_attended == 8 and done.programme_hours == 6 and done.school_name == "Школа наставников"
    assert done.user_id is not None and done.organization_id == fresh.organization_id

    async with make_client(app) as trainer:
        await login_api(trainer, fresh.trainer, PASSWORD)
        page = await trainer.get(f"/school/teaching/cohorts/{course.cohort_id}")
        assert "Посещаемость 50 % (2 из 4 занятий)" in page.text and "подвести итоги досрочно" in page.text
        cohort_page = f"/school/teaching/cohorts/{course.cohort_id}"
        unconfirmed = await post_form(trainer, f"{cohort_page}/completion", {}, page=cohort_page)
        assert "Поток ещё не закончился" in (await trainer.get(unconfirmed.headers["location"])).text


async def test_the_override_needs_a_reason_is_audited_and_undone(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh, assessment="none", starts_days=-40, ends_days=-1, session_starts=FOUR_HELD)
    enrolment = course.enrolment_ids[1]
    async with make_client(app) as trainer:
        await login_api(trainer, fresh.trainer, PASSWORD)
        await _mark(trainer, course, 0, range(4))
        decided = await post_form(
            trainer, f"/school/teaching/cohorts/{course.cohort_id}/completion", {}, page="/school/teaching"
        )
        assert decided.status_code == 303  # the cohort has ended: no confirmation needed
        outcomes = "SELECT outcome || ':' || coalesce(completed_on::text, '-') FROM school_enrolment WHERE id = $1"
        ends_on = await scalar(fresh.region_id, "SELECT ends_on FROM school_cohort WHERE id = $1", course.cohort_id)
        assert await scalar(fresh.region_id, outcomes, course.enrolment_ids[0]) == f"completed:{ends_on}"
        assert await scalar(fresh.region_id, outcomes, enrolment) == "not_completed:-"

        url = f"/api/v1/school/enrolments/{enrolment}/outcome"
        no_reason = await trainer.put(url, json={"outcome": "completed", "reason": "  "})
        assert no_reason.status_code == 400 and no_reason.json()["errors"]["reason"] == "Укажите причину решения"
        assert await scalar(fresh.region_id, outcomes, enrolment) == "not_completed:-"  # nothing written
        wrong = await trainer.put(url, json={"outcome": "maybe", "reason": "Так"})
        assert "outcome" in wrong.json()["errors"]
        overridden = await trainer.put(
            url, json={"outcome": "completed", "reason": "Пропуски по болезни, задания выполнены самостоятельно"}
        )
        assert overridden.status_code == 200
        body = overridden.json()
        assert body["outcome"] == "completed" and body["overridden"] and body["failures"]  # the rules still say no

        # deciding again keeps the trainer's decision
        await trainer.post(f"/api/v1/school/cohorts/{course.cohort_id}/completion", json={})
        assert await scalar(fresh.region_id, outcomes, enrolment) == f"completed:{ends_on}"
        page = await trainer.get(f"/school/teaching/cohorts/{course.cohort_id}")
        assert "Решение преподавателя: Пропуски по болезни" in page.text

        undone = await post_form(
            trainer,
            f"/school/teaching/enrolments/{enrolment}/outcome",
            {"outcome": "rules"},
            page=f"/school/teaching/cohorts/{course.cohort_id}",
        )
        assert undone.status_code == 303
        assert await scalar(fresh.region_id, outcomes, enrolment) == "not_completed:-"
        assert (
            await scalar(fresh.region_id, "SELECT outcome_overridden FROM school_enrolment WHERE id = $1", enrolment)
            is False
        )
    trail = await scalar(
        fresh.region_id,
        """SELECT array_agg(details ORDER BY at) FROM audit_log
           WHERE person_id = (SELECT person_id FROM school_enrolment WHERE id = $1) AND details LIKE '%итог%'""",
        enrolment,
    )
    assert "итог обучения в школе наставников изменён вручную: completed" in trail
    assert "ручное решение об итоге обучения отменено" in trail


async def test_only_the_cohorts_trainer_or_runner_decides(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh, assessment="none")
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)  # the regional school is not the organization's
        refused = await curator.post(f"/api/v1/school/cohorts/{course.cohort_id}/completion", json={"early": True})
        assert refused.status_code == 403
    async with make_client(app) as regional:
        await login_api(regional, fresh.regional, PASSWORD)
        decided = await regional.post(f"/api/v1/school/cohorts/{course.cohort_id}/completion", json={"early": True})
        assert decided.status_code == 200
        assert (await regional.get(f"/school/teaching/cohorts/{course.cohort_id}")).status_code == 200
