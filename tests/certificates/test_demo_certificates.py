"""The demo's certificates: one per completed participant of the finished cohorts, one revoked and issued again, an
expired one of a mentor; seeding twice adds nothing, and without the school's cohorts it does nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.school.demo_certificates import (
    FINISHED_COHORTS,
    OLD_CERTIFICATE_YEARS,
    REVOKED_REASON,
    seed_school_certificates,
)
from shared.clock import today
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.certificates.test_certificates import completed_cohort
from tests.helpers import make_tenant


async def certificates(region_id: Any) -> list[Any]:
    async with tenant_transaction(Scope(Level.platform)):
        return list(
            await current_connection().fetch(
                "SELECT number, holder_name, revoked_reason, valid_until, revoked_at FROM certificate "
                "WHERE region_id = $1 ORDER BY number",
                region_id,
            )
        )


async def test_the_demo_certificates_are_seeded_once(app: Any) -> None:
    tenant = await make_tenant("Демо свидетельств")
    async with tenant_transaction(Scope(Level.platform)):
        await seed_school_certificates(tenant.region_id)  # no cohorts yet: nothing
    assert await certificates(tenant.region_id) == []

    first = await completed_cohort(tenant, 4, holder_email=tenant.mentor)
    second = await completed_cohort(tenant, 2)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        for cohort, title in ((first, FINISHED_COHORTS[0]), (second, FINISHED_COHORTS[1])):
            await current_connection().execute("UPDATE school_cohort SET title = $1 WHERE id = $2", title, cohort.id)
    for _ in range(2):
        async with tenant_transaction(Scope(Level.platform)):
            await seed_school_certificates(tenant.region_id)
    rows = await certificates(tenant.region_id)
    # 4 + 2 completed, one of them issued again after the erroneous one was revoked, one older expired certificate.
    assert len(rows) == 8
    revoked = [r for r in rows if r["revoked_at"] is not None]
    assert [r["revoked_reason"] for r in revoked] == [REVOKED_REASON]
    assert sum(1 for r in rows if r["holder_name"] == revoked[0]["holder_name"]) == 2
    expired = [r for r in rows if r["valid_until"] is not None and r["valid_until"] < today()]
    assert [r["holder_name"] for r in expired] == [first.names[0]]  # the mentor with an account
    issued = today() - timedelta(days=OLD_CERTIFICATE_YEARS * 365 + 20)
    assert expired[0]["number"].startswith(f"НШ-{issued.year}-")
    assert {r["holder_name"] for r in rows} == {*first.names, *second.names}
