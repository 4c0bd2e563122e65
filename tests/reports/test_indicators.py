"""Indicators against a small region computed by hand, dashboards with drill-down, and the scope of each viewer."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from services.reports import indicators
from services.reports.indicators import Period, Reach
from shared import clock
from tests.factories import active_pair, contingent, iso, programme
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant, post_form, run_worker

TODAY = clock.today()


def born(years: int, days: int = 30) -> str:
    """A birth date making the person `years` old today (a month past the birthday)."""
    return (TODAY.replace(year=TODAY.year - years) - timedelta(days=days)).isoformat()


async def add(
    client: Any,
    surname: str,
    category: str,
    role: str,
    *,
    age: int | None = None,
    consent: bool = True,
    snils: str = "",
) -> str:
    body: dict[str, Any] = {"surname": surname, "name": "Тест", "category": category, "roles": [role]}
    if snils:
        body["snils"] = snils
    if age is not None:
        body["birth_date"] = born(age)
    response = await client.post("/api/v1/people", json=body)
    assert response.status_code == 201, response.text
    person_id: str = response.json()["id"]
    if consent:
        minor = age is not None and age < 20  # a minor when the consent was given, 500 days ago
        consent_body = {
            "kind": "personal_data",
            "given_on": iso(-500),
            "given_by": "representative" if minor else "self",
        }
        if minor:
            consent_body |= {
                "representative_name": "Родитель Тест",
                "representative_relation": "мать",
                "representative_document": "паспорт",
            }
        given = await client.post(f"/api/v1/people/{person_id}/consents", json=consent_body)
        assert given.status_code == 201, given.text
        taking_part = await client.post(
            f"/api/v1/people/{person_id}/consents", json={**consent_body, "kind": "participation"}
        )
        assert taking_part.status_code == 201, taking_part.text
        if category == "staff" and role == "mentor":
            duties = {
                "kind": "staff_duties",
                "given_on": iso(-500),
                "agreement_number": "1",
                "agreement_date": iso(-500),
            }
            assert (await client.post(f"/api/v1/people/{person_id}/consents", json=duties)).status_code == 201
    return person_id


async def teacher_learner_programme(client: Any) -> dict[str, Any]:
    prog = await programme(client)
    await use_teacher_learner(client, prog)
    return prog


async def use_teacher_learner(client: Any, prog: dict[str, Any]) -> None:
    """The programme's form is «педагог – обучающийся», with up to two mentees per mentor."""
    forms = (await client.get("/api/v1/catalogue/forms")).json()
    teacher_learner = next(f for f in forms if f["code"] == "teacher_learner")
    await client.put(
        f"/api/v1/programmes/{prog['id']}/steps/forms",
        json={"form_ids": [teacher_learner["id"]], "max_mentees_per_mentor": "2", "max_pair_months": "12"},
    )
    prog["form_id"] = teacher_learner["id"]


async def counted(app: Any, client: Any, port: int, params: dict[str, str]) -> dict[str, Any]:
    """A municipality or the region is counted by the worker: the first answer says so, the next has the numbers."""
    first = await client.get("/api/v1/indicators", params=params)
    if first.status_code == 202:
        assert first.json()["status"] == "counting"
        await run_worker(app, port)
        first = await client.get("/api/v1/indicators", params=params)
    assert first.status_code == 200, first.text
    result: dict[str, Any] = first.json()
    return result


async def add_organization(tenant: Tenant, municipality_id: uuid.UUID, kind: str, name: str) -> uuid.UUID:
    """One more organization of the tenant's region, with nobody in it."""
    from shared.db import Level, Scope, tenant_transaction
    from shared.i18n import sort_key
    from tenants.tables import Organization

    async with tenant_transaction(Scope(Level.platform)):
        rows = (
            await Organization.insert(
                Organization(
                    region_id=tenant.region_id,
                    municipality_id=municipality_id,
                    kind=kind,
                    name=name,
                    short_name="",
                    sort_key=sort_key(name),
                    inn="",
                    address="",
                    head_name="",
                    phone="",
                    email="",
                    website="",
                    created_at=clock.now(),
                    updated_at=clock.now(),
                )
            )
            .returning(Organization.id)
            .run()
        )
    organization_id: uuid.UUID = rows[0]["id"]
    return organization_id


