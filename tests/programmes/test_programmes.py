"""Programmes: the constructor's validation, roadmap templates and overdue events, the selection commission,
the registry that only an order approves, and the generated orders read back as DOCX (and PDF)."""

from __future__ import annotations

import asyncio
import io
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import docx
import pytest

from services.programmes import roadmap_templates
from services.programmes.roadmap import is_overdue
from shared import clock
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, make_tenant, post_form

SCHOOL_YEAR = {"starts_on": "2026-09-01", "ends_on": "2027-08-31"}
GOAL = {
    "goal": "Увеличить число молодых учителей, оставшихся в школе после первых двух лет работы",
    "smart_specific": "Закрепление молодых учителей в школе",
    "smart_measurable": "Доля оставшихся молодых учителей, %",
    "smart_achievable": "Есть опытные педагоги, готовые быть наставниками",
    "smart_relevant": "Школе не хватает учителей",
    "smart_time_bound": "К концу учебного года",
    "target_indicator": "mentor_registry",
    "target_baseline": "0",
    "target_value": "5",
    "target_deadline": "2027-05-31",
}


async def new_programme(client: Any, **extra: str) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/programmes", json={"title": "Программа наставничества", **SCHOOL_YEAR, **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def add_candidate(client: Any, surname: str, *, consent: bool = True) -> str:
    response = await client.post(
        "/api/v1/people",
        json={
            "surname": surname,
            "name": "Ирина",
            "patronymic": "Петровна",
            "category": "staff",
            "position": "учитель математики",
            "roles": ["mentor_candidate"],
        },
    )
    assert response.status_code == 201, response.text
    person_id: str = response.json()["id"]
    if consent:
        given = await client.post(
            f"/api/v1/people/{person_id}/consents", json={"kind": "personal_data", "given_on": "2026-09-01"}
        )
        assert given.status_code == 201, given.text
    return person_id


async def head_user_id(app: Any, tenant: Tenant) -> str:
    from shared.db import Scope, tenant_transaction
    from tenants.logic import list_people

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        people = await list_people(tenant.organization_id)
    return next(str(p.id) for p in people if p.role == "head")


async def curator_user_id(tenant: Tenant) -> str:
    from shared.db import Scope, tenant_transaction
    from tenants.logic import list_people

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        people = await list_people(tenant.organization_id)
    return next(str(p.id) for p in people if p.email == tenant.curator)


# The constructor --------------------------------------------------------------------------------------------


