"""Security headers on every kind of response, HSTS only with secure cookies, a per-route policy, no inline code."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import httpx
from litestar import Litestar, get

from shared.security import SecurityHeaders
from shared.settings import ROOT, get_settings
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client, running_app

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<[^>]+\son[a-z]+\s*=|<[^>]+\sstyle\s*=|<style|javascript:", re.I)


def assert_headers(response: httpx.Response, hsts: bool = False) -> None:
    policy = response.headers.get("content-security-policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy, (response.request.url, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers.get("referrer-policy") == "strict-origin-when-cross-origin"
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert ("strict-transport-security" in response.headers) == hsts


async def every_kind_of_response(client: httpx.AsyncClient, tenant: Tenant) -> list[httpx.Response]:
    responses = [
        await client.get("/login"),  # a page
        await client.get("/static/app.css"),  # a static file
        await client.get("/healthz"),  # outside the tenant middleware
        await client.get("/schema/openapi.json"),
        await client.get("/no-such-page"),  # 404 of no route at all
        await client.get("/api/v1/no-such"),
        await client.get("/organizations"),  # a redirect to the login
        await client.get("/api/v1/me"),  # 401 in JSON
        await client.post("/login", data={"email": "x"}),  # 403: no CSRF token
        await client.delete("/login"),  # 405
    ]
    token = await csrf_token(client)
    responses.append(await client.post("/login", data={"email": "x", "password": "y", "_csrf_token": token}))  # 400
    await login_api(client, tenant.curator, PASSWORD)
    responses += [
        await client.get("/api/v1/me"),  # API JSON
        await client.post("/api/v1/people", data={"surname": "x"}),  # 415
        await client.get("/municipalities"),  # 403 page
        await client.get(f"/api/v1/organizations/{tenant.other_organization_id}"),  # 404 of someone else's
    ]
    statuses = {r.status_code for r in responses}
    assert {200, 400, 401, 403, 404, 405, 415} <= statuses and statuses & {302, 303}, statuses
    return responses


async def test_every_kind_of_response_carries_the_security_headers(client: Any, tenant_a: Tenant) -> None:
    for response in await every_kind_of_response(client, tenant_a):
        assert_headers(response)


async def test_hsts_is_sent_when_cookies_are_secure(app: Any, tenant_a: Tenant) -> None:
    async with running_app(replace(get_settings(), secure_cookies=True)) as secure, make_client(secure) as client:
        for response in (
            await client.get("/login"),
            await client.get("/no-such"),
            await client.get("/static/app.js"),
        ):
            assert_headers(response, hsts=True)
            assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_a_route_can_relax_its_own_policy() -> None:
    """A later public page that partners may frame: its handler says so, every other route keeps 'none'."""

    @get("/embeddable", opt={"csp": {"frame-ancestors": "https://partner.example"}})
    async def embeddable() -> str:
        return "ok"

    @get("/plain")
    async def plain() -> str:
        return "ok"

    app = Litestar(route_handlers=[embeddable, plain])
    app.asgi_handler = SecurityHeaders(app.asgi_handler, hsts=False)
    async with make_client(app) as client:
        relaxed = (await client.get("/embeddable")).headers["content-security-policy"]
        assert "frame-ancestors https://partner.example" in relaxed and "'none'; " not in relaxed.split("frame")[1]
        assert "script-src 'self'" in relaxed
        assert "frame-ancestors 'none'" in (await client.get("/plain")).headers["content-security-policy"]


def test_no_template_holds_inline_code_or_styles() -> None:
    """The policy allows no inline script, handler or style: every template keeps them in static files."""
    templates = [*ROOT.glob("services/*/templates/**/*.html"), *ROOT.glob("tenants/templates/**/*.html")]
    templates += ROOT.glob("shared/templates/**/*.html")
    assert len(templates) > 30
    found = [f"{t.relative_to(ROOT)}: {m.group(0)[:80]}" for t in templates for m in INLINE.finditer(t.read_text())]
    assert not found, "\n".join(found)


async def test_htmx_is_told_not_to_inject_its_indicator_style(client: Any) -> None:
    page = (await client.get("/login")).text
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page)
    assert meta and '"includeIndicatorStyles": false' in meta.group(1)
    assert ".htmx-indicator" in (await client.get("/static/app.css")).text  # its rules come from our stylesheet
