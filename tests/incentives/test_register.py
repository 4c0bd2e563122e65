"""The incentives register: a curator proposes, the order «О поощрении наставников» is drafted through the orders'
machinery, and only once the head registers it do the incentives show on the card, in the cabinet and (with the
consent to publication) on the public page; bad input is refused by field, other tenants get 404."""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

from services.contests.portfolio import assemble
from services.reports import count_region, rating_of
from shared.db import Scope, current_connection, tenant_transaction
from tests.factories import TODAY, person, sign
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, make_tenant, post_form
from tests.public.factories import add_to_registry, approved_registry, consent_to_publication


async def _propose(api: Any, mentor: str, **body: str) -> Any:
    return await api.post("/api/v1/incentives", json={"person_id": mentor, **body})


async def test_proposed_and_ordered_incentives_take_effect_only_when_the_order_is_registered(app: Any) -> None:
    tenant = await make_tenant("Поощрения")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        mentor = await person(api, "Грамотеева", "mentor", email=tenant.mentor, position="учитель химии")
        thanks = await _propose(api, mentor, kind="thanks", reason="За подготовку пары к конкурсу")
        assert thanks.status_code == 201, thanks.text
        assert thanks.json()["status"] == "proposed" and thanks.json()["full_name"].startswith("Грамотеева")
        bonus = await _propose(api, mentor, kind="bonus", reason="За год наставничества", amount="12 500,50")
        assert bonus.status_code == 201 and bonus.json()["amount"] == "12500.50"

        order = await api.post(
            "/api/v1/incentives/order", json={"incentive_ids": [thanks.json()["id"], bonus.json()["id"]]}
        )
        assert order.status_code == 201, order.text
        order_id = order.json()["order_id"]
        listed = {i["id"]: i for i in (await api.get("/api/v1/incentives")).json()}
        assert {i["status"] for i in listed.values()} == {"ordered"}
        again = await api.post("/api/v1/incentives/order", json={"incentive_ids": [thanks.json()["id"]]})
        assert again.status_code == 400 and "incentive_ids" in again.json()["errors"]

    async with make_client(app) as client:  # a draft order's incentives are nobody's achievement yet
        await login_page(client, tenant.curator, PASSWORD)
        fragment = await client.get(f"/incentives/people/{mentor}")
        assert fragment.status_code == 200 and "Поощрений по приказу нет" in fragment.text
        document = await client.get(f"/orders/{order_id}/document")
        assert document.status_code == 200 and document.content[:2] == b"PK"
        order_page = await client.get(f"/orders/{order_id}")
        assert "О поощрении наставников" in order_page.text

    await sign(order_id)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):  # the rating counts them too
        await count_region(tenant.region_id)
        (rated,) = await rating_of([uuid.UUID(mentor)])
        portfolio = await assemble(uuid.UUID(mentor), None, TODAY)  # a contest application's portfolio
    assert {p.source: p.count for p in rated.breakdown}["incentives"] == 2
    assert any("За подготовку пары к конкурсу" in line for line in portfolio.incentives)
    assert not any("руб." in line for line in portfolio.incentives)
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        shown = (await client.get(f"/incentives/people/{mentor}")).text
        assert "Благодарность" in shown and "За подготовку пары к конкурсу" in shown and "приказ №" in shown
        assert "12\u00a0500,50\u00a0руб." in shown
        card = (await client.get(f"/people/{mentor}")).text
        assert f'hx-get="/incentives/people/{mentor}"' in card
        register = await client.get("/incentives?status=effective")
        assert register.status_code == 200 and "Грамотеева" in register.text
        bonuses = (await client.get("/incentives?kind=bonus&year=" + str(TODAY.year))).text
        assert "За год наставничества" in bonuses and "За подготовку пары к конкурсу" not in bonuses
        assert 'id="q-kind"' in bonuses and bonuses.count('id="f-kind"') == 1
        assert "За год наставничества" not in (await client.get("/incentives?q=Иванов")).text
        export = await client.get("/incentives.xlsx")
        assert export.status_code == 200 and export.content[:2] == b"PK"
        evidence = await client.get(f"/reports/people/{mentor}/evidence.docx")
        assert evidence.status_code == 200 and evidence.content[:2] == b"PK"
        text = zipfile.ZipFile(io.BytesIO(evidence.content)).read("word/document.xml").decode()
        assert "7. Поощрения" in text and "За подготовку пары к конкурсу" in text
    async with make_client(app) as mentor_client:
        await login_page(mentor_client, tenant.mentor, PASSWORD)
        cabinet = (await mentor_client.get("/cabinet")).text
        assert "Поощрения" in cabinet and "За подготовку пары к конкурсу" in cabinet


