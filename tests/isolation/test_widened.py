"""A widened step sees its own scope and gives the request's back when it ends, failed or not."""

from __future__ import annotations

from typing import Any

import pytest

from shared.db import Level, Scope, current_connection, tenant_transaction, widened
from tests.helpers import make_tenant


async def settings() -> tuple[str, str, str]:
    row = await current_connection().fetchrow(
        """SELECT current_setting('app.scope', true) AS s, current_setting('app.region_id', true) AS r,
                  current_setting('app.organization_id', true) AS o"""
    )
    return row["s"], row["r"], row["o"]


async def test_a_widened_step_and_back(app: Any) -> None:
    tenant = await make_tenant("Расширение области")
    own = Scope(Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id)
    mine = ("organization", str(tenant.region_id), str(tenant.organization_id))
    async with tenant_transaction(own):
        assert await settings() == mine
        async with widened(Scope.for_region(tenant.region_id)):
            assert await settings() == ("region", str(tenant.region_id), "")
            async with widened(Scope.public_region(tenant.region_id)):
                assert await settings() == ("public", str(tenant.region_id), "")
            assert await settings() == ("region", str(tenant.region_id), "")
        assert await settings() == mine
        with pytest.raises(LookupError):
            async with widened(Scope(Level.platform)):
                assert (await settings())[0] == "platform"
                raise LookupError
        assert await settings() == mine
