"""Contest routes: setup — the contests' API (list, one, create, nominations, stages). Thin: rules live in setup."""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from services.contests import access, records, setup
from services.contests.records import ContestRecord, NominationRecord, StageRecord
from shared.actor import Actor
from shared.errors import Forbidden
from tenants import Principal, Role, allow

SIGNED_IN = tuple(r for r in Role if r != Role.platform_admin)
TAGS = ["Конкурсы"]


class ContestOut(msgspec.Struct, kw_only=True):
    contest: ContestRecord
    nominations: list[NominationRecord]
    stages: list[StageRecord]


class ContestIn(msgspec.Struct, kw_only=True):
    title: str = ""
    year: str = ""
    description: str = ""
    rules_url: str = ""


def _form(form_type: type[Any], data: dict[str, Any]) -> Any:
    """Only the form's own fields, as bounded strings; unknown keys are ignored."""
    names = {f.name for f in fields(form_type)}
    return form_type(**{k: str(v)[:4000] for k, v in data.items() if k in names and v is not None})


async def _contest_out(contest_id: UUID) -> ContestOut:
    return ContestOut(
        contest=await records.get_contest(contest_id),
        nominations=await records.nominations_of(contest_id),
        stages=await records.stages_of(contest_id),
    )


async def _organized(principal: Principal, contest_id: UUID) -> ContestRecord:
    contest = await records.get_contest(contest_id)
    if not access.organizes(principal, contest):
        raise Forbidden()
    return contest


@get("/api/v1/contests", guards=[allow(*SIGNED_IN)], tags=TAGS)
async def contests_api() -> list[ContestOut]:
    """The contests the caller sees: announced ones, and drafts only to their organizer."""
    return [await _contest_out(c.id) for c in await records.list_contests()]


@post("/api/v1/contests", guards=[allow(*access.ORGANIZER_ROLES)], tags=TAGS)
async def create_contest_api(
    actor: NamedDependency[Actor], principal: NamedDependency[Principal], data: JSONBody[ContestIn]
) -> ContestOut:
    """A draft contest at the caller's level: the region, their municipality, or their organization."""
    values = setup.clean_contest(setup.ContestForm(**msgspec.structs.asdict(data)), principal)
    contest_id = await setup.create_contest(actor, values)
    return await _contest_out(contest_id)


@get("/api/v1/contests/{contest_id:uuid}", guards=[allow(*SIGNED_IN)], tags=TAGS)
async def contest_api(contest_id: FromPath[UUID]) -> ContestOut:
    return await _contest_out(contest_id)


@post("/api/v1/contests/{contest_id:uuid}/nominations", guards=[allow(*access.ORGANIZER_ROLES)], tags=TAGS)
async def nomination_api(
    actor: NamedDependency[Actor],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
    data: JSONBody[dict[str, Any]],
) -> ContestOut:
    """Fields of the nomination form: `kind` (mentor_of_year, ...), `roles` comma separated, `use_preset`: "on"."""
    contest = await _organized(principal, contest_id)
    values = setup.clean_nomination(_form(setup.NominationForm, data), contest)
    await setup.add_nomination(actor, contest, values)
    return await _contest_out(contest_id)


@post("/api/v1/contests/{contest_id:uuid}/stages", guards=[allow(*access.ORGANIZER_ROLES)], tags=TAGS)
async def stage_api(
    actor: NamedDependency[Actor],
    principal: NamedDependency[Principal],
    contest_id: FromPath[UUID],
    data: JSONBody[dict[str, Any]],
) -> ContestOut:
    """`level`, `title`, dates дд.мм.гггг or ISO, `advance_count` (required on every stage but the last)."""
    contest = await _organized(principal, contest_id)
    values = setup.clean_stage(_form(setup.StageForm, data), contest, await records.stages_of(contest_id))
    await setup.add_stage(actor, contest, values)
    return await _contest_out(contest_id)


PAGES: list[Any] = []
API: list[Any] = [contests_api, create_contest_api, contest_api, nomination_api, stage_api]
