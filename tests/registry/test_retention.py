"""Destruction of personal data (152-ФЗ ст. 21): 30 days after the consent is withdrawn everywhere, and after the
region's retention of archived people; every place that held the person, the audit log, the counts, the page.

The dates are driven through the withdrawal date and `archived_at`, never the clock: a consent withdrawn 31 days
ago is due, one withdrawn 29 days ago is not."""

from __future__ import annotations

import asyncio
import random
import sys
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import pytest

from app.retention import destroy_personal_data
from infra.embedded import free_port
from services.mentoring.meetings import PLAN_COLUMNS
from services.programmes import get_programme, selection
from services.registry import DESTROYED
from services.registry.jobs import start_import
from services.registry.questionnaire_answers import save_answers
from services.registry.questionnaire_requests import templates
from services.registry.regional_base import merge
from services.registry.validation import snils_checksum
from services.reports import Period, Reach, current
from services.reports.jobs import default_period
from shared import clock
from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.settings import get_settings
from tests.factories import active_pair, iso, programme
from tests.helpers import (
    PASSWORD,
    Tenant,
    login_api,
    login_page,
    make_client,
    make_tenant,
    post_form,
    run_worker,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = clock.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WITHDRAWAL = "152-ФЗ ст. 21 ч. 5: отзыв согласия"
RETENTION = "152-ФЗ ст. 21 ч. 4: истёк срок хранения"
PAST = Period(TODAY - timedelta(days=120), TODAY - timedelta(days=35))


def snils() -> str:
    number = f"{random.randint(200_000_000, 999_999_999)}"
    return number + f"{snils_checksum(number):02d}"


def born(years: int) -> str:
    return (TODAY.replace(year=TODAY.year - years) - timedelta(days=30)).isoformat()


async def add(client: Any, surname: str, **fields: Any) -> str:
    body = {"surname": surname, "name": "Тест", "category": "staff", "roles": ["mentee_candidate"], **fields}
    response = await client.post("/api/v1/people", json=body)
    assert response.status_code in (200, 201), response.text
    person_id: str = response.json()["id"]
    return person_id


async def consent(client: Any, person_id: str, **fields: Any) -> str:
    body = {"kind": "personal_data", "given_on": iso(-500), **fields}
    given = await client.post(f"/api/v1/people/{person_id}/consents", json=body)
    assert given.status_code == 201, given.text
    consent_id: str = given.json()["id"]
    return consent_id


async def withdraw(client: Any, person_id: str, consent_id: str, days_ago: int) -> None:
    withdrawn = await client.post(
        f"/api/v1/people/{person_id}/consents/{consent_id}/withdraw", json={"withdrawn_on": iso(-days_ago)}
    )
    assert withdrawn.status_code == 200, withdrawn.text


async def archive(client: Any, tenant: Tenant, person_id: str, days_ago: int) -> None:
    """Archived by the curator's page, then dated back: the date is what the rule reads."""
    archived = await post_form(client, f"/people/{person_id}/archive", {}, page=f"/people/{person_id}")
    assert archived.status_code == 303, archived.text
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE participation SET archived_at = now() - make_interval(days => $2) WHERE person_id = $1",
            UUID(person_id),
            days_ago,
        )


async def person_row(person_id: str) -> dict[str, Any]:
    async with tenant_transaction(Scope(Level.platform)):
        row = await current_connection().fetchrow("SELECT * FROM person WHERE id = $1", UUID(person_id))
    assert row is not None
    return dict(row)


async def run_job(tenant: Tenant) -> dict[str, int]:
    return await destroy_personal_data({"settings": get_settings()}, region_id=str(tenant.region_id))


@dataclass
class Scene:
    tenant: Tenant
    people: dict[str, str]
    consents: dict[str, str]
    pair_id: str
    order_id: str
    download: str
    upload: UUID
    first_run: dict[str, int]
    counts_before: dict[str, Any] = field(default_factory=dict)


async def indicator_values(tenant: Tenant) -> dict[str, Any]:
    """The region's and the organization's indicators of a past period and of the school year so far, counted
    afresh from the data."""
    values = {}
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        for name, period in (("past", PAST), ("current", default_period(TODAY))):
            for reach_name, reach in (("region", Reach()), ("organization", Reach(tenant.organization_id))):
                values[f"{name}/{reach_name}"] = msgspec.to_builtins(await current(tenant.region_id, reach, period))
    return values


