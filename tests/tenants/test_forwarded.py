"""Forwarded headers are believed only from trusted proxies: for the login limits and the audit log's address."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from typing import Any

from shared.settings import get_settings
from tests.helpers import PASSWORD, Tenant, login_api, make_client, running_app

PROXY = "10.55.0.2"


async def audited_address(app: Any, tenant: Tenant, surname: str) -> str:
    """The address the audit log shows, on the regional coordinator's page, for the person just created."""
    async with make_client(app, ip="10.0.0.50") as regional:
        assert (await login_api(regional, tenant.regional, PASSWORD)).status_code == 200
        page = await regional.get("/audit", params={"who": tenant.curator, "action": "create"})
        assert page.status_code == 200
    row = next(r for r in page.text.split("<tr>") if surname in r)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    return cells[-1].strip()


async def create_person(client: Any, surname: str) -> None:
    response = await client.post("/api/v1/people", json={"surname": surname, "name": "Адрес", "category": "staff"})
    assert response.status_code == 201, response.text


async def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app, ip="10.77.0.1") as attacker:
        for n in range(20):  # each guess claims to come from somewhere new
            attacker.headers["X-Forwarded-For"] = f"198.51.100.{n}"
            assert (await login_api(attacker, f"guess{n}@test.local", "bad-password1")).status_code == 401
        attacker.headers["X-Forwarded-For"] = "198.51.100.200"
        blocked = await login_api(attacker, tenant_a.municipal, PASSWORD)
        assert blocked.status_code == 429  # the limit counts the peer, whatever the header says

    surname = f"Спуф{uuid.uuid4().hex[:6]}"
    async with make_client(app, ip="10.77.0.2") as curator:
        curator.headers["X-Forwarded-For"] = "203.0.113.9"
        assert (await login_api(curator, tenant_a.curator, PASSWORD)).status_code == 200
        await create_person(curator, surname)
    assert await audited_address(app, tenant_a, surname) == "10.77.0.2"


async def test_a_trusted_proxy_is_believed_and_the_right_most_untrusted_address_is_the_client(
    app: Any, tenant_a: Tenant
) -> None:
    settings = replace(get_settings(), trusted_proxies=("10.55.0.0/24",))
    async with running_app(settings) as proxied:
        async with make_client(proxied, ip=PROXY) as via_proxy:
            for n in range(20):
                via_proxy.headers["X-Forwarded-For"] = "192.0.2.66"
                await login_api(via_proxy, f"guess{n}@test.local", "bad-password1")
            assert (await login_api(via_proxy, tenant_a.municipal, PASSWORD)).status_code == 429
            # Another client behind the same proxy is another address: not blocked.
            via_proxy.headers["X-Forwarded-For"] = "192.0.2.67"
            assert (await login_api(via_proxy, tenant_a.municipal, PASSWORD)).status_code == 200

        surname = f"Прокси{uuid.uuid4().hex[:6]}"
        async with make_client(proxied, ip=PROXY) as curator:
            # The client put a made-up address first; the proxy appended the real one, and a second proxy its own.
            curator.headers["X-Forwarded-For"] = "203.0.113.9, 192.0.2.10, 10.55.0.3"
            curator.headers["X-Forwarded-Proto"] = "https"
            assert (await login_api(curator, tenant_a.curator, PASSWORD)).status_code == 200
            await create_person(curator, surname)
        assert await audited_address(proxied, tenant_a, surname) == "192.0.2.10"

        # A peer outside the trusted network is not believed even by this app.
        async with make_client(proxied, ip="10.56.0.1") as outsider:
            outsider.headers["X-Forwarded-For"] = "192.0.2.66"  # the blocked address: a lie would be refused
            assert (await login_api(outsider, tenant_a.municipal, PASSWORD)).status_code == 200


def test_the_chain_is_read_from_the_right() -> None:
    from shared.proxies import ForwardedHeaders

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError

    middleware = ForwardedHeaders(app, ["10.55.0.0/24", "::1"])

    def client(peer: str, forwarded: str, proto: str = "") -> tuple[str, str]:
        headers = [(b"x-forwarded-for", forwarded.encode())]
        if proto:
            headers.append((b"x-forwarded-proto", proto.encode()))
        scope: dict[str, Any] = {"type": "http", "client": (peer, 5000), "scheme": "http", "headers": headers}
        middleware.rewrite(scope)  # type: ignore[arg-type]
        return scope["client"][0], scope["scheme"]

    assert client("10.55.0.2", "192.0.2.1", "https") == ("192.0.2.1", "https")
    assert client("10.55.0.2", "203.0.113.9, 192.0.2.1:4711") == ("192.0.2.1", "http")
    assert client("::1", "[2001:db8::5]:443, 10.55.0.9") == ("2001:db8::5", "http")
    assert client("10.55.0.2", "10.55.0.7, 10.55.0.8") == ("10.55.0.7", "http")  # all proxies: the farthest
    assert client("10.55.0.2", "evil, not-an-address") == ("10.55.0.2", "http")  # garbage: the proxy itself
    assert client("10.55.0.2", "192.0.2.1", "gopher") == ("192.0.2.1", "http")
    assert client("192.0.2.50", "10.55.0.9", "https") == ("192.0.2.50", "http")  # untrusted peer: nothing changes
