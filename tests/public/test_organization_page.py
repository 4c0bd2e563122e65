"""An organization's public page: nothing is public until the curator publishes it; a mentor appears only with a
consent to publication and disappears at once on its withdrawal; announcements are Markdown rendered safely; the
feed is valid Atom; the framed page admits only the organization's own site; a repeat visit is a 304."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from shared import clock
from tests.helpers import PASSWORD, csrf_token, login_api, login_page, make_client, make_tenant, post_form
from tests.public.factories import add_to_registry, approved_registry, consent_to_publication, publish_page

ATOM = "{http://www.w3.org/2005/Atom}"


async def test_the_page_shows_only_what_is_published_and_consented(app: Any) -> None:
    tenant = await make_tenant("Публичная страница")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        _, (shown, _) = await approved_registry(api, tenant, ["Публичная", "Скрытная"])
        consent_id = await consent_to_publication(api, shown)

    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        editor = await client.get("/public-page")
        assert editor.status_code == 200 and "Не опубликована" in editor.text
        slug = re.search(r'href="/o/([a-z0-9-]+)"', editor.text)
        assert slug is not None
        url = f"/o/{slug.group(1)}"
        async with make_client(app) as visitor:
            assert (await visitor.get(url)).status_code == 404

        bad = await post_form(client, "/public-page", {"slug": "Школа 1", "frame_origin": "http://school.example/page"})
        assert bad.status_code == 400 and "латинских букв" in bad.text and "без пути" in bad.text
        slug_text = f"shkola-{tenant.region_id.hex[:8]}"
        saved = await post_form(
            client,
            "/public-page",
            {
                "slug": slug_text,
                "intro": "Наставничество — **наша традиция**.",
                "frame_origin": "https://school1.example.ru",
            },
        )
        assert saved.status_code == 303
        url = f"/o/{slug_text}"

        refused = await post_form(
            client, "/public-page/partners", {"kind": "employer", "name": ""}, page="/public-page"
        )
        assert refused.status_code == 400 and "Укажите название партнёра" in refused.text
        partner = {"kind": "employer", "name": "АО «Светлогорский завод»", "subject": "Стажировки наставляемых"}
        assert (await post_form(client, "/public-page/partners", partner, page="/public-page")).status_code == 303

        post = {"title": "День наставника", "body": "Приглашаем! <script>alert(1)</script> **Сбор в 14:00**"}
        made = await post_form(client, "/public-page/posts/new", {**post, "action": "publish", "event_on": "x"})
        assert made.status_code == 400 and 'id="e-event_on"' in made.text
        made = await post_form(
            client, "/public-page/posts/new", {**post, "action": "publish", "event_on": "15.12.2026"}
        )
        assert made.status_code == 303
        draft = {"title": "Черновик анонса", "body": "ещё не готово", "action": "draft"}
        assert (await post_form(client, "/public-page/posts/new", draft)).status_code == 303

        preview = await client.get("/public-page/preview")
        assert preview.status_code == 200 and "Публичная" in preview.text and "Скрытная" not in preview.text
        publish = await post_form(client, "/public-page/publish", {"action": "publish"}, page="/public-page")
        assert publish.status_code == 303

    async with make_client(app) as visitor:
        shown_page = await visitor.get(url)
        assert shown_page.status_code == 200, shown_page.text
        text = shown_page.text
        assert "<strong>наша традиция</strong>" in text and "АО «Светлогорский завод»" in text
        assert "Публичная" in text and "Скрытная" not in text and "Приказ № 12-о" in text
        assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<strong>Сбор в 14:00</strong>" in text and "Черновик анонса" not in text
        assert 'itemtype="https://schema.org/Event"' in text
        etag = shown_page.headers["etag"]
        again = await visitor.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304

        feed = await visitor.get(f"{url}/feed.atom")
        assert feed.headers["content-type"].startswith("application/atom+xml")
        root = ET.fromstring(feed.content)  # noqa: S314
        assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}id") is not None
        assert root.find(f"{ATOM}updated") is not None and root.find(f"{ATOM}title") is not None
        entries = root.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}title") for e in entries] == ["День наставника"]
        for entry in entries:
            assert entry.find(f"{ATOM}id") is not None and entry.find(f"{ATOM}updated") is not None
        assert "<strong>Сбор в 14:00</strong>" in (entries[0].findtext(f"{ATOM}content") or "")

        embed = await visitor.get(f"{url}/embed")
        assert "frame-ancestors 'self' https://school1.example.ru" in embed.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in (await visitor.get(url)).headers["content-security-policy"]

        portal = await visitor.get("/")
        assert portal.status_code == 200 and url in portal.text and "День наставника" in portal.text
        assert f"{url}</loc>" in (await visitor.get("/sitemap.xml")).text

    async with make_client(app) as api:  # the consent withdrawn: the mentor leaves the page at once
        await login_api(api, tenant.curator, PASSWORD)
        withdrawn = await api.post(f"/api/v1/people/{shown}/consents/{consent_id}/withdraw", json={})
        assert withdrawn.status_code == 200
    async with make_client(app) as visitor:
        assert "Публичная" not in (await visitor.get(url)).text
        assert (await visitor.get(url, headers={"If-None-Match": etag})).status_code == 200  # the page changed

    async with make_client(app) as client:  # hidden again: gone for the public, the editor keeps it
        await login_page(client, tenant.curator, PASSWORD)
        assert (
            await post_form(client, "/public-page/publish", {"action": "hide"}, page="/public-page")
        ).status_code == 303
    async with make_client(app) as visitor:
        assert (await visitor.get(url)).status_code == 404
        assert url not in (await visitor.get("/")).text


async def test_a_portfolio_needs_the_consent_and_a_taken_address_is_refused(app: Any) -> None:
    tenant = await make_tenant("Портфолио наставника")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        _, (mentor,) = await approved_registry(api, tenant, ["Портфолиева"])
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        await client.get("/public-page")
        profile = f"/public-page/profiles/{mentor}"
        form = {"about": "Учитель года — 2024", "achievements": "Победитель «Наставника года»", "shown": "on"}
        refused = await post_form(client, profile, form, page="/public-page")
        assert refused.status_code == 303
        assert "Нет действующего согласия на публикацию" in (await client.get("/public-page")).text
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        await consent_to_publication(api, mentor)
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        assert (await post_form(client, profile, form, page="/public-page")).status_code == 303
        assert "Победитель «Наставника года»" in (await client.get("/public-page/preview")).text

    other = await make_tenant("Занятый адрес")
    async with make_client(app) as client:  # the address names no region: it is unique on the platform
        await login_page(client, other.curator, PASSWORD)
        editor = await client.get("/public-page")
        taken = re.search(r'href="/o/([a-z0-9-]+)"', editor.text)
        assert taken is not None
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        token = await csrf_token(client, "/public-page")
        clash = await client.post("/public-page", data={"_csrf_token": token, "slug": taken.group(1)})
        assert clash.status_code == 400 and "уже занят" in clash.text


async def test_a_peer_mentor_who_is_a_minor_shows_by_first_name_only(app: Any) -> None:
    tenant = await make_tenant("Ровесник-наставник")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        _, (adult,) = await approved_registry(api, tenant, ["Взрослова"])
        made = await api.post(
            "/api/v1/people",
            json={
                "surname": "Школьникова",
                "name": "Вера",
                "category": "learner",
                "birth_date": f"{clock.today().year - 15}-03-01",
                "class_or_course": "9Б",
                "roles": ["mentor_candidate"],
            },
        )
        pupil = made.json()["id"]
        representative = {
            "given_by": "representative",
            "representative_name": "Школьникова Анна Петровна",
            "representative_relation": "мать",
            "representative_document": "паспорт 1234 567890",
            "given_on": "2026-09-01",
        }
        given_ids = {}
        for kind in ("personal_data", "publication"):
            given = await api.post(f"/api/v1/people/{pupil}/consents", json={"kind": kind, **representative})
            assert given.status_code == 201, given.text
            given_ids[kind] = given.json()["id"]
        await consent_to_publication(api, adult)
    await add_to_registry(tenant, pupil)
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        preview = (await client.get("/public-page/preview")).text
    assert "Взрослова" in preview and "Вера</strong>, 9 «Б» класс" in preview
    assert "Школьникова" not in preview and "Анна Петровна" not in preview
    born = clock.today().year - 15
    assert f"01.03.{born}" not in preview and f"{born}-03-01" not in preview and "15 лет" not in preview

    async with make_client(app) as api:  # the representative withdraws the consent to publication
        await login_api(api, tenant.curator, PASSWORD)
        publication = given_ids["publication"]
        withdrawn = await api.post(f"/api/v1/people/{pupil}/consents/{publication}/withdraw", json={})
        assert withdrawn.status_code == 200, withdrawn.text
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        preview = (await client.get("/public-page/preview")).text
    assert "Взрослова" in preview and "Вера" not in preview and "9 «Б»" not in preview


def test_a_class_is_written_out_and_a_course_kept_as_it_is() -> None:
    from services.public.showcase import class_label

    assert class_label("10Б") == "10 «Б» класс" and class_label("10 б") == "10 «Б» класс"
    assert class_label("9") == "9 класс" and class_label("11-А") == "11 «А» класс"
    assert class_label("2 курс") == "2 курс" and class_label("") == ""


async def test_a_curator_shows_in_own_section_only_with_the_consent(app: Any) -> None:
    tenant = await make_tenant("Куратор на странице")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        await approved_registry(api, tenant, ["Реестрова"])
        made = await api.post(
            "/api/v1/people",
            json={
                "surname": "Кураторова",
                "name": "Ольга",
                "patronymic": "Ивановна",
                "category": "staff",
                "position": "заместитель директора",
                "roles": ["curator"],
            },
        )
        assert made.status_code == 201, made.text
        curator = made.json()["id"]
        given = await api.post(
            f"/api/v1/people/{curator}/consents", json={"kind": "personal_data", "given_on": "2026-09-01"}
        )
        assert given.status_code == 201, given.text

    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        editor = (await client.get("/public-page")).text
        assert 'id="curators"' in editor and "Кураторова Ольга Ивановна" in editor
        portfolio = {"about": "Куратор программы с 2020 года, **ведёт школу молодого педагога**.", "shown": "on"}
        refused = await post_form(client, f"/public-page/profiles/{curator}", portfolio, page="/public-page")
        assert refused.status_code == 303  # the portfolio is refused: no consent to publication yet
        preview = (await client.get("/public-page/preview")).text
        assert "Кураторова" not in preview and 'id="h-curators"' not in preview

    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        consent_id = await consent_to_publication(api, curator)
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        saved = await post_form(client, f"/public-page/profiles/{curator}", portfolio, page="/public-page")
        assert saved.status_code == 303 and saved.headers["location"].endswith("#curators")
        assert "портфолио показывается" in (await client.get("/public-page")).text
        preview = (await client.get("/public-page/preview")).text
        curators = preview[preview.index('id="h-curators"') :]
        assert "Куратор программы" in curators and "Кураторова Ольга Ивановна" in curators
        assert "<strong>ведёт школу молодого педагога</strong>" in curators
        assert "Кураторова" not in preview[: preview.index('id="h-curators"')]  # not among the mentors

    url = await publish_page(app, tenant, [])
    async with make_client(app) as visitor:
        public = await visitor.get(url)
        assert public.status_code == 200 and "Кураторова Ольга Ивановна" in public.text
        assert (await visitor.get(url, headers={"If-None-Match": public.headers["etag"]})).status_code == 304

    async with make_client(app) as api:  # the consent withdrawn: the curator leaves the page at once
        await login_api(api, tenant.curator, PASSWORD)
        withdrawn = await api.post(f"/api/v1/people/{curator}/consents/{consent_id}/withdraw", json={})
        assert withdrawn.status_code == 200
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        preview = (await client.get("/public-page/preview")).text
    assert "Кураторова" not in preview and 'id="h-curators"' not in preview
    async with make_client(app) as visitor:  # a visitor holding the old page's ETag gets the new page
        fresh = await visitor.get(url, headers={"If-None-Match": public.headers["etag"]})
        assert fresh.status_code == 200 and "Кураторова" not in fresh.text


async def test_a_mentor_card_shows_published_contest_results(app: Any) -> None:
    from shared.db import Scope, current_connection, tenant_transaction
    from tests.contests.factories_jury import make_jury_contest
    from tests.contests.test_public_pages import finish_and_publish

    tenant = await make_tenant("Победитель на странице")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        _, (mentor,) = await approved_registry(api, tenant, ["Победителева"])
        await consent_to_publication(api, mentor)
    contest = await make_jury_contest(tenant, entries=2, jurors=1)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE contest_application SET person_id = $2 WHERE id = $1", contest.applications[0], mentor
        )
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        assert "Наставник года — 2026" not in (await client.get("/public-page/preview")).text  # not published yet
    await finish_and_publish(tenant, contest)
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        preview = (await client.get("/public-page/preview")).text
    assert "Победителева" in preview and "Наставник года — 2026" in preview and "муниципальный этап" in preview
