"""The school's planning page: the mentors' training needs from their questionnaires by municipality, and who has
no primary training yet, within the runner's scope only."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.factories import person
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant


async def answer(tenant: Tenant, organization_id: uuid.UUID, person_id: str, answers: dict[str, Any]) -> None:
    """The mentor's answer to «Чем я могу быть полезен в качестве наставника?», as the personal link saves it."""
    from shared.db import Scope, current_connection, tenant_transaction

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        template = await db.fetchval(
            "SELECT id FROM questionnaire_template WHERE code = 'mentor_offer' ORDER BY version DESC LIMIT 1"
        )
        await db.execute(
            """INSERT INTO questionnaire_answer (region_id, organization_id, person_id, template_id, answers, tags,
                   submitted_at) VALUES ($1, $2, $3, $4, $5::jsonb, '{}', now())""",
            tenant.region_id,
            organization_id,
            uuid.UUID(person_id),
            template,
            answers,
        )


async def trained(tenant: Tenant, organization_id: uuid.UUID, person_id: str, training: str) -> None:
    from shared.db import Scope, current_connection, tenant_transaction

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        school = await db.fetchval(
            "INSERT INTO mentor_school (region_id, name) VALUES ($1, 'Школа') RETURNING id", tenant.region_id
        )
        programme = await db.fetchval(
            """INSERT INTO school_programme (region_id, school_id, title, training, audience, published)
               VALUES ($1, $2, 'Курс', $3, '{mentor}', true) RETURNING id""",
            tenant.region_id,
            school,
            training,
        )
        cohort = await db.fetchval(
            """INSERT INTO school_cohort (region_id, school_id, programme_id, title, starts_on, ends_on, capacity)
               VALUES ($1, $2, $3, 'Поток', current_date - 40, current_date - 10, 20) RETURNING id""",
            tenant.region_id,
            school,
            programme,
        )
        await db.execute(
            """INSERT INTO school_enrolment (region_id, school_id, cohort_id, organization_id, person_id, audience,
                   full_name, state, outcome, completed_on)
               VALUES ($1, $2, $3, $4, $5, 'mentor', 'Тест', 'accepted', 'completed', current_date - 10)""",
            tenant.region_id,
            school,
            cohort,
            organization_id,
            uuid.UUID(person_id),
        )


TOPIC_A, TOPIC_B = "проведение встреч и обратная связь", "разрешение конфликтов"


@pytest.fixture(scope="module")
async def region(app: Any) -> Tenant:
    """Organization 1: mentors M1 (wants A and B; completed a primary course), M2 (wants A and something of their
    own; completed only an in-process course), candidate M3 (no answer), M4 without consent, and a mentee.
    Organization 2, another municipality: M5 (wants B)."""
    tenant = await make_tenant("Планирование")
    o1, o2 = tenant.organization_id, tenant.other_organization_id
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        m1 = await person(client, "Первая", "mentor")
        m2 = await person(client, "Вторая", "mentor")
        await person(client, "Третий", "mentor_candidate")
        m4 = await person(client, "Четвёртый", "mentor", consent=False)
        mentee = await person(client, "Наставляемый", "mentee_candidate")
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)
        m5 = await person(client, "Пятая", "mentor")
    await answer(tenant, o1, m1, {"training": [TOPIC_A, TOPIC_B]})
    await answer(tenant, o1, m2, {"training": [TOPIC_A], "training_other": "работа с родителями"})
    await answer(tenant, o1, m4, {"training": [TOPIC_B]})
    await answer(tenant, o1, mentee, {"training": [TOPIC_B]})
    await answer(tenant, o2, m5, {"training": [TOPIC_B]})
    await trained(tenant, o1, m1, "primary")
    await trained(tenant, o1, m2, "in_process")
    return tenant


def topics(line: dict[str, Any]) -> dict[str, int]:
    return {t["topic"]: t["mentors"] for t in line["topics"]}


async def test_the_region_plans_from_every_municipality(app: Any, region: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, region.regional, PASSWORD)
        got = await client.get("/api/v1/school/planning")
        assert got.status_code == 200, got.text
        plan = got.json()
        total = plan["total"]
        # M1, M2, M3 and M5 (M4 has no consent; the mentee is not of the mentor base).
        assert (total["mentors"], total["answered"], total["without_primary"], total["other"]) == (4, 3, 3, 1)
        assert topics(total) == {TOPIC_A: 2, TOPIC_B: 2}
        assert [(m["mentors"], m["without_primary"], topics(m)) for m in plan["municipalities"]] == [
            (3, 2, {TOPIC_A: 2, TOPIC_B: 1}),
            (1, 1, {TOPIC_B: 1}),
        ]
        page = await client.get("/school/planning")
        assert page.status_code == 200
        assert TOPIC_A in page.text and "Создать поток" in page.text and 'href="/school"' in page.text
        assert "<b>3</b>без первичного обучения" in page.text


async def test_a_runner_sees_only_their_scope(app: Any, region: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, region.municipal, PASSWORD)
        plan = (await client.get("/api/v1/school/planning")).json()
        assert plan["total"]["mentors"] == 3 and len(plan["municipalities"]) == 1
        assert topics(plan["total"]) == {TOPIC_A: 2, TOPIC_B: 1}
    async with make_client(app) as client:
        await login_api(client, region.curator, PASSWORD)
        assert (await client.get("/api/v1/school/planning")).status_code == 403  # the school is not theirs
        assert (await client.get("/school/planning")).status_code == 403
    from shared.db import Scope, current_connection, tenant_transaction

    async with tenant_transaction(Scope.for_region(region.region_id)):
        await current_connection().execute(
            "INSERT INTO mentor_school (region_id, organization_id, name) VALUES ($1, $2, 'Базовая школа')",
            region.region_id,
            region.other_organization_id,
        )
    async with make_client(app) as client:
        await login_api(client, region.other_curator, PASSWORD)  # their organization is a base of the network
        plan = (await client.get("/api/v1/school/planning")).json()
        assert (plan["total"]["mentors"], topics(plan["total"])) == (1, {TOPIC_B: 1})
    async with make_client(app) as client:
        await login_api(client, region.mentor, PASSWORD)
        assert (await client.get("/school/planning")).status_code == 403
