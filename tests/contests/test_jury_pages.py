"""The jury through its pages and API: a juror scores and sends a sheet from the phone page, never reaches an entry
they may not judge, and the organizer finishes the panel from the results page."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from services.contests.portfolio import Portfolio, PortfolioCertificate, PortfolioPair, PortfolioTraining
from shared.db import Scope, current_connection, tenant_transaction
from tests.contests.factories_jury import add_juror, make_jury_contest
from tests.helpers import PASSWORD, login_api, login_page, make_client, make_tenant, post_form


async def test_a_juror_scores_and_the_region_finishes(app: Any) -> None:
    tenant = await make_tenant("Жюри страниц")
    contest = await make_jury_contest(tenant, entries=2, jurors=1, advance=1)
    email, _, _ = contest.jurors[0]
    entry = contest.entries[0]
    async with make_client(app) as client:
        assert (await login_page(client, email, PASSWORD)).status_code in (200, 303)
        home = await client.get("/contests/jury")
        assert home.status_code == 200 and "Участникова0 Анна" in home.text and "Оценено 0 из 2" in home.text
        sheet_url = f"/contests/jury/entries/{entry}"
        bad = await post_form(client, sheet_url, {f"points_{contest.criteria[0]}": "12", "action": "submit"})
        assert bad.status_code == 422 and "Балл от 0 до 10" in bad.text and "Поставьте балл" in bad.text
        points = {f"points_{c}": "7" for c in contest.criteria}
        sent = await post_form(client, sheet_url, {**points, "action": "submit"})
        assert sent.status_code == 303
        again = await client.get(sheet_url)
        assert "отправлена" in again.text and "disabled" in again.text
        api = await client.put(
            f"/api/v1/contests/jury/entries/{contest.entries[1]}/sheet",
            json={"points": {str(c): 6 for c in contest.criteria}, "submit": True},
            headers={"X-CSRFToken": (await client.get("/api/v1/me")).json()["csrf_token"]},
        )
        assert api.status_code == 200, api.text
        assert api.json()["submitted"] is True
        listed = (await client.get("/api/v1/contests/jury/sheets")).json()
        assert {s["entry_id"] for s in listed} == {str(e) for e in contest.entries}

    # A juror from the entries' own municipality at the municipal stage: 404 on the sheet and the API.
    local, _, _ = await add_juror(tenant, contest, contest.panel_id, "местный", municipality_id=tenant.municipality_id)
    async with make_client(app) as client:
        assert (await login_api(client, local, PASSWORD)).status_code == 200
        assert (await client.get(f"/contests/jury/entries/{entry}")).status_code == 404
        assert "Заявок для оценки пока нет" in (await client.get("/contests/jury")).text

    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        url = f"/contests/{contest.contest_id}/panels/{contest.panel_id}/results"
        before = await client.get(url)
        assert before.status_code == 200 and "14,00 (пока)" in before.text
        assert (await post_form(client, url, {"action": "finish"})).status_code == 303  # the local juror owes none
        after = await client.get(url)
        assert "прошла в следующий этап" in after.text and "не прошла в следующий этап" in after.text
        assert (await post_form(client, url, {"action": "publish"})).status_code == 303
        results = (await client.get(f"/api/v1/contests/{contest.contest_id}/results")).json()
        assert results[0]["published"] and [line["rank"] for line in results[0]["lines"]] == [1, 2]
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        assert (await client.get(url)).status_code == 200  # published: the region reads it


async def test_the_sheet_shows_the_portfolio_frozen_when_sent(app: Any) -> None:
    """The juror judges what was sent: the pairs, the training and the certificates as the application froze them,
    with the same lists the application page shows."""
    tenant = await make_tenant("Жюри портфолио")
    contest = await make_jury_contest(tenant, entries=1, jurors=1)
    email, _, _ = contest.jurors[0]
    sent = Portfolio(
        assembled_on=date(2026, 3, 1),
        pairs=[
            PortfolioPair(
                mentees="Ученикова Дарья",
                form="Педагог – педагог",
                starts_on=date(2025, 9, 1),
                ends_on=date(2026, 5, 31),
                status="завершена",
                meetings=14,
                outcome="Наставляемая провела открытый урок",
                nominated=True,
            )
        ],
        training=[
            PortfolioTraining(
                programme="Основы наставничества", school="Школа наставников", hours="36", completed_on=None
            )
        ],
        certificates=[PortfolioCertificate(number="ШН-2026-0007", title="Свидетельство", issued_on=date(2026, 2, 1))],
    )
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE contest_application SET portfolio = $2::jsonb, essay = 'Моё эссе' WHERE id = $1",
            contest.applications[0],
            msgspec.json.encode(sent).decode(),
        )
    async with make_client(app) as client:
        await login_page(client, email, PASSWORD)
        sheet = await client.get(f"/contests/jury/entries/{contest.entries[0]}")
        assert sheet.status_code == 200
        text = sheet.text
        assert "Моё эссе" in text and "Собрано при отправке заявки 01.03.2026" in text
        assert "Ученикова Дарья — Педагог – педагог, 01.09.2025 — 31.05.2026, завершена, встреч: 14" in text
        assert "Наставляемая провела открытый урок" in text and "в заявке" in text
        assert "Основы наставничества (Школа наставников), 36 ч" in text
        assert "№ ШН-2026-0007 — Свидетельство, 01.02.2026" in text
