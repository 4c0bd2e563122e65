"""The assessment: a test auto-scored all-or-nothing per question (single and multiple choice) against the pass
mark, with limited attempts; an assignment handed in and graded by the trainer; the trainer's credit."""

from __future__ import annotations

from typing import Any

from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client, post_form
from tests.school.teaching_setup import make_course, scalar


async def test_the_test_is_scored_and_its_attempts_are_limited(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh, max_attempts=2)
    single, multiple = (str(q) for q in course.question_ids)
    url = f"/school/my/enrolments/{course.enrolment_ids[0]}/test"
    async with make_client(app) as client:
        await login_api(client, fresh.mentor, PASSWORD)
        cabinet = await client.get("/school/my")
        assert "Основы наставничества" in cabinet.text
        form = await client.get(url)
        assert form.status_code == 200 and "Формы наставничества" in form.text and 'type="checkbox"' in form.text

        unanswered = await post_form(client, url, {f"q_{single}": "0"})
        assert unanswered.status_code == 422 and "Выберите ответ" in unanswered.text  # nothing counted
        assert (
            await scalar(fresh.region_id, "SELECT count(*) FROM school_attempt WHERE cohort_id = $1", course.cohort_id)
            == 0
        )

        token = await csrf_token(client, url)
        # the single one right, the multiple one half right: all or nothing → 50 %, under the pass mark of 70 %
        half = await client.post(url, data={"_csrf_token": token, f"q_{single}": "0", f"q_{multiple}": "0"})
        assert half.status_code == 303
        result = await client.get(half.headers["location"])
        assert "Результат: 50,0 % — тест не сдан" in result.text
        token = await csrf_token(client, url)
        extra = {"_csrf_token": token, f"q_{single}": "0", f"q_{multiple}": ["0", "1", "2"]}
        wrong_extra = await client.post(url, data=extra)
        assert wrong_extra.status_code == 303  # a superfluous option makes the question wrong: 50 % again
        scores = await scalar(
            fresh.region_id,
            "SELECT array_agg(score_pct::text || ':' || passed::text ORDER BY submitted_at) FROM school_attempt"
            " WHERE enrolment_id = $1",
            course.enrolment_ids[0],
        )
        assert scores == ["50.0:false", "50.0:false"]

        exhausted = await post_form(
            client,
            url,
            {f"q_{single}": "0", f"q_{multiple}": "0"},
            page=f"/school/my/enrolments/{course.enrolment_ids[0]}",
        )
        assert exhausted.status_code in (200, 422)
        assert "Попытки закончились" in exhausted.text
    assert (
        await scalar(
            fresh.region_id, "SELECT count(*) FROM school_attempt WHERE enrolment_id = $1", course.enrolment_ids[0]
        )
        == 2
    )


async def test_a_right_test_passes_and_no_more_attempts_are_taken(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh)
    single, multiple = (str(q) for q in course.question_ids)
    url = f"/school/my/enrolments/{course.enrolment_ids[0]}/test"
    async with make_client(app) as client:
        await login_api(client, fresh.mentor, PASSWORD)
        token = await csrf_token(client, url)
        right = {"_csrf_token": token, f"q_{single}": "0", f"q_{multiple}": ["1", "0"]}
        passed = await client.post(url, data=right)
        assert passed.status_code == 303
        page = await client.get(f"/school/my/enrolments/{course.enrolment_ids[0]}")
        assert "100,0 %" in page.text and "Сдано" in page.text
        again = await post_form(client, url, {f"q_{single}": "1", f"q_{multiple}": "2"}, page=url)
        assert "Тест уже сдан" in again.text
    # another participant's test is not the mentor's to take
    async with make_client(app) as client:
        await login_api(client, fresh.mentor, PASSWORD)
        assert (await client.get(f"/school/my/enrolments/{course.enrolment_ids[1]}/test")).status_code == 404


