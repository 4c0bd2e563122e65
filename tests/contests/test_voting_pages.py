"""The voting pages through the app: a vote mailed, confirmed by the button and counted once, a second vote of the
same address refused, the rate limit, and the organizer excluding a flagged network."""

from __future__ import annotations

import re
import uuid
from typing import Any

from app.worker import cron_jobs, job_functions
from services.contests.jobs import flag_vote_bursts, send_vote_link
from shared.db import Scope, current_connection, tenant_transaction
from tests.contests.factories_jury import make_jury_contest
from tests.contests.test_voting import confirm, counted, open_voting, vote
from tests.helpers import PASSWORD, csrf_token, login_page, make_client, make_tenant, post_form, run_worker

LINK = re.compile(r"http://testserver\.local(/contests/votes/confirm/[\w-]+)")


def _link(message: Any) -> str:
    body = message.get_payload(decode=True).decode()
    found = LINK.search(body)
    assert found, body
    return found.group(1)


async def test_a_vote_is_mailed_confirmed_by_the_button_and_counted_once(app: Any, smtp: Any) -> None:
    inbox, port = smtp
    tenant = await make_tenant("Голосование: страницы")
    contest = await make_jury_contest(tenant, entries=2, jurors=1)
    await open_voting(tenant, contest)
    a, b = contest.entries
    url = f"/contests/{contest.contest_id}/vote"
    async with make_client(app, ip="10.77.0.1") as client:
        assert f'href="{url}"' in (await client.get(f"/contests/{contest.contest_id}/wish")).text
        ballot = await client.get(url)
        assert ballot.status_code == 200
        assert "Участникова0 Анна" in ballot.text and "Школа 1" in ballot.text and str(a) in ballot.text
        base = {"nomination_id": str(contest.nomination_id)}
        bad = await post_form(client, url, {**base, "entry_id": str(a), "email": "не адрес"})
        assert bad.status_code == 400 and "Укажите адрес электронной почты" in bad.text
        none = await post_form(client, url, {**base, "email": "voter@example.org"})
        assert none.status_code == 400 and "Выберите, за кого вы голосуете" in none.text
        sent = await post_form(client, url, {**base, "entry_id": str(a), "email": "Voter@Example.org"})
        assert sent.status_code == 303 and sent.headers["location"] == f"{url}/sent"
        assert "Проверьте почту" in (await client.get(f"{url}/sent")).text
        await run_worker(app, port)
        [letter] = inbox.to("Voter@Example.org")
        link = _link(letter)
        shown = await client.get(link)  # a mail scanner's GET counts nothing
        assert shown.status_code == 200 and "Подтвердить голос" in shown.text
        assert await counted(tenant, [a, b]) == {a: 0, b: 0}
        token = await csrf_token(client, link)
        first = await client.post(link, data={"_csrf_token": token})
        assert first.status_code == 200 and "Ваш голос учтён" in first.text
        again = await client.post(link, data={"_csrf_token": token})
        assert again.status_code == 200 and "Этот голос уже учтён" in again.text
        assert await counted(tenant, [a, b]) == {a: 1, b: 0}

        second = await post_form(client, url, {**base, "entry_id": str(b), "email": "voter@example.org"})
        assert second.status_code == 303
        await run_worker(app, port)
        [other] = inbox.to("voter@example.org")
        refused = await client.post(_link(other), data={"_csrf_token": token})
        assert refused.status_code == 409 and "Вы уже проголосовали в этой номинации" in refused.text
        assert await counted(tenant, [a, b]) == {a: 1, b: 0}

        unknown = "/contests/votes/confirm/" + uuid.uuid4().hex
        assert (await client.get(unknown)).status_code == 404
        assert (await client.post(unknown, data={"_csrf_token": token})).status_code == 404
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        rows = await current_connection().fetch("SELECT * FROM contest_vote")
    assert rows and all("example.org" not in str(dict(r)).lower() for r in rows)