async def make_kind(tenant: Tenant, organization_id: uuid.UUID, kind: str) -> None:
    from shared.db import Level, Scope, current_connection, tenant_transaction

    async with tenant_transaction(Scope(Level.platform)):
        await current_connection().execute("UPDATE organization SET kind = $2 WHERE id = $1", organization_id, kind)


@pytest.fixture(scope="module")
async def region(app: Any) -> dict[str, Any]:
    """Organization 1 (a school; contingent: 8 learners aged 10–18 of 10, 4 teachers): learners aged 12 (in an
    active pair), 17, 15 (only in a draft pair), 19 (outside the window) and 14 (no consent); teachers: the active
    pair's mentor, the draft's mentor, one without consent. Organization 3, a school of the same municipality, has
    nobody and no contingent. Organization 2 (another municipality) is a college (contingent: 50 students,
    10 teachers): one learner aged 13, not in mentoring."""
    tenant = await make_tenant("Показатели")
    third = await add_organization(tenant, tenant.municipality_id, "school", "Школа без контингента")
    await make_kind(tenant, tenant.other_organization_id, "college")
    await contingent(tenant.region_id, tenant.organization_id, learners_total=10, learners_10_18=8, teachers=4)
    await contingent(tenant.region_id, tenant.other_organization_id, learners_total=50, teachers=10)
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await programme(client)
        in_pair = await add(client, "Вовлечённая", "learner", "mentee_candidate", age=12)
        await add(client, "Свободный", "learner", "mentee_candidate", age=17)
        drafted = await add(client, "Черновая", "learner", "mentee_candidate", age=15)
        await add(client, "Взрослый", "learner", "mentee_candidate", age=19)
        await add(client, "Скрытая", "learner", "mentee_candidate", age=14, consent=False)
        mentor = await add(client, "Наставница", "staff", "mentor")
        other = await add(client, "Черновик", "staff", "mentor")
        await add(client, "Безсогласный", "staff", "mentor_candidate", consent=False)
        await use_teacher_learner(client, prog)
        pair = await active_pair(client, prog, mentor, [in_pair], starts=-50)
        for days in (-45, -35, -10):
            held = await client.post(
                f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "60", "held_on": iso(days)}
            )
            assert held.status_code == 201, held.text
        draft = await client.post(
            "/api/v1/pairs",
            json={
                "programme_id": prog["id"],
                "mentor_id": other,
                "mentee_ids": [drafted],
                "form_id": prog["form_id"],
                "starts_on": iso(0),
            },
        )
        assert draft.status_code == 201
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)
        await add(client, "Соседний", "learner", "mentee_candidate", age=13)
    return {"tenant": tenant, "third": third, "period": {"starts": iso(-60), "ends": TODAY.isoformat()}}