async def test_the_test_by_api(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh, max_attempts=1)
    single, multiple = (str(q) for q in course.question_ids)
    url = f"/api/v1/school/enrolments/{course.enrolment_ids[0]}/test"
    async with make_client(app) as client:
        await login_api(client, fresh.mentor, PASSWORD)
        missing = await client.post(url, json={"answers": {single: [0]}})
        assert missing.status_code == 400 and missing.json()["errors"] == {f"answers.{multiple}": "Выберите ответ"}
        two = await client.post(url, json={"answers": {single: [0, 1], multiple: [0, 1]}})
        assert two.json()["errors"] == {f"answers.{single}": "Выберите один вариант"}
        done = await client.post(url, json={"answers": {single: [0], multiple: [1, 0]}})
        assert done.status_code == 200 and done.json()["score_pct"] == "100.0" and done.json()["passed"] is True
        other = f"/api/v1/school/enrolments/{course.enrolment_ids[1]}/test"
        assert (await client.post(other, json={"answers": {}})).status_code == 404


async def test_an_assignment_is_handed_in_and_graded(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh, assessment="assignment")
    mine = f"/school/my/enrolments/{course.enrolment_ids[0]}"
    async with make_client(app) as client:
        await login_api(client, fresh.mentor, PASSWORD)
        empty = await post_form(client, f"{mine}/assignment", {"text": " "}, page=mine)
        assert empty.status_code == 422 and "Напишите ответ или приложите файл" in empty.text
        token = await csrf_token(client, mine)
        sent = await client.post(
            f"{mine}/assignment",
            data={"_csrf_token": token, "text": "Дорожная карта школы"},
            files={"file": ("карта.pdf", b"%PDF-1.4 map", "application/pdf")},
        )
        assert sent.status_code == 303
        twice = await post_form(client, f"{mine}/assignment", {"text": "Ещё"}, page=mine)
        assert "ждёт проверки" in twice.text
    attempt_id = await scalar(
        fresh.region_id, "SELECT id FROM school_attempt WHERE enrolment_id = $1", course.enrolment_ids[0]
    )
    async with make_client(app) as trainer:
        await login_api(trainer, fresh.trainer, PASSWORD)
        home = await trainer.get("/school/teaching")
        assert "Проверить работы" in home.text and "Участник0 Курса" in home.text
        cohort_page = f"/school/teaching/cohorts/{course.cohort_id}"
        file = await trainer.get(f"/school/teaching/attempts/{attempt_id}/file")
        assert file.content == b"%PDF-1.4 map" and "filename*=UTF-8''" in file.headers["content-disposition"]
        no_comment = await post_form(
            trainer, f"/school/teaching/attempts/{attempt_id}/grade", {"passed": "no"}, page=cohort_page
        )
        assert no_comment.status_code == 303
        assert "Напишите, что доработать" in (await trainer.get(cohort_page)).text
        graded = await post_form(
            trainer,
            f"/school/teaching/attempts/{attempt_id}/grade",
            {"passed": "yes", "comment": "Хорошо"},
            page=cohort_page,
        )
        assert graded.status_code == 303
    assert await scalar(fresh.region_id, "SELECT passed FROM school_attempt WHERE id = $1", attempt_id) is True
    async with make_client(app) as client:
        await login_api(client, fresh.mentor, PASSWORD)
        assert "зачтено — Хорошо" in (await client.get(mine)).text


async def test_the_trainers_credit(app: Any, fresh: Tenant) -> None:
    course = await make_course(fresh, assessment="credit")
    cohort_page = f"/school/teaching/cohorts/{course.cohort_id}"
    async with make_client(app) as trainer:
        await login_api(trainer, fresh.trainer, PASSWORD)
        url = f"/school/teaching/enrolments/{course.enrolment_ids[1]}/credit"
        await post_form(trainer, url, {"passed": "yes"}, page=cohort_page)
        verdicts = (await trainer.get(f"/api/v1/school/cohorts/{course.cohort_id}/completion")).json()
        by_id = {v["enrolment_id"]: v for v in verdicts}
        assert by_id[str(course.enrolment_ids[1])]["assessment_passed"] is True
        assert by_id[str(course.enrolment_ids[2])]["assessment_passed"] is None
        assert "Зачёт преподавателя: нет результата" in by_id[str(course.enrolment_ids[2])]["failures"]