async def test_bad_input_is_refused_by_field_and_nothing_is_written(app: Any) -> None:
    tenant = await make_tenant("Поощрения ошибки")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        mentor = await person(api, "Ошибкина", "mentor")
        learner = await person(
            api, "Ученикова", "mentor", category="learner", birth_date="2005-03-01", class_or_course="2 курс"
        )
        refused = await _propose(api, "", kind="medal", reason=" ")
        assert refused.status_code == 400
        assert set(refused.json()["errors"]) >= {"person_id", "kind", "reason"}
        amount = await _propose(api, mentor, kind="thanks", reason="За работу", amount="100")
        assert amount.status_code == 400 and "amount" in amount.json()["errors"]
        negative = await _propose(api, mentor, kind="bonus", reason="За работу", amount="-5")
        assert negative.status_code == 400 and "amount" in negative.json()["errors"]
        pay = await _propose(api, learner, kind="bonus", reason="За помощь пятиклассникам")
        assert pay.status_code == 400 and "обучающегося" in pay.json()["errors"]["kind"].lower()
        letter = await _propose(api, mentor, kind="parents_letter", reason="За работу")
        assert letter.status_code == 400 and "kind" in letter.json()["errors"]
        assert (await api.get("/api/v1/incentives")).json() == []
        letter = await _propose(api, learner, kind="parents_letter", reason="За помощь пятиклассникам")
        assert letter.status_code == 201, letter.text
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        page = await post_form(client, "/incentives", {"person_id": mentor, "kind": "thanks", "reason": ""})
        assert page.status_code == 422 and 'id="e-reason"' in page.text and "Напишите, за что" in page.text
    async with make_client(app) as municipal:  # pay is the organization head's decision
        await login_api(municipal, tenant.municipal, PASSWORD)
        bonus = await _propose(municipal, mentor, kind="allowance", reason="За работу")
        assert bonus.status_code == 400 and "руководитель организации" in bonus.json()["errors"]["kind"]


async def test_the_public_page_shows_an_incentive_only_with_the_consent_to_publication(app: Any) -> None:
    tenant = await make_tenant("Поощрения на странице")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        await approved_registry(api, tenant, ["Реестрова"])
        mentor = await person(api, "Публикуемова", "mentor", position="учитель истории")
        await add_to_registry(tenant, mentor)
        made = await _propose(api, mentor, kind="diploma", reason="За наставничество молодых учителей")
        order = await api.post("/api/v1/incentives/order", json={"incentive_ids": [made.json()["id"]]})
    await sign(order.json()["order_id"])
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        assert "За наставничество молодых учителей" not in (await client.get("/public-page/preview")).text
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        consent_id = await consent_to_publication(api, mentor)
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        preview = (await client.get("/public-page/preview")).text
        assert "Публикуемова" in preview and "Почётная грамота: За наставничество молодых учителей" in preview
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        withdrawn = await api.post(f"/api/v1/people/{mentor}/consents/{consent_id}/withdraw", json={})
        assert withdrawn.status_code == 200
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        assert "За наставничество молодых учителей" not in (await client.get("/public-page/preview")).text


