"""A destroyed person leaves the contests: their application loses the name, texts, uploads and portfolio but keeps
its place; their name leaves the other applications' portfolios and the festival's awards."""

from __future__ import annotations

import json
from typing import Any

from services.contests import forget_people
from services.registry import DESTROYED, Forgotten, Ground
from shared.db import Scope, current_connection, tenant_transaction
from tests.contests.factories_jury import make_jury_contest
from tests.helpers import make_tenant


async def test_a_destroyed_nominee_leaves_the_contests(app: Any) -> None:
    tenant = await make_tenant("Забвение конкурс")
    contest = await make_jury_contest(tenant, entries=2, jurors=1)
    gone, kept = contest.applications
    portfolio = {"assembled_on": "2026-11-01", "pairs": [{"mentees": "Участникова0 Анна, Петров Пётр"}]}
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        person = await db.fetchval("SELECT person_id FROM contest_application WHERE id = $1", gone)
        await db.execute("UPDATE contest_application SET essay = 'Моё эссе' WHERE id = $1", gone)
        await db.execute(
            "UPDATE contest_application SET portfolio = $2::jsonb WHERE id = $1", kept, json.dumps(portfolio)
        )
        await db.execute(
            """INSERT INTO contest_upload (region_id, contest_id, organization_id, application_id, title, filename,
                   content_type, data) VALUES ($1, $2, $3, $4, 'Грамота', 'g.pdf', 'application/pdf', '\\x25')""",
            tenant.region_id,
            contest.contest_id,
            tenant.organization_id,
            gone,
        )
        await db.execute("UPDATE contest_entry SET place = 1 WHERE application_id = $1", gone)
        forgotten = Forgotten(id=person, ids=[person], names=["Участникова0 Анна"], ground=Ground.withdrawal)
        await forget_people([forgotten])
        row = await db.fetchrow("SELECT full_name, essay, portfolio::text FROM contest_application WHERE id = $1", gone)
        other = await db.fetchval("SELECT portfolio::text FROM contest_application WHERE id = $1", kept)
        uploads = await db.fetchval("SELECT count(*) FROM contest_upload WHERE application_id = $1", gone)
        place = await db.fetchval("SELECT place FROM contest_entry WHERE application_id = $1", gone)
    assert row["full_name"] == DESTROYED and row["essay"] == "" and row["portfolio"] == "{}"
    assert "Участникова0" not in other and DESTROYED in other and "Петров Пётр" in other
    assert uploads == 0 and place == 1