async def test_each_indicator_against_a_hand_computed_region(
    app: Any,
    region: dict[str, Any],
    smtp: Any,
) -> None:
    tenant: Tenant = region["tenant"]
    _, port = smtp
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        own = (await client.get("/api/v1/indicators", params=region["period"])).json()
    # The target's shares divide by the contingent: 1 involved learner of the 8 aged 10–18, 1 teacher of 4.
    school_year = clock.school_year(TODAY)[0].year
    assert (own["learners_share"], own["teachers_share"]) == (12.5, 25.0)
    assert own["contingent_school_year"] == f"{school_year}/{(school_year + 1) % 100:02d}"
    assert [(k["kind"], k["learners_contingent"], k["teachers_contingent"]) for k in own["contingent"]] == [
        ("school", 8, 4)
    ]
    # The share of the base stays apart. Learners 10–18 with consent: 12, 17, 15 (19 is outside the window, 14 has
    # no consent); only 12 is in a pair approved by order (a draft does not count).
    assert (own["learners"], own["learners_involved"], own["base_learners_share"]) == (3, 1, 33.3)
    # Teachers with consent: the two mentors; only the active pair's mentor is involved.
    assert (own["teachers"], own["teachers_involved"], own["base_teachers_share"]) == (2, 1, 50.0)
    assert (own["pairs"], own["groups"], own["meetings"]) == (1, 0, 3)
    # The pair worked 51 days of the period (from its start 50 days ago up to today): 3 / (51 / 30.44) meetings a month.
    assert own["meetings_per_pair_month"] == round(3 / (51 / 30.44), 2)
    # The longest wait between meetings was 25 days (35 days ago → 10 days ago): not every two weeks.
    assert (own["rhythm_pairs"], own["rhythm_ok"], own["rhythm_share"]) == (1, 0, 0.0)
    assert own["completion_rate"] is None and own["early_end_rate"] is None
    assert (own["mentors"], own["organizations"]) == (2, 1)
    assert {(r["status"], r["pairs"]) for r in own["by_form"]} == {("active", 1), ("draft", 1)}

    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        first = await client.get("/api/v1/indicators", params=region["period"])
        assert first.status_code == 202 and first.json()["status"] == "counting"
        page = await client.get("/dashboard", params=region["period"])
        assert page.status_code == 200 and "считаются" in page.text
        whole = await counted(app, client, port, region["period"])
        assert (whole["learners"], whole["learners_involved"], whole["base_learners_share"]) == (4, 1, 25.0)
        # The college is counted beside the target, not in it: 1 of the school's 8, not 1 of 8 + 50; the school
        # without a contingent is left out of both sides and said to have none.
        assert (whole["learners_share"], whole["teachers_share"], whole["without_contingent"]) == (12.5, 25.0, 1)
        kinds = {k["kind"]: k for k in whole["contingent"]}
        assert (kinds["school"]["organizations"], kinds["school"]["without_contingent"]) == (2, 1)
        assert (kinds["college"]["learners_contingent"], kinds["college"]["learners_share"]) == (50, 0.0)
        assert kinds["college"]["target"] is False and kinds["school"]["target"] is True
        lines = [(line["learners_share"], line["without_contingent"]) for line in whole["breakdown"]]
        assert lines == [(12.5, 1), (None, 0)]  # the second municipality has no school: no target share
        assert whole["breakdown"][1]["contingent"][0]["learners_share"] == 0.0
        other = await counted(
            app, client, port, {**region["period"], "municipality_id": str(tenant.other_municipality_id)}
        )
        assert (other["learners"], other["learners_involved"]) == (1, 0)

        # The window is taken on the period's last day: a year earlier, the 19-year-old was 18 and counted.
        year_ago = {
            "starts": (TODAY - timedelta(days=430)).isoformat(),
            "ends": (TODAY - timedelta(days=365)).isoformat(),
        }
        earlier = await counted(app, client, port, year_ago)
        assert earlier["learners"] == 5  # 11, 16, 14 and 13→12 as before, and the 19-year-old was then 18
        # A year ago is another school year, which has no contingent: no share, whatever the base holds.
        assert earlier["learners_share"] is None and earlier["without_contingent"] == 3
        page = await client.get("/dashboard", params=region["period"])
        assert page.status_code == 200 and "<svg" in page.text and "Данные на" in page.text
        assert "<b>12,5 %</b>обучающихся 10–18 лет общеобразовательных организаций" in page.text
        assert "(1 из 8 по контингенту" in page.text and "без данных о контингенте — 1 организация из 2" in page.text
        assert "<b>0,0 %</b>обучающихся в наставничестве — профессиональные образовательные организации" in page.text
        assert "<b>25,0 %</b>доля базы в наставничестве" in page.text
        people = await client.get("/dashboard/people", params={**region["period"], "key": "learners_not_involved"})
        assert "Свободный Тест" in people.text and "Черновая Тест" in people.text
        assert "Скрытая" not in people.text and "Вовлечённая" not in people.text


