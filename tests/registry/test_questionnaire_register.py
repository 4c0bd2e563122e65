"""One register in the questionnaires: «вы» to adults, the seeds' first-person wording in what a learner may get,
and «ты» nowhere."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from services.registry.questionnaire_requests import QuestionnaireVersion, templates
from services.registry.questionnaires import REWORDED, TemplateBody
from shared.db import Level, Scope, tenant_transaction
from tests.helpers import PASSWORD, Tenant, login_api, make_client

THOU = re.compile(r"\b(ты|тебя|тебе|тобой|тво[йяеёи]\w*)\b", re.IGNORECASE)
YOU = re.compile(r"\b(вы|вас|вам|вами|ваш\w*)\b", re.IGNORECASE)


def wording(title: str, body: TemplateBody) -> str:
    parts = [title, *(s.title for s in body.sections)]
    for question in body.questions:
        parts += [question.text, *question.options]
    return "\n".join(parts)


async def newest() -> list[QuestionnaireVersion]:
    async with tenant_transaction(Scope(Level.platform)):
        return await templates()


def test_the_rules_catch_both_registers() -> None:
    assert THOU.search("Какие твои сильные стороны?") and THOU.search("Когда тебе удобно?")
    assert YOU.search("Был ли у вас опыт?") and not YOU.search("Вывод и вывеска")


async def test_no_questionnaire_says_thou_and_each_keeps_one_register(app: Any) -> None:
    found = await newest()
    assert {t["code"] for t in REWORDED} <= {t.code for t in found}
    for template in found:
        text = wording(template.title, template.body)
        assert not THOU.search(text), (template.code, THOU.findall(text))
        if template.audience == "mentor":
            assert YOU.search(text), template.code  # adults are addressed with «вы»
        else:  # a learner may get it: the seeds' first person, no address at all
            assert not YOU.search(text), (template.code, YOU.findall(text))
    versions = {t.code: t.version for t in found}
    assert all(versions[t["code"]] == t["version"] for t in REWORDED)


def test_the_reworded_versions_keep_the_question_codes_matching_reads() -> None:
    needs = msgspec.convert(next(t for t in REWORDED if t["code"] == "mentee_needs"), TemplateBody)
    assert {"wishes", "tags", "time"} <= {q.code for q in needs.questions}
    offer = msgspec.convert(next(t for t in REWORDED if t["code"] == "mentor_offer"), TemplateBody)
    assert {"tags", "time", "frequency", "training"} <= {q.code for q in offer.questions}


async def test_a_learners_questionnaire_page_never_says_thou(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        pupil = (
            await curator.post(
                "/api/v1/people",
                json={
                    "surname": "Регистрова",
                    "name": "Оля",
                    "category": "learner",
                    "birth_date": "2012-03-03",
                    "roles": ["mentee_candidate"],
                },
            )
        ).json()["id"]
        given = await curator.post(
            f"/api/v1/people/{pupil}/consents",
            json={
                "kind": "personal_data",
                "given_on": "2026-09-01",
                "given_by": "representative",
                "representative_name": "Регистрова Анна",
                "representative_relation": "мать",
                "representative_document": "паспорт",
            },
        )
        assert given.status_code == 201, given.text
        link = (await curator.post(f"/api/v1/people/{pupil}/questionnaires", json={"template": "mentee_needs"})).json()
    async with make_client(app) as phone:
        page = await phone.get(link["link"].replace("http://testserver.local", ""))
        assert page.status_code == 200 and "Что мне важно увидеть в наставнике?" in page.text
        assert not THOU.search(page.text)
