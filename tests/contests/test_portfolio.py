"""A contest portfolio carries the nominee's pairs with their mentees' results before and after (the curator's
influence scores), as the jury will judge them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.contests.portfolio import assemble
from shared import clock
from shared.db import Scope, tenant_transaction
from tests.factories import active_pair, person, programme
from tests.helpers import PASSWORD, login_api, make_client, make_tenant


async def test_a_pair_brings_its_results_before_and_after(app: Any) -> None:
    tenant = await make_tenant("Портфолио")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Портфолиева", "mentor")
        scored = await person(client, "Оценённый", "mentee_candidate")
        await active_pair(client, prog, mentor, [scored])
        other_mentor = await person(client, "Безоценочная", "mentor")
        unscored = await person(client, "Неоценённый", "mentee_candidate")
        await active_pair(client, prog, other_mentor, [unscored])
        parameters = (await client.get(f"/api/v1/programmes/{prog['id']}/assessment-parameters")).json()
        first, second = parameters[0]["id"], parameters[1]["id"]
        scores = [
            {"person_id": scored, "parameter_id": first, "stage": "before", "score": "4"},
            {"person_id": scored, "parameter_id": first, "stage": "after", "score": "7"},
            {"person_id": scored, "parameter_id": second, "stage": "before", "score": "5"},
            {"person_id": scored, "parameter_id": second, "stage": "after", "score": "7"},
            {"person_id": unscored, "parameter_id": first, "stage": "before", "score": "3"},  # no "after" yet
        ]
        assert (await client.post(f"/api/v1/programmes/{prog['id']}/assessments", json=scores)).status_code == 201
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        portfolio = await assemble(UUID(mentor), None, clock.today())
        waiting = await assemble(UUID(other_mentor), None, clock.today())
    assert [(p.before, p.after) for p in portfolio.pairs] == [(4.5, 7.0)]
    assert [(p.before, p.after) for p in waiting.pairs] == [(None, None)]
