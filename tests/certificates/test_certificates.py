"""Certificates: the cohort's bulk issue (once per participant), the PDF read back, the scope's list, revocation,
the public verification by number with its rate limit, and the expiry reminders."""

from __future__ import annotations

import contextlib
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pypdf

from services.certificates import CertificateDraft, CertificateKind, issue_certificate, revoke_certificate
from services.certificates.jobs import remind_expiring
from shared.actor import Actor
from shared.clock import today
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.settings import get_settings
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client, make_tenant, run_worker

PUBLIC_KEYS = {
    "number",
    "holder_name",
    "title",
    "starts_on",
    "ends_on",
    "issued_on",
    "valid_until",
    "status",
    "status_label",
    "revoked_on",
}


@dataclass(frozen=True)
class Cohort:
    id: uuid.UUID
    names: list[str]  # the completed participants' names
    enrolments: list[uuid.UUID]
    not_completed: str


async def _people(tenant: Tenant, organization_id: uuid.UUID, municipality_id: uuid.UUID, n: int) -> list[Any]:
    from services import registry

    actor = Actor(None, tenant.region_id, organization_id)
    scope = Scope(Level.organization, None, tenant.region_id, municipality_id, organization_id)
    people = []
    async with tenant_transaction(scope):
        for _ in range(n):
            surname = "Выпускник" + uuid.uuid4().hex[:5]
            form = registry.PersonForm(surname=surname, name="Мария", category="staff", roles=["mentor"])
            person_id, _ = await registry.create_person(actor, scope, form)
            people.append((person_id, f"{surname} Мария"))
    return people


async def completed_cohort(
    tenant: Tenant, completed: int, *, organization_id: uuid.UUID | None = None, holder_email: str = ""
) -> Cohort:
    """A regional school's finished cohort of `completed` completed participants and one who did not complete;
    the first participant is the account `holder_email`, when given."""
    organization_id = organization_id or tenant.organization_id
    municipality_id = (
        tenant.municipality_id if organization_id == tenant.organization_id else tenant.other_municipality_id
    )
    people = await _people(tenant, organization_id, municipality_id, completed + 1)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        holder = await db.fetchval("SELECT id FROM app_user WHERE email = $1", holder_email) if holder_email else None
        school = await db.fetchval(
            """INSERT INTO mentor_school (region_id, name, signatory_name, signatory_position)
               VALUES ($1, 'Региональная сетевая школа наставников', 'Соколова Т. В.', 'Руководитель центра')
               RETURNING id""",
            tenant.region_id,
        )
        programme = await db.fetchval(
            """INSERT INTO school_programme (region_id, school_id, title, audience, published, assessment)
               VALUES ($1, $2, $3, '{mentor}', true, 'none') RETURNING id""",
            tenant.region_id,
            school,
            "Основы наставнической деятельности " + uuid.uuid4().hex[:4],
        )
        for topic, hours in (("Формы и роли", 2), ("Этапы цикла", 6), ("Этика", 10)):
            await db.execute(
                """INSERT INTO school_module (region_id, school_id, programme_id, topic, hours, format)
                   VALUES ($1, $2, $3, $4, $5, 'seminar')""",
                tenant.region_id,
                school,
                programme,
                topic,
                hours,
            )
        cohort = await db.fetchval(
            """INSERT INTO school_cohort (region_id, school_id, programme_id, title, starts_on, ends_on, capacity)
               VALUES ($1, $2, $3, 'Поток 1', current_date - 90, current_date - 60, 30) RETURNING id""",
            tenant.region_id,
            school,
            programme,
        )
        enrolments = []
        for n, (person_id, name) in enumerate(people):
            done = n < completed
            enrolments.append(
                await db.fetchval(
                    """INSERT INTO school_enrolment (region_id, school_id, cohort_id, organization_id, person_id,
                           user_id, audience, full_name, state, outcome, hours_attended, completed_on)
                       VALUES ($1, $2, $3, $4, $5, $6, 'mentor', $7, 'accepted', $8, $9, current_date - 60)
                       RETURNING id""",
                    tenant.region_id,
                    school,
                    cohort,
                    organization_id,
                    person_id,
                    holder if n == 0 else None,
                    name,
                    "completed" if done else "not_completed",
                    16 if done else 4,
                )
            )
    return Cohort(cohort, [name for _, name in people[:completed]], enrolments[:completed], people[-1][1])


