"""An organization with a programme whose mentor registry the head approved by a registered order (made by
direct inserts: the commission's work is the programmes' tests' business)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from shared import clock
from shared.db import Scope, current_connection, tenant_transaction
from tests.factories import person, programme
from tests.helpers import PASSWORD, Tenant, csrf_token, login_page, make_client, post_form


async def approved_registry(client: Any, tenant: Tenant, surnames: list[str]) -> tuple[str, list[str]]:
    """The programme's id and the mentors' person ids, in the registry of a registered order № 12-о."""
    prog = await programme(client)
    mentors = [await person(client, surname, "mentor_candidate", position="учитель физики") for surname in surnames]
    rows = [{"person_id": m, "cells": [m, "учитель физики", "от 01.09.2026"]} for m in mentors]
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        order_id = await db.fetchval(
            """INSERT INTO programme_order (region_id, organization_id, programme_id, kind, title, payload, number,
                   signed_on, document, scan_content_type, scan_filename, created_at, return_comment)
               VALUES ($1, $2, $3, 'approve_registry', 'Об утверждении реестра наставников', $4::jsonb, '12-о',
                   $5, '\\x504b0304'::bytea, '', '', now(), '') RETURNING id""",
            tenant.region_id,
            tenant.organization_id,
            uuid.UUID(prog["id"]),
            json.dumps({"rows": rows}),
            clock.today(),
        )
        await db.execute("UPDATE programme SET registry_order_id = $2 WHERE id = $1", uuid.UUID(prog["id"]), order_id)
    return prog["id"], mentors


async def consent_to_publication(client: Any, person_id: str) -> str:
    given = await client.post(
        f"/api/v1/people/{person_id}/consents", json={"kind": "publication", "given_on": "2026-09-01"}
    )
    assert given.status_code == 201, given.text
    consent_id: str = given.json()["id"]
    return consent_id


async def add_to_registry(tenant: Tenant, person_id: str) -> None:
    """One more person in the registry of the organization's approved registry order."""
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            """UPDATE programme_order SET payload = jsonb_set(payload, '{rows}', payload->'rows'
                   || jsonb_build_array(jsonb_build_object('person_id', $2::text, 'cells', '[]'::jsonb)))
               WHERE organization_id = $1 AND kind = 'approve_registry'""",
            tenant.organization_id,
            person_id,
        )


async def publish_page(app: Any, tenant: Tenant, indicators: list[str]) -> str:
    """The curator's page at its address, published with these indicators."""
    slug = f"stranica-{tenant.region_id.hex[:8]}"
    async with make_client(app) as client:
        await login_page(client, tenant.curator, PASSWORD)
        token = await csrf_token(client, "/public-page")
        saved = await client.post(
            "/public-page", data={"_csrf_token": token, "slug": slug, "intro": "", "indicators": indicators}
        )
        assert saved.status_code == 303, saved.text
        published = await post_form(client, "/public-page/publish", {"action": "publish"}, page="/public-page")
        assert published.status_code == 303
    return f"/o/{slug}"