async def test_closed_or_coming_voting_shows_its_dates_and_refuses_votes(app: Any) -> None:
    tenant = await make_tenant("Голосование: сроки")
    contest = await make_jury_contest(tenant, entries=1, jurors=1)
    await open_voting(tenant, contest)
    url = f"/contests/{contest.contest_id}/vote"
    token = await vote(tenant, contest.entries[0], "early@example.org")  # asked while open, confirmed too late
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE contest_nomination SET voting_from = now() - interval '2 days', "
            "voting_until = now() - interval '1 hour' WHERE id = $1",
            contest.nomination_id,
        )
    async with make_client(app, ip="10.77.2.1") as client:
        closed = await client.get(url)
        assert "Голосование завершено" in closed.text and "Участникова0" not in closed.text
        data = {"nomination_id": str(contest.nomination_id), "entry_id": str(contest.entries[0])}
        refused = await post_form(client, url, {**data, "email": "late@example.org"}, page="/login")
        assert refused.status_code == 400 and "Голосование в этой номинации сейчас не идёт" in refused.text
        late = await post_form(client, f"/contests/votes/confirm/{token}", {})
        assert late.status_code == 400 and "Голосование в этой номинации завершено" in late.text
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            await current_connection().execute(
                "UPDATE contest_nomination SET voting_from = now() + interval '1 day', "
                "voting_until = now() + interval '3 days' WHERE id = $1",
                contest.nomination_id,
            )
        assert "Голосование пройдёт с" in (await client.get(url)).text
        assert (await client.get(f"/contests/{uuid.uuid4()}/vote")).status_code == 404


async def test_votes_from_one_address_are_limited(app: Any) -> None:
    tenant = await make_tenant("Голосование: лимит")
    contest = await make_jury_contest(tenant, entries=1, jurors=1)
    await open_voting(tenant, contest)
    url = f"/contests/{contest.contest_id}/vote"
    data = {"nomination_id": str(contest.nomination_id), "entry_id": str(contest.entries[0]), "email": "x"}
    async with make_client(app, ip="10.77.3.1") as client:
        token = await csrf_token(client, url)
        for _ in range(20):
            assert (await client.post(url, data={**data, "_csrf_token": token})).status_code == 400
        limited = await client.post(url, data={**data, "_csrf_token": token})
        assert limited.status_code == 429 and "Слишком много голосов с вашего адреса" in limited.text
    async with make_client(app, ip="10.77.4.1") as client:  # another address votes on
        assert (await post_form(client, url, data)).status_code == 400


async def test_the_organizer_excludes_a_flagged_network(app: Any) -> None:
    tenant = await make_tenant("Голосование: организатор")
    other = await make_tenant("Голосование: чужой организатор")
    contest = await make_jury_contest(tenant, entries=2, jurors=1)
    await open_voting(tenant, contest)
    a, b = contest.entries
    for n in range(20):
        assert await confirm(tenant, await vote(tenant, a, f"bot{n}@example.org", ip=f"203.0.113.{n + 1}"))
    for n in range(2):
        assert await confirm(tenant, await vote(tenant, b, f"person{n}@example.org", ip=f"192.0.2.{n * 80 + 1}"))
    assert (await flag_vote_bursts({}))["flagged"] >= 20
    url = f"/contests/{contest.contest_id}/voting"
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        shown = await client.get(url)
        assert shown.status_code == 200
        assert "203.0.113.0/24" in shown.text and "Исключить голоса" in shown.text
        assert "192.0.2.0/24" not in shown.text
        network = {"nomination_id": str(contest.nomination_id), "network": "203.0.113.0/24"}
        excluded = await post_form(client, f"{url}/networks", {**network, "action": "exclude"}, page=url)
        assert excluded.status_code == 303
        assert await counted(tenant, [a, b]) == {a: 0, b: 2}
        assert "Вернуть голоса" in (await client.get(url)).text
        restored = await post_form(client, f"{url}/networks", {**network, "action": "restore"}, page=url)
        assert restored.status_code == 303
        assert await counted(tenant, [a, b]) == {a: 20, b: 2}
    for email, status in ((tenant.juror, 403), (tenant.municipal, 403), (other.regional, 404)):
        async with make_client(app) as client:
            await login_page(client, email, PASSWORD)
            assert (await client.get(url)).status_code == status, email


def test_the_worker_mails_votes_and_flags_bursts_every_five_minutes() -> None:
    assert any(getattr(f, "coroutine", f) is send_vote_link for f in job_functions())
    [burst] = [c for c in cron_jobs() if c.coroutine is flag_vote_bursts]
    assert burst.minute == set(range(0, 60, 5))