async def test_a_municipal_coordinator_never_sees_another_municipality(
    app: Any,
    region: dict[str, Any],
    smtp: Any,
) -> None:
    tenant: Tenant = region["tenant"]
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        own = await counted(app, client, smtp[1], region["period"])
        assert own["learners"] == 3 and {line["id"] for line in own["breakdown"]} == {
            str(tenant.organization_id),
            str(region["third"]),
        }
        for params in (
            {"municipality_id": str(tenant.other_municipality_id)},
            {"organization_id": str(tenant.other_organization_id)},
        ):
            assert (await client.get("/api/v1/indicators", params=params)).status_code == 404
            assert (await client.get("/dashboard", params=params)).status_code == 404
            assert (await client.get("/dashboard/people", params={**params, "key": "learners"})).status_code == 404
            recount = await post_form(client, "/dashboard/recount", params, page="/dashboard")
            assert recount.status_code == 404
        people = (await client.get("/dashboard/people", params={**region["period"], "key": "learners"})).text
        assert "Соседний" not in people and "Свободный Тест" in people
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        # A curator's dashboard is always their organization's, whatever the query asks.
        forced = (
            await client.get("/api/v1/indicators", params={"municipality_id": str(tenant.other_municipality_id)})
        ).json()
        assert forced["learners"] == 3


async def test_exports_open_with_the_right_rows_and_headers(app: Any, region: dict[str, Any], smtp: Any) -> None:
    import csv
    import io

    import openpyxl

    tenant: Tenant = region["tenant"]
    _, port = smtp
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        refused = await client.post(
            "/api/v1/exports",
            json={"kind": "people", "format": "xlsx", "municipality_id": str(tenant.other_municipality_id)},
        )
        assert refused.status_code == 404
        bad = await client.post("/api/v1/exports", json={"kind": "everything", "format": "pdf"})
        assert bad.status_code == 400 and {"kind", "format"} <= set(bad.json()["errors"])
        backwards = await client.post(
            "/api/v1/exports", json={"kind": "indicators", "format": "csv", "starts": iso(1), "ends": iso(-1)}
        )
        assert backwards.status_code == 400 and set(backwards.json()["errors"]) == {"ends"}
        future = await client.post("/api/v1/exports", json={"kind": "indicators", "format": "csv", "starts": iso(5)})
        assert future.status_code == 400 and set(future.json()["errors"]) == {"starts"}  # it would end today
        started = {
            fmt: (await client.post("/api/v1/exports", json={"kind": kind, "format": fmt})).json()
            for kind, fmt in (("people", "xlsx"), ("pairs", "csv"))
        }
        table = (
            await client.post("/api/v1/exports", json={"kind": "indicators", "format": "xlsx", **region["period"]})
        ).json()
        await run_worker(app, port)
        counted_rows = list(
            openpyxl.load_workbook(io.BytesIO((await client.get(table["download"])).content)).active.iter_rows(
                values_only=True
            )
        )
        assert counted_rows[0][:2] == ("Муниципалитет", "Организация")
        assert counted_rows[0][2:17] == (
            "Вид организации",
            "Цель 70 % (общеобразовательные)",
            "Учебный год контингента",
            "Обучающихся по контингенту (школы: 10–18 лет)",
            "Из них в наставничестве",
            "Доля обучающихся от контингента, %",
            "Педагогов по контингенту",
            "Из них в наставничестве",
            "Доля педагогов от контингента, %",
            "Обучающихся 10–18 лет в базе с согласием",
            "Из них в наставничестве",
            "Доля базы обучающихся в наставничестве, %",
            "Педагогов в базе с согласием",
            "Из них в наставничестве",
            "Доля базы педагогов в наставничестве, %",
        )
        # The coordinator's two schools: the one with a contingent, and the one without, which has no share.
        year = clock.school_year(TODAY)[0].year
        none = "нет данных о контингенте"
        assert [row[2:14] for row in counted_rows[1:]] == [
            ("общеобразовательная", "да", f"{year}/{(year + 1) % 100:02d}", 8, 1, 12.5, 4, 1, 25.0, 3, 1, 33.3),
            ("общеобразовательная", "да", "", none, "", none, none, "", none, 0, 0, ""),
        ]
        people = started["xlsx"]
        assert (await client.get(f"/api/v1/exports/{people['id']}")).json()["status"] == "done"
        xlsx = await client.get(people["download"])
        assert xlsx.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == (
            "ФИО",
            "Дата рождения",
            "Категория",
            "Должность / класс",
            "Роли",
            "Организация",
            "Муниципалитет",
        )
        names = [r[0] for r in rows[1:]]
        # Consenting people of the coordinator's municipality only: 4 learners and 2 teachers, not the neighbour.
        assert len(names) == 6 and "Свободный Тест" in names and "Скрытая Тест" not in names
        assert "Соседний Тест" not in names
        assert sheet.freeze_panes == "A2"
        born_cell = next(r for r in rows[1:] if r[0] == "Свободный Тест")[1]
        assert hasattr(born_cell, "year")  # a date, not text

        pairs = await client.get(started["csv"]["download"])
        text = pairs.content.decode("utf-8")
        assert text.startswith("\ufeff")
        table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        assert table[0][:3] == ["Наставник", "Наставляемые", "Форма"]
        assert sorted(r[4] for r in table[1:]) == ["проект", "работает"]
    async with make_client(app) as other:
        await login_api(other, tenant.regional, PASSWORD)
        assert (await other.get(people["download"])).status_code == 404  # the link is the requester's own
        audit = await other.get("/audit", params={"action": "export"})
        assert "Региональная база участников" in audit.text