async def certificate(
    tenant: Tenant,
    *,
    valid_until: date | None = None,
    issued_on: date | None = None,
    kind: CertificateKind = CertificateKind.curator,
    revoked: str = "",
) -> Any:
    """One certificate of a person of the tenant's first organization, issued by the region."""
    (person_id, name), *_ = await _people(tenant, tenant.organization_id, tenant.municipality_id, 1)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        actor = Actor(None, tenant.region_id, None)
        issued = await issue_certificate(
            actor,
            CertificateDraft(
                kind=kind,
                organization_id=tenant.organization_id,
                person_id=person_id,
                holder_name=name,
                title="Сертификация кураторов",
                issued_on=issued_on or today() - timedelta(days=400),
                valid_until=valid_until,
                source_kind="certification_application",
                source_id=uuid.uuid4(),
                issuer_name="Региональный наставнический центр",
            ),
        )
        if revoked:
            issued = await revoke_certificate(actor, issued.id, revoked)
    return issued


@contextlib.asynccontextmanager
async def signed_in(app: Any, email: str) -> AsyncIterator[Any]:
    async with make_client(app) as client:
        assert (await login_api(client, email, PASSWORD)).status_code == 200
        yield client


async def issue_for(app: Any, client: Any, cohort_id: uuid.UUID) -> None:
    token = await csrf_token(client, f"/school/cohorts/{cohort_id}/certificates")
    started = await client.post(f"/school/cohorts/{cohort_id}/certificates", data={"_csrf_token": token})
    assert started.status_code == 303, started.text
    await run_worker(app, 1)


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


async def test_a_cohort_gets_one_certificate_per_completed_participant_and_a_second_run_none(app: Any) -> None:
    tenant = await make_tenant("Выдача")
    cohort = await completed_cohort(tenant, 3)
    async with signed_in(app, tenant.regional) as regional:
        before = await regional.get(f"/school/cohorts/{cohort.id}/certificates")
        assert before.status_code == 200 and "Выдать свидетельства" in before.text
        assert cohort.not_completed not in before.text
        await issue_for(app, regional, cohort.id)
        listed = (await regional.get(f"/api/v1/school/cohorts/{cohort.id}/certificates")).json()
        assert listed["job"]["status"] == "done" and listed["job"]["result"]["issued"] == 3
        numbers = [p["number"] for p in listed["participants"]]
        year = today().year
        assert all(n and n.startswith(f"НШ-{year}-") for n in numbers) and len(set(numbers)) == 3
        assert {p["full_name"] for p in listed["participants"]} == set(cohort.names)

        # Again, from the API: the job runs, issues nobody twice.
        again = await regional.post(f"/api/v1/school/cohorts/{cohort.id}/certificates")
        assert again.status_code == 202, again.text
        await run_worker(app, 1)
        second = (await regional.get(f"/api/v1/school/cohorts/{cohort.id}/certificates")).json()
        assert second["job"]["result"] == {"issued": 0, "already": 3, "completed": 3}
        assert [p["number"] for p in second["participants"]] == numbers
        page = await regional.get(f"/school/cohorts/{cohort.id}/certificates")
        assert "Свидетельства выданы всем" in page.text and numbers[0] in page.text
        polled = await regional.get(f"/school/cohorts/{cohort.id}/certificates", headers={"HX-Request": "true"})
        assert polled.status_code == 200 and "<html" not in polled.text and "Выдано 0 свидетельств" in polled.text
        assert polled.headers["vary"] == "HX-Request"
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        count = await current_connection().fetchval(
            "SELECT count(*) FROM certificate WHERE source_id = ANY($1::uuid[])", cohort.enrolments
        )
    assert count == 3


