"""Senior pupils and students mentor (ученик – ученик, студент – студент): a minor takes the role «наставник» only
with a legal representative's consent to taking part in the programme."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.registry.people import MINOR_MENTOR_NEEDS
from shared import clock
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant
from tests.registry.test_people_rules import add_person


def sixteen_years_ago() -> str:
    today = clock.today()
    return date(today.year - 16, 1, 15).isoformat()


REPRESENTATIVE = {
    "given_by": "representative",
    "representative_name": "Старшова Ирина Петровна",
    "representative_relation": "мать",
    "representative_document": "паспорт 4510 123456",
    "given_on": "2026-09-01",
}


async def test_a_sixteen_year_old_mentors_with_a_representatives_consent(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        pupil = await add_person(
            client,
            surname="Старшова",
            category="learner",
            class_or_course="10А",
            birth_date=sixteen_years_ago(),
            roles=["mentor_candidate"],
        )
        refused = await client.patch(f"/api/v1/people/{pupil}", json={"roles": ["mentor"]})
        assert refused.status_code == 400, refused.text  # personal data consent missing: no editing at all
        given = await client.post(f"/api/v1/people/{pupil}/consents", json={"kind": "personal_data", **REPRESENTATIVE})
        assert given.status_code == 201, given.text
        refused = await client.patch(f"/api/v1/people/{pupil}", json={"roles": ["mentor"]})
        assert refused.status_code == 400 and refused.json()["errors"] == {"roles": MINOR_MENTOR_NEEDS}
        roles = (await client.get(f"/api/v1/people/{pupil}")).json()["participations"]
        assert {r["role"] for r in roles if not r["archived_at"]} == {"mentor_candidate"}
        given = await client.post(f"/api/v1/people/{pupil}/consents", json={"kind": "participation", **REPRESENTATIVE})
        assert given.status_code == 201, given.text
        accepted = await client.patch(f"/api/v1/people/{pupil}", json={"roles": ["mentor"]})
        assert accepted.status_code == 200, accepted.text
        roles = (await client.get(f"/api/v1/people/{pupil}")).json()["participations"]
        assert {r["role"] for r in roles if not r["archived_at"]} == {"mentor"}


async def test_a_minor_is_refused_as_a_mentor_when_created_without_consents(app: Any) -> None:
    tenant = await make_tenant("Юные")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        refused = await client.post(
            "/api/v1/people",
            json={
                "surname": "Юнова",
                "name": "Ася",
                "category": "learner",
                "birth_date": sixteen_years_ago(),
                "roles": ["mentor"],
            },
        )
        assert refused.status_code == 400 and refused.json()["errors"] == {"roles": MINOR_MENTOR_NEEDS}
        listed = (await client.get("/api/v1/people", params={"base": "all"})).json()
        assert listed["total"] == 0  # nothing half-written
        candidate = await add_person(
            client, surname="Юнова", category="learner", birth_date=sixteen_years_ago(), roles=["mentor_candidate"]
        )
        roles = (await client.get(f"/api/v1/people/{candidate}")).json()["participations"]
        assert [r["role"] for r in roles] == ["mentor_candidate"]


async def test_a_minor_is_never_a_curator(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        refused = await client.post(
            "/api/v1/people",
            json={
                "surname": "Малова",
                "name": "Ия",
                "category": "learner",
                "birth_date": sixteen_years_ago(),
                "roles": ["curator_candidate"],
            },
        )
        assert refused.status_code == 400
        assert refused.json()["errors"] == {"roles": "Куратором может быть только совершеннолетний"}
