"""Test helpers: HTTP clients, CSRF-aware form posts, and tenants with an account for every role."""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import httpx
from arq.worker import Worker


def make_client(app: Any, ip: str = "10.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")


CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def csrf_token(client: httpx.AsyncClient, page: str = "/login") -> str:
    response = await client.get(page)
    match = CSRF_RE.search(response.text)
    assert match, f"no CSRF field on {page}"
    return match.group(1)


async def post_form(
    client: httpx.AsyncClient, url: str, data: dict[str, str], page: str | None = None
) -> httpx.Response:
    token = await csrf_token(client, page or url)
    return await client.post(url, data={**data, "_csrf_token": token})


async def login_page(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await post_form(client, "/login", {"email": email, "password": password})


async def login_api(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


async def upload_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """The API's CSRF header for multipart uploads, with the signed-in session's token."""
    token: str = (await client.get("/api/v1/me")).json()["csrf_token"]
    return {"X-CSRFToken": token}


PASSWORD = "Secret12345"


@dataclass
class Tenant:
    region_id: uuid.UUID
    municipality_id: uuid.UUID
    organization_id: uuid.UUID
    other_municipality_id: uuid.UUID
    other_organization_id: uuid.UUID  # same region, other municipality
    regional: str
    municipal: str
    curator: str
    other_curator: str
    head: str
    mentor: str
    trainer: str  # a trainer of the network mentor school, region-level, with no organization
    juror: str  # a contest juror, region-level, with no organization


async def make_tenant(label: str) -> Tenant:
    """A region with two municipalities, an organization in each, and accounts for each role."""
    from shared import clock
    from shared.db import Level, Scope, tenant_transaction
    from shared.i18n import sort_key
    from tenants import logic
    from tenants.roles import Role
    from tenants.tables import Municipality, Organization

    tag = uuid.uuid4().hex[:6]
    async with tenant_transaction(Scope(Level.platform)):
        region_id = await logic.create_region(f"Регион {label} {tag}")
        ids = []
        for n in (1, 2):
            m = (
                await Municipality.insert(
                    Municipality(
                        region_id=region_id,
                        name=f"Район {n} {tag}",
                        sort_key=sort_key(f"Район {n}"),
                        created_at=clock.now(),
                    )
                )
                .returning(Municipality.id)
                .run()
            )
            o = (
                await Organization.insert(
                    Organization(
                        region_id=region_id,
                        municipality_id=m[0]["id"],
                        kind="school",
                        name=f"Школа {n} {tag}",
                        short_name="",
                        sort_key=sort_key(f"Школа {n}"),
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
            ids.append((m[0]["id"], o[0]["id"]))
        (m1, o1), (m2, o2) = ids

        async def account(role: Role, m: uuid.UUID | None, o: uuid.UUID | None) -> str:
            email = f"{role.value}-{o or m or region_id}-{tag}@test.local".lower()
            user_id = await logic.ensure_user(email, PASSWORD, "Тестов", role.value)
            await logic.ensure_membership(user_id, role, region_id, m, o)
            return email

        return Tenant(
            region_id=region_id,
            municipality_id=m1,
            organization_id=o1,
            other_municipality_id=m2,
            other_organization_id=o2,
            regional=await account(Role.regional_coordinator, None, None),
            municipal=await account(Role.municipal_coordinator, m1, None),
            curator=await account(Role.curator, m1, o1),
            other_curator=await account(Role.curator, m2, o2),
            head=await account(Role.head, m1, o1),
            mentor=await account(Role.mentor, m1, o1),
            trainer=await account(Role.trainer, None, None),
            juror=await account(Role.juror, None, None),
        )


async def make_records(
    app: Any, tenant: Tenant, organization_id: uuid.UUID, municipality_id: uuid.UUID
) -> dict[str, str]:
    """One organization's records of every kind a route can take an id of."""
    from services import registry
    from services.registry import jobs as registry_jobs
    from services.registry.regional_base import merge
    from shared.actor import Actor
    from shared.db import Level, Scope, tenant_transaction

    actor = Actor(None, tenant.region_id, organization_id)
    scope = Scope(Level.organization, None, tenant.region_id, municipality_id, organization_id)
    async with tenant_transaction(scope):
        person = registry.PersonForm(
            surname="Тестова", name="Анна", birth_date="01.02.1990", category="staff", roles=["mentor_candidate"]
        )
        first, _ = await registry.create_person(actor, scope, person)
        second, _ = await registry.create_person(actor, scope, person)
        consent_id = await registry.give_consent(actor, first, registry.ConsentForm(given_on="01.09.2025"))
        sent = await registry.send_questionnaire(actor, first, "mentor_offer", "isolation-test-secret")
        third, _ = await registry.create_person(actor, scope, person)
        merge_id = await merge(actor, second, third)
    async with tenant_transaction(scope):
        import_id = await registry_jobs.start_import(actor, municipality_id, b"x;y\n", "f.csv")
    programme = await _programme_records(tenant, actor, scope, first)
    from services.reports import jobs as report_jobs
    from services.reports.exports import Filters

    async with tenant_transaction(scope):
        export_id = await report_jobs.start_export(actor, scope, "people", "csv", Filters())
    from services.monitoring import logic as monitoring

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await monitoring.open_due(tenant.region_id, date(2027, 3, 10))
        period_id = (await monitoring.periods())[0]["id"]
    school = await _school_records(tenant, organization_id, first)
    certification = await _certification_records(tenant, organization_id)
    contests = await _contest_records(tenant, organization_id, municipality_id, first)
    public_pages = await _public_records(tenant, organization_id, first)
    cases = await _case_records(tenant, organization_id, municipality_id)
    incentives = await _incentive_records(tenant, organization_id, municipality_id, first)
    return {
        **programme,
        **incentives,
        **public_pages,
        **cases,
        **school,
        **certification,
        **contests,
        "export_id": str(export_id),
        "period_id": str(period_id),
        "import_id": str(import_id),
        "school_year": str(date.today().year),
        "organization_id": str(organization_id),
        "municipality_id": str(municipality_id),
        "person_id": str(first),
        "consent_id": str(consent_id),
        "request_id": str(sent.request_id),
        "merge_id": str(merge_id),
        "token": uuid.uuid4().hex,
    }


async def _public_records(tenant: Tenant, organization_id: uuid.UUID, person_id: uuid.UUID) -> dict[str, str]:
    """An organization's public page, left unpublished: its routes must answer no one outside it."""
    from shared.db import Scope, current_connection, tenant_transaction

    slug = f"isolation-{uuid.uuid4().hex[:10]}"
    r = tenant.region_id
    async with tenant_transaction(Scope.for_region(r)):
        db = current_connection()
        await db.execute(
            "INSERT INTO public_site (region_id, organization_id, slug) VALUES ($1, $2, $3)", r, organization_id, slug
        )
        partner_id = await db.fetchval(
            """INSERT INTO public_partner (region_id, organization_id, kind, name, subject)
               VALUES ($1, $2, 'employer', 'Завод', 'Стажировки') RETURNING id""",
            r,
            organization_id,
        )
        post_id = await db.fetchval(
            """INSERT INTO public_post (region_id, organization_id, title, published_at)
               VALUES ($1, $2, 'Анонс', now()) RETURNING id""",
            r,
            organization_id,
        )
        document_id = await db.fetchval(
            """INSERT INTO public_document (region_id, organization_id, title, filename, content_type, data)
               VALUES ($1, $2, 'Положение', 'p.pdf', 'application/pdf', '\\x255044462d') RETURNING id""",
            r,
            organization_id,
        )
        await db.execute(
            "INSERT INTO public_profile (region_id, organization_id, person_id, shown) VALUES ($1, $2, $3, true)",
            r,
            organization_id,
            person_id,
        )
    return {"slug": slug, "partner_id": str(partner_id), "post_id": str(post_id), "document_id": str(document_id)}


async def _school_records(tenant: Tenant, organization_id: uuid.UUID, person_id: uuid.UUID) -> dict[str, str]:
    """A regional mentor school with a programme, a module, a material, a question and a cohort taught by the
    tenant's trainer; the person accepted in it with an attendance mark and an attempt."""
    from shared.db import Scope, current_connection, tenant_transaction
    from tenants.tables import User

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        trainer = await User.select(User.id).where(User.email == tenant.trainer).first().run()
        school = await db.fetchval(
            "INSERT INTO mentor_school (region_id, name) VALUES ($1, 'Школа наставников') RETURNING id",
            tenant.region_id,
        )
        programme = await db.fetchval(
            """INSERT INTO school_programme (region_id, school_id, title, audience, published, assessment)
               VALUES ($1, $2, 'Программа', '{mentor}', true, 'test') RETURNING id""",
            tenant.region_id,
            school,
        )
        module = await db.fetchval(
            """INSERT INTO school_module (region_id, school_id, programme_id, topic, hours, format)
               VALUES ($1, $2, $3, 'Тема', 4, 'seminar') RETURNING id""",
            tenant.region_id,
            school,
            programme,
        )
        material = await db.fetchval(
            """INSERT INTO school_material (region_id, school_id, programme_id, title, url)
               VALUES ($1, $2, $3, 'Памятка', 'https://example.org/memo') RETURNING id""",
            tenant.region_id,
            school,
            programme,
        )
        question = await db.fetchval(
            """INSERT INTO school_question (region_id, school_id, programme_id, text, options, correct)
               VALUES ($1, $2, $3, 'Вопрос', '["да", "нет"]', '{0}') RETURNING id""",
            tenant.region_id,
            school,
            programme,
        )
        cohort = await db.fetchval(
            """INSERT INTO school_cohort (region_id, school_id, programme_id, title, starts_on, ends_on, capacity)
               VALUES ($1, $2, $3, 'Поток', current_date - 10, current_date + 30, 20) RETURNING id""",
            tenant.region_id,
            school,
            programme,
        )
        await db.execute(
            """INSERT INTO school_cohort_trainer (region_id, school_id, cohort_id, user_id, full_name)
               VALUES ($1, $2, $3, $4, 'Тестов Преподаватель')""",
            tenant.region_id,
            school,
            cohort,
            trainer["id"] if trainer else None,
        )
        session = await db.fetchval(
            """INSERT INTO school_session (region_id, school_id, cohort_id, module_id, title, starts_at, hours)
               VALUES ($1, $2, $3, $4, 'Занятие', now() - interval '1 day', 2) RETURNING id""",
            tenant.region_id,
            school,
            cohort,
            module,
        )
        enrolment = await db.fetchval(
            """INSERT INTO school_enrolment (region_id, school_id, cohort_id, organization_id, person_id, audience,
                   full_name, state)
               VALUES ($1, $2, $3, $4, $5, 'mentor', 'Тестова Анна', 'accepted') RETURNING id""",
            tenant.region_id,
            school,
            cohort,
            organization_id,
            person_id,
        )
        await db.execute(
            """INSERT INTO school_attendance (region_id, school_id, cohort_id, organization_id, session_id,
                   enrolment_id, status, via)
               VALUES ($1, $2, $3, $4, $5, $6, 'present', 'trainer')""",
            tenant.region_id,
            school,
            cohort,
            organization_id,
            session,
            enrolment,
        )
        attempt = await db.fetchval(
            """INSERT INTO school_attempt (region_id, school_id, cohort_id, organization_id, enrolment_id, kind)
               VALUES ($1, $2, $3, $4, $5, 'test') RETURNING id""",
            tenant.region_id,
            school,
            cohort,
            organization_id,
            enrolment,
        )
        certificate = await db.fetchval(
            """INSERT INTO certificate (region_id, number, kind, organization_id, person_id, holder_name, title,
                   issued_on, issuer_name, source_kind, source_id)
               VALUES ($1, 'НШ-1900-' || substr(md5(random()::text), 1, 8), 'training', $2, $3, 'Тестова Анна',
                   'Программа', current_date, 'Школа наставников', 'school_enrolment', $4) RETURNING id""",
            tenant.region_id,
            organization_id,
            person_id,
            enrolment,
        )
    ids = {
        "certificate_id": certificate,
        # Verification by number is public across regions by design (tests/certificates): the sweep asks for a
        # number nobody holds, so the public routes answer 404 to everyone here.
        "number": "НШ-1900-00000",
        "school_id": school,
        "school_programme_id": programme,
        "module_id": module,
        "material_id": material,
        "question_id": question,
        "cohort_id": cohort,
        "session_id": session,
        "enrolment_id": enrolment,
        "attempt_id": attempt,
    }
    return {name: str(value) for name, value in ids.items()}


async def _certification_records(tenant: Tenant, organization_id: uuid.UUID) -> dict[str, str]:
    """A certification round of the region with the organization's curator's application and an upload."""
    from shared.db import Scope, current_connection, tenant_transaction
    from tenants.tables import User

    curator = tenant.curator if organization_id == tenant.organization_id else tenant.other_curator
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        user = await User.select(User.id).where(User.email == curator).first().run()
        assert user is not None
        round_id = await db.fetchval(
            """INSERT INTO certification_round (region_id, title, applications_from, applications_until, pass_score,
                   status)
               VALUES ($1, 'Сертификация', current_date - 1, current_date + 30, 10, 'open') RETURNING id""",
            tenant.region_id,
        )
        application_id = await db.fetchval(
            """INSERT INTO certification_application (region_id, round_id, organization_id, user_id, full_name)
               VALUES ($1, $2, $3, $4, 'Тестов Куратор') RETURNING id""",
            tenant.region_id,
            round_id,
            organization_id,
            user["id"],
        )
        upload_id = await db.fetchval(
            """INSERT INTO certification_upload (region_id, round_id, organization_id, application_id, title, filename,
                   content_type, data)
               VALUES ($1, $2, $3, $4, 'Эссе', 'essay.pdf', 'application/pdf', '%PDF-1.4') RETURNING id""",
            tenant.region_id,
            round_id,
            organization_id,
            application_id,
        )
    ids = {"round_id": round_id, "curator_application_id": application_id, "upload_id": upload_id}
    return {name: str(value) for name, value in ids.items()}


async def _contest_records(
    tenant: Tenant, organization_id: uuid.UUID, municipality_id: uuid.UUID, person_id: uuid.UUID
) -> dict[str, str]:
    """A regional contest with a nomination, a stage, a criterion and a panel the tenant's juror chairs; the
    organization's application with an upload, its entry, the juror's sheet and a public vote; a festival of the
    region with an award and a photo."""
    from shared.db import Scope, current_connection, tenant_transaction
    from tenants.tables import User

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        juror = await User.select(User.id).where(User.email == tenant.juror).first().run()
        assert juror is not None
        r = tenant.region_id
        contest_id = await db.fetchval(
            """INSERT INTO contest (region_id, level, title, year, status)
               VALUES ($1, 'region', 'Наставник года', 2026, 'announced') RETURNING id""",
            r,
        )
        nomination_id = await db.fetchval(
            """INSERT INTO contest_nomination (region_id, contest_id, kind, title, roles, voting_mode, voting_from,
                   voting_until)
               VALUES ($1, $2, 'mentor_of_year', 'Наставник года', '{mentor}', 'audience_prize',
                   now() - interval '1 day', now() + interval '10 days') RETURNING id""",
            r,
            contest_id,
        )
        stage_id = await db.fetchval(
            """INSERT INTO contest_stage (region_id, contest_id, position, level, applications_from,
                   applications_until, review_from, review_until, results_on)
               VALUES ($1, $2, 1, 'region', current_date - 10, current_date + 10, current_date - 10, current_date + 20,
                   current_date + 30) RETURNING id""",
            r,
            contest_id,
        )
        criterion_id = await db.fetchval(
            """INSERT INTO contest_criterion (region_id, contest_id, stage_id, nomination_id, title, max_points)
               VALUES ($1, $2, $3, $4, 'Результативность', 10) RETURNING id""",
            r,
            contest_id,
            stage_id,
            nomination_id,
        )
        panel_id = await db.fetchval(
            """INSERT INTO contest_panel (region_id, contest_id, stage_id, nomination_id, level)
               VALUES ($1, $2, $3, $4, 'region') RETURNING id""",
            r,
            contest_id,
            stage_id,
            nomination_id,
        )
        juror_id = await db.fetchval(
            """INSERT INTO contest_juror (region_id, contest_id, panel_id, user_id, full_name, is_chair)
               VALUES ($1, $2, $3, $4, 'Тестов Член Жюри', true) RETURNING id""",
            r,
            contest_id,
            panel_id,
            juror["id"],
        )
        application_id = await db.fetchval(
            """INSERT INTO contest_application (region_id, contest_id, nomination_id, organization_id, municipality_id,
                   person_id, full_name, state, participation_consent_on, publication_consent)
               VALUES ($1, $2, $3, $4, $5, $6, 'Тестова Анна', 'submitted', current_date, true) RETURNING id""",
            r,
            contest_id,
            nomination_id,
            organization_id,
            municipality_id,
            person_id,
        )
        upload_id = await db.fetchval(
            """INSERT INTO contest_upload (region_id, contest_id, organization_id, application_id, title, filename,
                   content_type, data)
               VALUES ($1, $2, $3, $4, 'Эссе', 'essay.pdf', 'application/pdf', '%PDF-1.4') RETURNING id""",
            r,
            contest_id,
            organization_id,
            application_id,
        )
        entry_id = await db.fetchval(
            """INSERT INTO contest_entry (region_id, contest_id, panel_id, stage_id, nomination_id, application_id,
                   organization_id, municipality_id, finalist)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true) RETURNING id""",
            r,
            contest_id,
            panel_id,
            stage_id,
            nomination_id,
            application_id,
            organization_id,
            municipality_id,
        )
        sheet_id = await db.fetchval(
            """INSERT INTO contest_sheet (region_id, contest_id, panel_id, entry_id, juror_id, juror_name,
                   organization_id)
               VALUES ($1, $2, $3, $4, $5, 'Тестов Член Жюри', $6) RETURNING id""",
            r,
            contest_id,
            panel_id,
            entry_id,
            juror_id,
            organization_id,
        )
        vote_id = await db.fetchval(
            """INSERT INTO contest_vote (region_id, contest_id, nomination_id, entry_id, organization_id, voter_hash,
                   token_hash, network)
               VALUES ($1, $2, $3, $4, $5, md5(random()::text), md5(random()::text), '10.0.0.0/24') RETURNING id""",
            r,
            contest_id,
            nomination_id,
            entry_id,
            organization_id,
        )
        festival_id = await db.fetchval(
            """INSERT INTO contest_festival (region_id, contest_id, level, title, held_on, published_at)
               VALUES ($1, $2, 'region', 'Фестиваль наставничества', current_date, now()) RETURNING id""",
            r,
            contest_id,
        )
        award_id = await db.fetchval(
            """INSERT INTO contest_award (region_id, festival_id, title, winner_name)
               VALUES ($1, $2, 'Диплом I степени', 'Тестова Анна') RETURNING id""",
            r,
            festival_id,
        )
        photo_id = await db.fetchval(
            """INSERT INTO contest_photo (region_id, festival_id, caption, filename, content_type, data)
               VALUES ($1, $2, 'Награждение', 'photo.png', 'image/png', '\\x89504e47') RETURNING id""",
            r,
            festival_id,
        )
    ids = {
        "contest_id": contest_id,
        "nomination_id": nomination_id,
        "stage_id": stage_id,
        "contest_criterion_id": criterion_id,
        "panel_id": panel_id,
        "juror_id": juror_id,
        "contest_application_id": application_id,
        "contest_upload_id": upload_id,
        "entry_id": entry_id,
        "sheet_id": sheet_id,
        "vote_id": vote_id,
        "festival_id": festival_id,
        "award_id": award_id,
        "photo_id": photo_id,
    }
    return {name: str(value) for name, value in ids.items()}


async def _case_records(tenant: Tenant, organization_id: uuid.UUID, municipality_id: uuid.UUID) -> dict[str, str]:
    """A draft case of the organization with a file: its neighbours and other regions must not reach it."""
    from shared.db import Level, Scope, current_connection, tenant_transaction

    scope = Scope(Level.organization, None, tenant.region_id, municipality_id, organization_id)
    async with tenant_transaction(scope):
        db = current_connection()
        case_id = await db.fetchval(
            """INSERT INTO practice_case (region_id, kind, organization_id, municipality_id, organization_kind, title,
                   year) VALUES ($1, 'case', $2, $3, 'school', 'Кейс изоляции', 2026) RETURNING id""",
            tenant.region_id,
            organization_id,
            municipality_id,
        )
        file_id = await db.fetchval(
            """INSERT INTO practice_case_file (region_id, case_id, organization_id, municipality_id, title, filename,
                   content_type, data)
               VALUES ($1, $2, $3, $4, 'Памятка', 'memo.pdf', 'application/pdf', '%PDF-1.4') RETURNING id""",
            tenant.region_id,
            case_id,
            organization_id,
            municipality_id,
        )
    return {"case_id": str(case_id), "case_file_id": str(file_id)}


async def _incentive_records(
    tenant: Tenant, organization_id: uuid.UUID, municipality_id: uuid.UUID, person_id: uuid.UUID
) -> dict[str, str]:
    """A proposed incentive of the organization's mentor: its neighbours and other regions must not reach it."""
    from shared.db import Level, Scope, current_connection, tenant_transaction

    scope = Scope(Level.organization, None, tenant.region_id, municipality_id, organization_id)
    async with tenant_transaction(scope):
        incentive_id = await current_connection().fetchval(
            """INSERT INTO mentor_incentive (region_id, organization_id, municipality_id, person_id, level, kind,
                   reason) VALUES ($1, $2, $3, $4, 'organization', 'thanks', 'За открытый урок') RETURNING id""",
            tenant.region_id,
            organization_id,
            municipality_id,
            person_id,
        )
    return {"incentive_id": str(incentive_id)}


async def _programme_records(tenant: Tenant, actor: Any, scope: Any, person_id: uuid.UUID) -> dict[str, str]:
    """A programme with an event and its evidence, an application, an order, and a form of the region's own."""
    from services.programmes import orders, regional_catalogue, roadmap, selection
    from services.programmes import programme as programmes
    from services.programmes.access import Access
    from services.programmes.records import Owner
    from shared.db import Scope, tenant_transaction
    from tenants import Role

    async with tenant_transaction(scope):
        owner = Owner(organization_id=scope.organization_id)
        form = programmes.ProgrammeForm(title="Проверка", starts_on="01.09.2026", ends_on="31.08.2027")
        programme_id = await programmes.create_programme(actor, owner, form)
        programme = await programmes.get_programme(programme_id)
        event = roadmap.EventForm(stage="1", title="Проверка", period_label="Май")
        event_id = await roadmap.add_event(programme, event)
        evidence_id = await roadmap.attach_evidence(programme_id, event_id, b"%PDF-1.4 test", "a.pdf")
        application_id = await selection.apply(actor, programme, selection.ApplicationForm(person_id=str(person_id)))
        order_id = await orders.create_order(actor, programme, "approve_roadmap")
        pair = await _pair_records(actor, scope, programme)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        catalogue_form = regional_catalogue.CatalogueForm(
            title="Проверка", mentor_categories=["staff"], mentee_categories=["staff"]
        )
        form_id = await regional_catalogue.add_form(
            replace(actor, organization_id=None), Access(Role.regional_coordinator, Owner()), catalogue_form
        )
    return {
        "programme_id": str(programme_id),
        "step": "problem",
        "event_id": str(event_id),
        "evidence_id": str(evidence_id),
        "application_id": str(application_id),
        "order_id": str(order_id),
        "form_id": str(form_id),
        **pair,
    }


async def _pair_records(actor: Any, scope: Any, programme: Any) -> dict[str, str]:
    """A draft pair, a matching run and a choice in the programme."""
    from services import matching, mentoring, registry
    from services.programmes import catalogue_choices, constructor, get_programme
    from shared import clock
    from shared.db import current_connection

    forms, _ = await catalogue_choices()
    teacher = next(f for f in forms if f.code == "teacher_teacher")
    await constructor.save_forms(programme, constructor.FormsForm(form_ids=[str(teacher.id)]))
    programme = await get_programme(programme.id)
    people = []
    for role in ("mentor", "mentee_candidate"):
        form = registry.PersonForm(surname="Парная", name=role, category="staff", roles=[role])
        person_id, _ = await registry.create_person(actor, scope, form)
        await registry.give_consent(actor, person_id, registry.ConsentForm(given_on="01.09.2025"))
        await registry.give_consent(actor, person_id, registry.ConsentForm(kind="participation", given_on="01.09.2025"))
        people.append(str(person_id))
    pair_form = mentoring.PairForm(
        mentor_id=people[0], mentee_ids=[people[1]], form_id=str(teacher.id), starts_on=clock.today().isoformat()
    )
    pair_id = await mentoring.create_pair(actor, programme, pair_form)
    request_id = await current_connection().fetchval(
        """INSERT INTO pair_request (region_id, organization_id, mentorship_id, person_id, kind, reason)
           VALUES ($1, $2, $3, $4, 'new_mentor', 'Проверка') RETURNING id""",
        actor.region_id,
        actor.organization_id,
        pair_id,
        uuid.UUID(people[1]),
    )
    run_id = await matching.run(actor, programme, "score", matching.default_weights())
    await matching.record_choices(actor, programme, people[1], [people[0]])
    choice_id = (await matching.rankings(programme.id))[0].id
    return {
        "pair_id": str(pair_id),
        "kind": "goal",
        "run_id": str(run_id),
        "choice_id": str(choice_id),
        "request_id": str(request_id),
    }


async def run_worker(app: Any, smtp_port: int) -> Worker:
    from app.worker import worker_settings
    from shared.settings import get_settings

    settings = replace(get_settings(), smtp_port=smtp_port)

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["settings"] = settings
        ctx["retry_delay"] = 0

    worker = Worker(
        **worker_settings(on_startup=startup, on_shutdown=None, burst=True, poll_delay=0.05, handle_signals=False)
    )
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker


@contextlib.asynccontextmanager
async def running_app(settings: Any = None) -> AsyncIterator[Any]:
    """The app, running its lifespan; a second one with other settings shares the first one's pool and servers."""
    from app.web import create_app

    second = create_app(settings)
    started, stop = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with second.lifespan():  # the lifespan's task group is entered and left by one task
            started.set()
            await stop.wait()

    task = asyncio.create_task(run())
    await asyncio.wait_for(started.wait(), 10)
    try:
        yield second
    finally:
        stop.set()
        await task


def small_upload_limits() -> Any:
    """Settings with small upload limits, so that «just over» is a byte over and the tests stay fast."""
    from dataclasses import replace

    from shared.settings import get_settings

    return replace(get_settings(), import_max_bytes=3 * 1024, scan_max_bytes=2 * 1024, document_max_bytes=4 * 1024)