@pytest.fixture(scope="module")
async def scene(app: Any) -> Scene:
    """One organization: «Уходящая» (withdrew 31 days ago: a pair's mentee with meetings, a plan, a scan,
    questionnaire answers, an application, a matching run, a draft order and a merged duplicate), «Передумавшая»
    (withdrew 29 days ago), «Двойная» (withdrew here but consents in the other organization), «Архивная» (a minor
    archived past the region's 1095 days, her representative named), «Недавняя» (archived 1094 days ago)."""
    tenant = await make_tenant("Уничтожение")
    people: dict[str, str] = {}
    consents: dict[str, str] = {}
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await programme(client)
        mentor = await add(client, "Наставникова", roles=["mentor"])
        await consent(client, mentor)
        await consent(client, mentor, kind="participation")
        await consent(client, mentor, kind="staff_duties", agreement_number="7", agreement_date=iso(-500))
        spare_mentor = await add(client, "Запасная", roles=["mentor"])
        await consent(client, spare_mentor)
        await consent(client, spare_mentor, kind="participation")
        await consent(client, spare_mentor, kind="staff_duties", agreement_number="7", agreement_date=iso(-500))
        number = snils()
        people["gone"] = await add(
            client,
            "Уходящая",
            name="Вера",
            patronymic="Павловна",
            birth_date="1990-04-12",
            sex="female",
            email="uhodyashaya@test.local",
            phone="+7 900 123-45-67",
            snils=number,
            position="учитель химии",
            subject="химия",
            teaching_experience=2,
            company="ООО «Ромашка»",
            graduation_year=2012,
            class_or_course="",
            roles=["mentee_candidate", "mentor_candidate"],
        )
        consents["gone"] = await consent(client, people["gone"])
        people["duplicate"] = await add(client, "Уходящая", name="Вера", birth_date="1990-04-12", email="v@test.local")
        people["recent"] = await add(client, "Передумавшая", email="peredumala@test.local")
        consents["recent"] = await consent(client, people["recent"])
        shared = snils()
        people["both"] = await add(client, "Двойная", name="Ольга", birth_date="1980-01-02", snils=shared)
        consents["both"] = await consent(client, people["both"])
        people["archived"] = await add(
            client, "Архивная", name="Катя", category="learner", birth_date=born(15), class_or_course="9Б"
        )
        consents["archived"] = await consent(
            client,
            people["archived"],
            given_by="representative",
            representative_name="Архивная Ирина Петровна",
            representative_relation="мать",
            representative_document="паспорт 8404 123456",
        )
        people["archived_recent"] = await add(client, "Недавняя", email="nedavnyaya@test.local")
        await consent(client, people["archived_recent"])

        # The scan of the withdrawn consent, through the page.
        form_page = await client.get(f"/people/{people['gone']}/consents/new")
        token = form_page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        scanned = await client.post(
            f"/people/{people['gone']}/consents/new",
            data={"_csrf_token": token, "kind": "participation", "given_by": "self", "given_on": "01.09.2025"},
            files={"scan": ("согласие Уходящей.pdf", PDF, "application/pdf")},
        )
        assert scanned.status_code == 303, scanned.text
        consents["gone_scan"] = (await client.get(f"/api/v1/people/{people['gone']}/consents")).json()[-1]["id"]

        # Matching proposes before the pair is formed: the run keeps names and reasons.
        matched = await client.post(f"/api/v1/programmes/{prog['id']}/matching", json={"objective": "score"})
        assert matched.status_code in (200, 201), matched.text
        assert "Уходящая" in matched.text
        pair_id = await active_pair(client, prog, mentor, [people["gone"]], starts=-50)
        for days in (-45, -40, -10):
            held = await client.post(
                f"/api/v1/pairs/{pair_id}/meetings",
                json={
                    "kind": "regular",
                    "minutes": "60",
                    "held_on": iso(days),
                    "participants": "Наставникова, Уходящая Вера",
                    "q_good": "Вера рассказала о здоровье мамы",
                },
            )
            assert held.status_code == 201, held.text
        columns = [code for code, _ in PLAN_COLUMNS["wish"]]
        planned = await client.put(
            f"/api/v1/pairs/{pair_id}/plan/wish", json=[dict.fromkeys(columns, "Вера хочет сдать аттестацию")]
        )
        assert planned.status_code == 200, planned.text
        replaced = await client.post(
            f"/api/v1/pairs/{pair_id}/status",
            json={"action": "replace", "new_mentor_id": spare_mentor, "reason": "request"},
        )
        assert replaced.status_code in (200, 201), replaced.text
        order_id = replaced.json()["order_id"]

    async with make_client(app) as other:
        await login_api(other, tenant.other_curator, PASSWORD)
        linked = await add(other, "Двойная", name="Ольга", birth_date="1980-01-02", snils=shared)
        assert linked == people["both"]  # one record of the regional base, kept by two organizations
        await consent(other, linked)

    actor = Actor(None, tenant.region_id, tenant.organization_id)
    scope = Scope(Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id)
    async with tenant_transaction(scope):
        found = {t.code: t for t in await templates()}
        await save_answers(
            actor,
            UUID(people["gone"]),
            found["satisfaction_mentee"].id,
            {"mentor": 9, "goals": 7, "meetings": 8, "recommend": "да", "suggestions": "Вера: больше встреч"},
            [],
        )
        await save_answers(
            actor,
            UUID(people["gone"]),
            found["mentor_offer"].id,
            {"motivation": ["Хочу помогать, я Вера"], "tags": ["#химия"]},
            ["#химия"],
        )
        await current_connection().execute(
            "UPDATE questionnaire_answer SET submitted_at = now() - interval '40 days' WHERE person_id = $1",
            UUID(people["gone"]),
        )
        application_form = selection.ApplicationForm(
            person_id=people["gone"], motivation="Вера: опыт химика", education="ТГУ", experience="2 года"
        )
        await selection.apply(actor, await get_programme(UUID(prog["id"])), application_form)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await merge(Actor(None, tenant.region_id, None), UUID(people["gone"]), UUID(people["duplicate"]))

    async with make_client(app) as coordinator:  # the regional base exported the day before
        await login_api(coordinator, tenant.regional, PASSWORD)
        export = (await coordinator.post("/api/v1/exports", json={"kind": "people", "format": "csv"})).json()
        await run_worker(app, free_port())
        downloaded = await coordinator.get(export["download"])
        assert downloaded.status_code == 200 and "Уходящая" in downloaded.content.decode("utf-8-sig")
    async with tenant_transaction(scope):
        # An upload of the school's list that outlived its import (the sweeper normally drops it within hours).
        upload = await start_import(actor, tenant.municipality_id, "Фамилия;Имя\nУходящая;Вера\n".encode(), "a.csv")
        await current_connection().execute(
            "UPDATE tracked_job SET created_at = now() - interval '40 days', status = 'done' WHERE id = $1", upload
        )

    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        await withdraw(client, people["gone"], consents["gone"], 31)
        await withdraw(client, people["gone"], consents["gone_scan"], 31)
        await withdraw(client, people["recent"], consents["recent"], 29)
        await withdraw(client, people["both"], consents["both"], 31)
        await archive(client, tenant, people["archived"], 1096)
        await archive(client, tenant, people["archived_recent"], 1094)

    before = await indicator_values(tenant)
    first_run = await run_job(tenant)
    return Scene(tenant, people, consents, pair_id, order_id, export["download"], upload, first_run, before)


