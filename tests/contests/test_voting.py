"""Public voting: a confirmed vote is counted once per person and nomination, the e-mail is never stored, and a
burst from one network is flagged and, once the organizer excludes it, not counted."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from services.contests import voting
from shared import clock
from shared.actor import Actor
from shared.db import Scope, current_connection, tenant_transaction
from shared.errors import NotFound, ValidationFailed
from shared.links import token_hash
from tests.contests.factories_jury import JuryContest, make_jury_contest
from tests.helpers import Tenant, make_tenant

SECRET = "test-secret"


async def open_voting(tenant: Tenant, contest: JuryContest, *, nomination_id: uuid.UUID | None = None) -> None:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        await db.execute(
            """UPDATE contest_nomination SET voting_mode = 'audience_prize', voting_from = now() - interval '1 day',
                   voting_until = now() + interval '7 days' WHERE id = $1""",
            nomination_id or contest.nomination_id,
        )
        await db.execute("UPDATE contest_entry SET finalist = true WHERE id = ANY($1::uuid[])", contest.entries)


async def vote(tenant: Tenant, entry: uuid.UUID, email: str, ip: str = "198.51.100.7") -> str:
    async with tenant_transaction(Scope.public_region(tenant.region_id)):
        request = await voting.request_vote(tenant.region_id, entry, email, ip, SECRET, clock.now())
    return request.token


async def confirm(tenant: Tenant, token: str) -> bool:
    scope = Scope.public_region(tenant.region_id).with_lookup(link_token_hash=token_hash(token))
    async with tenant_transaction(scope):
        return await voting.confirm_vote(token, clock.now())


async def counted(tenant: Tenant, entries: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return await voting.counted_votes(entries)


@pytest.fixture
async def tenant(app: Any) -> Tenant:
    return await make_tenant("Голосование")


async def test_a_confirmed_vote_counts_once_per_person_and_nomination(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=2, jurors=1)
    await open_voting(tenant, contest)
    a, b = contest.entries
    first = await vote(tenant, a, "Voter@Example.org")
    second = await vote(tenant, b, " voter@example.org ")  # the same person, another finalist
    unconfirmed = await vote(tenant, b, "other@example.org")
    assert unconfirmed and await counted(tenant, [a, b]) == {a: 0, b: 0}
    assert await confirm(tenant, first) is True
    assert await confirm(tenant, first) is False  # the same link again: already counted
    with pytest.raises(voting.AlreadyVoted):
        await confirm(tenant, second)
    assert await counted(tenant, [a, b]) == {a: 1, b: 0}
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        rows = await current_connection().fetch("SELECT voter_hash, network FROM contest_vote")
    assert all("@" not in r["voter_hash"] and "example" not in r["voter_hash"] for r in rows)
    assert {r["network"] for r in rows} == {"198.51.100.0/24"}


async def test_voting_needs_an_open_nomination_and_a_finalist(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=1, jurors=1)
    with pytest.raises(NotFound):  # not a finalist: the public does not even see the entry
        await vote(tenant, contest.entries[0], "a@example.org")
    await open_voting(tenant, contest)
    with pytest.raises(ValidationFailed) as bad:
        await vote(tenant, contest.entries[0], "not-an-address")
    assert "email" in bad.value.errors
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE contest_nomination SET voting_until = now() - interval '1 hour', "
            "voting_from = now() - interval '2 days' WHERE id = $1",
            contest.nomination_id,
        )
    with pytest.raises(ValidationFailed):
        await vote(tenant, contest.entries[0], "a@example.org")
    other = await make_tenant("Голосование чужое")
    with pytest.raises(NotFound):  # another region's scope never reaches the entry
        async with tenant_transaction(Scope.public_region(other.region_id)):
            await voting.request_vote(
                other.region_id, contest.entries[0], "a@example.org", "1.2.3.4", SECRET, clock.now()
            )


async def test_a_burst_from_one_network_is_flagged_and_excluded_on_decision(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=2, jurors=1)
    await open_voting(tenant, contest)
    a, b = contest.entries
    for n in range(voting.BURST_VOTES):
        assert await confirm(tenant, await vote(tenant, a, f"bot{n}@example.org", ip=f"203.0.113.{n + 1}"))
    for n in range(3):
        assert await confirm(tenant, await vote(tenant, b, f"person{n}@example.org", ip=f"192.0.2.{n * 80 + 1}"))
    region = Scope.for_region(tenant.region_id)
    async with tenant_transaction(region):
        assert await voting.flag_bursts(tenant.region_id, clock.now() + timedelta(seconds=1)) == voting.BURST_VOTES
        assert await voting.flag_bursts(tenant.region_id, clock.now() + timedelta(seconds=1)) == 0
        flagged = await current_connection().fetch(
            "SELECT DISTINCT network FROM contest_vote WHERE flagged_at IS NOT NULL"
        )
    assert [r["network"] for r in flagged] == ["203.0.113.0/24"]
    assert await counted(tenant, [a, b]) == {a: voting.BURST_VOTES, b: 3}  # flagged, not yet excluded
    async with tenant_transaction(region):
        excluded = await voting.set_excluded(
            Actor(None, tenant.region_id, None), contest.nomination_id, "203.0.113.0/24", True, clock.now()
        )
    assert excluded == voting.BURST_VOTES
    assert await counted(tenant, [a, b]) == {a: 0, b: 3}
