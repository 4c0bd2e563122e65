"""The daily rhythm check: pairs start on their date, lapses become alerts, curators get one e-mail per alert."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from services.mentoring import lifecycle, pulse, rhythm
from shared.clock import today
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.mail import send_mail
from tenants import curator_emails, region_ids

log = logging.getLogger("nastavnik.jobs")


async def check_rhythm(ctx: dict[str, Any]) -> dict[str, int]:
    day = today()
    async with tenant_transaction(Scope(Level.platform)):
        regions = await region_ids()
    found = mailed = 0
    for region_id in regions:
        async with tenant_transaction(Scope.for_region(region_id)):
            await lifecycle.activate_due(day)
            found += len(await rhythm.find_lapses(day))
            await pulse.send_due(region_id, day, ctx["settings"].secret_key)
            organizations = await current_connection().fetch(
                "SELECT DISTINCT organization_id FROM rhythm_alert WHERE mailed_at IS NULL"
            )
        for row in organizations:
            try:
                mailed += await _mail_curators(ctx, region_id, row["organization_id"])
            except Exception:  # its alerts stay unmailed for the next run; the others go out now
                log.exception("Rhythm alerts of an organization were not mailed")
    return {"found": found, "mailed": mailed}


async def _mail_curators(ctx: dict[str, Any], region_id: UUID, organization_id: UUID) -> int:
    """One transaction per organization: a failed send leaves its alerts unmailed for the next run."""
    settings = ctx["settings"]
    async with tenant_transaction(Scope.for_region(region_id)):
        alerts = await current_connection().fetch(
            """SELECT a.id, a.kind, a.details, a.mentorship_id FROM rhythm_alert a
               WHERE a.organization_id = $1 AND a.mailed_at IS NULL ORDER BY a.found_at FOR UPDATE SKIP LOCKED""",
            organization_id,
        )
        curators = await curator_emails(organization_id)
        if not alerts or not curators:
            return 0
        lines = [
            ("Нет встреч больше 14 дней" if a["kind"] == "no_meeting" else "Очная встреча короче часа")
            + f": {a['details']} — {settings.base_url}/pairs/{a['mentorship_id']}"
            for a in alerts
        ]
        text = (
            "Здравствуйте!\n\nРитм работы наставнических пар нарушен:\n\n"
            + "\n".join(lines)
            + "\n\nВстречи проводятся не реже одного раза в две недели, очная встреча — не меньше часа.\n"
        )
        for email in curators:
            await send_mail(settings, email, "Наставничество: пары, которым нужно внимание", text)
        await current_connection().execute(
            "UPDATE rhythm_alert SET mailed_at = now() WHERE id = ANY($1::uuid[])", [a["id"] for a in alerts]
        )
        return len(alerts)
