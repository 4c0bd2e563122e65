"""Exports that may hold a person whose personal data is destroyed (the registry's retention job calls this).

An export file lives on disk for a day behind its link, and the folder was swept only when the next export
started. When people of a region are destroyed, every export of that region written before is removed at once (a
coordinator exports again if needed), and so is any file past its day. The counted indicators hold no one's data.
"""

from __future__ import annotations

from services.registry import Forgotten
from services.reports.jobs import TTL, path_of, sweep
from shared.db import current_connection
from shared.settings import get_settings


async def forget_people(people: list[Forgotten]) -> None:
    if not people:
        return
    settings = get_settings()
    sweep(settings)
    exports = await current_connection().fetch(
        """SELECT id, params->>'format' AS format FROM tracked_job
           WHERE kind = 'export' AND created_at > now() - make_interval(secs => $1)""",
        TTL,
    )
    for export in exports:
        if export["format"]:
            path_of(settings, export["id"], export["format"]).unlink(missing_ok=True)