async def test_the_synthetic_region_has_the_documented_shape(app: Any) -> None:
    import os
    import uuid

    from services.reports.synthetic import seed_bench
    from shared.db import Scope, tenant_transaction

    dsn = os.environ.get("ADMIN_DATABASE_URL")
    if not dsn:
        pytest.skip("needs a role that bypasses RLS: set ADMIN_DATABASE_URL (the embedded test server sets it)")
    counts = await seed_bench(dsn, 5000)
    assert (counts["person"], counts["consent"], counts["mentorship"]) == (5000, 5000, 2000)
    assert 4.5 <= counts["meeting"] / 5000 <= 5.5  # about five meetings per participant, as for a real region
    async with tenant_transaction(Scope.for_region(uuid.UUID(counts["region_id"]))):
        values = await indicators.current(
            uuid.UUID(counts["region_id"]), Reach(), Period(TODAY - timedelta(days=365), TODAY)
        )
    assert values.pairs == 2000 and values.teachers == 1000
    assert values.teachers_involved == 1000 and values.learners_involved <= 2000
    assert counts["organization_contingent"] == counts["organization"] and values.without_contingent == 0
    assert values.teachers_share == 80.0  # every teacher mentors, and the base holds four in five of them


async def test_the_hourly_job_counts_the_default_dashboards_and_drops_old_counts(
    app: Any,
    region: dict[str, Any],
) -> None:
    from services.reports.jobs import default_period, refresh_indicators
    from shared.db import Scope, current_connection, tenant_transaction

    tenant: Tenant = region["tenant"]
    forgotten = Period(TODAY - timedelta(days=100), TODAY - timedelta(days=90))
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await indicators.refresh(forgotten)
        await current_connection().execute(
            "UPDATE indicator_fact SET computed_at = now() - interval '3 days' WHERE ends_on = $1", forgotten.ends_on
        )
    done = await refresh_indicators({})
    assert done["counted"] >= len(indicators.trend_points(default_period(TODAY)))
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        found = await indicators.snapshot(Reach(), default_period(TODAY))
        assert found is not None and (found.values.learners, found.values.learners_involved) == (4, 1)
        assert (await indicators.trend(Reach(), default_period(TODAY)))[1] == []  # no point left to count
        assert await indicators.snapshot(Reach(), forgotten) is None
    # Counted today, the trend's earlier month ends are not counted again: only today's dashboard is.
    again = await refresh_indicators({})
    assert again["counted"] == again["regions"]