async def test_a_consent_withdrawn_31_days_ago_destroys_every_field(app: Any, scene: Scene) -> None:
    assert scene.first_run == {"withdrawal": 1, "retention": 1, "failed_regions": 0}
    row = await person_row(scene.people["gone"])
    assert row["destroyed_at"] is not None and row["destroyed_ground"] == "withdrawal"
    assert {key: row[key] for key in row if key not in ("id", "region_id", "created_at", "updated_at")} == {
        "organization_id": scene.tenant.organization_id,
        "surname": "Данные",
        "name": "уничтожены",
        "patronymic": "",
        "full_name": DESTROYED,
        "birth_date": None,
        "birth_year": 1990,
        "sex": "",
        "email": "",
        "phone": "",
        "snils": None,
        "category": "staff",
        "class_or_course": "",
        "position": "",
        "subject": "",
        "teaching_experience": None,
        "company": "",
        "graduation_year": None,
        "sort_key": row["sort_key"],
        "merged_into": None,
        "archived_at": None,
        "destroyed_at": row["destroyed_at"],
        "destroyed_ground": "withdrawal",
    }
    duplicate = await person_row(scene.people["duplicate"])
    assert duplicate["full_name"] == DESTROYED and duplicate["email"] == "" and duplicate["birth_year"] == 1990
    async with make_client(app) as client:
        await login_api(client, scene.tenant.curator, PASSWORD)
        card = await client.get(f"/api/v1/people/{scene.people['gone']}")
        assert card.json()["full_name"] == DESTROYED and card.json()["destroyed_at"]
        page = await client.get(f"/people/{scene.people['gone']}")
        assert "Персональные данные уничтожены" in page.text and "Уходящая" not in page.text
        scan = await client.get(f"/people/{scene.people['gone']}/consents/{scene.consents['gone_scan']}/scan")
        assert scan.status_code == 404
        listed = (await client.get("/api/v1/people", params={"base": "all", "q": "Данные уничтожены"})).json()
        assert listed["total"] == 0  # a stub is nobody: no base lists it
        refused = await client.post(
            f"/api/v1/people/{scene.people['gone']}/consents", json={"kind": "personal_data", "given_on": iso(-1)}
        )
        assert refused.status_code == 404
        memory = await client.get("/api/v1/people", params={"base": "all", "q": "Уходящая"})
        assert memory.json()["total"] == 0


