"""The trainer's home: today's and upcoming sessions and the cohorts of the trainer's own teaching only; the regional
coordinator reaches the same pages for any cohort; the participant's cabinet shows their cohort."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client
from tests.school.teaching_setup import another_trainer, make_course, scalar


async def test_the_trainer_home_lists_their_sessions_and_cohorts(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh, session_starts=(timedelta(minutes=1), timedelta(days=2), timedelta(days=40)))
    finished = await make_course(fresh, starts_days=-60, ends_days=-30, session_starts=(timedelta(days=-40),))
    await scalar(
        fresh.region_id,
        "UPDATE school_cohort SET title = 'Поток прошлый' WHERE id = $1 RETURNING 1",
        finished.cohort_id,
    )
    other = await another_trainer(fresh)
    async with make_client(app) as client:
        response = await login_page(client, fresh.trainer, PASSWORD)
        assert response.headers["location"] == "/"
        home = await client.get("/", follow_redirects=True)
        assert home.url.path == "/school/teaching"
        text = home.text
        today, soon, later = (str(s) for s in course.session_ids)
        assert text.index("Сегодня") < text.index(today) < text.index("Ближайшие занятия") < text.index(soon)
        assert later not in text  # more than two weeks ahead
        assert "Идут сейчас" in text and f"/school/teaching/cohorts/{course.cohort_id}" in text
        assert "Завершены" in text and "Поток прошлый" in text
        cohort = await client.get(f"/school/teaching/cohorts/{course.cohort_id}")
        assert cohort.status_code == 200 and "Занятие 1" in cohort.text and "Участник0 Курса" in cohort.text
    async with make_client(app) as client:
        await login_api(client, other, PASSWORD)
        home = await client.get("/school/teaching")
        assert home.status_code == 200 and str(course.cohort_id) not in home.text
        assert (await client.get(f"/school/teaching/cohorts/{course.cohort_id}")).status_code == 403
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        home = await client.get("/school/teaching")
        assert str(course.cohort_id) in home.text and str(finished.cohort_id) in home.text
        assert (await client.get(f"/school/sessions/{course.session_ids[0]}")).status_code == 200


async def test_the_participant_sees_their_cohort_in_the_cabinet(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh, session_starts=(timedelta(days=-1), timedelta(days=2)))
    async with make_client(app) as client:
        await login_page(client, fresh.mentor, PASSWORD)
        school = await client.get("/school")
        assert 'href="/school/my"' in school.text  # the school's «Моё обучение»
        mine = await client.get("/school/my")
        assert "Основы наставничества" in mine.text and "Занятие 2" in mine.text
        detail = await client.get(f"/school/my/enrolments/{course.enrolment_ids[0]}")
        assert detail.status_code == 200 and "нет отметки" in detail.text and "Пройти тест" in detail.text
        assert (await client.get(f"/school/my/enrolments/{course.enrolment_ids[1]}")).status_code == 404
        assert (await client.get("/school/teaching")).status_code == 403