async def test_an_organization_is_recounted_on_request_and_the_page_says_when(app: Any) -> None:
    tenant = await make_tenant("Пересчёт")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await teacher_learner_programme(client)
        mentor = await add(client, "Наставник", "staff", "mentor")
        mentee = await add(client, "Ученица", "learner", "mentee_candidate", age=13)
        pair = await active_pair(client, prog, mentor, [mentee], starts=-20)
        period = {"starts": iso(-30), "ends": TODAY.isoformat()}
        before = (await client.get("/api/v1/indicators", params=period)).json()
        assert (before["status"], before["meetings"], before["learners_involved"]) == ("counted", 0, 1)
        held = await client.post(
            f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "60", "held_on": iso(-1)}
        )
        assert held.status_code == 201
        # The count is kept until somebody asks again or the hourly job runs: the page says when it was made.
        assert (await client.get("/api/v1/indicators", params=period)).json()["meetings"] == 0
        page = await client.get("/dashboard", params=period)
        assert "Данные на" in page.text and "Пересчитать" in page.text
        recount = await post_form(client, "/dashboard/recount", period, page="/dashboard")
        assert recount.status_code in (302, 303)
        assert (await client.get("/api/v1/indicators", params=period)).json()["meetings"] == 1

        bad = {"starts": "32.13.2026", "ends": iso(-40)}
        refused = await client.get("/api/v1/indicators", params=bad)
        assert refused.status_code == 400 and set(refused.json()["errors"]) == {"starts"}
        shown = await client.get("/dashboard", params=bad)  # the default period, the error next to the date
        assert shown.status_code == 200 and 'id="e-starts"' in shown.text and 'value="32.13.2026"' in shown.text


async def test_until_today_is_counted_a_dashboard_shows_the_latest_count_and_says_so(
    app: Any, region: dict[str, Any]
) -> None:
    from shared.db import Scope, current_connection, tenant_transaction

    tenant: Tenant = region["tenant"]
    starts, yesterday = TODAY - timedelta(days=60), TODAY - timedelta(days=1)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await indicators.refresh(Period(starts, yesterday))
        await current_connection().execute(
            "DELETE FROM indicator_fact WHERE starts_on = $1 AND ends_on = $2", starts, TODAY
        )
    params = {"starts": starts.isoformat(), "ends": TODAY.isoformat()}
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        answer = (await client.get("/api/v1/indicators", params=params)).json()
        assert (answer["status"], answer["ends"], answer["learners"]) == ("counted", yesterday.isoformat(), 4)
        page = await client.get("/dashboard", params=params)
        assert f"показатели по {TODAY:%d.%m.%Y} считаются" in page.text


async def test_a_count_runs_as_the_region_and_gives_the_request_its_own_scope_back(
    app: Any, region: dict[str, Any]
) -> None:
    import asyncpg

    from shared.db import Level, Scope, current_connection, tenant_transaction, widened

    tenant: Tenant = region["tenant"]
    own = Scope(Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id)
    setting = "SELECT current_setting('app.scope') || ':' || current_setting('app.organization_id')"
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await indicators.refresh(Period(TODAY - timedelta(days=7), TODAY))  # the neighbour has counts too
    async with tenant_transaction(own):
        with pytest.raises(LookupError):
            async with widened(Scope.for_region(tenant.region_id)):
                assert await current_connection().fetchval(setting) == "region:"
                raise LookupError
        assert await current_connection().fetchval(setting) == f"organization:{tenant.organization_id}"
    with pytest.raises(asyncpg.UndefinedTableError):  # a failed statement's own error, not the restore's
        async with tenant_transaction(own), widened(Scope.for_region(tenant.region_id)):
            await current_connection().execute("SELECT * FROM no_such_table")
    async with tenant_transaction(own):
        assert (
            await current_connection().fetchval(
                "SELECT count(*) FROM indicator_fact WHERE organization_id = $1", tenant.other_organization_id
            )
            == 0
        )