async def test_every_other_place_that_held_the_person_is_scrubbed(app: Any, scene: Scene) -> None:
    ids = [UUID(scene.people["gone"]), UUID(scene.people["duplicate"])]
    async with tenant_transaction(Scope(Level.platform)):
        connection = current_connection()
        consents = await connection.fetch("SELECT * FROM consent WHERE person_id = ANY($1::uuid[])", ids)
        assert consents and all(not c["has_scan"] and c["withdrawn_on"] == TODAY - timedelta(31) for c in consents)
        scans = await connection.fetchval(
            "SELECT count(*) FROM consent_scan s JOIN consent c ON c.id = s.consent_id WHERE c.person_id = $1", ids[0]
        )
        assert scans == 0
        answers = await connection.fetch("SELECT answers, tags FROM questionnaire_answer WHERE person_id = $1", ids[0])
        assert sorted(a["answers"] for a in answers if a["answers"]) == [{"goals": 7, "meetings": 8, "mentor": 9}]
        assert all(a["tags"] == [] for a in answers) and len(answers) == 2
        meetings = await connection.fetch("SELECT * FROM meeting WHERE mentorship_id = $1", UUID(scene.pair_id))
        assert len(meetings) == 3 and all(m["participants"] == "" and m["answers"] == {} for m in meetings)
        assert sorted(m["minutes"] for m in meetings) == [60, 60, 60]
        plans = await connection.fetchval("SELECT count(*) FROM plan_row WHERE mentorship_id = $1", UUID(scene.pair_id))
        assert plans == 0
        application = await connection.fetchrow("SELECT * FROM mentor_application WHERE person_id = $1", ids[0])
        assert application["motivation"] == application["education"] == application["experience"] == ""
        order = await connection.fetchval("SELECT payload FROM programme_order WHERE id = $1", UUID(scene.order_id))
        assert order["mentee"] == DESTROYED and order["old_mentor"].startswith("Наставникова")
        runs = await connection.fetch(
            "SELECT proposals, unmatched FROM matching_run WHERE organization_id = $1", scene.tenant.organization_id
        )
        text = str([dict(r) for r in runs])
        assert runs and "Уходящая" not in text and DESTROYED in text
        everywhere = await connection.fetchval(
            """SELECT count(*) FROM (
                   SELECT to_jsonb(t)::text AS line FROM person t WHERE region_id = $1
                   UNION ALL SELECT to_jsonb(t)::text FROM consent t WHERE region_id = $1
                   UNION ALL SELECT to_jsonb(t)::text FROM questionnaire_answer t WHERE region_id = $1
                   UNION ALL SELECT to_jsonb(t)::text FROM meeting t WHERE region_id = $1
                   UNION ALL SELECT to_jsonb(t)::text FROM mentorship t WHERE region_id = $1
                   UNION ALL SELECT to_jsonb(t)::text FROM mentor_application t WHERE region_id = $1
                   UNION ALL SELECT to_jsonb(t)::text FROM matching_run t WHERE region_id = $1
                   UNION ALL SELECT to_jsonb(t)::text FROM programme_order t WHERE region_id = $1 AND number IS NULL
                   UNION ALL SELECT to_jsonb(t)::text FROM audit_log t WHERE region_id = $1
                   UNION ALL SELECT to_jsonb(t)::text FROM consent_scan t WHERE region_id = $1
               ) x WHERE line ~ '(Уходящ|Вера|uhodyash|химик|химии|Ромашка|Архивная|9Б)'""",
            scene.tenant.region_id,
        )
        assert everywhere == 0, "the destroyed people's data is still somewhere"
        upload = await connection.fetchval("SELECT file IS NULL FROM tracked_job WHERE id = $1", scene.upload)
        assert upload is True
    async with make_client(app) as coordinator:  # the export written before the destruction is gone with it
        await login_api(coordinator, scene.tenant.regional, PASSWORD)
        assert (await coordinator.get(scene.download)).status_code == 404


