"""The exports a person asked for, with their state and a download link while the file lives (a day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from services.reports import jobs
from services.reports.jobs import TTL, ExportState
from shared import tracked
from shared.clock import ZONE, now
from shared.pages import page
from shared.settings import Settings
from tenants import Principal, Role, allow

EXPORTERS = (Role.regional_coordinator, Role.municipal_coordinator)


@dataclass(frozen=True)
class ListedExport:
    """An export on the list: when it was asked for, until when its link lives, whether its file is still there."""

    export: ExportState
    asked: datetime
    until: datetime
    downloadable: bool


async def my_exports(user_id: UUID, settings: Settings) -> list[ListedExport]:
    """The person's exports of the last day, newest first."""
    found = await tracked.of_user(user_id, "export", now() - timedelta(seconds=TTL))
    listed = []
    for job in found:
        state = ExportState(
            id=job.id,
            kind=job.params["kind"],
            format=job.params["format"],
            title=job.params["title"],
            status=job.status.value,
            done=job.done,
            total=job.total,
            filename=job.params["filename"],
            expires_at=job.created_at.timestamp() + TTL,
            error=job.error,
        )
        downloadable = state.status == "done" and jobs.path_of(settings, job.id, state.format).exists()
        until = datetime.fromtimestamp(state.expires_at, ZONE)
        listed.append(ListedExport(state, job.created_at, until, downloadable))
    return listed


@get("/exports/mine", guards=[allow(*EXPORTERS)])
async def my_exports_page(principal: NamedDependency[Principal], settings: NamedDependency[Settings]) -> Template:
    return page("reports/my_exports.html", rows=await my_exports(principal.user_id, settings))