async def test_only_the_school_runner_starts_a_bulk_issue(app: Any) -> None:
    tenant = await make_tenant("Чужой поток")
    cohort = await completed_cohort(tenant, 1)
    for email in (tenant.curator, tenant.municipal):  # neither runs the regional school
        async with signed_in(app, email) as client:
            assert (await client.get(f"/school/cohorts/{cohort.id}/certificates")).status_code == 403
            assert (await client.post(f"/api/v1/school/cohorts/{cohort.id}/certificates")).status_code == 403
    async with signed_in(app, tenant.mentor) as client:
        assert (await client.get(f"/school/cohorts/{cohort.id}/certificates")).status_code == 403


async def test_a_cohort_nobody_completed_issues_nothing(app: Any) -> None:
    tenant = await make_tenant("Пустой поток")
    cohort = await completed_cohort(tenant, 0)
    async with signed_in(app, tenant.regional) as client:
        refused = await client.post(f"/api/v1/school/cohorts/{cohort.id}/certificates")
        assert refused.status_code == 400 and "cohort" in refused.json()["errors"]


async def test_the_pdf_holds_the_number_and_the_name_and_only_those_who_may_see_it_open_it(app: Any) -> None:
    tenant = await make_tenant("PDF")
    cohort = await completed_cohort(tenant, 2, holder_email=tenant.mentor)
    async with signed_in(app, tenant.regional) as regional:
        await issue_for(app, regional, cohort.id)
        participants = (await regional.get(f"/api/v1/school/cohorts/{cohort.id}/certificates")).json()["participants"]
        own = next(p for p in participants if p["full_name"] == cohort.names[0])
        other = next(p for p in participants if p["full_name"] == cohort.names[1])
        response = await regional.get(f"/certificates/{own['certificate_id']}/download")
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        assert response.headers["cache-control"] == "no-store"
        text = pdf_text(response.content)
        assert own["number"] in text and cohort.names[0] in text
        assert "18 академических часов" in text
        assert "бессрочно" in text
    # The holder from the cabinet; the curator of the organization; not another mentor's, nor a neighbour's curator.
    async with signed_in(app, tenant.mentor) as mentor:
        assert (await mentor.get(f"/certificates/{own['certificate_id']}/pdf")).status_code == 200
        assert (await mentor.get(f"/certificates/{other['certificate_id']}/pdf")).status_code == 404
        mine = (await mentor.get("/api/v1/certificates")).json()
        assert [c["number"] for c in mine["items"]] == [own["number"]]
    async with signed_in(app, tenant.curator) as curator:
        assert (await curator.get(f"/certificates/{other['certificate_id']}/pdf")).status_code == 200
    async with signed_in(app, tenant.other_curator) as neighbour:
        assert (await neighbour.get(f"/certificates/{other['certificate_id']}/pdf")).status_code == 404


async def test_verification_shows_the_status_and_nothing_else(app: Any) -> None:
    tenant = await make_tenant("Проверка")
    valid = await certificate(tenant, valid_until=today() + timedelta(days=300))
    expired = await certificate(
        tenant, valid_until=today() - timedelta(days=5), issued_on=today() - timedelta(days=1100)
    )
    revoked = await certificate(tenant, revoked="Выдано ошибочно: повторная выдача")
    async with make_client(app, "10.9.0.1") as anonymous:
        for record, status, label in (
            (valid, "valid", "действителен"),
            (expired, "expired", "истёк"),
            (revoked, "revoked", "отозван"),
        ):
            answer = await anonymous.get(f"/api/v1/certificates/{quote(record.number)}")
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert set(body) == PUBLIC_KEYS
            assert (body["number"], body["holder_name"], body["status"], body["status_label"]) == (
                record.number,
                record.holder_name,
                status,
                label,
            )
            assert body["valid_until"] == (record.valid_until.isoformat() if record.valid_until else None)
            page = await anonymous.get(f"/verify/{quote(record.number)}")
            assert page.status_code == 200
            assert record.holder_name in page.text and label.capitalize() in page.text
            assert "Выдано ошибочно" not in page.text  # the reason stays with the staff
            assert "Региональный наставнический центр" not in page.text
        assert (await anonymous.get(f"/api/v1/certificates/{quote(revoked.number)}")).json()["revoked_on"] == (
            today().isoformat()
        )
        unknown = "НШ-1999-99999"
        missing = await anonymous.get(f"/api/v1/certificates/{quote(unknown)}")
        assert missing.status_code == 404 and set(missing.json()) == {"detail"}
        missing_page = await anonymous.get(f"/verify/{quote(unknown)}")
        assert missing_page.status_code == 404 and "не найдено" in missing_page.text
        # A number typed with spaces and in lower case still finds it; the form leads to the page.
        typed = await anonymous.get("/verify", params={"number": f"  {valid.number.lower()} "})
        assert typed.status_code == 303 and typed.headers["location"] == f"/verify/{quote(valid.number)}"
        latin = valid.number.replace("С", "C").replace("К", "K")  # the series typed on a Latin keyboard
        assert (await anonymous.get(f"/api/v1/certificates/{latin}")).json()["number"] == valid.number
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        checks = await current_connection().fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'verify' AND person_id = $1", valid.person_id
        )
    assert checks == 3  # the page and the API each read a person's name: every check is in the log