async def test_a_person_of_two_organizations_is_one_person_in_the_region(app: Any, smtp: Any) -> None:
    """A learner of a school (in a pair there) who also attends a centre of another municipality: each organization
    counts them, the region counts them once, and as involved."""
    tenant = await make_tenant("Двое")
    snils = "123-456-789 64"
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await teacher_learner_programme(client)
        mentor = await add(client, "Наставник", "staff", "mentor")
        learner = await add(client, "Общая", "learner", "mentee_candidate", age=13, snils=snils)
        await active_pair(client, prog, mentor, [learner], starts=-20)
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)
        linked = await client.post(
            "/api/v1/people",
            json={
                "surname": "Общая",
                "name": "Тест",
                "category": "learner",
                "snils": snils,
                "birth_date": born(13),
                "roles": ["mentee_candidate"],
            },
        )
        assert linked.status_code == 200 and linked.json()["id"] == learner
        other = (await client.get("/api/v1/indicators")).json()
        assert (other["learners"], other["learners_involved"]) == (1, 0)  # not in a pair of this centre
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        whole = await counted(app, client, smtp[1], {})
        assert (whole["learners"], whole["learners_involved"], whole["teachers"]) == (1, 1, 1)
        lines = {line["id"]: line for line in whole["breakdown"]}
        assert (
            lines[str(tenant.municipality_id)]["base_learners_share"],
            lines[str(tenant.other_municipality_id)]["base_learners_share"],
        ) == (100.0, 0.0)


async def test_one_count_at_a_time_and_a_failed_count_is_said_not_repeated(
    app: Any,
    region: dict[str, Any],
    smtp: Any,
) -> None:
    from arq import create_pool
    from arq.connections import RedisSettings

    from services.reports import jobs
    from shared.settings import get_settings

    tenant: Tenant = region["tenant"]
    redis = await create_pool(RedisSettings.from_dsn(get_settings().redis_url))
    try:
        reach = Reach(municipality_id=tenant.municipality_id)
        # A period that ends before it starts breaks the count's check constraint: a real failure in the worker.
        broken = Period(TODAY, TODAY - timedelta(days=1))
        assert await jobs.count_later(redis, tenant.region_id, reach, [broken]) == "counting"
        assert await jobs.count_later(redis, tenant.region_id, reach, [broken]) == "counting"
        assert len([j for j in await redis.queued_jobs() if j.function == "count_indicators"]) == 1
        await run_worker(app, smtp[1])
        assert await jobs.count_state(redis, tenant.region_id, reach, broken.starts_on) == "failed"
        assert await jobs.count_later(redis, tenant.region_id, reach, [broken]) == "failed"  # not queued again
        assert not [j for j in await redis.queued_jobs() if j.function == "count_indicators"]
    finally:
        await redis.aclose()


async def test_a_point_without_learners_is_counted_not_pending(app: Any) -> None:
    from services.reports.jobs import default_period
    from shared.db import Scope, tenant_transaction

    tenant = await make_tenant("Без людей")
    period = default_period(TODAY)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        for point in indicators.trend_points(period):
            await indicators.refresh(point)
        shares, missing = await indicators.trend(Reach(), period)
        # A municipality without organizations has nothing to count either.
        _, none_to_count = await indicators.trend(Reach(municipality_id=uuid.uuid4()), period)
    assert missing == [] and all(share is None for _, share in shares)  # no learners: no share, nothing to wait for
    assert none_to_count == []


async def test_an_organization_recounted_after_its_region_makes_the_region_recount(
    app: Any,
    smtp: Any,
) -> None:
    tenant = await make_tenant("Устаревшие")
    async with make_client(app) as regional:
        await login_api(regional, tenant.regional, PASSWORD)
        before = await counted(app, regional, smtp[1], {})
        assert before["learners"] == 0
        async with make_client(app) as curator:
            await login_api(curator, tenant.curator, PASSWORD)
            await add(curator, "Новенькая", "learner", "mentee_candidate", age=12)
            await post_form(curator, "/dashboard/recount", {}, page="/dashboard")
            assert (await curator.get("/api/v1/indicators")).json()["learners"] == 1
        # The region's people were counted before the organization: the old numbers are shown while it recounts.
        stale = (await regional.get("/api/v1/indicators")).json()
        assert (stale["recounting"], stale["learners"]) == (True, 0)
        await run_worker(app, smtp[1])
        fresh = (await regional.get("/api/v1/indicators")).json()
        assert (fresh["recounting"], fresh["learners"]) == (False, 1)


