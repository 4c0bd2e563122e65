"""The organizer's page of one panel's jury: its members, the chair, the scoring progress and the reminder.
Thin: the rules live in jury.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.contests import jury
from services.contests.access import ORGANIZER_ROLES, running_panel
from services.contests.records import get_nomination, get_stage, jurors_of
from shared.actor import Actor
from shared.errors import ValidationFailed
from shared.i18n import plural
from shared.pages import flash, flashed, form_into, page, see_other
from tenants import Principal, allow, list_organizations

RUNNERS = ORGANIZER_ROLES  # and a municipal coordinator runs their municipality's stage: access.runs decides


def _path(contest_id: UUID, panel_id: UUID) -> str:
    return f"/contests/{contest_id}/panels/{panel_id}/jury"


async def _context(principal: Principal, contest_id: UUID, panel_id: UUID) -> dict[str, Any]:
    contest, panel = await running_panel(principal, contest_id, panel_id)
    seated = {j.user_id for j in await jurors_of(panel.id)}
    return {
        "contest": contest,
        "panel": panel,
        "nomination": await get_nomination(panel.nomination_id),
        "stage": await get_stage(panel.stage_id),
        "progress": await jury.progress(panel),
        "accounts": [a for a in await jury.candidates(contest.region_id) if a.id not in seated],
        "organizations": await list_organizations(),
        "form": jury.JurorForm(),
        "errors": {},
    }


@get("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/jury", guards=[allow(*RUNNERS)])
async def jury_page(
    principal: NamedDependency[Principal], contest_id: FromPath[UUID], panel_id: FromPath[UUID]
) -> Template:
    return page("contests/panel_jury.html", **await _context(principal, contest_id, panel_id))


@post("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/jury", guards=[allow(*RUNNERS)])
async def jury_add(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_id: FromPath[UUID],
    panel_id: FromPath[UUID],
) -> Template | Redirect:
    contest, panel = await running_panel(principal, contest_id, panel_id)
    form = await form_into(request, jury.JurorForm)
    try:
        await jury.add_juror(actor, contest, panel, form)
    except ValidationFailed as exc:
        context = await _context(principal, contest_id, panel_id)
        context.update(form=form, errors=exc.errors)
        return page("contests/panel_jury.html", 400, **context)
    flash(request, "Член жюри добавлен", category="success")
    return see_other(_path(contest_id, panel_id))


@dataclass
class MemberAction:
    action: str = ""


@post("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/jury/{juror_id:uuid}", guards=[allow(*RUNNERS)])
async def jury_member(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_id: FromPath[UUID],
    panel_id: FromPath[UUID],
    juror_id: FromPath[UUID],
) -> Redirect:
    _, panel = await running_panel(principal, contest_id, panel_id)
    form = await form_into(request, MemberAction)
    if form.action == "chair":
        with flashed(request, "Председатель жюри назначен"):
            await jury.make_chair(actor, panel, juror_id)
    elif form.action == "remove":
        with flashed(request, "Член жюри исключён из состава"):
            await jury.remove_juror(actor, panel, juror_id)
    return see_other(_path(contest_id, panel_id))


@post("/contests/{contest_id:uuid}/panels/{panel_id:uuid}/remind", guards=[allow(*RUNNERS)])
async def jury_remind(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_id: FromPath[UUID],
    panel_id: FromPath[UUID],
) -> Redirect:
    contest, panel = await running_panel(principal, contest_id, panel_id)
    try:
        count = await jury.remind(actor, contest, panel)
    except ValidationFailed as exc:
        flash(request, next(iter(exc.errors.values())), category="error")
    else:
        flash(
            request,
            f"Напоминание отправлено: {count} {plural(count, 'члену', 'членам', 'членам')} жюри",
            category="success",
        )
    return see_other(_path(contest_id, panel_id))


PAGES = [jury_page, jury_add, jury_member, jury_remind]
API: list[Any] = []