async def test_the_public_scope_sees_one_certificate_by_its_number_and_no_other(app: Any) -> None:
    tenant = await make_tenant("Публичная область")
    first = await certificate(tenant)
    await certificate(tenant)
    async with tenant_transaction(Scope.public_region(None, certificate_number=first.number)):
        rows = await current_connection().fetch("SELECT number FROM certificate")
    assert [r["number"] for r in rows] == [first.number]
    async with tenant_transaction(Scope.public_region(tenant.region_id)):
        assert await current_connection().fetchval("SELECT count(*) FROM certificate") == 0


async def test_verification_is_rate_limited_per_address(app: Any) -> None:
    tenant = await make_tenant("Лимит")
    valid = await certificate(tenant)
    ip = f"10.8.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    async with make_client(app, ip) as anonymous:
        for _ in range(30):
            assert (await anonymous.get(f"/api/v1/certificates/{quote(valid.number)}")).status_code == 200
        limited = await anonymous.get(f"/api/v1/certificates/{quote(valid.number)}")
        assert limited.status_code == 429
        assert "Слишком много проверок" in limited.json()["detail"]
        page = await anonymous.get("/verify/" + quote("НШ-2000-00001"))
        assert page.status_code == 429 and "Слишком много проверок" in page.text
    async with make_client(app, "10.7.0.1") as elsewhere:  # another address is not held back
        assert (await elsewhere.get(f"/api/v1/certificates/{quote(valid.number)}")).status_code == 200


async def test_the_list_shows_the_callers_scope(app: Any) -> None:
    tenant = await make_tenant("Списки")
    other_region = await make_tenant("Другой регион")
    own = await completed_cohort(tenant, 1)
    neighbour = await completed_cohort(tenant, 1, organization_id=tenant.other_organization_id)
    far = await completed_cohort(other_region, 1)
    for region, cohort in ((tenant, own), (tenant, neighbour), (other_region, far)):
        async with signed_in(app, region.regional) as client:
            await issue_for(app, client, cohort.id)

    async def holders(email: str) -> set[str]:
        async with signed_in(app, email) as client:
            answer = await client.get("/api/v1/certificates")
            assert answer.status_code == 200, answer.text
            page = await client.get("/certificates")
            assert page.status_code == 200
            names = {c["holder_name"] for c in answer.json()["items"]}
            assert all(name in page.text for name in names)
            return names

    assert await holders(tenant.curator) == {own.names[0]}
    assert await holders(tenant.head) == {own.names[0]}
    assert await holders(tenant.municipal) == {own.names[0]}
    assert await holders(tenant.regional) == {own.names[0], neighbour.names[0]}
    assert await holders(other_region.regional) == {far.names[0]}
    assert await holders(tenant.mentor) == set()  # a cabinet sees only its own

    async with signed_in(app, tenant.regional) as client:
        filtered = (await client.get("/api/v1/certificates", params={"status": "revoked"})).json()
        assert filtered["items"] == [] and filtered["total"] == 0
        paged = (await client.get("/api/v1/certificates", params={"per_page": 1, "page": 2})).json()
        assert (paged["total"], paged["pages"], paged["page"], len(paged["items"])) == (2, 2, 2, 1)
        wrong = await client.get("/api/v1/certificates", params={"status": "lost"})
        assert wrong.status_code == 400 and "status" in wrong.json()["errors"]
        assert (await client.get("/api/v1/certificates", params={"per_page": 500})).json()["errors"]["per_page"]