async def test_a_smart_goal_without_a_measurable_target_is_refused(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme = await new_programme(client)
        url = f"/api/v1/programmes/{programme['id']}/steps/goal"

        no_target = {k: v for k, v in GOAL.items() if k not in ("target_value", "target_deadline")}
        response = await client.put(url, json=no_target)
        assert response.status_code == 400
        assert {"target_value", "target_deadline"} <= set(response.json()["errors"])

        unanswered = {**GOAL, "smart_achievable": " "}
        assert "smart_achievable" in (await client.put(url, json=unanswered)).json()["errors"]

        outside = {**GOAL, "target_deadline": "2028-01-01"}
        assert "target_deadline" in (await client.put(url, json=outside)).json()["errors"]

        no_indicator = {**GOAL, "target_indicator": ""}
        assert "target_indicator" in (await client.put(url, json=no_indicator)).json()["errors"]

        saved = await client.put(url, json=GOAL)
        assert saved.status_code == 200, saved.text
        assert saved.json()["target_value"] == 5.0
        assert "goal" not in (await client.get(f"/api/v1/programmes/{programme['id']}")).json()["missing_steps"]


async def test_the_goal_step_page_shows_the_error_next_to_the_field(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        programme = await new_programme(client)
        url = f"/programmes/{programme['id']}/steps/goal"
        form = {k: v for k, v in GOAL.items() if k != "target_value"} | {"target_deadline": "31.05.2027"}
        response = await post_form(client, url, form)
        assert response.status_code == 422
        assert 'id="e-target_value"' in response.text and "Укажите число" in response.text


async def test_the_forms_step_keeps_two_mentees_per_mentor_outside_group_work(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme = await new_programme(client)
        forms = (await client.get("/api/v1/catalogue/forms")).json()
        teacher = next(f for f in forms if f["code"] == "teacher_teacher")
        learner = next(f for f in forms if f["code"] == "learner_learner")
        url = f"/api/v1/programmes/{programme['id']}/steps/forms"
        body = {"form_ids": [teacher["id"]], "max_mentees_per_mentor": "3", "max_pair_months": "12"}
        assert "max_mentees_per_mentor" in (await client.put(url, json=body)).json()["errors"]
        assert (await client.put(url, json={**body, "group_work": "1"})).status_code == 200
        foreign_model = {**body, "group_work": "1", "role_model_ids": [learner["role_models"][0]["id"]]}
        assert "role_model_ids" in (await client.put(url, json=foreign_model)).json()["errors"]
        too_long = {**body, "group_work": "1", "max_pair_months": "13"}
        assert "max_pair_months" in (await client.put(url, json=too_long)).json()["errors"]


def test_the_catalogue_has_the_four_forms_with_their_role_models() -> None:
    from services.programmes.catalogue import FORMS, role_models_of

    titles = {f.title: f for f in FORMS}
    assert {
        "обучающийся – обучающийся",
        "педагог – педагог",
        "педагог – обучающийся",
        "работодатель – обучающийся",
    } <= set(titles)
    assert {"ученик – ученик", "учитель – учитель", "работодатель – ученик", "работодатель – студент"} <= set(titles)
    models = {m.title for m in role_models_of(titles["учитель – учитель"].code)}
    assert "опытный педагог – молодой специалист" in models and "опытный предметник – неопытный предметник" in models
    assert titles["педагог – педагог"].mentee_categories == ("staff",)


# The roadmap ------------------------------------------------------------------------------------------------


async def as_college(tenant: Tenant) -> None:
    """The test tenants' organizations are schools; a college's roadmap needs a college."""
    from shared.db import Level, Scope, current_connection, tenant_transaction

    async with tenant_transaction(Scope(Level.platform)):
        await current_connection().execute(
            "UPDATE organization SET kind = 'college', short_name = 'ГБПОУ «Колледж»' WHERE id = $1",
            tenant.organization_id,
        )


@pytest.mark.parametrize(
    ("code", "who", "starts_on", "ends_on"),
    [
        ("college_2020", "college", "2026-09-01", "2027-08-31"),
        ("school_teacher_teacher", "curator", "2026-04-01", "2026-12-31"),
        ("school_004", "curator", "2026-09-01", "2027-08-31"),
        ("teachers_004", "curator", "2026-09-01", "2027-08-31"),
        ("level_003", "municipal", "2026-09-01", "2027-08-31"),
    ],
)
async def test_every_seed_roadmap_loads_with_every_stage_and_event(
    app: Any, code: str, who: str, starts_on: str, ends_on: str
) -> None:
    tenant = await make_tenant("Шаблон")
    if who == "college":
        await as_college(tenant)
    spec = roadmap_templates.template(code)
    async with make_client(app) as client:
        await login_api(client, tenant.municipal if who == "municipal" else tenant.curator, PASSWORD)
        programme = await new_programme(client, template=code, starts_on=starts_on, ends_on=ends_on)
        events = (await client.get(f"/api/v1/programmes/{programme['id']}/events")).json()
    assert sorted({e["stage"] for e in events}) == list(range(1, 8))
    name = "ГБПОУ «Колледж»" if who == "college" else ""
    for stage in spec.stages:
        loaded = [e for e in events if e["stage"] == stage.number]
        assert [e["title"] for e in loaded] == [roadmap_templates.worded(e.title, name) for e in stage.events]
        results = [roadmap_templates.worded(e.result, name) for e in stage.events]
        assert [e["expected_result"] for e in loaded] == results
    assert all("{org}" not in e["expected_result"] + e["title"] for e in events)
    if who == "college":
        assert any(e["expected_result"].endswith("на сайте ГБПОУ «Колледж» – страницы проекта") for e in events)
    # Months stay the source's months, placed in order through the programme's period.
    assert all(starts_on <= e["starts_on"] <= e["ends_on"] <= ends_on for e in events)
    first = next(e for e in events if e["stage"] == 1)
    assert int(first["starts_on"][5:7]) == spec.first_month


async def test_a_template_that_does_not_fit_the_period_is_refused(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        response = await client.post(
            "/api/v1/programmes",
            json={"title": "Короткая", "starts_on": "2026-09-01", "ends_on": "2026-12-31", "template": "school_004"},
        )
        assert response.status_code == 400
        assert "не вмещает" in response.json()["errors"]["template"]


async def test_a_school_is_offered_a_schools_roadmap_and_refused_a_colleges(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        page = (await client.get("/programmes")).text
        assert 'value="school_004"' in page and 'value="college_2020"' not in page and 'value="level_003"' not in page
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        before = len((await client.get("/api/v1/programmes")).json())
        refused = await client.post(
            "/api/v1/programmes",
            json={"title": "Чужая", "starts_on": "2026-09-01", "ends_on": "2027-08-31", "template": "college_2020"},
        )
        assert refused.status_code == 400
        assert "другого вида организации" in refused.json()["errors"]["template"]
        assert len((await client.get("/api/v1/programmes")).json()) == before  # nothing half-written
    async with make_client(app) as client:
        await login_page(client, tenant_a.municipal, PASSWORD)
        page = (await client.get("/programmes")).text
        assert 'value="level_003"' in page and 'value="school_004"' not in page


def test_overdue_means_unfinished_after_its_period() -> None:
    today = date(2026, 11, 23)
    yesterday = today - timedelta(days=1)
    assert is_overdue("planned", yesterday, today)
    assert is_overdue("in_progress", yesterday, today)
    assert not is_overdue("done", yesterday, today)
    assert not is_overdue("cancelled", yesterday, today)
    assert not is_overdue("planned", today, today)


async def test_overdue_events_are_flagged_and_counted_per_stage(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme = await new_programme(client, starts_on="2025-09-01", ends_on="2026-08-31")
        url = f"/api/v1/programmes/{programme['id']}/events"
        late = (
            await client.post(url, json={"stage": "1", "title": "Приказ о кураторе", "period_label": "Октябрь"})
        ).json()
        done = (await client.post(url, json={"stage": "1", "title": "Согласия", "period_label": "Ноябрь"})).json()
        assert late["overdue"] and late["starts_on"] == "2025-10-01" and late["ends_on"] == "2025-10-31"
        marked = await client.patch(f"{url}/{done['id']}", json={"status": "done", "evidence_link": "/people"})
        assert marked.json()["overdue"] is False and marked.json()["done_on"]
        bad = await client.post(url, json={"stage": "2", "title": "Вне периода", "starts_on": "2027-01-10"})
        assert "starts_on" in bad.json()["errors"]
        unknown = await client.post(url, json={"stage": "2", "title": "Без срока", "period_label": "Потом"})
        assert "period_label" in unknown.json()["errors"]

        page = await client.get(f"/programmes/{programme['id']}/roadmap")
        assert "просрочено 1" in page.text
        timeline = await client.get(f"/programmes/{programme['id']}/roadmap?view=timeline")
        assert "bar overdue" in timeline.text and "bar done" in timeline.text


# Selection and the registry ----------------------------------------------------------------------------------


async def test_the_commission_has_three_to_five_members_chaired_by_the_head_with_the_curator(
    app: Any, tenant_a: Tenant
) -> None:
    head = await head_user_id(app, tenant_a)
    curator = await curator_user_id(tenant_a)
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        programme = await new_programme(client)
        url = f"/programmes/{programme['id']}/commission"

        async def commission(*members: tuple[str, str, str]) -> Any:
            token_page = f"/programmes/{programme['id']}/selection"
            data: dict[str, Any] = {
                "role": [m[0] for m in members],
                "user_id": [m[1] for m in members],
                "full_name": [m[2] for m in members],
                "job_title": ["" for _ in members],
            }
            from tests.helpers import csrf_token

            return await client.post(url, data={**data, "_csrf_token": await csrf_token(client, token_page)})

        chair, cur = ("chair", head, ""), ("curator", curator, "")
        two = await commission(chair, cur)
        assert two.status_code == 422 and "от 3 до 5" in two.text
        six = await commission(chair, cur, *[("member", "", f"Член {n}") for n in range(4)])
        assert six.status_code == 422 and "от 3 до 5" in six.text
        outsider_chair = await commission(("chair", "", "Посторонний Пётр"), cur, ("member", "", "Иванова Анна"))
        assert outsider_chair.status_code == 422 and "руководитель организации" in outsider_chair.text
        no_curator = await commission(chair, ("member", "", "Иванова Анна"), ("member", "", "Петров Иван"))
        assert no_curator.status_code == 422 and "куратор" in no_curator.text
        two_chairs = await commission(chair, ("chair", curator, ""), ("member", "", "Иванова Анна"))
        assert two_chairs.status_code == 422
        lawful = await commission(chair, cur, ("member", "", "Иванова Анна Сергеевна"))
        assert lawful.status_code == 303


async def test_a_curator_without_an_account_sits_on_the_commission_as_the_base_holds_them(app: Any) -> None:
    """A curator appointed by order who does not work in the platform is named as the organization's base of
    curators has them; a name the base does not hold as a curator is refused."""
    from tests.helpers import csrf_token

    tenant = await make_tenant("Куратор без учётной записи")
    head = await head_user_id(app, tenant)
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        made = await api.post(
            "/api/v1/people",
            json={
                "surname": "Назначенова",
                "name": "Ольга",
                "patronymic": "Ивановна",
                "category": "staff",
                "roles": ["curator"],
            },
        )
        assert made.status_code == 201, made.text
        programme = await new_programme(api)
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        url, token_page = f"/programmes/{programme['id']}/commission", f"/programmes/{programme['id']}/selection"

        async def commission(curator_name: str) -> Any:
            data: dict[str, Any] = {
                "role": ["chair", "curator", "member"],
                "user_id": [head, "", ""],
                "full_name": ["", curator_name, "Иванова Анна Сергеевна"],
                "job_title": ["", "", ""],
            }
            return await client.post(url, data={**data, "_csrf_token": await csrf_token(client, token_page)})

        stranger = await commission("Посторонняя Ольга Ивановна")
        assert stranger.status_code == 422 and "куратор" in stranger.text
        assert (await commission("назначенова  ольга ивановна")).status_code == 303


async def approve_candidates(client: Any, app: Any, tenant: Tenant, programme_id: str, people: list[str]) -> None:
    """Commission, applications, interviews and positive decisions, through the curator's pages."""
    from tests.helpers import csrf_token

    head = await head_user_id(app, tenant)
    curator = await curator_user_id(tenant)
    token = await csrf_token(client, f"/programmes/{programme_id}/selection")
    response = await client.post(
        f"/programmes/{programme_id}/commission",
        data={
            "role": ["chair", "curator", "member"],
            "user_id": [head, curator, ""],
            "full_name": ["", "", "Иванова Анна Сергеевна"],
            "job_title": ["", "", "педагог-психолог"],
            "_csrf_token": token,
        },
    )
    assert response.status_code == 303, response.text
    for person_id in people:
        applied = await client.post(
            f"/programmes/{programme_id}/applications",
            data={
                "person_id": person_id,
                "applied_on": "01.10.2026",
                "motivation": "Хочу помогать",
                "_csrf_token": token,
            },
        )
        assert applied.status_code == 303, applied.text
        application = applied.headers["location"]
        early = await client.post(f"{application}/decision", data={"decision": "approved", "_csrf_token": token})
        assert early.status_code == 303
        interview = await client.post(
            f"{application}/interview",
            data={
                "interviewed_on": "05.10.2026",
                "interview_notes": "Готова выделять два часа в неделю",
                "principles": ["acceptance", "listening"],
                "_csrf_token": token,
            },
        )
        assert interview.status_code == 303, interview.text
        decided = await client.post(f"{application}/decision", data={"decision": "approved", "_csrf_token": token})
        assert decided.status_code == 303


async def test_a_registry_is_approved_only_by_its_registered_order(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        programme = await new_programme(client)
        pid = programme["id"]
        first = await add_candidate(client, "Реестрова")
        second = await add_candidate(client, "Списочная")
        without_consent = await add_candidate(client, "Безсогласия", consent=False)

        from tests.helpers import csrf_token

        token = await csrf_token(client, f"/programmes/{pid}/selection")
        refused = await client.post(
            f"/programmes/{pid}/applications", data={"person_id": without_consent, "_csrf_token": token}
        )
        assert refused.status_code == 303
        assert "согласия" in (await client.get(f"/programmes/{pid}/selection")).text

        no_order_yet = await client.post(f"/api/v1/programmes/{pid}/orders", json={"kind": "approve_registry"})
        assert no_order_yet.status_code == 400

        await approve_candidates(client, app, tenant_a, pid, [first, second])
        selection = await client.get(f"/programmes/{pid}/selection")
        assert "Не утверждён: нужен приказ" in selection.text

        order = (await client.post(f"/api/v1/programmes/{pid}/orders", json={"kind": "approve_registry"})).json()
        assert order["registered"] is False
        assert "Не утверждён: нужен приказ" in (await client.get(f"/programmes/{pid}/selection")).text

        future = await head_registers(app, tenant_a, order["id"], "17-о", clock.today() + timedelta(days=3))
        assert "signed_on" in future.json()["errors"]
        registered = await head_registers(app, tenant_a, order["id"], "17-о")
        assert registered.status_code == 201, registered.text
        assert "Утверждён приказом" in (await client.get(f"/programmes/{pid}/selection")).text
        again = await head_registers(app, tenant_a, order["id"], "18-о")
        assert again.status_code == 400

        card = (await client.get(f"/api/v1/people/{first}")).json()
        assert "mentor" in {p["role"] for p in card["participations"] if p["archived_at"] is None}, card

        # The same number in the same year is taken in this organization's register.
        other = (await client.post(f"/api/v1/programmes/{pid}/orders", json={"kind": "approve_registry"})).json()
        taken = await head_registers(app, tenant_a, other["id"], "17-О")
        assert "number" in taken.json()["errors"]

        # A decision changed after the order: the registry needs a new order.
        token = await csrf_token(client, f"/programmes/{pid}/selection")
        apps = (await client.get(f"/programmes/{pid}/selection")).text
        assert "Реестрова" in apps
        from services.programmes import selection as selection_logic
        from shared.db import Scope, tenant_transaction

        async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
            rows = await selection_logic.applications(__import__("uuid").UUID(pid))
        target = next(r for r in rows if str(r.person_id) == second)
        changed = await client.post(
            f"/programmes/{pid}/applications/{target.id}/decision",
            data={"decision": "rejected", "decision_note": "Переезд в другой город", "_csrf_token": token},
        )
        assert changed.status_code == 303
        assert "Изменён после утверждения" in (await client.get(f"/programmes/{pid}/selection")).text


# Orders -------------------------------------------------------------------------------------------------------


async def head_registers(app: Any, tenant: Tenant, order_id: str, number: str, on: date | None = None) -> Any:
    """The head signs what the curator prepared: only the head registers an organization's order."""
    async with make_client(app) as head:
        await login_api(head, tenant.head, PASSWORD)
        body = {"number": number, "signed_on": (on or clock.today()).isoformat()}
        return await head.post(f"/api/v1/orders/{order_id}/register", json=body)


async def registered_registry_order(app: Any, tenant: Tenant, names: list[str]) -> tuple[bytes, str]:
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        programme = await new_programme(client)
        people = [await add_candidate(client, name) for name in names]
        await approve_candidates(client, app, tenant, programme["id"], people)
        order = (
            await client.post(f"/api/v1/programmes/{programme['id']}/orders", json={"kind": "approve_registry"})
        ).json()
        number = f"{len(names)}{clock.today():%j}-о"
        assert (await head_registers(app, tenant, order["id"], number)).status_code == 201
        response = await client.get(f"/orders/{order['id']}/document")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        return response.content, number


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


async def test_a_generated_order_opens_with_the_organization_number_date_and_every_mentor(
    app: Any, tenant_a: Tenant
) -> None:
    names = ["Первова", "Вторая-Наставница", "Трёхина"]
    data, number = await registered_registry_order(app, tenant_a, names)
    text = docx_text(data)
    from shared.db import Scope, tenant_transaction
    from tenants.logic import get_organization

    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        organization = await get_organization(tenant_a.organization_id)
    assert organization.name in text
    assert f"№ {number}" in text
    assert clock.today().strftime("%d.%m.%Y") in text
    assert "Об утверждении реестра наставников" in text
    for name in names:
        assert f"{name} Ирина Петровна" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed on this machine")
async def test_a_generated_order_converts_to_pdf(app: Any, tenant_a: Tenant, tmp_path: Path) -> None:
    data, _ = await registered_registry_order(app, tenant_a, ["Пдфова"])
    source = tmp_path / "order.docx"
    source.write_bytes(data)
    process = await asyncio.create_subprocess_exec(
        "soffice",
        "--headless",
        f"-env:UserInstallation=file://{tmp_path}/lo",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(source),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode == 0
    pdf = (tmp_path / "order.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


async def test_a_programme_is_approved_only_when_complete_and_its_order_is_registered(
    app: Any, tenant_a: Tenant
) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme = await new_programme(client)
        pid = programme["id"]
        incomplete = await client.post(f"/api/v1/programmes/{pid}/orders", json={"kind": "approve_programme"})
        assert incomplete.status_code == 400 and "не полностью" in incomplete.json()["errors"]["kind"]
        steps = {
            "problem": {"problem": "Молодые учителя уходят из школы в первые два года работы"},
            "goal": GOAL,
            "audience": {"audience": "Молодые специалисты со стажем до трёх лет"},
            "results": {
                "results": [
                    {"indicator": "mentor_registry", "target": "5"},
                    {"indicator": "manual", "title": "Остались работать, %", "baseline": "60", "target": "85"},
                ],
                "qualitative_results": "Рост удовлетворённости",
            },
            "implementers": {"implementers": "Куратор и методическое объединение"},
            "resources": {"resources": "Кабинет, методические материалы"},
            "regulations": {"regulations": "Положение о наставничестве"},
        }
        forms = (await client.get("/api/v1/catalogue/forms")).json()
        teacher = next(f for f in forms if f["code"] == "schoolteacher_schoolteacher")
        steps["forms"] = {
            "form_ids": [teacher["id"]],
            "role_model_ids": [teacher["role_models"][0]["id"]],
            "max_mentees_per_mentor": "2",
            "max_pair_months": "9",
        }
        for step, body in steps.items():
            saved = await client.put(f"/api/v1/programmes/{pid}/steps/{step}", json=body)
            assert saved.status_code == 200, (step, saved.text)
        card = (await client.get(f"/api/v1/programmes/{pid}")).json()
        assert card["missing_steps"] == [] and card["approved_order_id"] is None
        assert [r["title"] for r in card["results"]][1] == "Остались работать, %"

        order = (await client.post(f"/api/v1/programmes/{pid}/orders", json={"kind": "approve_programme"})).json()
        assert (await client.get(f"/api/v1/programmes/{pid}")).json()["approved_order_id"] is None
        draft = docx_text((await client.get(f"/api/v1/orders/{order['id']}/document")).content)
        assert "Об утверждении Положения о наставничестве" in draft and "____" in draft
        assert (await head_registers(app, tenant_a, order["id"], "5")).status_code == 201
        assert (await client.get(f"/api/v1/programmes/{pid}")).json()["approved_order_id"] == order["id"]
        assert "учитель – учитель" in docx_text((await client.get(f"/api/v1/orders/{order['id']}/document")).content)


async def test_a_head_reads_and_registers_but_does_not_edit(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme = await new_programme(client, template="school_004")
        order = (
            await client.post(f"/api/v1/programmes/{programme['id']}/orders", json={"kind": "approve_roadmap"})
        ).json()
    async with make_client(app) as client:
        await login_api(client, tenant_a.head, PASSWORD)
        assert (await client.get(f"/api/v1/programmes/{programme['id']}")).status_code == 200
        edit = await client.put(f"/api/v1/programmes/{programme['id']}/steps/problem", json={"problem": "x" * 30})
        assert edit.status_code == 403
        registered = await client.post(
            f"/api/v1/orders/{order['id']}/register", json={"number": "12/1", "signed_on": clock.today().isoformat()}
        )
        assert registered.status_code == 201
        text = docx_text((await client.get(f"/api/v1/orders/{order['id']}/document")).content)
        assert "№ 12/1" in text and "4.3" not in text
        assert "Поиск экспертов и материалов для проведения обучения наставников" in text


async def test_coordinators_see_the_organizations_programmes_but_edit_only_their_own(app: Any) -> None:
    tenant_a = await make_tenant("Обзор")  # the overview shows each organization's current programme: a fresh one
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        school = await new_programme(
            client, template="school_004", title="Программа для обзора", starts_on="2026-09-02"
        )
    async with make_client(app) as client:
        await login_page(client, tenant_a.municipal, PASSWORD)
        overview = await client.get("/programmes/overview")
        assert overview.status_code == 200 and school["title"] in overview.text
        assert (await client.get(f"/programmes/{school['id']}")).status_code == 200
        edit = await client.put(f"/api/v1/programmes/{school['id']}/steps/problem", json={"problem": "x" * 30})
        assert edit.status_code == 404
        own = await new_programme(client, starts_on="2026-01-01", ends_on="2027-12-31")
        assert own["municipality_id"] == str(tenant_a.municipality_id) and own["organization_id"] is None
