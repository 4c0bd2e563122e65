"""The jury's work in the database: blind sheets, conflicts of interest at both stages, the chair's reopening, and
finishing a panel: the mean, the trimmed mean, ties, and the top N advancing into the next stage."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from services.contests import ranking, sheets
from services.contests.records import entries_of, get_panel
from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.errors import Forbidden, NotFound, ValidationFailed
from tests.contests.factories_jury import JuryContest, add_juror, make_jury_contest
from tests.helpers import Tenant, make_tenant


def juror_scope(tenant: Tenant, user_id: uuid.UUID) -> Scope:
    return Scope(Level.juror, user_id, tenant.region_id)


async def score(
    tenant: Tenant, contest: JuryContest, juror: int, entry: int, points: list[str], submit: bool = True
) -> None:
    _, user_id, _ = contest.jurors[juror]
    form = sheets.SheetForm(points={str(c): p for c, p in zip(contest.criteria, points, strict=True)})
    async with tenant_transaction(juror_scope(tenant, user_id)):
        await sheets.save_sheet(
            Actor(user_id, tenant.region_id, None), user_id, contest.entries[entry], form, submit=submit
        )


async def count_scores(tenant: Tenant, user_id: uuid.UUID) -> set[uuid.UUID]:
    async with tenant_transaction(juror_scope(tenant, user_id)):
        return {r["juror_id"] for r in await current_connection().fetch("SELECT juror_id FROM contest_score")}


@pytest.fixture
async def tenant(app: Any) -> Tenant:
    return await make_tenant("Жюри")


async def test_a_juror_sees_only_their_own_scores(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=1, jurors=2)
    await score(tenant, contest, 0, 0, ["8", "7"])
    await score(tenant, contest, 1, 0, ["6", "5"], submit=False)
    for index in (0, 1):
        _, user_id, juror_id = contest.jurors[index]
        assert await count_scores(tenant, user_id) == {juror_id}  # never the other's, sent or not
        async with tenant_transaction(juror_scope(tenant, user_id)):
            seen = await current_connection().fetch("SELECT juror_id FROM contest_sheet")
        if index == 1:
            assert {r["juror_id"] for r in seen} == {juror_id}


async def test_a_sent_sheet_is_closed_and_only_the_chair_reopens_it(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=1, jurors=2)
    await score(tenant, contest, 1, 0, ["8", "7"])
    with pytest.raises(ValidationFailed):
        await score(tenant, contest, 1, 0, ["9", "9"])
    _, member, _ = contest.jurors[1]
    _, chair, _ = contest.jurors[0]
    async with tenant_transaction(juror_scope(tenant, member)):
        sheet_id = await current_connection().fetchval("SELECT id FROM contest_sheet")
        with pytest.raises(Forbidden):
            await sheets.reopen_sheet(Actor(member, tenant.region_id, None), member, sheet_id, "Ошибка")
    async with tenant_transaction(juror_scope(tenant, chair)):
        with pytest.raises(ValidationFailed):
            await sheets.reopen_sheet(Actor(chair, tenant.region_id, None), chair, sheet_id, " ")
        await sheets.reopen_sheet(Actor(chair, tenant.region_id, None), chair, sheet_id, "Опечатка в баллах")
    await score(tenant, contest, 1, 0, ["9", "9"])
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        actions = [
            r["action"]
            for r in await current_connection().fetch(
                "SELECT action FROM audit_log WHERE user_id = ANY($1::uuid[]) ORDER BY id", [member, chair]
            )
        ]
    assert actions == ["contest.sheet.submit", "contest.sheet.reopen", "contest.sheet.submit"]


async def test_points_are_checked_against_the_criterion(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=1, jurors=1)
    with pytest.raises(ValidationFailed) as failed:
        await score(tenant, contest, 0, 0, ["11", "abc"])
    assert set(failed.value.errors) == {f"points_{c}" for c in contest.criteria}
    with pytest.raises(ValidationFailed):
        await score(tenant, contest, 0, 0, ["7", ""])  # sending needs every criterion
    await score(tenant, contest, 0, 0, ["7", ""], submit=False)  # a draft need not


async def test_the_juror_never_reaches_entries_of_their_municipality_at_the_municipal_stage(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=1, jurors=1)
    _, user_id, _ = await add_juror(
        tenant, contest, contest.panel_id, "местный", municipality_id=tenant.municipality_id
    )
    async with tenant_transaction(juror_scope(tenant, user_id)):
        assert await current_connection().fetchval("SELECT count(*) FROM contest_entry") == 0
        with pytest.raises(NotFound):
            await sheets.sheet_context(user_id, contest.entries[0])


async def test_at_the_regional_stage_a_juror_never_reaches_their_organization_nor_a_declared_conflict(
    tenant: Tenant,
) -> None:
    contest = await make_jury_contest(tenant, entries=2, jurors=3, advance=2)
    for juror in range(3):
        for entry in range(2):
            await score(tenant, contest, juror, entry, ["8", str(5 + entry)])
    region = Scope.for_region(tenant.region_id)
    async with tenant_transaction(region):
        await ranking.finish_panel(Actor(None, tenant.region_id, None), contest.panel_id)
    # The same municipality is fine at the regional stage; the own organization never is.
    _, colleague, _ = await add_juror(
        tenant, contest, contest.regional_panel_id, "коллега", organization_id=tenant.organization_id
    )
    _, other, _ = await add_juror(
        tenant, contest, contest.regional_panel_id, "сосед", municipality_id=tenant.municipality_id
    )
    async with tenant_transaction(region):
        regional = [e.id for e in await entries_of(contest.regional_panel_id)]
    assert len(regional) == 2
    async with tenant_transaction(juror_scope(tenant, colleague)):
        assert await current_connection().fetchval("SELECT count(*) FROM contest_entry") == 0
    async with tenant_transaction(juror_scope(tenant, other)):
        assert await current_connection().fetchval("SELECT count(*) FROM contest_entry") == 2
        await sheets.declare_conflict(Actor(other, tenant.region_id, None), other, regional[0], "Моя ученица")
        assert {r["id"] for r in await current_connection().fetch("SELECT id FROM contest_entry")} == {regional[1]}
        with pytest.raises(NotFound):
            await sheets.sheet_context(other, regional[0])


async def test_finishing_ranks_by_the_trimmed_mean_and_advances_the_top_n(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=3, jurors=5, advance=2, weights=("2", "1"))
    sheets_by_entry = {
        # per juror (criterion 1 weighted ×2, criterion 2): totals 20+8=28, 22, 25, 30, 10 → trimmed (22+25+28)/3
        0: [["10", "8"], ["8", "6"], ["9", "7"], ["10", "10"], ["4", "2"]],
        1: [["5", "5"]] * 5,  # 15 each
        2: [["10", "10"], ["10", "10"], ["10", "10"], ["10", "10"], ["10", "9"]],  # 30, 30, 30, 30, 29 → 30
    }
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        with pytest.raises(ValidationFailed) as refused:
            await ranking.finish_panel(Actor(None, tenant.region_id, None), contest.panel_id)
    assert "Жюри 1" in refused.value.errors["panel"]
    for entry, rows in sheets_by_entry.items():
        for juror, points in enumerate(rows):
            await score(tenant, contest, juror, entry, points)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await ranking.finish_panel(Actor(None, tenant.region_id, None), contest.panel_id)
        await ranking.finish_panel(Actor(None, tenant.region_id, None), contest.panel_id)  # nothing more
        done = {e.id: e for e in await entries_of(contest.panel_id)}
        regional = await entries_of(contest.regional_panel_id)
        assert (await get_panel(contest.panel_id)).status == "finished"
    first, second, third = (done[contest.entries[i]] for i in (2, 0, 1))
    assert first.jury_score == Decimal("30.00") and first.rank == 1 and first.state == "advanced"
    assert second.jury_score == Decimal("25.00") and second.rank == 2 and second.state == "advanced"
    assert third.jury_score == Decimal("15.00") and third.state == "not_advanced"
    assert sorted(e.from_entry_id for e in regional if e.from_entry_id) == sorted([first.id, second.id])
    assert all(e.state == "in_review" and e.place is None for e in regional)


async def test_a_tie_waits_for_the_chair(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=2, jurors=1, advance=1)
    await score(tenant, contest, 0, 0, ["6", "4"])
    await score(tenant, contest, 0, 1, ["6", "4"])
    region = Scope.for_region(tenant.region_id)
    async with tenant_transaction(region):
        with pytest.raises(ValidationFailed) as tied:
            await ranking.finish_panel(Actor(None, tenant.region_id, None), contest.panel_id)
    assert "председател" in tied.value.errors["ties"]
    _, chair, _ = contest.jurors[0]
    async with tenant_transaction(juror_scope(tenant, chair)):
        await ranking.set_chair_order(Actor(chair, tenant.region_id, None), contest.panel_id, contest.entries[::-1])
    async with tenant_transaction(region):
        await ranking.finish_panel(Actor(None, tenant.region_id, None), contest.panel_id)
        done = {e.id: e for e in await entries_of(contest.panel_id)}
    assert done[contest.entries[1]].rank == 1 and done[contest.entries[0]].rank == 2
    assert "председател" in done[contest.entries[1]].tie_note