async def test_only_the_issuer_revokes_and_only_with_a_reason(app: Any) -> None:
    tenant = await make_tenant("Отзыв")
    cohort = await completed_cohort(tenant, 1)
    async with signed_in(app, tenant.regional) as regional:
        await issue_for(app, regional, cohort.id)
        issued = (await regional.get(f"/api/v1/school/cohorts/{cohort.id}/certificates")).json()["participants"][0]
        certificate_id = issued["certificate_id"]
        card = await regional.get(f"/certificates/{certificate_id}")
        assert card.status_code == 200 and "Отозвать свидетельство" in card.text
        token = await csrf_token(regional, f"/certificates/{certificate_id}")
        refused = await regional.post(
            f"/certificates/{certificate_id}/revoke", data={"reason": "   ", "_csrf_token": token}
        )
        assert refused.status_code == 422 and 'id="e-reason"' in refused.text
        api_refused = await regional.post(f"/api/v1/certificates/{certificate_id}/revoke", json={})
        assert api_refused.status_code == 400 and "reason" in api_refused.json()["errors"]
        still = await regional.get(f"/api/v1/certificates/{quote(issued['number'])}")
        assert still.json()["status"] == "valid"
    async with signed_in(app, tenant.curator) as curator:  # sees it (the holder's organization) but did not issue it
        assert "Отозвать свидетельство" not in (await curator.get(f"/certificates/{certificate_id}")).text
        denied = await curator.post(f"/api/v1/certificates/{certificate_id}/revoke", json={"reason": "Ошибка"})
        assert denied.status_code == 403
    async with signed_in(app, tenant.regional) as regional:
        token = await csrf_token(regional, f"/certificates/{certificate_id}")
        done = await regional.post(
            f"/certificates/{certificate_id}/revoke",
            data={"reason": "Выдано ошибочно: повторная выдача", "_csrf_token": token},
        )
        assert done.status_code == 303
        listed = (await regional.get("/api/v1/certificates", params={"status": "revoked"})).json()["items"]
        assert [c["number"] for c in listed] == [issued["number"]]
        again = await regional.post(f"/api/v1/certificates/{certificate_id}/revoke", json={"reason": "Ещё раз"})
        assert again.status_code == 400
    async with make_client(app, "10.6.0.1") as anonymous:
        assert (await anonymous.get(f"/api/v1/certificates/{quote(issued['number'])}")).json()["status"] == "revoked"
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        actions = await current_connection().fetch(
            "SELECT action FROM audit_log WHERE details = $1 ORDER BY at", issued["number"]
        )
    assert [a["action"] for a in actions] == ["certificate.issue", "certificate.revoke"]


async def test_reminders_go_60_and_30_days_before_the_end_once_each(app: Any, smtp: Any) -> None:
    inbox, port = smtp
    ctx = {"settings": replace(get_settings(), smtp_port=port), "redis": app.state.redis}
    tenant = await make_tenant("Напоминания")
    ends = today() + timedelta(days=400)
    record = await certificate(tenant, valid_until=ends)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):  # the holder has an account
        user_id = await current_connection().fetchval("SELECT id FROM app_user WHERE email = $1", tenant.mentor)
        await current_connection().execute("UPDATE certificate SET user_id = $1 WHERE id = $2", user_id, record.id)
    await certificate(tenant, valid_until=ends, revoked="Ошибка")  # a revoked one is never reminded of

    def letters(address: str) -> list[str]:
        bodies = [m.get_payload(decode=True).decode() for m in inbox.to(address)]
        return [body for body in bodies if record.number in body]

    await remind_expiring(ctx, (ends - timedelta(days=61)).isoformat())
    assert letters(tenant.curator) == []
    await remind_expiring(ctx, (ends - timedelta(days=60)).isoformat())
    await remind_expiring(ctx, (ends - timedelta(days=59)).isoformat())
    assert len(letters(tenant.curator)) == 1 and "через 60 дней" in letters(tenant.curator)[0]
    assert len(letters(tenant.mentor)) == 1
    assert letters(tenant.other_curator) == []
    await remind_expiring(ctx, (ends - timedelta(days=30)).isoformat())
    await remind_expiring(ctx, (ends - timedelta(days=29)).isoformat())
    assert len(letters(tenant.curator)) == 2 and "через 30 дней" in letters(tenant.curator)[1]
    assert f"/verify/{quote(record.number)}" in letters(tenant.curator)[1]
    assert len(letters(tenant.mentor)) == 2
    await remind_expiring(ctx, (ends - timedelta(days=3)).isoformat())
    assert len(letters(tenant.curator)) == 2
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        steps = await current_connection().fetch(
            "SELECT days_before FROM certificate_reminder WHERE certificate_id = $1 ORDER BY days_before", record.id
        )
    assert [s["days_before"] for s in steps] == [30, 60]
    async with signed_in(app, tenant.curator) as curator:
        card = await curator.get(f"/certificates/{record.id}")
    assert "за 60 дней" in card.text and "за 30 дней" in card.text


