"""The mentor school's catalogue: schools, programmes, modules, materials, questions and cohorts through the pages
and the API; field errors in Russian; who may edit (403 inside the region, 404 outside); the municipal offer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote

import httpx

from shared.db import Scope, current_connection, tenant_transaction
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, login_page, make_client, make_tenant, post_form

TODAY = date.today()


def iso(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


async def school(client: httpx.AsyncClient, name: str = "Региональная школа наставников") -> dict[str, Any]:
    response = await client.post(
        "/api/v1/school/schools",
        json={"name": name, "signatory_name": "Соколова Т. В.", "signatory_position": "Руководитель центра"},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def programme(client: httpx.AsyncClient, school_id: str, **extra: Any) -> dict[str, Any]:
    body = {
        "school_id": school_id,
        "title": "Основы наставнической деятельности",
        "audience": ["mentor_candidate", "mentor"],
        "status": "published",
        "assessment": "test",
        "min_hours": 14,
        **extra,
    }
    response = await client.post("/api/v1/school/programmes", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json()["programme"])


async def test_a_coordinator_builds_a_programme_and_a_cohort_through_the_api(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        created = await school(client)
        assert created["organization_id"] is None and created["municipality_id"] is None
        prog = await programme(client, created["id"])
        base = f"/api/v1/school/programmes/{prog['id']}"
        for topic, hours, kind in (
            ("Целевая модель", 2, "opening"),
            ("Общение", 4, "seminar"),
            ("Цикл", 6, "training"),
        ):
            response = await client.post(f"{base}/modules", json={"topic": topic, "hours": hours, "format": kind})
            assert response.status_code == 201, response.text
        modules = (await client.get(f"{base}/modules")).json()
        assert [m["topic"] for m in modules] == ["Целевая модель", "Общение", "Цикл"]
        moved = await client.post(f"{base}/modules/{modules[2]['id']}/move", json={"direction": "up"})
        assert [m["topic"] for m in moved.json()] == ["Целевая модель", "Цикл", "Общение"]
        moved = await client.post(f"{base}/modules/{modules[0]['id']}/move", json={"direction": "up"})
        assert [m["topic"] for m in moved.json()] == ["Целевая модель", "Цикл", "Общение"]  # the first stays first
        read = (await client.get(base)).json()
        assert read["status"] == "published" and float(read["programme"]["hours"]) == 12

        updated = await client.put(base, json={**read["programme"], "min_hours": 10, "status": "draft"})
        assert updated.status_code == 200, updated.text
        assert updated.json()["status"] == "draft" and float(updated.json()["programme"]["min_hours"]) == 10

        trainers = (await client.get("/api/v1/school/trainers")).json()
        assert [t["full_name"] for t in trainers] == ["Тестов trainer"]
        cohort = await client.post(
            f"{base}/cohorts",
            json={
                "title": "Поток 1",
                "starts_on": iso(10),
                "ends_on": iso(40),
                "place": "Светлогорск, ул. Мира, 1",
                "capacity": 12,
                "trainer_ids": [trainers[0]["user_id"]],
            },
        )
        assert cohort.status_code == 201, cohort.text
        body = cohort.json()
        assert body["stage"] == "planned" and [t["full_name"] for t in body["trainers"]] == ["Тестов trainer"]
        cohort_id = body["cohort"]["id"]
        changed = await client.put(
            f"/api/v1/school/cohorts/{cohort_id}",
            json={
                "title": "Поток 1",
                "starts_on": iso(10),
                "ends_on": iso(40),
                "online_link": "https://meet.example/1",
                "capacity": 15,
                "enrolment_open": False,
                "trainer_ids": [],
            },
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["cohort"]["capacity"] == 15 and changed.json()["trainers"] == []
        assert not changed.json()["cohort"]["enrolment_open"]
        listed = (await client.get(f"/api/v1/school/cohorts?programme_id={prog['id']}")).json()
        assert [c["cohort"]["id"] for c in listed] == [cohort_id]
        cancelled = await client.post(f"/api/v1/school/cohorts/{cohort_id}/cancel")
        assert cancelled.json()["stage"] == "cancelled"
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        actions = await current_connection().fetch(
            "SELECT action, details FROM audit_log WHERE details LIKE 'школа наставников%'"
        )
    assert len(actions) >= 8  # the school, the programme, three modules, the moves, the change, the cohort...


async def test_bad_input_is_named_at_its_field(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        created = await school(client)
        prog = await programme(client, created["id"])
        bad = await client.post(
            f"/api/v1/school/programmes/{prog['id']}/cohorts",
            json={"title": "", "starts_on": iso(20), "ends_on": iso(10), "capacity": 0},
        )
        assert bad.status_code == 400
        errors = bad.json()["errors"]
        assert set(errors) == {"title", "ends_on", "place", "capacity"}
        assert "раньше" in errors["ends_on"]
        bad = await client.post("/api/v1/school/programmes", json={"school_id": created["id"], "audience": ["x"]})
        assert set(bad.json()["errors"]) >= {"title", "audience"}
        bad = await client.post(
            f"/api/v1/school/programmes/{prog['id']}/modules", json={"topic": "Тема", "hours": 0, "format": "lecture"}
        )
        assert set(bad.json()["errors"]) == {"hours", "format"}
        missing = await client.post("/api/v1/school/programmes", json={"title": "Без школы"})
        assert missing.status_code == 400 and "school_id" in missing.json()["errors"]
        async with tenant_transaction(Scope.for_region(fresh.region_id)):
            cohorts = await current_connection().fetchval("SELECT count(*) FROM school_cohort")
        assert cohorts == 0  # nothing half-written

    async with make_client(app) as client:
        await login_page(client, fresh.regional, PASSWORD)
        page = f"/school/programmes/{prog['id']}/cohorts/new"
        response = await post_form(
            client, page, {"title": "Поток", "starts_on": "10.05.2027", "ends_on": "01.05.2027", "capacity": "0"}
        )
        assert response.status_code == 422
        assert "Поток не может закончиться раньше, чем начнётся" in response.text
        assert "Укажите место проведения или ссылку" in response.text
        assert "Число мест — от 1 до 1000" in response.text
        response = await post_form(
            client,
            page,
            {"title": "Поток", "starts_on": "31.02.2027", "ends_on": "01.05.2027", "place": "Школа", "capacity": "5"},
        )
        assert response.status_code == 422 and "Такой даты нет" in response.text


async def test_who_may_edit_a_school(app: Any, fresh: Tenant, tenant_b: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        regional = await school(client)
        prog = await programme(client, regional["id"])
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        assert (await client.get(f"/api/v1/school/programmes/{prog['id']}")).status_code == 200  # reads the offer
        response = await client.put(f"/api/v1/school/programmes/{prog['id']}", json={"title": "Чужая"})
        assert response.status_code == 403
        response = await client.put(f"/api/v1/school/schools/{regional['id']}", json={"name": "Моя"})
        assert response.status_code == 403
        own = await school(client, "Базовая школа наставников СОШ")  # a base organization of the network
        assert own["organization_id"] == str(fresh.organization_id)
        mine = await programme(client, own["id"], title="Своя программа")
        assert (
            await client.put(
                f"/api/v1/school/programmes/{mine['id']}",
                json={"title": "Своя программа", "audience": ["mentor"], "status": "published"},
            )
        ).status_code == 200
        token = await csrf_token(client, "/school")
        page = await client.post(f"/school/programmes/{prog['id']}/edit", data={"_csrf_token": token, "title": "x"})
        assert page.status_code == 403
    async with make_client(app) as client:
        await login_api(client, fresh.municipal, PASSWORD)
        assert (await client.put(f"/api/v1/school/programmes/{mine['id']}", json={"title": "x"})).status_code == 403
        municipal = await school(client, "Муниципальная школа")
        assert municipal["municipality_id"] == str(fresh.municipality_id)
    async with make_client(app) as client:
        await login_api(client, tenant_b.regional, PASSWORD)
        assert (await client.get(f"/api/v1/school/programmes/{prog['id']}")).status_code == 404
        assert (await client.put(f"/api/v1/school/programmes/{prog['id']}", json={})).status_code == 404
        assert (await client.get(f"/school/programmes/{prog['id']}")).status_code == 404
        listed = (await client.get("/api/v1/school/programmes")).json()
        assert prog["id"] not in {p["programme"]["id"] for p in listed}
    async with make_client(app) as client:
        await login_api(client, fresh.mentor, PASSWORD)
        assert (await client.post("/api/v1/school/schools", json={"name": "x"})).status_code == 403


async def test_the_pages_build_a_programme_with_modules_materials_and_questions(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, fresh.regional, PASSWORD)
        assert (await client.get("/school")).status_code == 200
        response = await post_form(client, "/school/new", {"name": "", "signatory_name": "", "signatory_position": ""})
        assert response.status_code == 422 and "Укажите название школы" in response.text
        response = await post_form(
            client,
            "/school/new",
            {"name": "Школа наставников", "signatory_name": "Соколова Т. В.", "signatory_position": "Директор"},
        )
        assert response.status_code == 303
        async with tenant_transaction(Scope.for_region(fresh.region_id)):
            school_id = await current_connection().fetchval("SELECT id FROM mentor_school")
        new = f"/school/schools/{school_id}/programmes/new"
        response = await post_form(
            client,
            new,
            {"title": "Куратор программы", "training": "in_process", "status": "published", "assessment": "assignment"},
        )
        assert response.status_code == 422
        assert "Выберите, для кого программа" in response.text and "Сформулируйте итоговое задание" in response.text
        token = await csrf_token(client, new)
        response = await client.post(
            new,
            data={
                "_csrf_token": token,
                "title": "Куратор программы",
                "training": "in_process",
                "audience": "curator",
                "offered_to": "all",
                "min_attendance_pct": "80",
                "min_hours": "18",
                "assessment": "test",
                "pass_mark_pct": "70",
                "max_attempts": "3",
                "status": "published",
            },
        )
        assert response.status_code == 303
        programme_page = response.headers["location"]
        for topic in ("Первый", "Второй"):
            response = await post_form(
                client,
                f"{programme_page}/modules",
                {"topic": topic, "hours": "4,5", "format": "webinar", "training": "primary"},
                page=programme_page,
            )
            assert response.status_code == 303
        response = await post_form(
            client, f"{programme_page}/modules", {"topic": "", "hours": "x", "format": "webinar"}, page=programme_page
        )
        assert response.status_code == 422 and "Укажите тему модуля" in response.text
        shown = (await client.get(programme_page)).text
        assert shown.index("Первый") < shown.index("Второй") and "9" in shown

        # A file material, downloaded back under its own name.
        token = await csrf_token(client, programme_page)
        response = await client.post(
            f"{programme_page}/materials",
            data={"_csrf_token": token, "title": "Памятка наставника"},
            files={"file": ("Памятка наставника.pdf", b"%PDF-1.4 memo", "application/pdf")},
        )
        assert response.status_code == 303
        response = await post_form(
            client, f"{programme_page}/materials", {"title": "Вебинар", "url": "ftp://x"}, page=programme_page
        )
        follow = await client.get(programme_page)
        assert "Ссылка начинается с https://" in follow.text
        async with tenant_transaction(Scope.for_region(fresh.region_id)):
            material_id = await current_connection().fetchval("SELECT id FROM school_material")
        download = await client.get(f"{programme_page}/materials/{material_id}")
        assert download.status_code == 200 and download.content == b"%PDF-1.4 memo"
        assert download.headers["content-type"] == "application/pdf"
        assert "Памятка наставника.pdf" in unquote(download.headers["content-disposition"])

        # The test's editor: one right answer for a single-choice question.
        response = await post_form(
            client,
            f"{programme_page}/questions",
            {"text": "Сколько этапов в цикле?", "options": "7", "correct": "0"},
            page=programme_page,
        )
        assert response.status_code == 422 and "не меньше двух вариантов" in response.text
        token = await csrf_token(client, programme_page)
        response = await client.post(
            f"{programme_page}/questions",
            data={"_csrf_token": token, "text": "Сколько этапов в цикле?", "options": ["5", "", "7"], "correct": "2"},
        )
        assert response.status_code == 303
        async with tenant_transaction(Scope.for_region(fresh.region_id)):
            question = await current_connection().fetchrow("SELECT options, correct FROM school_question")
        assert question["correct"] == [1]  # the empty option dropped, the index follows its option

    async with make_client(app) as client:
        await login_page(client, fresh.curator, PASSWORD)
        assert (await client.get(f"{programme_page}/materials/{material_id}")).status_code == 200
        assert "Сколько этапов" not in (await client.get(programme_page)).text  # the answers are the school's


async def test_a_programme_offered_to_chosen_municipalities(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        created = await school(client)
        offered = await programme(
            client,
            created["id"],
            title="Наставничество в СПО",
            offered_to_all=False,
            municipality_ids=[str(fresh.other_municipality_id)],
        )
        draft = await programme(client, created["id"], title="Черновик", status="draft")
        missing = await client.post(
            "/api/v1/school/programmes",
            json={"school_id": created["id"], "title": "x", "audience": ["mentor"], "offered_to_all": False},
        )
        assert "municipality_ids" in missing.json()["errors"]
        titles = {p["programme"]["title"] for p in (await client.get("/api/v1/school/programmes")).json()}
        assert {"Наставничество в СПО", "Черновик"} <= titles
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)  # the first municipality: not offered
        assert (await client.get(f"/api/v1/school/programmes/{offered['id']}")).status_code == 404
        assert (await client.get(f"/api/v1/school/programmes/{draft['id']}")).status_code == 404
        titles = {p["programme"]["title"] for p in (await client.get("/api/v1/school/programmes")).json()}
        assert titles.isdisjoint({"Наставничество в СПО", "Черновик"})
    async with make_client(app) as client:
        await login_api(client, fresh.other_curator, PASSWORD)
        assert (await client.get(f"/api/v1/school/programmes/{offered['id']}")).status_code == 200
        home = await client.get("/school")
        assert "Наставничество в СПО" in home.text and "Черновик" not in home.text


async def test_a_cohort_page_shows_trainers_and_participants(app: Any) -> None:
    tenant = await make_tenant("Поток")
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        async with make_client(app) as api:
            await login_api(api, tenant.regional, PASSWORD)
            created = await school(api)
            prog = await programme(api, created["id"])
            trainers = (await api.get("/api/v1/school/trainers")).json()
            cohort = await api.post(
                f"/api/v1/school/programmes/{prog['id']}/cohorts",
                json={"title": "Поток 2", "starts_on": iso(-5), "ends_on": iso(20), "place": "Гимназия", "capacity": 3},
            )
        cohort_id = cohort.json()["cohort"]["id"]
        page = f"/school/cohorts/{cohort_id}"
        shown = await client.get(page)
        assert "Пригласить преподавателя" in shown.text and "Преподаватели не назначены" in shown.text
        response = await post_form(client, f"{page}/trainers", {"user_id": trainers[0]["user_id"]}, page=page)
        assert response.status_code == 303
        shown = await client.get(page)
        assert "Тестов trainer" in shown.text and "Идёт" in shown.text
        invite = await client.get("/invitations/new?role=trainer")
        assert 'value="trainer" selected' in invite.text
    async with make_client(app) as client:
        await login_api(client, tenant.trainer, PASSWORD)
        assert (await client.get(page)).status_code == 200
        assert (await client.post(f"/api/v1/school/cohorts/{cohort_id}/cancel")).status_code == 403


async def test_an_archived_programme_and_a_cancelled_cohort_take_no_changes(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        created = await school(client)
        prog = await programme(client, created["id"])
        base = f"/api/v1/school/programmes/{prog['id']}"
        cohort = await client.post(
            f"{base}/cohorts",
            json={
                "title": "Поток",
                "starts_on": iso(5),
                "ends_on": iso(9),
                "online_link": "https://x.example",
                "capacity": 5,
            },
        )
        cohort_id = cohort.json()["cohort"]["id"]
        await client.post(f"/api/v1/school/cohorts/{cohort_id}/cancel")
        again = await client.post(f"/api/v1/school/cohorts/{cohort_id}/cancel")
        assert again.status_code == 400 and "cohort" in again.json()["errors"]
        changed = await client.put(f"/api/v1/school/cohorts/{cohort_id}", json={"title": "Новый"})
        assert changed.status_code == 400 and "отменён" in changed.json()["errors"]["title"]
        archived = await client.put(base, json={"title": prog["title"], "audience": ["mentor"], "status": "archived"})
        assert archived.json()["status"] == "archived"
        refused = await client.post(
            f"{base}/cohorts",
            json={"title": "Ещё", "starts_on": iso(5), "ends_on": iso(9), "place": "Школа", "capacity": 5},
        )
        assert refused.status_code == 400 and "архиве" in refused.json()["errors"]["title"]
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        assert (await client.get(base)).status_code == 404  # the archive is the school's own
