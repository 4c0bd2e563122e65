"""The questionnaire report of a programme, counted by hand on an organization built for it: the page and the XLSX."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from tests.factories import person, programme
from tests.helpers import PASSWORD, login_api, make_client, make_tenant, post_form

HOST = "http://testserver.local"


async def answer(app: Any, curator: Any, person_id: str, code: str, data: dict[str, Any] | None) -> None:
    """Sends the personal link; answers it on a phone unless `data` is None."""
    sent = await curator.post(f"/api/v1/people/{person_id}/questionnaires", json={"template": code})
    assert sent.status_code == 201, sent.text
    if data is None:
        return
    path = sent.json()["link"].replace(HOST, "")
    async with make_client(app) as phone:
        done = await post_form(phone, path, data)
        assert done.status_code == 200 and "Спасибо" in done.text, done.text


async def test_the_report_sets_requests_against_offers(app: Any) -> None:
    tenant = await make_tenant("Анкеты")
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        prog = await programme(curator)
        first, second, silent = [await person(curator, name, "mentee_candidate") for name in ("Ан", "Бе", "Ве")]
        await person(curator, "Без согласия", "mentee_candidate", consent=False)
        mentor, unasked = [await person(curator, name, "mentor_candidate") for name in ("Ге", "Де")]
        needs = {"results": "7", "wishes": "Разобраться в задачах"}
        await answer(
            app, curator, first, "mentee_needs", {**needs, "tags": ["#математика", "#проекты"], "time": "после уроков"}
        )
        await answer(app, curator, second, "mentee_needs", {**needs, "tags": "#математика", "time": "в выходные"})
        await answer(app, curator, silent, "mentee_needs", None)
        await answer(
            app,
            curator,
            mentor,
            "mentor_offer",
            {
                "experience": "нет",
                "motivation": "Помочь ученикам",
                "tags": ["#математика", "#спорт"],
                "time": "после уроков",
                "frequency": "раз в две недели",
                "training": ["психология возраста наставляемых", "индивидуальный план развития"],
                "training_other": "работа с родителями",
            },
        )
        assert unasked
        report = await curator.get(f"/reports/questionnaires/{prog['id']}")
        assert report.status_code == 200, report.text
        text = report.text
        assert "<b>2 из 3</b>наставляемых ответили на анкету (в базе 3)" in text
        assert "<b>1 из 1</b>наставников и кандидатов ответили на анкету (в базе 2)" in text
        assert "<tr><td>#математика</td><td>2</td><td>1</td></tr>" in text
        assert '<tr><td>#проекты</td><td>1</td><td>0 <span class="badge bad">нет наставников</span></td></tr>' in text
        assert "<tr><td>#спорт</td><td>0</td><td>1</td></tr>" in text
        assert "<tr><td>после уроков</td><td>1</td><td>1</td></tr>" in text
        assert "<tr><td>психология возраста наставляемых</td><td>1</td></tr>" in text
        download = await curator.get(f"/reports/questionnaires/{prog['id']}/xlsx")
        assert download.status_code == 200
        assert "filename*=UTF-8''" in download.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == ["Охват", "Запросы и предложения", "Время встреч", "Обучение наставников"]
    rows = [list(r) for r in book["Охват"].iter_rows(min_row=4, values_only=True)]
    assert rows == [["Наставляемые", 3, 3, 2], ["Наставники и кандидаты", 2, 1, 1]]
    themes = {r[0]: (r[1], r[2]) for r in book["Запросы и предложения"].iter_rows(min_row=4, values_only=True)}
    assert themes == {"#математика": (2, 1), "#проекты": (1, 0), "#спорт": (0, 1)}
    training = {r[0]: r[1] for r in book["Обучение наставников"].iter_rows(min_row=4, values_only=True)}
    assert training == {
        "индивидуальный план развития": 1,
        "психология возраста наставляемых": 1,
        "Другое (своими словами)": 1,
    }
    sheet = book["Запросы и предложения"]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"


async def test_another_organization_does_not_see_the_report(app: Any) -> None:
    tenant = await make_tenant("Чужие анкеты")
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        prog = await programme(curator)
    async with make_client(app) as other:
        await login_api(other, tenant.other_curator, PASSWORD)
        assert (await other.get(f"/reports/questionnaires/{prog['id']}")).status_code == 404
        assert (await other.get(f"/reports/questionnaires/{prog['id']}/xlsx")).status_code == 404