async def test_a_certificate_issued_close_to_its_end_gets_only_the_30_day_reminder(app: Any, smtp: Any) -> None:
    inbox, port = smtp
    ctx = {"settings": replace(get_settings(), smtp_port=port), "redis": app.state.redis}
    tenant = await make_tenant("Поздно")
    ends = today() + timedelta(days=500)
    record = await certificate(tenant, valid_until=ends)
    await remind_expiring(ctx, (ends - timedelta(days=20)).isoformat())
    mails = [m.get_payload(decode=True).decode() for m in inbox.to(tenant.curator)]
    mails = [body for body in mails if record.number in body]
    assert len(mails) == 1 and "через 20 дней" in mails[0]
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        steps = await current_connection().fetch(
            "SELECT days_before FROM certificate_reminder WHERE certificate_id = $1", record.id
        )
    assert [s["days_before"] for s in steps] == [30]


async def test_a_destroyed_persons_certificate_keeps_its_number_but_not_the_name(app: Any) -> None:
    from app.retention import forget_certificate_holders
    from services import registry

    tenant = await make_tenant("Уничтожение")
    record = await certificate(tenant, valid_until=today() + timedelta(days=100))
    forgotten = registry.Forgotten(
        id=record.person_id, ids=[record.person_id], names=[record.holder_name], ground=registry.Ground.withdrawal
    )
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await forget_certificate_holders([forgotten])
    async with make_client(app, "10.5.0.1") as anonymous:
        body = (await anonymous.get(f"/api/v1/certificates/{quote(record.number)}")).json()
    assert body["holder_name"] == registry.DESTROYED and body["status"] == "valid"


async def test_a_curators_certificate_prints_its_validity(app: Any) -> None:
    tenant = await make_tenant("Сертификат куратора")
    until = today() + timedelta(days=1000)
    record = await certificate(tenant, valid_until=until, issued_on=today())
    async with signed_in(app, tenant.regional) as regional:
        response = await regional.get(f"/certificates/{record.id}/pdf")
    text = pdf_text(response.content)
    assert record.number in text and "сертификацию" in text and until.strftime("%d.%m.%Y") in text


async def test_a_municipal_school_issues_and_revokes_its_own_certificates(app: Any) -> None:
    tenant = await make_tenant("Муниципальная школа")
    cohort = await completed_cohort(tenant, 2)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            """UPDATE mentor_school SET municipality_id = $1, name = 'Муниципальная школа наставников'
               WHERE id = (SELECT school_id FROM school_cohort WHERE id = $2)""",
            tenant.municipality_id,
            cohort.id,
        )
    async with signed_in(app, tenant.municipal) as municipal:
        await issue_for(app, municipal, cohort.id)
        participants = (await municipal.get(f"/api/v1/school/cohorts/{cohort.id}/certificates")).json()["participants"]
        assert all(p["status"] == "valid" for p in participants) and len(participants) == 2
        revoked = await municipal.post(
            f"/api/v1/certificates/{participants[0]['certificate_id']}/revoke", json={"reason": "Опечатка в ФИО"}
        )
        assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    async with signed_in(app, tenant.regional) as regional:  # the region oversees it, but did not issue it
        refused = await regional.post(
            f"/api/v1/certificates/{participants[1]['certificate_id']}/revoke", json={"reason": "Ошибка"}
        )
        assert refused.status_code == 403


