"""The closing festival: the organizer makes it, awards the contest's winners, adds photos and publishes it; the
public sees it only while it is published; another organization's curator may not touch it."""

from __future__ import annotations

import re
from typing import Any

from shared.db import Scope, current_connection, tenant_transaction
from tests.contests.factories_jury import make_jury_contest
from tests.helpers import PASSWORD, csrf_token, login_page, make_client, make_tenant, post_form

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_a_festival_is_made_awarded_photographed_and_published(app: Any) -> None:
    tenant = await make_tenant("фестиваль")
    contest = await make_jury_contest(tenant, entries=2, jurors=1)
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        form = {"title": "", "held_on": "31.02.2026", "place": "", "contest_id": "", "audiences": "nobody"}
        refused = await post_form(client, "/contests/festivals/new", form)
        assert refused.status_code == 400
        assert "Назовите фестиваль" in refused.text and "Выберите приглашённых из списка" in refused.text
        assert 'id="e-held_on"' in refused.text
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            assert await current_connection().fetchval("SELECT count(*) FROM contest_festival") == 0

        token = await csrf_token(client, "/contests/festivals/new")
        made = await client.post(
            "/contests/festivals/new",
            data={
                "_csrf_token": token,
                "title": "Фестиваль наставничества — 2026",
                "held_on": "20.05.2026",
                "place": "",
                "contest_id": str(contest.contest_id),
                "agenda": "14:00 — открытие; 16:00 — награждение",
                "audiences": ["learners", "relatives", "media"],
            },
        )
        assert made.status_code == 303
        page_url = made.headers["location"]
        festival_id = re.fullmatch(r"/contests/festivals/([0-9a-f-]{36})", page_url)
        assert festival_id is not None
        public_url = f"{page_url}/public"

        shown = await client.get(page_url)
        assert shown.status_code == 200 and "Черновик" in shown.text and "20.05.2026" in shown.text
        no_place = await post_form(client, f"{page_url}/publish", {"action": "publish"}, page=page_url)
        assert no_place.status_code == 303
        assert "укажите место проведения" in (await client.get(page_url)).text

        empty = await post_form(client, f"{page_url}/awards", {"action": "add", "award_title": ""}, page=page_url)
        assert empty.status_code == 400 and "Назовите награду" in empty.text and "Укажите, кому вручена" in empty.text
        not_yet = await post_form(client, f"{page_url}/awards", {"action": "from_contest"}, page=page_url)
        assert not_yet.status_code == 400 and "Заключительный этап конкурса ещё не завершён" in not_yet.text
        async with tenant_transaction(Scope.for_region(tenant.region_id)):  # the regional stage ends: one winner
            db = current_connection()
            await db.execute(
                """INSERT INTO contest_entry (region_id, contest_id, panel_id, stage_id, nomination_id, application_id,
                       organization_id, municipality_id, state, rank, place, total)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'winner', 1, 1, 45)""",
                tenant.region_id,
                contest.contest_id,
                contest.regional_panel_id,
                contest.regional_stage_id,
                contest.nomination_id,
                contest.applications[0],
                tenant.organization_id,
                tenant.municipality_id,
            )
            await db.execute("UPDATE contest_panel SET status = 'finished' WHERE id = $1", contest.regional_panel_id)
        for _ in range(2):  # moved once, not twice
            moved = await post_form(client, f"{page_url}/awards", {"action": "from_contest"}, page=page_url)
            assert moved.status_code == 303
        added = await post_form(
            client,
            f"{page_url}/awards",
            {"action": "add", "award_title": "Благодарность за проект", "winner_name": "Пара Ивановых"},
            page=page_url,
        )
        assert added.status_code == 303
        text = (await client.get(page_url)).text
        assert text.count("Диплом I степени, номинация «Наставник года»") == 1 and "Участникова0 Анна" in text
        assert "Пара Ивановых" in text

        token = await csrf_token(client, page_url)
        text_file = await client.post(
            f"{page_url}/photos", data={"_csrf_token": token}, files={"file": ("фото.txt", b"hello", "image/png")}
        )
        assert text_file.status_code == 400 and "Фотография — JPEG или PNG" in text_file.text
        photo = await client.post(
            f"{page_url}/photos",
            data={"_csrf_token": token, "caption": "Награждение"},
            files={"file": ("награждение.png", PNG, "image/png")},
        )
        assert photo.status_code == 303
        photo_url = re.search(r'src="(/contests/festivals/[^"]+/photos/[^"]+)"', (await client.get(page_url)).text)
        assert photo_url is not None

    async with make_client(app) as visitor:
        assert (await visitor.get(public_url)).status_code == 404
        assert (await visitor.get(photo_url.group(1))).status_code == 404

    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        saved = await post_form(
            client,
            page_url,
            {
                "title": "Фестиваль наставничества — 2026",
                "held_on": "20.05.2026",
                "place": "Дом культуры",
                "contest_id": str(contest.contest_id),
            },
        )
        assert saved.status_code == 303
        assert (await post_form(client, f"{page_url}/publish", {"action": "publish"}, page=page_url)).status_code == 303
        assert "Опубликован" in (await client.get(page_url)).text

    async with make_client(app) as visitor:
        public = await visitor.get(public_url)
        assert public.status_code == 200 and "Дом культуры" in public.text and "Участникова0 Анна" in public.text
        assert "Черновик" not in public.text
        image = await visitor.get(photo_url.group(1))
        assert image.status_code == 200 and image.headers["content-type"] == "image/png" and image.content == PNG
        card = await visitor.get(f"/contests/{contest.contest_id}/public")
        assert public_url in card.text

    async with make_client(app) as client:  # another organization's curator reads it, but may not change it
        await login_page(client, tenant.other_curator, PASSWORD)
        assert (await client.get(page_url)).headers["location"] == public_url
        token = await csrf_token(client, "/contests/festivals")
        hidden = await client.post(f"{page_url}/publish", data={"_csrf_token": token, "action": "hide"})
        assert hidden.status_code == 403

    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        assert (await post_form(client, f"{page_url}/publish", {"action": "hide"}, page=page_url)).status_code == 303
    async with make_client(app) as visitor:
        assert (await visitor.get(public_url)).status_code == 404
