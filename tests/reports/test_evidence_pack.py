"""The teacher-mentor's evidence pack for the attestation (DOCX and PDF, opened back), who may download it, the audit
of the read; and the «Обучение и свидетельства» section of the person's card and of the mentor's cabinet."""

from __future__ import annotations

import io
import uuid
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from tests.factories import active_pair, iso, person, programme
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant
from tests.reports.test_school_indicators import School, day


async def certify(tenant: Tenant, person_id: str, number: str) -> str:
    from shared.db import Scope, current_connection, tenant_transaction

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        certificate_id: uuid.UUID = await current_connection().fetchval(
            """INSERT INTO certificate (region_id, number, kind, organization_id, person_id, holder_name, title,
                   hours, issued_on, issuer_name, source_kind, source_id)
               VALUES ($1, $2, 'training', $3, $4, 'Наставникова Тест', 'Основы', 18, $5, 'Школа',
                   'school_enrolment', gen_random_uuid()) RETURNING id""",
            tenant.region_id,
            number,
            tenant.organization_id,
            uuid.UUID(person_id),
            day(-5),
        )
    return str(certificate_id)


async def assess(tenant: Tenant, programme_id: str, mentee: str, before: int, after: int) -> None:
    from shared.db import Scope, current_connection, tenant_transaction

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        parameter = await db.fetchval(
            """INSERT INTO assessment_parameter (region_id, organization_id, programme_id, position, title)
               VALUES ($1, $2, $3, 1, 'Учебная мотивация') RETURNING id""",
            tenant.region_id,
            tenant.organization_id,
            uuid.UUID(programme_id),
        )
        for stage, score, days in (("before", before, -35), ("after", after, -1)):
            await db.execute(
                """INSERT INTO assessment (region_id, organization_id, parameter_id, person_id, stage, score,
                       assessed_on) VALUES ($1, $2, $3, $4, $5, $6, $7)""",
                tenant.region_id,
                tenant.organization_id,
                parameter,
                uuid.UUID(mentee),
                stage,
                score,
                day(days),
            )


@pytest.fixture(scope="module")
async def mentor(app: Any) -> dict[str, Any]:
    """A staff mentor (the tenant's mentor account) in a working pair with three meetings, the mentee assessed
    before and after, trained at the mentor school with a certificate."""
    tenant = await make_tenant("Аттестация")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await programme(client)
        mentor_id = await person(client, "Наставникова", "mentor", email=tenant.mentor)
        mentee_id = await person(client, "Подопечный", "mentee_candidate")
        pair = await active_pair(client, prog, mentor_id, [mentee_id], starts=-40)
        for days in (-30, -20, -10):
            held = await client.post(
                f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "60", "held_on": iso(days)}
            )
            assert held.status_code == 201, held.text
    await assess(tenant, prog["id"], mentee_id, 4, 7)
    await School(tenant).enrol(tenant.organization_id, uuid.UUID(mentor_id), "completed", -5)
    number = f"НШ-2026-{uuid.uuid4().int % 100000:05d}"
    certificate_id = await certify(tenant, mentor_id, number)
    return {
        "tenant": tenant,
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "number": number,
        "certificate_id": certificate_id,
    }


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


async def test_the_pack_opens_back_with_the_pairs_meetings_training_and_certificate(
    app: Any, mentor: dict[str, Any]
) -> None:
    tenant: Tenant = mentor["tenant"]
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        card = await client.get(f"/people/{mentor['mentor_id']}")
        assert f"/reports/people/{mentor['mentor_id']}/evidence.docx" in card.text
        assert f'hx-get="/school/people/{mentor["mentor_id"]}/training"' in card.text
        got = await client.get(f"/reports/people/{mentor['mentor_id']}/evidence.docx")
        assert got.status_code == 200, got.text
        assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert got.headers["cache-control"] == "no-store"
        text = docx_text(got.content)
        assert "Материалы для аттестации педагога-наставника" in text and "№ 196" in text
        assert "Пара: Подопечный Тест" in text and "Форма «педагог – педагог»" in text
        assert f"Проведено 3 встречи: {day(-30):%d.%m.%Y}" in text
        assert "Учебная мотивация" in text and "+3" in text  # 4 before, 7 after
        assert "Основы (Школа)" in text and mentor["number"] in text
        assert "5. Участие в конкурсах\nСведений в системе нет." in text

        pdf = await client.get(f"/reports/people/{mentor['mentor_id']}/evidence.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        read = pdf_text(pdf.content)
        assert "Пара: Подопечный Тест" in read and "Проведено 3 встречи" in read
        assert "Основы (Школа)" in read and mentor["number"] in read
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        assert (await client.get(f"/reports/people/{mentor['mentor_id']}/evidence.pdf")).status_code == 200
        audit = await client.get("/audit", params={"action": "view"})
        assert "материалы для аттестации (DOCX)" in audit.text and "материалы для аттестации (PDF)" in audit.text


async def test_only_the_persons_organization_coordinators_and_the_mentor_themself(
    app: Any, mentor: dict[str, Any]
) -> None:
    tenant: Tenant = mentor["tenant"]
    own = f"/reports/people/{mentor['mentor_id']}/evidence.docx"
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)  # another organization and municipality
        assert (await client.get(own)).status_code == 404
        assert (await client.get(f"/school/people/{mentor['mentor_id']}/training")).status_code == 404
    async with make_client(app) as client:
        await login_api(client, tenant.mentor, PASSWORD)
        assert (await client.get(own)).status_code == 200
        assert (await client.get(f"/reports/people/{mentor['mentee_id']}/evidence.docx")).status_code == 404
        cabinet = await client.get("/cabinet")
        assert "Обучение и свидетельства" in cabinet.text and mentor["number"] in cabinet.text
        download = f"/certificates/{mentor['certificate_id']}/download"
        assert download in cabinet.text and own in cabinet.text
        pdf = await client.get(download)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert (await client.get(f"/school/people/{mentor['mentor_id']}/training")).status_code == 403
    async with make_client(app) as client:
        await login_api(client, tenant.head, PASSWORD)
        fragment = await client.get(f"/school/people/{mentor['mentor_id']}/training")
        assert fragment.status_code == 200 and "<html" not in fragment.text
        assert "Основы" in fragment.text and mentor["number"] in fragment.text and "действителен" in fragment.text
        assert "завершено" in fragment.text


async def test_no_pack_without_the_persons_consent(app: Any, mentor: dict[str, Any]) -> None:
    tenant: Tenant = mentor["tenant"]
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        silent = await person(client, "Безсогласная", "mentor", consent=False)
        got = await client.get(f"/reports/people/{silent}/evidence.docx")
        assert got.status_code == 400  # nothing of a person without consent leaves the platform
        card = await client.get(f"/people/{silent}")
        assert "evidence.docx" not in card.text and "/training" not in card.text
