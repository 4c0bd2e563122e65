"""Orders take effect by the head's signature (or the level's coordinator's): the curator prepares and sends the
draft, the signer returns it with a comment or registers it; anyone else is refused on the page and in the API."""

from __future__ import annotations

import uuid
from typing import Any

from shared import clock
from tests import factories
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, post_form


def _register_form() -> dict[str, str]:
    return {"number": uuid.uuid4().hex[:8], "signed_on": clock.today().strftime("%d.%m.%Y")}


async def test_a_curator_refused_when_registering_an_order(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        school = await factories.programme(client)
        order = await factories.roadmap_order(client, school["id"])
        api = await client.post(
            f"/api/v1/orders/{order['id']}/register", json={**_register_form(), "signed_on": clock.today().isoformat()}
        )
        assert api.status_code == 403
        assert api.json()["errors"]["signer"] == "Приказ подписывает и регистрирует руководитель организации"
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        card = await client.get(f"/orders/{order['id']}")
        assert f'action="/orders/{order["id"]}/register"' not in card.text
        assert f'action="/orders/{order["id"]}/submit"' in card.text
        page = await post_form(client, f"/orders/{order['id']}/register", _register_form(), f"/orders/{order['id']}")
        assert page.status_code == 403
        assert "Приказ подписывает и регистрирует руководитель организации" in page.text
        after = (await client.get(f"/api/v1/orders/{order['id']}")).json()
        assert after["registered"] is False and after["state"] == "draft"


async def test_the_head_signs_what_the_curator_sent_and_returns_with_a_comment(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        school = await factories.programme(client)
        order = await factories.roadmap_order(client, school["id"])
    url = f"/orders/{order['id']}"

    async with make_client(app) as head:
        await login_page(head, fresh.head, PASSWORD)
        home = (await head.get("/workspace")).text
        assert "Приказы ждут вашей подписи" not in home  # a draft not yet sent is not the head's

    async with make_client(app) as curator:
        await login_page(curator, fresh.curator, PASSWORD)
        sent = await post_form(curator, f"{url}/submit", {}, url)
        assert sent.status_code == 303
        card = (await curator.get(url)).text
        assert "На подписи" in card and "подписывает руководитель организации" in card
        assert f'action="{url}/submit"' not in card
        assert "на подписи" in (await curator.get("/workspace")).text

    async with make_client(app) as head:
        await login_page(head, fresh.head, PASSWORD)
        home = (await head.get("/workspace")).text
        assert "Приказы ждут вашей подписи" in home and f'href="{url}"' in home
        empty = await post_form(head, f"{url}/return", {"comment": "  "}, url)
        assert empty.status_code == 422 and "Напишите, что исправить" in empty.text
        returned = await post_form(head, f"{url}/return", {"comment": "Уточнить сроки первого этапа"}, url)
        assert returned.status_code == 303
        assert "Приказы ждут вашей подписи" not in (await head.get("/workspace")).text

    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        state = (await curator.get(f"/api/v1{url}")).json()
        assert state["state"] == "draft" and state["return_comment"] == "Уточнить сроки первого этапа"
        again = await curator.post(f"/api/v1{url}/submit")
        assert again.status_code == 201 and again.json()["state"] == "awaiting"
        twice = await curator.post(f"/api/v1{url}/submit")
        assert twice.status_code == 400 and "order" in twice.json()["errors"]
        refused = await curator.post(f"/api/v1{url}/return", json={"comment": "сам себе"})
        assert refused.status_code == 403

    async with make_client(app) as head:
        await login_page(head, fresh.head, PASSWORD)
        card = (await head.get(url)).text
        assert f'action="{url}/register"' in card and f'action="{url}/return"' in card
        signed = await post_form(head, f"{url}/register", _register_form(), url)
        assert signed.status_code == 303
        assert "Приказ зарегистрирован и вступил в силу" in (await head.get(url)).text
        assert "Приказы ждут вашей подписи" not in (await head.get("/workspace")).text
    async with make_client(app) as head:
        await login_api(head, fresh.head, PASSWORD)
        programme = (await head.get(f"/api/v1/programmes/{school['id']}")).json()
        assert programme["roadmap_order_id"] == order["id"]


async def test_the_municipal_coordinator_signs_the_municipal_programmes_order(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.municipal, PASSWORD)
        municipal = await factories.programme(client)
        order = await factories.roadmap_order(client, municipal["id"])
        registered = await client.post(
            f"/api/v1/orders/{order['id']}/register",
            json={"number": uuid.uuid4().hex[:8], "signed_on": clock.today().isoformat()},
        )
        assert registered.status_code == 201, registered.text
        assert registered.json()["state"] == "registered"
    async with make_client(app) as client:
        await login_api(client, tenant_a.regional, PASSWORD)
        regional = await factories.programme(client)
        order = await factories.roadmap_order(client, regional["id"])
    async with make_client(app) as client:
        # the municipality's coordinator does not sign the region's orders: not even found in its register
        await login_api(client, tenant_a.municipal, PASSWORD)
        other = await client.post(
            f"/api/v1/orders/{order['id']}/register",
            json={"number": uuid.uuid4().hex[:8], "signed_on": clock.today().isoformat()},
        )
        assert other.status_code == 404
