"""The daily destruction of personal data, composed: the registry decides who is due and destroys its own records;
each domain above it scrubs what it keeps about those people, in the same transaction. The registry sits below
them and cannot call them itself, so their scrubbers are handed in here."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from services import (
    certificates,
    contests,
    incentives,
    matching,
    mentoring,
    programmes,
    public,
    registry,
    reports,
    school,
)
from shared.settings import get_settings


async def forget_certificate_holders(people: list[registry.Forgotten]) -> None:
    await certificates.forget_holders([i for person in people for i in person.ids], registry.DESTROYED)


# Every domain that keeps records about a person besides the registry (monitoring keeps scores only, under ids).
SCRUBBERS: tuple[registry.Scrubber, ...] = (
    programmes.forget_people,
    mentoring.forget_people,
    matching.forget_people,
    reports.forget_people,
    school.forget_people,
    contests.forget_people,
    public.forget_people,
    incentives.forget_people,
    forget_certificate_holders,
)


async def destroy_personal_data(ctx: dict[str, Any], region_id: str = "", day: str = "") -> dict[str, int]:
    """The worker's cron (every night), for every region or one (`region_id`); `day` stands for today."""
    settings = ctx.get("settings") or get_settings()
    on = date.fromisoformat(day) if day else None
    days = settings.withdrawal_destruction_days
    if region_id:
        counts = await registry.destroy_region(UUID(region_id), days=days, scrubbers=SCRUBBERS, day=on)
    else:
        counts = await registry.destroy_everywhere(days=days, scrubbers=SCRUBBERS, day=on)
    return {"withdrawal": counts.withdrawal, "retention": counts.retention, "failed_regions": counts.failed_regions}
