"""The consents that gate the work: participation before a pair, and a staff mentor's written consent to the
additional duties with its agreement (ст. 351.8 ТК РФ) before the pairs order, ended early by notice."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.registry import work_consents
from services.registry.consents import NO_AGREEMENT, NO_PARTICIPATION, SELF_ONLY, STAFF_ONLY
from shared.db import Scope, tenant_transaction
from tests.factories import iso, person
from tests.helpers import PASSWORD, Tenant, login_api, make_client, post_form

AGREEMENT = {"kind": "staff_duties", "agreement_number": "17-НС", "agreement_date": iso(-30), "given_on": iso(-30)}


async def consents_of(tenant: Tenant, person_id: str) -> Any:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return (await work_consents(tenant.organization_id, [UUID(person_id)]))[UUID(person_id)]


async def test_the_staff_duties_consent_needs_its_agreement_and_the_employee_himself(
    app: Any, tenant_a: Tenant
) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        teacher = await person(client, "Договорова", "mentor_candidate")
        url = f"/api/v1/people/{teacher}/consents"
        bare = await client.post(url, json={"kind": "staff_duties", "given_on": iso(-1)})
        assert bare.status_code == 400
        assert set(bare.json()["errors"]) == {"agreement_number", "agreement_date"}
        by_other = await client.post(
            url,
            json={
                **AGREEMENT,
                "given_by": "representative",
                "representative_name": "Иванов",
                "representative_relation": "муж",
                "representative_document": "паспорт",
            },
        )
        assert by_other.status_code == 400 and by_other.json()["errors"] == {"given_by": SELF_ONLY}
        future = await client.post(url, json={**AGREEMENT, "agreement_date": iso(5)})
        assert future.status_code == 400 and set(future.json()["errors"]) == {"agreement_date"}
        student = await person(client, "Студентова", "mentor_candidate", category="graduate")
        not_staff = await client.post(f"/api/v1/people/{student}/consents", json=AGREEMENT)
        assert not_staff.status_code == 400 and not_staff.json()["errors"] == {"kind": STAFF_ONLY}
        assert not (await consents_of(tenant_a, teacher)).has_agreement
        given = await client.post(url, json=AGREEMENT)
        assert given.status_code == 201, given.text
    found = await consents_of(tenant_a, teacher)
    assert found.is_staff and found.has_agreement and found.agreement_number == "17-НС"
    assert not found.participation


async def test_the_card_says_what_is_missing_and_the_duties_end_early_by_notice(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        teacher = await person(client, "Пробелова", "mentor_candidate")
        card = (await client.get(f"/people/{teacher}")).text
        assert NO_PARTICIPATION in card and NO_AGREEMENT in card
        shown = (await client.get(f"/api/v1/people/{teacher}")).json()
        assert shown["missing_before_pair"] == [NO_PARTICIPATION] and shown["missing_before_order"] == [NO_AGREEMENT]
        form = f"/people/{teacher}/consents/new"
        refused = await post_form(client, form, {"kind": "staff_duties", "given_by": "self", "given_on": iso(-2)})
        assert refused.status_code == 422 and "Укажите номер трудового договора" in refused.text
        for data in ({"kind": "participation", "given_on": iso(-2)}, AGREEMENT):
            saved = await post_form(client, form, {"given_by": "self", **data})
            assert saved.status_code == 303, saved.text
        card = (await client.get(f"/people/{teacher}")).text
        assert NO_PARTICIPATION not in card and NO_AGREEMENT not in card
        assert "соглашение № 17-НС" in card and "Отменить досрочно" in card
        assert (await consents_of(tenant_a, teacher)).participation
        shown = (await client.get(f"/api/v1/people/{teacher}")).json()
        assert shown["missing_before_pair"] == [] and shown["missing_before_order"] == []
        consent_id = next(
            c["id"]
            for c in (await client.get(f"/api/v1/people/{teacher}/consents")).json()
            if c["kind"] == "staff_duties"
        )
        withdraw = f"/people/{teacher}/consents/{consent_id}/withdraw"
        await post_form(client, withdraw, {"withdrawn_on": iso(3)}, page=f"/people/{teacher}")
        assert (await consents_of(tenant_a, teacher)).has_agreement  # a date ahead is refused
        ended = await post_form(client, withdraw, {"withdrawn_on": iso(0)}, page=f"/people/{teacher}")
        assert ended.status_code == 303
        card = (await client.get(f"/people/{teacher}")).text
        assert "отменено досрочно" in card and NO_AGREEMENT in card
    assert not (await consents_of(tenant_a, teacher)).has_agreement


async def test_a_mentee_without_a_personal_data_consent_may_not_take_part(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        mentee = await person(client, "Отозванова", "mentee_candidate")
        given = await client.post(
            f"/api/v1/people/{mentee}/consents", json={"kind": "participation", "given_on": iso(-1)}
        )
        assert given.status_code == 201
        assert (await consents_of(tenant_a, mentee)).participation
        data_consent = next(
            c["id"]
            for c in (await client.get(f"/api/v1/people/{mentee}/consents")).json()
            if c["kind"] == "personal_data"
        )
        withdrawn = await client.post(f"/api/v1/people/{mentee}/consents/{data_consent}/withdraw", json={})
        assert withdrawn.status_code == 200
    assert not (await consents_of(tenant_a, mentee)).participation
