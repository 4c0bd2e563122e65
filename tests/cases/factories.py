"""Cases built as their people would build them: a finished pair of the organization, a case written up by its
curator, sent, approved by the municipality and published."""

from __future__ import annotations

import uuid
from typing import Any

from shared.db import Scope, current_connection, tenant_transaction
from tests import factories
from tests.helpers import PASSWORD, Tenant, login_api, make_client

TEXTS = {
    "problem": "Молодые педагоги в первый год работы испытывают трудности с дисциплиной на уроках.",
    "goals": "Снизить тревожность молодого специалиста, освоить приёмы управления классом.",
    "activities": "Взаимопосещение уроков, разбор видеозаписей, совместное планирование.",
    "results": "Педагог провёл открытый урок, число замечаний администрации снизилось вдвое.",
}


async def finished_pair(app: Any, tenant: Tenant, *, mentee_extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A teacher–teacher pair of the tenant's organization that worked 100 days and is completed, with the
    mentee's scores before and after."""
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        programme = await factories.programme(client)
        tag = uuid.uuid4().hex[:5]
        mentor = await factories.person(client, f"Наставникова{tag}", "mentor")
        mentee = await factories.person(client, f"Наставляемов{tag}", "mentee_candidate", **(mentee_extra or {}))
        pair_id = await factories.active_pair(client, programme, mentor, [mentee], starts=-100)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        await db.execute(
            "UPDATE mentorship SET status = 'completed', finished_on = current_date WHERE id = $1", uuid.UUID(pair_id)
        )
        await db.execute(
            """INSERT INTO meeting (region_id, organization_id, mentorship_id, kind, held_on, format, minutes)
               SELECT region_id, organization_id, id, 'regular', current_date - 10, 'in_person', 60
               FROM mentorship WHERE id = $1""",
            uuid.UUID(pair_id),
        )
        parameter = await db.fetchval(
            """INSERT INTO assessment_parameter (region_id, organization_id, programme_id, position, title)
               VALUES ($1, $2, $3, 1, 'Уверенность') RETURNING id""",
            tenant.region_id,
            tenant.organization_id,
            uuid.UUID(programme["id"]),
        )
        for stage, score in (("before", 4), ("after", 7)):
            await db.execute(
                """INSERT INTO assessment (region_id, organization_id, parameter_id, person_id, stage, score,
                       assessed_on) VALUES ($1, $2, $3, $4, $5, $6, current_date)""",
                tenant.region_id,
                tenant.organization_id,
                parameter,
                uuid.UUID(mentee),
                stage,
                score,
            )
    return {"pair_id": pair_id, "mentor": mentor, "mentee": mentee}


async def write_case(client: Any, **fields: Any) -> dict[str, Any]:
    # Fields not given are the generic TEXTS, except when the caller writes its own texts: then they stay empty.
    own = any(name in fields for name in TEXTS)
    created = await client.post("/api/v1/cases", json={"title": "Кейс", **({} if own else TEXTS), **fields})
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


async def catalogue_form(client: Any, code: str = "teacher_teacher") -> str:
    forms = (await client.get("/api/v1/catalogue/forms")).json()
    form_id: str = next(f for f in forms if f["code"] == code)["id"]
    return form_id


async def published(app: Any, tenant: Tenant, **fields: Any) -> str:
    """A practice of the tenant's organization through the whole workflow to publication."""
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        fields.setdefault("form_id", await catalogue_form(curator))
        case = await write_case(curator, **fields)
        sent = await curator.post(f"/api/v1/cases/{case['id']}/send")
        assert sent.status_code == 200, sent.text
    async with make_client(app) as municipal:
        await login_api(municipal, tenant.municipal, PASSWORD)
        for action in ("approve", "publish"):
            done = await municipal.post(f"/api/v1/cases/{case['id']}/steps", json={"action": action})
            assert done.status_code == 200, done.text
    case_id: str = case["id"]
    return case_id