async def test_a_municipality_sums_only_the_organizations_with_a_contingent(
    app: Any, region: dict[str, Any], smtp: Any
) -> None:
    import csv
    import io

    tenant: Tenant = region["tenant"]
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        own = await counted(app, client, smtp[1], region["period"])
        assert (own["learners_share"], own["without_contingent"]) == (12.5, 1)
        lines = {line["id"]: line for line in own["breakdown"]}
        assert lines[str(tenant.organization_id)]["learners_share"] == 12.5
        assert lines[str(region["third"])]["learners_share"] is None
        assert lines[str(region["third"])]["without_contingent"] == 1
        page = (await client.get("/dashboard", params=region["period"])).text
        assert "без данных о контингенте — 1 организация из 2" in page and "<b>12,5 %</b>" in page

        # The school without a contingent: no share anywhere, on the page and in the API.
        third = {**region["period"], "organization_id": str(region["third"])}
        answer = (await client.get("/api/v1/indicators", params=third)).json()
        assert (answer["learners_share"], answer["teachers_share"], answer["without_contingent"]) == (None, None, 1)
        assert answer["contingent"][0]["learners_contingent"] is None
        page = (await client.get("/dashboard", params=third)).text
        assert "<b>нет данных о контингенте</b>обучающихся 10–18 лет" in page
        assert "<b>нет данных о контингенте</b>педагогов" in page
        assert "по контингенту" not in page

        # And in the export: the school without a contingent has no share, and says why.
        started = (
            await client.post("/api/v1/exports", json={"kind": "indicators", "format": "csv", **region["period"]})
        ).json()
        await run_worker(app, smtp[1])
        text = (await client.get(started["download"])).content.decode("utf-8-sig")
        rows = {row[1]: row for row in csv.reader(io.StringIO(text), delimiter=";")}
        header = rows["Организация"]
        share = header.index("Доля обучающихся от контингента, %")
        assert rows["Школа без контингента"][share] == "нет данных о контингенте"
        assert next(v for k, v in rows.items() if k.startswith("Школа 1"))[share] == "12,5"


async def test_the_drill_down_leads_back_up_by_its_breadcrumbs(app: Any, region: dict[str, Any]) -> None:
    import re

    tenant: Tenant = region["tenant"]
    period = region["period"]
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        await client.get("/api/v1/indicators", params={**period, "organization_id": str(tenant.organization_id)})
        page = await client.get("/dashboard", params={**period, "organization_id": str(tenant.organization_id)})
        nav = re.search(r'<nav class="breadcrumbs".*?</nav>', page.text, re.S)
        assert nav is not None
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(0))
        assert links[0][1] == "Регион" and len(links) == 2
        assert f"municipality_id={tenant.municipality_id}" in links[1][0].replace("&amp;", "&")
        assert 'aria-current="page">Школа 1' in nav.group(0)
        for href, _ in links:  # each level opens
            assert (await client.get(href.replace("&amp;", "&"))).status_code == 200
        people = await client.get(
            "/dashboard/people", params={**period, "key": "learners", "organization_id": str(tenant.organization_id)}
        )
        nav = re.search(r'<nav class="breadcrumbs".*?</nav>', people.text, re.S)
        assert nav is not None
        names = [name for _, name in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(0))]
        assert names[0] == "Регион" and names[2].startswith("Школа 1") and len(names) == 3
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        people = await client.get("/dashboard/people", params={**period, "key": "learners"})
        nav = re.search(r'<nav class="breadcrumbs".*?</nav>', people.text, re.S)
        assert nav is not None and "Регион" not in nav.group(0)  # a curator's way up ends at their organization
        assert "/dashboard?" in nav.group(0)
