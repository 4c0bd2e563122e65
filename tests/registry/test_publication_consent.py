"""The consent to publication: a kind of its own, a minor's only by a representative, and a person is publishable
only while both it and the consent to processing are active."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.registry import publication_consented
from shared import clock
from shared.db import Scope, tenant_transaction
from tests.helpers import PASSWORD, Tenant, login_api, make_client

REPRESENTATIVE = {
    "given_by": "representative",
    "representative_name": "Малова Анна Петровна",
    "representative_relation": "мать",
    "representative_document": "паспорт 1234 567890",
}


async def add_person(client: Any, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/people", json=fields)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def publishable(tenant: Tenant, ids: list[str]) -> set[str]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return {str(i) for i in await publication_consented([UUID(i) for i in ids])}


async def test_publication_needs_its_own_consent_beside_processing(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        mentor = await add_person(client, surname="Публичная", name="Ольга", category="staff", roles=["mentor"])
        pupil = await add_person(
            client,
            surname="Малов",
            name="Петя",
            category="learner",
            birth_date=f"{clock.today().year - 14}-03-01",
            class_or_course="8А",
            roles=["mentee_candidate"],
        )
        ids = [mentor["id"], pupil["id"]]
        url = f"/api/v1/people/{mentor['id']}/consents"
        processing = await client.post(url, json={"kind": "personal_data", "given_on": "2026-09-01"})
        assert processing.status_code == 201
        assert await publishable(tenant_a, ids) == set()  # processing alone publishes nothing
        published = await client.post(url, json={"kind": "publication", "given_on": "2026-09-01"})
        assert published.status_code == 201
        assert await publishable(tenant_a, ids) == {mentor["id"]}

        pupil_url = f"/api/v1/people/{pupil['id']}/consents"
        refused = await client.post(pupil_url, json={"kind": "publication", "given_on": "2026-09-01"})
        assert refused.status_code == 400 and "законный представитель" in refused.json()["errors"]["given_by"]
        for kind in ("publication", "personal_data"):
            given = await client.post(pupil_url, json={"kind": kind, "given_on": "2026-09-01", **REPRESENTATIVE})
            assert given.status_code == 201
        assert await publishable(tenant_a, ids) == {mentor["id"], pupil["id"]}

        processing_id = processing.json()["id"]
        withdrawn = await client.post(f"{url}/{processing_id}/withdraw", json={})
        assert withdrawn.status_code == 200
        assert await publishable(tenant_a, ids) == {pupil["id"]}  # gone at once, with the consent to processing
        card = await client.get(f"/people/{mentor['id']}")
        assert "На публикацию сведений" in card.text
