"""The daily cron of certificates: expiry reminders, region by region, each in its own tenant transaction."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from services.certificates.reminders import Letter, due_reminders, letter, recipients, record_reminder
from shared.clock import today
from shared.db import Level, Scope, tenant_transaction
from shared.mail import send_mail
from tenants import region_ids

log = logging.getLogger("nastavnik.jobs")


async def remind_expiring(ctx: dict[str, Any], day: str = "") -> dict[str, int]:
    """Letters go after their region's commit: a refused address loses one letter, never the record of the others."""
    settings = ctx["settings"]
    on = date.fromisoformat(day) if day else today()
    async with tenant_transaction(Scope(Level.platform)):
        regions = await region_ids()
    recorded = sent = failed = 0
    for region_id in regions:
        letters: list[Letter] = []
        try:
            async with tenant_transaction(Scope.for_region(region_id)):
                for due in await due_reminders(on):
                    if await record_reminder(due):
                        recorded += 1
                        to = await recipients(due.certificate)
                        if to:
                            letters.append(letter(due, to, on, settings.base_url))
        except Exception:
            log.exception("Certificate reminders of a region were not found")
            failed += 1
            continue
        for item in letters:
            for address in item.to:
                try:
                    await send_mail(settings, address, item.subject, item.text)
                    sent += 1
                except Exception:
                    log.exception("A certificate reminder was not sent")
    return {"recorded": recorded, "sent": sent, "failed_regions": failed}
