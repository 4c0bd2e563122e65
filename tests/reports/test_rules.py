"""The read model's rules, once in logic and through the page and the API: who reaches which municipality or
organization, and what makes an export's period and filters wrong."""

from __future__ import annotations

from typing import Any

import pytest

from services.reports.filters import ExportForm, clean_filters
from services.reports.indicators import Reach
from services.reports.reach import reach_of
from shared.db import tenant_transaction
from shared.errors import NotFound, ValidationFailed
from tenants import Role
from tests.factories import iso, principal
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client


async def test_the_reach_of_each_viewer(app: Any, tenant_a: Tenant) -> None:
    other_municipality, other_organization = str(tenant_a.other_municipality_id), str(tenant_a.other_organization_id)
    curator = principal(tenant_a, Role.curator)
    municipal = principal(tenant_a, Role.municipal_coordinator)
    regional = principal(tenant_a, Role.regional_coordinator)
    async with tenant_transaction(curator.scope):
        # A curator's reach is always their organization, whatever is asked.
        assert await reach_of(curator, other_municipality, "") == Reach(organization_id=tenant_a.organization_id)
    async with tenant_transaction(municipal.scope):
        assert await reach_of(municipal, "", "") == Reach(municipality_id=tenant_a.municipality_id)
        own = await reach_of(municipal, "", str(tenant_a.organization_id))
        assert own == Reach(organization_id=tenant_a.organization_id)
        for asked in ((other_municipality, ""), ("", other_organization), ("not-an-id", "")):
            with pytest.raises(NotFound):
                await reach_of(municipal, *asked)
    async with tenant_transaction(regional.scope):
        assert await reach_of(regional, other_municipality, "") == Reach(municipality_id=tenant_a.other_municipality_id)
        assert await reach_of(regional, "", other_organization) == Reach(organization_id=tenant_a.other_organization_id)


async def test_export_filters_are_checked_once(app: Any, tenant_a: Tenant) -> None:
    municipal = principal(tenant_a, Role.municipal_coordinator)
    async with tenant_transaction(municipal.scope):

        async def errors(**asked: str) -> set[str]:
            with pytest.raises(ValidationFailed) as refused:
                await clean_filters(municipal, ExportForm(**asked))
            return set(refused.value.errors)

        assert await errors(kind="everything", format="pdf") == {"kind", "format"}
        assert await errors(kind="pairs", format="csv", starts=iso(1), ends=iso(-1)) == {"ends"}
        assert await errors(kind="pairs", format="csv", starts="31.02.2026") == {"starts"}
        assert await errors(kind="pairs", format="csv", form_id="00000000-0000-0000-0000-000000000000") == {"form_id"}
        assert await errors(kind="indicators", format="csv", starts=iso(5)) == {"starts"}  # it would end today
        with pytest.raises(NotFound):
            await clean_filters(
                municipal, ExportForm(kind="people", format="csv", municipality_id=str(tenant_a.other_municipality_id))
            )
        asked = await clean_filters(municipal, ExportForm(kind="pairs", format="xlsx", starts=iso(-30)))
        assert (asked.kind, asked.format, asked.filters.municipality_id) == ("pairs", "xlsx", tenant_a.municipality_id)


async def test_an_export_with_a_wrong_period_is_refused_by_the_page_and_the_api(app: Any, tenant_a: Tenant) -> None:
    backwards = {"kind": "pairs", "format": "csv", "starts": iso(1), "ends": iso(-1)}
    async with make_client(app) as client:
        await login_api(client, tenant_a.municipal, PASSWORD)
        api = await client.post("/api/v1/exports", json=backwards)
        assert api.status_code == 400 and api.json()["errors"] == {"ends": "Конец периода раньше начала"}
        token = await csrf_token(client, "/exports")
        form = await client.post("/exports", data={**backwards, "_csrf_token": token})
        assert form.status_code == 422
        assert '<p class="error" id="e-ends">Конец периода раньше начала</p>' in form.text
        elsewhere = {"kind": "people", "format": "csv", "municipality_id": str(tenant_a.other_municipality_id)}
        assert (await client.post("/api/v1/exports", json=elsewhere)).status_code == 404
        assert (await client.post("/exports", data={**elsewhere, "_csrf_token": token})).status_code == 404
