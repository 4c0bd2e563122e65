"""«Хочу участвовать»: the public form of an announced contest, and the same wish from a mentor's or curator's
cabinet (their name, e-mail and organization known)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from arq import ArqRedis
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.contests import wishes
from services.contests.records import ContestRecord, nominations_of
from services.contests.tables import VotingMode
from services.contests.visitors import visible_contest
from services.contests.wishes import WishForm
from shared.actor import Actor
from shared.auth import LoginLimiter, public
from shared.errors import ValidationFailed
from shared.i18n import plural
from shared.pages import flash, form_into, page, see_other
from shared.proxies import client_address
from tenants import Principal, Role

WISHERS = (Role.mentor, Role.curator)
PER_IP_PER_HOUR = 10
KIND_CHOICES = [("mentor_of_year", "«Наставник года»"), ("curator_of_year", "«Куратор года»")]


def _limiter(redis: ArqRedis) -> LoginLimiter:
    """Per address and contest, and per address over all contests; every wish sent counts."""
    return LoginLimiter(redis, PER_IP_PER_HOUR, 3 * PER_IP_PER_HOUR, 3600, prefix="contest-wish")


async def _contest(request: Request[Any, Any, Any], contest_id: UUID) -> tuple[ContestRecord, Principal | None]:
    """The public stays in the public scope of the contest's region (`visible_contest` puts it there): the form
    reads its organizations there and the wish is written there."""
    return await visible_contest(request, contest_id)


async def _has_voting(contest: ContestRecord) -> bool:
    """Whether to link the contest's public voting page."""
    return any(n.voting_mode != VotingMode.none for n in await nominations_of(contest.id))


def _own(principal: Principal | None) -> bool:
    return principal is not None and principal.role in WISHERS and principal.scope.organization_id is not None


async def _form_page(
    contest: ContestRecord, principal: Principal | None, form: WishForm, errors: dict[str, str], status: int = 200
) -> Template:
    choices = await wishes.organization_choices(contest.region_id)
    return page(
        "contests/wish.html",
        status,
        contest=contest,
        form=form,
        errors=errors,
        organizations=choices,
        kinds=KIND_CHOICES,
        own=_own(principal),
        voting=await _has_voting(contest),
    )


@get("/contests/{contest_id:uuid}/wish", guards=[public])
async def wish_page(request: Request[Any, Any, Any], contest_id: FromPath[UUID]) -> Template:
    """The form; a signed-in mentor or curator only chooses the nomination."""
    contest, principal = await _contest(request, contest_id)
    return await _form_page(contest, principal, WishForm(), {})


@post("/contests/{contest_id:uuid}/wish", guards=[public])
async def wish_submit(
    request: Request[Any, Any, Any], redis: NamedDependency[ArqRedis], contest_id: FromPath[UUID]
) -> Template | Redirect:
    contest, principal = await _contest(request, contest_id)
    form = await form_into(request, WishForm)
    ip = client_address(request.scope, "unknown")
    if not _own(principal):
        guard = _limiter(redis)
        if wait := await guard.retry_after(f"{contest.id}:{ip}", ip):
            minutes = max(1, (wait + 59) // 60)
            unit = plural(minutes, "минуту", "минуты", "минут")
            message = f"Слишком много заявок с вашего адреса. Попробуйте через {minutes} {unit}."
            return await _form_page(contest, principal, form, {"form": message}, 429)
        await guard.failed(f"{contest.id}:{ip}", ip)
    user_id: UUID | None = None
    organization_id: UUID | None = None
    if principal is not None and _own(principal):
        organization_id = principal.scope.organization_id
        form.full_name, form.email, form.organization_id = principal.full_name, principal.email, str(organization_id)
        user_id = principal.user_id
    choices = await wishes.organization_choices(contest.region_id)
    try:
        values = wishes.clean_wish(form, choices, signed_in=user_id is not None)
    except ValidationFailed as exc:
        return await _form_page(contest, principal, form, exc.errors, 400)
    municipality = next(c.municipality_id for c in choices if c.id == values.organization_id)
    actor = Actor(user_id, contest.region_id, organization_id, ip)
    new = await wishes.record_wish(actor, contest.id, values, municipality, user_id=user_id)
    if user_id is not None and not new:
        flash(request, "Вы уже сообщили о желании участвовать в этой номинации", category="success")
    return see_other(f"/contests/{contest.id}/wish/done")


@get("/contests/{contest_id:uuid}/wish/done", guards=[public])
async def wish_done(request: Request[Any, Any, Any], contest_id: FromPath[UUID]) -> Template:
    contest, _ = await _contest(request, contest_id)
    return page("contests/wish_done.html", contest=contest, voting=await _has_voting(contest))


PAGES = [wish_page, wish_submit, wish_done]
API: list[Any] = []
