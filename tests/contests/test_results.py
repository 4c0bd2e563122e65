"""A person's contest results through the domain's face: a place counts once its panel is finished and its results
published, never while the panel is open or unpublished; the nominee's organization reads them, another does not."""

from __future__ import annotations

import uuid
from typing import Any

from services.contests import ContestResult, contest_results_of
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.contests.factories_jury import JuryContest, advance_entry, close_panel, make_jury_contest
from tests.helpers import Tenant, make_tenant


def organization(tenant: Tenant, *, other: bool = False) -> Scope:
    return Scope(
        level=Level.organization,
        region_id=tenant.region_id,
        municipality_id=tenant.other_municipality_id if other else tenant.municipality_id,
        organization_id=tenant.other_organization_id if other else tenant.organization_id,
    )


async def nominees(tenant: Tenant, contest: JuryContest) -> list[uuid.UUID]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        rows = await current_connection().fetch(
            "SELECT id, person_id FROM contest_application WHERE id = ANY($1::uuid[])", contest.applications
        )
    by_application = {r["id"]: r["person_id"] for r in rows}
    return [by_application[a] for a in contest.applications]


async def results(scope: Scope, person_ids: list[uuid.UUID]) -> list[ContestResult]:
    async with tenant_transaction(scope):
        return await contest_results_of(person_ids)


async def test_a_place_counts_once_its_panel_is_finished_and_published(app: Any) -> None:
    tenant = await make_tenant("Итоги конкурса")
    contest = await make_jury_contest(tenant, entries=2, jurors=0, advance=1)
    first, second = await nominees(tenant, contest)
    assert await results(organization(tenant), [first, second]) == []  # the municipal panel is still open

    leader, other = contest.entries
    await close_panel(tenant, contest.panel_id, {leader: ("advanced", None), other: ("not_advanced", None)})
    final = await advance_entry(tenant, contest, leader)
    got = {r.person_id: r for r in await results(organization(tenant), [first, second])}
    assert {p: (r.state_label, r.distinguished) for p, r in got.items()} == {
        first: ("выход в следующий этап", True),
        second: ("участник этапа", False),
    }
    assert got[first].line == (
        "Наставник года — 2026, номинация «Наставник года», муниципальный этап: выход в следующий этап"
    )

    # The regional panel finished but not published: its place is not official yet.
    await close_panel(tenant, contest.regional_panel_id, {final: ("winner", 1)}, publish=False)
    assert [r.entry_id for r in await results(organization(tenant), [first])] == [leader]

    await close_panel(tenant, contest.regional_panel_id, {final: ("winner", 1)}, audience_prize=final)
    newest = (await results(organization(tenant), [first]))[0]
    assert newest.entry_id == final and newest.place == 1 and newest.distinguished
    assert newest.line == (
        "Наставник года — 2026, номинация «Наставник года», региональный этап: "
        "1 место (победитель), приз зрительских симпатий"
    )
    assert len(await results(Scope.for_region(tenant.region_id), [first])) == 2
    assert await results(organization(tenant, other=True), [first, second]) == []  # another organization's scope


async def test_a_withdrawn_application_has_no_results(app: Any) -> None:
    tenant = await make_tenant("Итоги отзыв")
    contest = await make_jury_contest(tenant, entries=1, jurors=0, advance=1)
    (person,) = await nominees(tenant, contest)
    await close_panel(tenant, contest.panel_id, {contest.entries[0]: ("advanced", None)})
    assert len(await results(organization(tenant), [person])) == 1
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            """UPDATE contest_application SET state = 'withdrawn', withdrawn_at = now(), withdrawn_reason = 'Отказ'
               WHERE id = $1""",
            contest.applications[0],
        )
    assert await results(organization(tenant), [person]) == []
