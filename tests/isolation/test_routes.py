"""Cross-tenant access answers 404 on every route that takes a record id, for every coordinator level."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import pytest

from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client, make_records

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SCHOOL_CATALOGUE = (
    "school_id",
    "school_programme_id",
    "module_id",
    "material_id",
    "question_id",
    "cohort_id",
    "session_id",
)
# A regional contest and its festival are the region's: everyone of the region reads them.
CONTEST_CATALOGUE = (
    "contest_id",
    "nomination_id",
    "stage_id",
    "contest_criterion_id",
    "panel_id",
    "juror_id",
    "festival_id",
    "award_id",
    "photo_id",
)
PARAM = re.compile(r"{(\w+):\w+}")


def parameterised_routes(app: Any) -> list[tuple[str, str, Any]]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.opt.get("tenant", True):
                continue  # static files and the schema hold no tenant data
            for method in sorted(set(handler.http_methods) & set(METHODS)):
                if PARAM.search(route.path):
                    found.append((route.path, method, handler))
    return found


def fill(path: str, ids: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in ids:
            pytest.fail(f"Route {path} takes '{name}': add it to the isolation test")
        return ids[name]

    return PARAM.sub(value, path)


def body_for(path: str, own_municipality: UUID) -> Any:
    if "/plan/" in path or path.endswith("/assessments"):
        return []
    if path.endswith("/consents") or path.endswith("/consents/new"):
        return {"kind": "personal_data", "given_on": "2025-09-01", "given_by": "self"}
    if path.endswith("/questionnaires"):
        return {"template": "mentee_needs"}
    if "withdraw" in path or "archive" in path or "undo" in path:
        return {}
    if "people" in path:
        return {"surname": "Проверка", "name": "Изоляции", "category": "staff"}
    if "organizations" in path:
        return {"name": "Проверка изоляции", "kind": "school", "municipality_id": str(own_municipality)}
    if "municipalities" in path:
        return {"name": "Проверка изоляции"}
    if "invite" in path:
        return {"password": "Password123", "password_again": "Password123"}
    return {}


async def request(client: Any, method: str, path: str, body: Any, page_token: str) -> int:
    if method == "GET":
        return (await client.get(path)).status_code
    if path.startswith("/api/"):
        return (await client.request(method, path, json=body)).status_code
    form = body if isinstance(body, dict) else {}
    return (await client.request(method, path, data={**form, "_csrf_token": page_token})).status_code


@pytest.fixture(scope="module")
async def actors(
    app: Any, tenant_a: Tenant, tenant_b: Tenant
) -> list[tuple[str, dict[str, str], dict[str, str], UUID]]:
    """(login, someone else's records, own records, own municipality) for each level of scope."""
    own = await make_records(app, tenant_a, tenant_a.organization_id, tenant_a.municipality_id)
    neighbour = await make_records(app, tenant_a, tenant_a.other_organization_id, tenant_a.other_municipality_id)
    other_region = await make_records(app, tenant_b, tenant_b.organization_id, tenant_b.municipality_id)
    # A monitoring period belongs to the whole region: only another region's is someone else's.
    neighbour["period_id"] = other_region["period_id"]
    neighbour["round_id"] = other_region["round_id"]  # so is a certification round
    # So do the regional mentor school's catalogue and cohorts: everyone of the region reads them.
    for name in (*SCHOOL_CATALOGUE, *CONTEST_CATALOGUE):
        neighbour[name] = other_region[name]
    return [
        (tenant_a.regional, other_region, own, tenant_a.municipality_id),
        (tenant_a.municipal, neighbour, own, tenant_a.municipality_id),
        (tenant_a.curator, neighbour, own, tenant_a.municipality_id),
        (tenant_a.mentor, neighbour, own, tenant_a.municipality_id),
        (tenant_a.trainer, other_region, own, tenant_a.municipality_id),
        (tenant_a.juror, other_region, own, tenant_a.municipality_id),
    ]


async def test_every_record_route_hides_other_tenants(app: Any, actors: list[Any]) -> None:
    routes = parameterised_routes(app)
    assert len(routes) >= 8, routes
    answered_404: dict[tuple[str, str], list[str]] = {(path, method): [] for path, method, _ in routes}
    for email, foreign, own, own_municipality in actors:
        async with make_client(app) as client:
            assert (await login_api(client, email, PASSWORD)).status_code == 200
            token_page = {
                "curator": "/invitations/new",
                "mentor": "/cabinet",
                "trainer": "/profile",
                "juror": "/profile",
            }.get(email.split("-")[0], "/organizations")
            token = await csrf_token(client, token_page)
            for path, method, _ in routes:
                body = body_for(path, own_municipality)
                status = await request(client, method, fill(path, foreign), body, token)
                assert status in (403, 404), f"{email} {method} {fill(path, foreign)} answered {status}"
                if status == 403:
                    # Only a role that may not use the route at all gets 403, whatever the record.
                    own_status = await request(client, method, fill(path, own), body, token)
                    assert own_status == 403, f"{email} {method} {path}: 403 for others but {own_status} for own"
                else:
                    answered_404[(path, method)].append(email)
    uncovered = [key for key, who in answered_404.items() if not who]
    assert not uncovered, f"no actor reached these routes' scope check: {uncovered}"


async def test_own_records_are_reachable(app: Any, tenant_a: Tenant) -> None:
    """The 404s above are about scope, not broken routes."""
    async with make_client(app) as client:
        await login_api(client, tenant_a.municipal, PASSWORD)
        assert (await client.get(f"/organizations/{tenant_a.organization_id}")).status_code == 200
        assert (await client.get(f"/api/v1/organizations/{tenant_a.organization_id}")).status_code == 200
        assert (await client.get(f"/api/v1/municipalities/{tenant_a.municipality_id}")).status_code == 200
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        assert (await client.get(f"/api/v1/organizations/{tenant_a.organization_id}")).status_code == 200


async def test_lists_show_only_the_scope(app: Any, tenant_a: Tenant, tenant_b: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.regional, PASSWORD)
        ids = {o["id"] for o in (await client.get("/api/v1/organizations")).json()}
        assert {str(tenant_a.organization_id), str(tenant_a.other_organization_id)} <= ids
        assert str(tenant_b.organization_id) not in ids
        municipalities = {m["id"] for m in (await client.get("/api/v1/municipalities")).json()}
        assert str(tenant_b.municipality_id) not in municipalities
        invitations = (await client.get("/api/v1/invitations")).json()
        assert all(i["region_id"] == str(tenant_a.region_id) for i in invitations)
    async with make_client(app) as client:
        await login_api(client, tenant_a.municipal, PASSWORD)
        organizations = (await client.get("/api/v1/organizations")).json()
        assert str(tenant_a.organization_id) in {o["id"] for o in organizations}
        assert {o["municipality_id"] for o in organizations} == {str(tenant_a.municipality_id)}
        page = await client.get("/organizations")
        assert str(tenant_a.other_organization_id) not in page.text
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        assert (await client.get("/api/v1/organizations")).status_code == 403
        workspace = await client.get("/workspace")
        assert str(tenant_a.other_organization_id) not in workspace.text
        assert tenant_a.other_curator not in workspace.text


async def test_a_municipal_coordinator_cannot_create_in_another_municipality(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.municipal, PASSWORD)
        response = await client.post(
            "/api/v1/organizations",
            json={
                "name": "Чужая школа",
                "kind": "school",
                "municipality_id": str(tenant_a.other_municipality_id),
            },
        )
        assert response.status_code == 400
        assert "municipality_id" in response.json()["errors"]
