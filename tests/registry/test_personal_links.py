"""The personal links sent to a person are listed on the card with their state, and sent again: the old link
stops working."""

from __future__ import annotations

import re
from typing import Any

from tests.helpers import PASSWORD, Tenant, login_api, make_client, post_form
from tests.registry.test_questionnaires import mentor_with_consent

HOST = "http://testserver.local"


async def test_links_are_listed_with_their_state_and_resent(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        person_id = await mentor_with_consent(curator)
        sent = await curator.post(f"/api/v1/people/{person_id}/questionnaires", json={"template": "mentor_offer"})
        first = sent.json()["link"].replace(HOST, "")
        [listed] = (await curator.get(f"/api/v1/people/{person_id}/questionnaires/links")).json()
        assert listed["state"] == "sent"
        card = (await curator.get(f"/people/{person_id}")).text
        assert "Отправленные личные ссылки" in card and "отправлена" in card and "Отправить ещё раз" in card
    async with make_client(app) as phone:
        assert (await phone.get(first)).status_code == 200
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        [listed] = (await curator.get(f"/api/v1/people/{person_id}/questionnaires/links")).json()
        assert listed["state"] == "opened"
        resend = f"/people/{person_id}/questionnaires/{listed['id']}/resend"
        done = await post_form(curator, resend, {}, page=f"/people/{person_id}")
        assert done.status_code == 303
        card = (await curator.get(f"/people/{person_id}")).text
        match = re.search(r"прежняя больше не действует\): http://testserver\.local(/q/[\w\-.]+)", card)
        assert match, card
        second = match.group(1)
        states = [
            link["state"] for link in (await curator.get(f"/api/v1/people/{person_id}/questionnaires/links")).json()
        ]
        assert states == ["sent", "replaced"]
    async with make_client(app) as phone:
        dead = await phone.get(first)
        assert dead.status_code == 410 and "больше не действует" in dead.text
        refused = await post_form(phone, second, {}, page=second)
        assert refused.status_code == 422  # the new one works: the answers are checked
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        links = (await curator.get(f"/api/v1/people/{person_id}/questionnaires/links")).json()
        again = await curator.post(f"/api/v1/people/{person_id}/questionnaires/{links[1]['id']}/resend")
        assert again.status_code == 400 and "заменена" in again.json()["errors"]["template"]
        other = await curator.post(f"/api/v1/people/{person_id}/questionnaires/{links[0]['id']}/resend")
        assert other.status_code == 201, other.text
        assert [
            link["state"] for link in (await curator.get(f"/api/v1/people/{person_id}/questionnaires/links")).json()
        ][:2] == ["sent", "replaced"]
