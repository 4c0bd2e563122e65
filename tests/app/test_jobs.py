"""Invitation e-mail through a real arq worker, real Redis and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
from dataclasses import replace
from typing import Any

import msgspec

from infra.embedded import free_port
from shared.db import Level, Scope, tenant_transaction
from shared.jobs import JOB_MAX_TRIES
from shared.settings import get_settings
from tenants import logic
from tests.helpers import PASSWORD, Tenant, login_api, make_client, run_worker


async def create_invitation(app: Any, inviter: str, address: str) -> dict[str, Any]:
    async with make_client(app) as client:
        await login_api(client, inviter, PASSWORD)
        response = await client.post(
            "/api/v1/invitations",
            json={"email": address, "role": "mentee", "surname": "Орлова", "name": "Дарья", "patronymic": ""},
        )
        assert response.status_code == 201
        return response.json()


async def invitation_row(region_id: Any, invitation_id: str) -> dict[str, Any]:
    async with tenant_transaction(Scope.for_region(region_id)):
        from uuid import UUID

        return msgspec.structs.asdict(await logic.get_invitation(UUID(invitation_id)))


async def test_the_invitation_mail_arrives_once(app: Any, tenant_a: Tenant, smtp: Any) -> None:
    inbox, port = smtp
    invitation = await create_invitation(app, tenant_a.curator, "mail.arrives@test.local")
    await run_worker(app, port)

    [message] = inbox.to("mail.arrives@test.local")
    assert "Приглашение" in str(email.header.make_header(email.header.decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode()
    assert "Дарья" in body
    assert invitation["link"] in body
    row = await invitation_row(tenant_a.region_id, invitation["id"])
    assert row["sent_at"] is not None and row["send_attempts"] == 1

    # Jobs may run twice: a second run of the same job sends nothing.
    from tenants.jobs import send_invitation

    again = await send_invitation(
        {"settings": replace(get_settings(), smtp_port=port), "job_try": 1},
        str(tenant_a.region_id),
        invitation["id"],
    )
    assert again == "already sent"
    assert len(inbox.to("mail.arrives@test.local")) == 1


async def test_a_failing_job_is_retried_then_shown_to_the_platform_admin(app: Any, tenant_a: Tenant, smtp: Any) -> None:
    _, port = smtp
    await run_worker(app, port)  # drain what other tests queued
    invitation = await create_invitation(app, tenant_a.curator, "mail.fails@test.local")
    dead_port = free_port()  # nothing listens here
    worker = await run_worker(app, dead_port)
    assert worker.jobs_failed >= 1
    assert worker.jobs_retried >= JOB_MAX_TRIES - 1

    row = await invitation_row(tenant_a.region_id, invitation["id"])
    assert row["sent_at"] is None
    assert row["send_attempts"] == JOB_MAX_TRIES
    assert row["send_error"]

    async with tenant_transaction(Scope(Level.platform)):
        await logic.ensure_user("ops@test.local", PASSWORD, "Оператор", "Платформы", platform_admin=True)
    async with make_client(app) as admin:
        await login_api(admin, "ops@test.local", PASSWORD)
        failures = (await admin.get("/api/v1/admin/failed-jobs")).json()
        assert any(f["job_id"] == f"invitation-mail:{invitation['id']}" for f in failures)
        page = await admin.get("/admin/jobs")
        assert f"invitation-mail:{invitation['id']}" in page.text
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        assert (await curator.get("/api/v1/admin/failed-jobs")).status_code == 403
        listing = await curator.get("/invitations")
        assert "Письмо не доставлено" in listing.text


async def test_a_questionnaire_link_is_mailed(app: Any, tenant_a: Tenant, smtp: Any) -> None:
    inbox, port = smtp
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        person = (
            await client.post(
                "/api/v1/people",
                json={
                    "surname": "Почтова",
                    "name": "Нина",
                    "category": "staff",
                    "email": "pochtova@test.local",
                    "roles": ["mentor_candidate"],
                },
            )
        ).json()
        await client.post(
            f"/api/v1/people/{person['id']}/consents", json={"kind": "personal_data", "given_on": "2026-09-01"}
        )
        sent = (
            await client.post(f"/api/v1/people/{person['id']}/questionnaires", json={"template": "mentor_offer"})
        ).json()
        assert sent["mailed_to"] == "pochtova@test.local"
    await run_worker(app, port)
    [message] = inbox.to("pochtova@test.local")
    body = message.get_payload(decode=True).decode()
    assert sent["link"] in body and "Нина" in body