async def test_each_destruction_is_in_the_audit_log_with_its_ground(app: Any, scene: Scene) -> None:
    async with tenant_transaction(Scope.for_region(scene.tenant.region_id)):
        entries = await current_connection().fetch(
            "SELECT person_id, user_id, organization_id, details FROM audit_log WHERE action = 'destroy'"
        )
    by_person = {e["person_id"]: e for e in entries}
    assert set(by_person) == {UUID(scene.people[k]) for k in ("gone", "duplicate", "archived")}
    assert by_person[UUID(scene.people["gone"])]["details"] == WITHDRAWAL
    assert by_person[UUID(scene.people["archived"])]["details"] == RETENTION
    assert all(e["user_id"] is None and e["organization_id"] == scene.tenant.organization_id for e in entries)
    async with make_client(app) as client:
        await login_api(client, scene.tenant.regional, PASSWORD)
        log = await client.get("/audit", params={"action": "destroy"})
        assert WITHDRAWAL in log.text and RETENTION in log.text and "Уходящая" not in log.text


async def test_only_whom_the_law_says_is_destroyed(app: Any, scene: Scene) -> None:
    recent = await person_row(scene.people["recent"])
    assert recent["surname"] == "Передумавшая" and recent["email"] == "peredumala@test.local"
    both = await person_row(scene.people["both"])  # consents in the other organization
    assert both["surname"] == "Двойная" and both["snils"] is not None and both["destroyed_at"] is None
    archived_recent = await person_row(scene.people["archived_recent"])
    assert archived_recent["surname"] == "Недавняя" and archived_recent["destroyed_at"] is None
    archived = await person_row(scene.people["archived"])
    assert archived["full_name"] == DESTROYED and archived["destroyed_ground"] == "retention"
    assert archived["category"] == "learner" and archived["birth_year"] == int(born(15)[:4])
    assert archived["class_or_course"] == "" and archived["birth_date"] is None
    async with tenant_transaction(Scope(Level.platform)):
        representative = await current_connection().fetchrow(
            "SELECT * FROM consent WHERE id = $1", UUID(scene.consents["archived"])
        )
    assert representative["representative_name"] == DESTROYED
    assert representative["representative_relation"] == representative["representative_document"] == ""
    assert representative["given_on"] == TODAY - timedelta(500) and representative["withdrawn_on"] is None


