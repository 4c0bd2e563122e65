from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec

from services.registry.questionnaires import BUILTIN, REWORDED, TemplateBody, check_answers
from services.registry.tables import QuestionnaireRequest
from shared.clock import now
from shared.db import Level, Scope, tenant_transaction
from tests.helpers import PASSWORD, Tenant, login_api, make_client, post_form

MENTOR = msgspec.convert(next(t for t in BUILTIN if t["code"] == "mentor_offer"), TemplateBody)


def test_answers_are_checked_by_type() -> None:
    _, tags, errors = check_answers(
        MENTOR,
        {
            "experience": ["иногда"],
            "motivation": [""],
            "frequency": ["раз в месяц"],
            "hours": ["много"],
            "tags": ["#Математика", "Робото техника"],
        },
    )
    assert errors == {
        "experience": "Выберите один из вариантов",
        "motivation": "Ответьте на этот вопрос",
        "hours": "Введите число",
    }
    assert tags == ["#математика", "#робото_техника"]


def test_every_builtin_template_is_well_formed() -> None:
    codes = {t["code"] for t in BUILTIN}
    assert codes == {
        "mentee_needs",
        "mentor_offer",
        "group_preference",
        "meeting_feedback",
        "satisfaction_mentor",
        "satisfaction_mentee",
        "pair_pulse",
    }
    assert {t["code"] for t in REWORDED} <= codes
    for template in [*BUILTIN, *REWORDED]:
        for section in template["sections"]:
            for question in section["questions"]:
                assert question["type"] in (
                    "single",
                    "multiple",
                    "scale",
                    "number",
                    "date",
                    "text",
                    "long_text",
                    "tags",
                )
                assert bool(question["options"]) == (question["type"] in ("single", "multiple", "tags"))


async def mentor_with_consent(client: Any) -> str:
    person = (
        await client.post(
            "/api/v1/people",
            json={"surname": "Анкетова", "name": "Лидия", "category": "staff", "roles": ["mentor_candidate"]},
        )
    ).json()
    await client.post(
        f"/api/v1/people/{person['id']}/consents", json={"kind": "personal_data", "given_on": "2026-09-01"}
    )
    return str(person["id"])


async def test_a_questionnaire_by_personal_link(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        person_id = await mentor_with_consent(curator)
        link = await curator.post(f"/api/v1/people/{person_id}/questionnaires", json={"template": "mentor_offer"})
        path = link.json()["link"].replace("http://testserver.local", "")
    async with make_client(app) as phone:  # no account
        form = await phone.get(path)
        assert form.status_code == 200 and "Чем я могу быть полезен" in form.text and "Лидия" in form.text
        missing = await post_form(phone, path, {"experience": "нет"})
        assert missing.status_code == 422 and "Ответьте на этот вопрос" in missing.text
        done = await post_form(
            phone,
            path,
            {
                "experience": "нет",
                "motivation": "Хочу помочь молодым коллегам",
                "frequency": "раз в две недели",
                "tags": "#методика",
            },
        )
        assert done.status_code == 200 and "Спасибо" in done.text
        again = await phone.get(path)
        assert again.status_code == 410 and "уже заполнена" in again.text
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        [answer] = (await curator.get(f"/api/v1/people/{person_id}/questionnaires")).json()
        assert answer["version"] == 2 and answer["tags"] == ["#методика"]
        assert answer["answers"]["motivation"] == "Хочу помочь молодым коллегам"
        tagged = (await curator.get("/api/v1/people?base=mentors&tag=методика")).json()["items"]
        assert [p["id"] for p in tagged] == [person_id]
        card = await curator.get(f"/people/{person_id}")
        assert "Хочу помочь молодым коллегам" in card.text
    async with make_client(app) as other:
        await login_api(other, tenant_a.other_curator, PASSWORD)
        assert (await other.get(f"/api/v1/people/{person_id}/questionnaires")).status_code == 404


async def test_no_questionnaire_without_consent_and_links_expire(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        person = (
            await curator.post("/api/v1/people", json={"surname": "Безсогласная", "name": "Ия", "category": "staff"})
        ).json()
        refused = await curator.post(f"/api/v1/people/{person['id']}/questionnaires", json={"template": "mentor_offer"})
        assert refused.status_code == 400 and "согласия" in refused.json()["errors"]["template"]
        person_id = await mentor_with_consent(curator)
        link = (
            await curator.post(f"/api/v1/people/{person_id}/questionnaires", json={"template": "satisfaction_mentor"})
        ).json()["link"]
    async with tenant_transaction(Scope(Level.platform)):
        await (
            QuestionnaireRequest.update({QuestionnaireRequest.expires_at: now() - timedelta(minutes=1)})
            .where(QuestionnaireRequest.person_id == person_id)
            .run()
        )
    async with make_client(app) as phone:
        expired = await phone.get(link.replace("http://testserver.local", ""))
        assert expired.status_code == 410 and "истёк" in expired.text
