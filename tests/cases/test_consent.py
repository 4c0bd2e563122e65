"""Names in a published case: none while it is anonymised; otherwise only of participants whose consent to
publication holds (a minor's by a legal representative, and then only the first name), read each time the case is
shown, so that withdrawing the consent removes the name at once; a minor without it never appears."""

from __future__ import annotations

import uuid
from typing import Any

from shared import clock
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.cases.factories import TEXTS, finished_pair
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant

REPRESENTATIVE = {
    "given_by": "representative",
    "representative_name": "Малова Анна Петровна",
    "representative_relation": "мать",
    "representative_document": "паспорт 1234 567890",
}


async def publish_case(app: Any, tenant: Tenant, pair_id: str, *, anonymised: bool) -> str:
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        case = await curator.post(
            "/api/v1/cases",
            json={"title": "Пара, которую помнят", "mentorship_id": pair_id, "anonymised": anonymised, **TEXTS},
        )
        assert case.status_code == 201, case.text
        assert (await curator.post(f"/api/v1/cases/{case.json()['id']}/send")).status_code == 200
    async with make_client(app) as municipal:
        await login_api(municipal, tenant.municipal, PASSWORD)
        for action in ("approve", "publish"):
            step = await municipal.post(f"/api/v1/cases/{case.json()['id']}/steps", json={"action": action})
            assert step.status_code == 200, step.text
    case_id: str = case.json()["id"]
    return case_id


async def full_name(tenant: Tenant, person_id: str) -> str:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        name: str = await current_connection().fetchval(
            "SELECT full_name FROM person WHERE id = $1", uuid.UUID(person_id)
        )
        return name


async def test_names_only_with_the_consent_to_publication_and_gone_on_withdrawal(app: Any) -> None:
    tenant = await make_tenant("кейсы-согласия")
    pair = await finished_pair(app, tenant)
    named = await publish_case(app, tenant, pair["pair_id"], anonymised=False)
    hidden = await publish_case(app, tenant, (await finished_pair(app, tenant))["pair_id"], anonymised=True)
    mentor_name = await full_name(tenant, pair["mentor"])
    mentee_name = await full_name(tenant, pair["mentee"])

    async def shown(case_id: str) -> tuple[list[dict[str, Any]], str]:
        async with make_client(app) as visitor:
            card = await visitor.get(f"/api/v1/cases/{case_id}")
            assert card.status_code == 200
            return card.json()["participants"], (await visitor.get(f"/cases/{case_id}")).text

    participants, page = await shown(named)
    assert [p["name"] for p in participants] == ["", ""]
    assert mentor_name not in page and mentee_name not in page

    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        given = await curator.post(
            f"/api/v1/people/{pair['mentor']}/consents", json={"kind": "publication", "given_on": "2026-09-01"}
        )
        assert given.status_code == 201, given.text
        participants, page = await shown(named)
        assert participants[0] == {"role": "mentor", "label": "Наставник", "name": mentor_name}
        assert participants[1]["name"] == "" and mentor_name in page and mentee_name not in page
        hidden_participants, _ = await shown(hidden)
        assert all(p["name"] == "" for p in hidden_participants)  # anonymised: nobody, consent or not

        withdrawn = await curator.post(
            f"/api/v1/people/{pair['mentor']}/consents/{given.json()['id']}/withdraw", json={}
        )
        assert withdrawn.status_code == 200, withdrawn.text
        participants, page = await shown(named)
        assert participants[0]["name"] == "" and mentor_name not in page
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            stored = await current_connection().fetchval(
                "SELECT concat_ws(' ', title, problem, goals, activities, results, quotes) FROM practice_case "
                "WHERE id = $1",
                uuid.UUID(named),
            )
        assert mentor_name not in stored  # names are never copied into the case


async def test_a_minors_data_never_appears_and_with_a_representative_only_the_first_name(app: Any) -> None:
    tenant = await make_tenant("кейсы-дети")
    pair = await finished_pair(app, tenant)
    case_id = await publish_case(app, tenant, pair["pair_id"], anonymised=False)
    born = f"{clock.today().year - 14}-03-01"
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        pupils = []
        for surname, name in (("Малов", "Петя"), ("Тайнов", "Ваня")):
            created = await curator.post(
                "/api/v1/people",
                json={
                    "surname": surname,
                    "name": name,
                    "category": "learner",
                    "birth_date": born,
                    "class_or_course": "8А",
                    "roles": ["mentee_candidate"],
                },
            )
            assert created.status_code == 201, created.text
            pupils.append(created.json()["id"])
        url = f"/api/v1/people/{pupils[0]}/consents"
        for kind in ("personal_data", "publication"):
            given = await curator.post(url, json={"kind": kind, "given_on": "2026-09-01", **REPRESENTATIVE})
            assert given.status_code == 201, given.text
        # The second pupil: the representative consented to processing, not to publication.
        processing = await curator.post(
            f"/api/v1/people/{pupils[1]}/consents",
            json={"kind": "personal_data", "given_on": "2026-09-01", **REPRESENTATIVE},
        )
        assert processing.status_code == 201
    organization_scope = Scope(
        Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id
    )
    async with tenant_transaction(organization_scope):
        for position, pupil in enumerate(pupils, start=5):
            await current_connection().execute(
                """INSERT INTO practice_case_participant (region_id, case_id, organization_id, municipality_id,
                       person_id, role, position) VALUES ($1, $2, $3, $4, $5, 'mentee', $6)""",
                tenant.region_id,
                uuid.UUID(case_id),
                tenant.organization_id,
                tenant.municipality_id,
                uuid.UUID(pupil),
                position,
            )
    async with make_client(app) as visitor:
        card = (await visitor.get(f"/api/v1/cases/{case_id}")).json()
        page = (await visitor.get(f"/cases/{case_id}")).text
    names = [p["name"] for p in card["participants"]]
    assert "Петя" in names and "Малов" not in page and "Малов Петя" not in str(card)
    assert "Тайнов" not in page and "Ваня" not in page and "Ваня" not in str(card)
