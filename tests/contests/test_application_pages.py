"""The organization's application through the pages: the curator nominates an eligible mentor of the base,
cannot hand it over before the consent, then the head confirms and sends it into the first stage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared import clock
from shared.db import Scope, current_connection, tenant_transaction
from tests.helpers import PASSWORD, login_page, make_client, make_tenant, post_form


async def _open_contest(tenant: Any) -> tuple[Any, Any, Any]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        contest_id = await db.fetchval(
            """INSERT INTO contest (region_id, level, title, year, status)
               VALUES ($1, 'region', 'Конкурс заявок', $2, 'announced') RETURNING id""",
            tenant.region_id,
            clock.today().year,
        )
        nomination_id = await db.fetchval(
            """INSERT INTO contest_nomination (region_id, contest_id, kind, title, roles)
               VALUES ($1, $2, 'custom', 'Молодой наставник', '{mentor}') RETURNING id""",
            tenant.region_id,
            contest_id,
        )
        day = clock.today()
        await db.execute(
            """INSERT INTO contest_stage (region_id, contest_id, position, level, applications_from,
                   applications_until, review_from, review_until, results_on)
               VALUES ($1, $2, 1, 'region', $3, $4, $4, $5, $5)""",
            tenant.region_id,
            contest_id,
            day - timedelta(days=1),
            day + timedelta(days=10),
            day + timedelta(days=20),
        )
        await db.execute(
            """INSERT INTO contest_panel (region_id, contest_id, stage_id, nomination_id, level)
               SELECT $1, $2, id, $3, 'region' FROM contest_stage WHERE contest_id = $2""",
            tenant.region_id,
            contest_id,
            nomination_id,
        )
        person_id = await db.fetchval(
            """INSERT INTO person (region_id, organization_id, surname, name, category, sort_key)
               VALUES ($1, $2, 'Номинантова', 'Ольга', 'staff', '\\x00') RETURNING id""",
            tenant.region_id,
            tenant.organization_id,
        )
        await db.execute(
            """INSERT INTO participation (region_id, organization_id, person_id, role, since)
               VALUES ($1, $2, $3, 'mentor', current_date)""",
            tenant.region_id,
            tenant.organization_id,
            person_id,
        )
    return contest_id, nomination_id, person_id


async def test_the_curator_prepares_and_the_head_sends(app: Any) -> None:
    tenant = await make_tenant("Заявки страницы")
    contest_id, nomination_id, person_id = await _open_contest(tenant)
    apply_url = f"/contests/{contest_id}/nominations/{nomination_id}/apply"
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        card = await client.get(f"/contests/{contest_id}")
        assert "Выдвинуть: Молодой наставник" in card.text
        page = await client.get(apply_url)
        assert "Номинантова Ольга" in page.text
        empty = await post_form(client, apply_url, {"nominee": ""})
        assert empty.status_code == 400 and "Выберите номинанта" in empty.text
        made = await post_form(client, apply_url, {"nominee": str(person_id)})
        assert made.status_code == 303
        url = made.headers["location"]
        again = await post_form(client, apply_url, {"nominee": str(person_id)})
        assert again.status_code == 400 and "уже есть заявка" in again.text
        early = await post_form(client, url, {"action": "prepare"})
        assert early.status_code == 303
        assert "Нужно согласие номинанта" in (await client.get(url)).text
        bad = await post_form(client, url, {"action": "save", "participation_consent_on": "32.01.2026"})
        assert bad.status_code == 400 and "Такой даты нет" in bad.text
        consent = (clock.today() - timedelta(days=1)).strftime("%d.%m.%Y")
        ready = await post_form(client, url, {"action": "prepare", "participation_consent_on": consent})
        assert ready.status_code == 303
        assert "на подтверждении у руководителя" in (await client.get(url)).text
        assert (await post_form(client, url, {"action": "send"})).status_code == 403  # the head's decision
    async with make_client(app) as client:
        await login_page(client, tenant.head, PASSWORD)
        listed = await client.get("/contests/applications")
        assert "Номинантова Ольга" in listed.text and "на подтверждении" in listed.text
        assert (await post_form(client, url, {"action": "send"})).status_code == 303
        assert "подана" in (await client.get(url)).text
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        entries = await current_connection().fetchval(
            "SELECT count(*) FROM contest_entry WHERE contest_id = $1", contest_id
        )
        frozen = await current_connection().fetchval(
            "SELECT portfolio IS NOT NULL FROM contest_application WHERE contest_id = $1", contest_id
        )
    assert entries == 1 and frozen
    async with make_client(app) as client:  # another organization's curator does not reach it
        await login_page(client, tenant.other_curator, PASSWORD)
        assert (await client.get(url)).status_code == 404