async def test_a_second_run_changes_nothing(app: Any, scene: Scene) -> None:
    async def state() -> list[Any]:
        async with tenant_transaction(Scope.for_region(scene.tenant.region_id)):
            return [
                [dict(r) for r in await current_connection().fetch(f"SELECT * FROM {table} ORDER BY id")]
                for table in ("person", "consent", "questionnaire_answer", "meeting", "audit_log", "matching_run")
            ]

    before = await state()
    assert await run_job(scene.tenant) == {"withdrawal": 0, "retention": 0, "failed_regions": 0}
    assert await state() == before


async def test_the_counts_of_a_past_period_and_of_today_are_unchanged(app: Any, scene: Scene) -> None:
    past = scene.counts_before["past/region"]
    assert past["pairs"] == 1 and past["meetings"] == 2 and past["satisfaction"]["mentees"] == 8.0  # not trivial
    assert scene.counts_before["current/organization"]["meetings"] >= 1
    assert await indicator_values(scene.tenant) == scene.counts_before


async def test_the_regional_coordinator_sees_what_is_due_and_what_was_destroyed(app: Any, scene: Scene) -> None:
    tomorrow = (TODAY + timedelta(days=1)).strftime("%d.%m.%Y")
    async with make_client(app) as client:
        await login_page(client, scene.tenant.regional, PASSWORD)
        assert 'href="/region/retention"' in (await client.get("/region")).text
        page = await client.get("/region/retention")
        assert page.status_code == 200
        due = page.text.split("<h2>Предстоит</h2>")[1].split("<h2>Выполнено</h2>")[0]
        assert due.count(tomorrow) == 2  # the one who withdrew 29 days ago, the one archived 1094 days ago
        assert "отзыв согласия" in due and "истёк срок хранения" in due and "Школа 1" in due
        done = page.text.split("<h2>Выполнено</h2>")[1]
        assert "<td>1</td><td>1</td><td>2</td>" in done
        for surname in ("Уходящая", "Передумавшая", "Архивная", "Недавняя", "Двойная", DESTROYED):
            assert surname not in page.text
    for email in (scene.tenant.municipal, scene.tenant.curator):
        async with make_client(app) as client:
            await login_api(client, email, PASSWORD)
            assert (await client.get("/region/retention")).status_code == 403


async def test_another_region_is_untouched_and_sees_none_of_it(app: Any, scene: Scene) -> None:
    other = await make_tenant("Соседний регион")
    async with make_client(app) as client:
        await login_api(client, other.curator, PASSWORD)
        person_id = await add(client, "Соседская", email="sosed@test.local")
        await withdraw(client, person_id, await consent(client, person_id), 31)
    assert await run_job(scene.tenant) == {"withdrawal": 0, "retention": 0, "failed_regions": 0}
    kept = await person_row(person_id)
    assert kept["surname"] == "Соседская" and kept["destroyed_at"] is None
    async with make_client(app) as client:
        await login_page(client, other.regional, PASSWORD)
        page = await client.get("/region/retention")
        assert "Задание ещё не запускалось" in page.text and "при ближайшем запуске" in page.text
    assert await run_job(other) == {"withdrawal": 1, "retention": 0, "failed_regions": 0}


async def test_the_nightly_job_runs_every_region(app: Any) -> None:
    from app.worker import cron_jobs, job_functions

    assert "destroy_personal_data" in {getattr(f, "name", "") for f in job_functions()}
    assert "cron:destroy_personal_data" in {c.name for c in cron_jobs()}
    tenant = await make_tenant(f"Ночной {uuid.uuid4().hex[:4]}")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        person_id = await add(client, "Ночная")
        await withdraw(client, person_id, await consent(client, person_id), 40)
    counts = await destroy_personal_data({"settings": get_settings()})
    assert counts["withdrawal"] >= 1 and counts["failed_regions"] == 0
    assert (await person_row(person_id))["full_name"] == DESTROYED


async def test_the_command_line_destroys_what_is_due_now(app: Any) -> None:
    tenant = await make_tenant("Команда")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        person_id = await add(client, "Командная")
        await withdraw(client, person_id, await consent(client, person_id), 30)
    command = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "destroy-personal-data",
        "--region",
        str(tenant.region_id),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await command.communicate()
    assert command.returncode == 0, err.decode()
    assert "по отзыву согласия 1," in out.decode()
    assert (await person_row(person_id))["full_name"] == DESTROYED