async def test_a_failed_bulk_issue_says_why_in_russian_and_is_retried_from_the_page(app: Any) -> None:
    tenant = await make_tenant("Повтор выдачи")
    cohort = await completed_cohort(tenant, 2)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):  # a name lost: the issue cannot go on
        await current_connection().execute(
            "UPDATE school_enrolment SET full_name = ' ' WHERE id = $1", cohort.enrolments[1]
        )
    async with signed_in(app, tenant.regional) as regional:
        await issue_for(app, regional, cohort.id)
        failed = await regional.get(f"/school/cohorts/{cohort.id}/certificates")
        assert "В свидетельстве нет имени" in failed.text and "Повторить" in failed.text
        job = (await regional.get(f"/api/v1/school/cohorts/{cohort.id}/certificates")).json()
        assert job["job"]["status"] == "failed"
        assert [p["number"] for p in job["participants"]] == [None, None]  # nothing half-issued
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            await current_connection().execute(
                "UPDATE school_enrolment SET full_name = 'Исправленная Мария' WHERE id = $1", cohort.enrolments[1]
            )
        token = await csrf_token(regional, f"/school/cohorts/{cohort.id}/certificates")
        retried = await regional.post(f"/school/cohorts/{cohort.id}/certificates/retry", data={"_csrf_token": token})
        assert retried.status_code == 303
        await run_worker(app, 1)
        done = (await regional.get(f"/api/v1/school/cohorts/{cohort.id}/certificates")).json()
        assert done["job"]["status"] == "done" and all(p["number"] for p in done["participants"])


async def test_rls_keeps_certificates_and_reminders_in_their_tenant(app: Any, smtp: Any) -> None:
    _, port = smtp
    ctx = {"settings": replace(get_settings(), smtp_port=port), "redis": app.state.redis}
    first, second = await make_tenant("RLS А"), await make_tenant("RLS Б")
    ends = today() + timedelta(days=700)
    mine = await certificate(first, valid_until=ends)
    theirs = await certificate(second, valid_until=ends)
    await remind_expiring(ctx, (ends - timedelta(days=30)).isoformat())
    sql = """SELECT c.id, count(r.id) AS reminders FROM certificate c
             LEFT JOIN certificate_reminder r ON r.certificate_id = c.id GROUP BY c.id"""
    org = Scope(Level.organization, None, first.region_id, first.municipality_id, first.organization_id)
    neighbour = Scope(
        Level.organization, None, first.region_id, first.other_municipality_id, first.other_organization_id
    )
    for scope, expected in (
        (Scope.for_region(first.region_id), {mine.id}),
        (org, {mine.id}),
        (neighbour, set()),
        (Scope(Level.trainer, None, first.region_id), set()),
        (Scope(), set()),
        (Scope.public_region(first.region_id), set()),
    ):
        async with tenant_transaction(scope):
            rows = await current_connection().fetch(sql)
        assert {r["id"] for r in rows} == expected, scope
        assert all(r["reminders"] == 1 for r in rows)
    async with tenant_transaction(Scope.for_region(first.region_id)):
        reminders = await current_connection().fetchval(
            "SELECT count(*) FROM certificate_reminder WHERE certificate_id = $1", theirs.id
        )
    assert reminders == 0


async def test_the_valid_certificates_of_a_day(app: Any) -> None:
    from services.certificates import valid_on

    tenant = await make_tenant("Действующие")
    valid = await certificate(tenant, valid_until=today() + timedelta(days=10))
    await certificate(tenant, valid_until=today() - timedelta(days=1))
    await certificate(tenant, revoked="Ошибка")
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        assert [c.id for c in await valid_on(CertificateKind.curator, today())] == [valid.id]
        assert len(await valid_on(CertificateKind.curator, today() - timedelta(days=2))) == 3  # before both ends
        assert await valid_on(CertificateKind.training, today()) == []
