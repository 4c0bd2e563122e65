"""One click from a published case to a draft application in an announced «Лучшие практики наставничества»
nomination: the button is the curator's of the case's organization, and the application carries the case's title
and texts; the materials of the копилка are kept and published by their municipality."""

from __future__ import annotations

import uuid
from typing import Any

from shared.db import Scope, current_connection, tenant_transaction
from tests.cases.factories import finished_pair, published
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client, make_tenant, post_form

BUTTON = "Подать кейс в номинацию"


async def practice_contest(tenant: Tenant) -> uuid.UUID:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        contest_id = await db.fetchval(
            """INSERT INTO contest (region_id, level, title, year, status)
               VALUES ($1, 'region', 'Лучшие практики — 2026', 2026, 'announced') RETURNING id""",
            tenant.region_id,
        )
        nomination_id: uuid.UUID = await db.fetchval(
            """INSERT INTO contest_nomination (region_id, contest_id, kind, title, roles)
               VALUES ($1, $2, 'best_practice', 'Лучшие практики наставничества', '{mentor,curator}') RETURNING id""",
            tenant.region_id,
            contest_id,
        )
        await db.execute(
            """INSERT INTO contest_stage (region_id, contest_id, position, level, applications_from,
                   applications_until, review_from, review_until, results_on)
               VALUES ($1, $2, 1, 'region', current_date - 5, current_date + 20, current_date, current_date + 25,
                   current_date + 30)""",
            tenant.region_id,
            contest_id,
        )
    return nomination_id


async def test_a_published_case_enters_a_best_practice_nomination_in_one_click(app: Any) -> None:
    tenant = await make_tenant("кейсы-конкурс")
    pair = await finished_pair(app, tenant)
    case_id = await published(app, tenant, title="Практика на конкурс", mentorship_id=pair["pair_id"])
    nomination_id = await practice_contest(tenant)
    page_url = f"/cases/{case_id}"
    async with make_client(app) as head:
        await login_api(head, tenant.head, PASSWORD)
        assert BUTTON not in (await head.get(page_url)).text
    async with make_client(app) as other:
        await login_api(other, tenant.other_curator, PASSWORD)
        assert BUTTON not in (await other.get(page_url)).text  # another organization's case
        token = await csrf_token(other, page_url)
        foreign = await other.post(
            f"{page_url}/contest",
            data={"nomination_id": str(nomination_id), "nominee": pair["mentor"], "_csrf_token": token},
        )
        assert foreign.status_code == 404
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        page = await curator.get(page_url)
        assert BUTTON in page.text and "Лучшие практики — 2026" in page.text
        assert page.text.index(f'value="{pair["mentor"]}"') < page.text.index(BUTTON)  # the pair's mentor offered
        entered = await post_form(
            curator, f"{page_url}/contest", {"nomination_id": str(nomination_id), "nominee": pair["mentor"]}, page_url
        )
        assert entered.status_code == 303, entered.text
        assert entered.headers["location"].startswith("/contests/applications/")
        application_id = entered.headers["location"].rsplit("/", 1)[1]
        card = await curator.get(f"/contests/applications/{application_id}")
        assert card.status_code == 200 and "Практика на конкурс" in card.text
        again = await post_form(
            curator, f"{page_url}/contest", {"nomination_id": str(nomination_id), "nominee": pair["mentor"]}, page_url
        )
        assert again.status_code == 400 and "уже есть заявка" in again.text


async def test_a_municipality_keeps_and_publishes_its_materials(app: Any) -> None:
    tenant = await make_tenant("кейсы-копилка")
    async with make_client(app) as municipal:
        await login_api(municipal, tenant.municipal, PASSWORD)
        empty = await post_form(municipal, "/cases/materials/new", {"title": ""})
        assert empty.status_code == 400 and "Укажите название материала" in empty.text
        assert "Выберите вид материала" in empty.text
        created = await post_form(
            municipal,
            "/cases/materials/new",
            {"title": "Памятка наставнику-первогодке", "material_kind": "mentor_memo", "tags": "памятка"},
        )
        assert created.status_code == 303
        edit = created.headers["location"]
        case_path = edit.removesuffix("/edit")
        no_file = await post_form(municipal, f"{case_path}/steps", {"action": "publish"}, edit)
        assert no_file.status_code == 400 and "Прикрепите файл" in no_file.text
        uploaded = await municipal.post(
            f"{case_path}/files",
            data={"title": "Памятка (PDF)", "_csrf_token": await csrf_token(municipal, edit)},
            files={"file": ("memo.pdf", b"%PDF-1.4 memo", "application/pdf")},
        )
        assert uploaded.status_code == 303
        assert (await post_form(municipal, f"{case_path}/steps", {"action": "publish"}, edit)).status_code == 303
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        assert (await curator.get(edit)).status_code == 404  # not a curator's to edit
        hits = (await curator.get("/api/v1/cases", params={"kind": "material", "q": "памятки"})).json()
        assert [h["title"] for h in hits] == ["Памятка наставнику-первогодке"]
        card = (await curator.get(hits[0]["url"].replace("/cases/", "/api/v1/cases/"))).json()
        download = await curator.get(card["files"][0]["url"])
        assert download.status_code == 200 and download.content == b"%PDF-1.4 memo"
