"""The demo's bases show what the registry now holds: senior pupils as mentor candidates with a representative's
consent, staff mentors' agreements on the duties, curators and those wishing to become curators."""

from __future__ import annotations

from typing import Any

from app.cli import seed_demo_region
from services.registry.regional_base import aggregated_base
from shared.db import Level, Scope, current_connection, rescope, tenant_transaction


async def test_the_demo_bases_hold_pupil_mentors_agreements_and_curators(app: Any) -> None:
    region_id = await seed_demo_region()  # idempotent: the demo tests' region when they ran first
    async with tenant_transaction(Scope(Level.platform)):
        counts = await current_connection().fetchrow(
            """SELECT
                 (SELECT count(DISTINCT p.id) FROM person p JOIN participation pa ON pa.person_id = p.id
                  WHERE p.region_id = $1 AND p.category = 'learner' AND pa.role = 'mentor_candidate'
                    AND p.birth_date > current_date - interval '18 years'
                    AND EXISTS (SELECT 1 FROM consent c WHERE c.person_id = p.id AND c.kind = 'participation'
                                AND c.given_by = 'representative' AND c.withdrawn_on IS NULL)) AS pupil_mentors,
                 (SELECT count(*) FROM consent WHERE region_id = $1 AND kind = 'staff_duties') AS agreements,
                 (SELECT count(*) FROM consent c JOIN person p ON p.id = c.person_id
                  WHERE c.region_id = $1 AND c.kind = 'staff_duties' AND p.category <> 'staff') AS agreements_wrong""",
            region_id,
        )
        await rescope(Scope.for_region(region_id))
        base = await aggregated_base()
    assert counts["pupil_mentors"] >= 2 and counts["agreements"] >= 10 and counts["agreements_wrong"] == 0
    assert base.region.curators >= 1 and base.region.curator_candidates >= 2
    r = base.region  # those wishing to become curators are mentor candidates too: each of them counted once
    assert r.people <= r.mentees + r.mentors + r.curators + r.curator_candidates - r.curator_candidates