async def test_levels_and_tenants_see_only_their_own(app: Any, tenant_b: Tenant) -> None:
    tenant = await make_tenant("Поощрения уровни")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        mentor = await person(api, "Уровнева", "mentor")
        own = await _propose(api, mentor, kind="thanks", reason="За открытый урок")
    async with make_client(app) as municipal:
        await login_api(municipal, tenant.municipal, PASSWORD)
        assert [i["id"] for i in (await municipal.get("/api/v1/incentives")).json()] == [own.json()["id"]]
        petition = await _propose(municipal, mentor, kind="award_petition", reason="За победу в конкурсе")
        assert petition.status_code == 201, petition.text
        assert petition.json()["level"] == "municipality"
    async with make_client(app) as api:  # the school does not see the municipality's proposal, nor drop it
        await login_api(api, tenant.curator, PASSWORD)
        assert [i["id"] for i in (await api.get("/api/v1/incentives")).json()] == [own.json()["id"]]
        ordered = await api.post("/api/v1/incentives/order", json={"incentive_ids": [petition.json()["id"]]})
        assert ordered.status_code == 400
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        dropped = await post_form(client, f"/incentives/{petition.json()['id']}/drop", {}, page="/incentives")
        assert dropped.status_code == 404
    async with make_client(app) as municipal:
        await login_api(municipal, tenant.municipal, PASSWORD)
        order = await municipal.post("/api/v1/incentives/order", json={"incentive_ids": [petition.json()["id"]]})
        assert order.status_code == 201, order.text
    await sign(order.json()["order_id"])
    async with make_client(app) as api:  # once in effect, the school sees the municipality's decision
        await login_api(api, tenant.curator, PASSWORD)
        statuses = {i["level"]: i["status"] for i in (await api.get("/api/v1/incentives")).json()}
        assert statuses == {"organization": "proposed", "municipality": "effective"}
    for login, others in ((tenant.other_curator, "school"), (tenant_b.regional, "region")):
        async with make_client(app) as client:
            await login_page(client, login, PASSWORD)
            assert (await client.get(f"/incentives/people/{mentor}")).status_code == 404, others
            assert "Уровнева" not in (await client.get("/incentives")).text
            dropped = await post_form(client, f"/incentives/{own.json()['id']}/drop", {}, page="/incentives")
            assert dropped.status_code == 404, others


async def test_forgetting_keeps_the_decision_and_drops_the_rest(app: Any) -> None:
    from services import incentives
    from services.registry import DESTROYED, Forgotten, Ground

    tenant = await make_tenant("Поощрения забвение")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        mentor = await person(api, "Забытова", "mentor")
        decided = await _propose(api, mentor, kind="thanks", reason="За личные успехи")
        await _propose(api, mentor, kind="diploma", reason="Ещё не решено")
        order = await api.post("/api/v1/incentives/order", json={"incentive_ids": [decided.json()["id"]]})
    await sign(order.json()["order_id"])
    person_id = uuid.UUID(mentor)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await incentives.forget_people(
            [Forgotten(id=person_id, ids=[person_id], names=["Забытова Тест"], ground=Ground.withdrawal)]
        )
        rows = await current_connection().fetch(
            "SELECT status, reason FROM mentor_incentive WHERE person_id = $1", person_id
        )
    assert [(r["status"], r["reason"]) for r in rows] == [("effective", DESTROYED)]


async def test_a_draft_order_is_broken_up_and_its_incentives_are_proposals_again(app: Any) -> None:
    tenant = await make_tenant("Поощрения проект")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        mentor = await person(api, "Черновикова", "mentor")
        made = await _propose(api, mentor, kind="diploma", reason="За методическую разработку")
        first = await api.post("/api/v1/incentives/order", json={"incentive_ids": [made.json()["id"]]})
        order_id = first.json()["order_id"]
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        page = (await client.get("/incentives")).text
        assert f"/incentives/orders/{order_id}/discard" in page
        discarded = await post_form(client, f"/incentives/orders/{order_id}/discard", {}, page="/incentives")
        assert discarded.status_code == 303
        assert (await client.get(f"/orders/{order_id}")).status_code == 404
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        (listed,) = (await api.get("/api/v1/incentives")).json()
        assert listed["status"] == "proposed" and listed["order_id"] is None
        second = await api.post("/api/v1/incentives/order", json={"incentive_ids": [made.json()["id"]]})
        assert second.status_code == 201
        sent = await api.post(f"/api/v1/orders/{second.json()['order_id']}/submit", json={})
        assert sent.status_code in (200, 201), sent.text
    async with make_client(app) as client:  # sent for signature: it stays
        await login_page(client, tenant.curator, PASSWORD)
        kept = await post_form(
            client, f"/incentives/orders/{second.json()['order_id']}/discard", {}, page="/incentives"
        )
        assert kept.status_code == 303
        assert (await client.get(f"/orders/{second.json()['order_id']}")).status_code == 200
    async with make_client(app) as other:  # another school's curator does not find it
        await login_page(other, tenant.other_curator, PASSWORD)
        refused = await post_form(
            other, f"/incentives/orders/{second.json()['order_id']}/discard", {}, page="/incentives"
        )
        assert refused.status_code == 404
