"""Public voting pages: the finalists of the nominations whose voting is open, the confirmation by the link from
the letter (a button: mail scanners open links), and the organizer's page of counted votes and flagged networks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from arq import ArqRedis
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.contests import showcase, voting
from services.contests.access import ORGANIZER_ROLES, organized_contest
from services.contests.jobs import enqueue_vote_mail
from services.contests.records import (
    ContestRecord,
    EntryRecord,
    NominationRecord,
    get_application,
    get_entry,
    get_nomination,
    nominations_of,
)
from services.contests.tables import VotingMode
from services.contests.visitors import visible_contest
from shared import clock
from shared.actor import Actor
from shared.auth import LoginLimiter, public
from shared.db import Scope, current_connection, widened
from shared.errors import NotFound, ValidationFailed
from shared.i18n import plural
from shared.links import token_hash
from shared.pages import flash, form_into, page, see_other
from shared.proxies import client_address
from shared.settings import Settings
from tenants import Principal, allow, organization_names, public_regions

PER_IP_PER_HOUR = 20


def _limiter(redis: ArqRedis) -> LoginLimiter:
    """Per address and contest, and per address over all contests; every vote sent counts. Never by e-mail: the
    address is not kept anywhere, not even in a counter's key."""
    return LoginLimiter(redis, PER_IP_PER_HOUR, 3 * PER_IP_PER_HOUR, 3600, prefix="contest-vote")


async def _contest(request: Request[Any, Any, Any], contest_id: UUID) -> ContestRecord:
    contest, _ = await visible_contest(request, contest_id)
    return contest


@dataclass(frozen=True)
class Finalist:
    entry: EntryRecord
    name: str
    organization: str


@dataclass(frozen=True)
class Ballot:
    nomination: NominationRecord
    state: str  # open, soon, closed
    finalists: list[Finalist]


async def _ballots(contest: ContestRecord) -> list[Ballot]:
    """Every nomination with public voting, read as the public reads it (finalists, consenting names)."""
    moment = clock.now()
    ballots = []
    async with widened(Scope.public_region(contest.region_id)):
        for nomination in await nominations_of(contest.id):
            if nomination.voting_mode == VotingMode.none:
                continue
            if nomination.voting_open(moment):
                state = "open"
            elif nomination.voting_from is not None and moment < nomination.voting_from:
                state = "soon"
            else:
                state = "closed"
            entries = await voting.finalists(nomination.id) if state == "open" else []
            names = {}
            for entry in entries:
                try:
                    names[entry.id] = (await get_application(entry.application_id)).full_name
                except NotFound:  # no consent to publish the name
                    names[entry.id] = showcase.HIDDEN_NAME
            ballots.append(Ballot(nomination, state, [Finalist(e, names[e.id], "") for e in entries]))
    ids = list({f.entry.organization_id for b in ballots for f in b.finalists})
    async with widened(Scope.for_region(contest.region_id)):  # organization names only, as the wish form lists them
        organizations = await organization_names(ids)
    return [
        Ballot(
            b.nomination,
            b.state,
            [Finalist(f.entry, f.name, organizations.get(f.entry.organization_id, "")) for f in b.finalists],
        )
        for b in ballots
    ]


@dataclass
class VoteForm:
    nomination_id: str = ""
    entry_id: str = ""
    email: str = ""


async def _vote_page(contest: ContestRecord, form: VoteForm, errors: dict[str, str], status: int = 200) -> Template:
    return page(
        "contests/vote.html", status, contest=contest, ballots=await _ballots(contest), form=form, errors=errors
    )


@get("/contests/{contest_id:uuid}/vote", guards=[public])
async def vote_page(request: Request[Any, Any, Any], contest_id: FromPath[UUID]) -> Template:
    contest = await _contest(request, contest_id)
    return await _vote_page(contest, VoteForm(), {})


@post("/contests/{contest_id:uuid}/vote", guards=[public])
async def vote_submit(
    request: Request[Any, Any, Any],
    redis: NamedDependency[ArqRedis],
    settings: NamedDependency[Settings],
    contest_id: FromPath[UUID],
) -> Template | Redirect:
    contest = await _contest(request, contest_id)
    form = await form_into(request, VoteForm)
    ip = client_address(request.scope, "unknown")
    guard = _limiter(redis)
    if wait := await guard.retry_after(f"{contest.id}:{ip}", ip):
        minutes = max(1, (wait + 59) // 60)
        unit = plural(minutes, "минуту", "минуты", "минут")
        message = f"Слишком много голосов с вашего адреса. Попробуйте через {minutes} {unit}."
        return await _vote_page(contest, form, {"form": message}, 429)
    await guard.failed(f"{contest.id}:{ip}", ip)
    try:
        entry_id = UUID(form.entry_id)
    except ValueError:
        return await _vote_page(contest, form, {"entry_id": "Выберите, за кого вы голосуете"}, 400)
    try:
        async with widened(Scope.public_region(contest.region_id)):
            entry = await get_entry(entry_id)
            if entry.contest_id != contest.id:
                raise NotFound()
            vote = await voting.request_vote(
                contest.region_id, entry_id, form.email, ip, settings.secret_key, clock.now()
            )
    except NotFound:
        return await _vote_page(contest, form, {"entry_id": "Выберите участника из списка финалистов"}, 400)
    except ValidationFailed as exc:
        return await _vote_page(contest, form, exc.errors, 400)
    await enqueue_vote_mail(contest.region_id, vote.vote_id, form.email, settings.secret_key)
    return see_other(f"/contests/{contest.id}/vote/sent")


@get("/contests/{contest_id:uuid}/vote/sent", guards=[public])
async def vote_sent(request: Request[Any, Any, Any], contest_id: FromPath[UUID]) -> Template:
    return page("contests/vote_sent.html", contest=await _contest(request, contest_id))


@dataclass(frozen=True)
class PendingVote:
    region_id: UUID
    nomination: NominationRecord
    finalist: str
    confirmed: bool


async def _pending(token: str) -> PendingVote:
    """The vote behind a link, in the public scope of its region looked up by the link's hash."""
    hashed = token_hash(token)
    for region_id in await public_regions():
        async with widened(Scope.public_region(region_id).with_lookup(link_token_hash=hashed)):
            row = await current_connection().fetchrow(
                "SELECT nomination_id, entry_id, confirmed_at FROM contest_vote WHERE token_hash = $1", hashed
            )
            if row is None:
                continue
            nomination = await get_nomination(row["nomination_id"])
            entry = await get_entry(row["entry_id"])
            try:
                name = (await get_application(entry.application_id)).full_name
            except NotFound:
                name = showcase.HIDDEN_NAME
            return PendingVote(region_id, nomination, name, row["confirmed_at"] is not None)
    raise NotFound()


@get("/contests/votes/confirm/{token:str}", guards=[public])
async def confirm_page(token: FromPath[str]) -> Template:
    """Nothing is counted here: mail scanners open links; the visitor's button does."""
    vote = await _pending(token)
    message = "Этот голос уже учтён" if vote.confirmed else ""
    return page("contests/vote_confirm.html", vote=vote, token=token, message=message, done=vote.confirmed)


@post("/contests/votes/confirm/{token:str}", guards=[public])
async def confirm_submit(token: FromPath[str]) -> Template:
    vote = await _pending(token)
    status = 200
    async with widened(Scope.public_region(vote.region_id).with_lookup(link_token_hash=token_hash(token))):
        try:
            counted = await voting.confirm_vote(token, clock.now())
        except voting.AlreadyVoted:
            message, status = "Вы уже проголосовали в этой номинации", 409
        except ValidationFailed as exc:
            message, status = next(iter(exc.errors.values()), "Голосование завершено"), 400
        else:
            message = "Ваш голос учтён" if counted else "Этот голос уже учтён"
    return page("contests/vote_confirm.html", status, vote=vote, token=token, message=message, done=True)


# The organizer ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    nomination: NominationRecord
    entries: list[EntryRecord]
    names: dict[UUID, str]
    votes: dict[UUID, int]
    networks: list[voting.FlaggedNetwork]


@get("/contests/{contest_id:uuid}/voting", guards=[allow(*ORGANIZER_ROLES)])
async def voting_page(principal: NamedDependency[Principal], contest_id: FromPath[UUID]) -> Template:
    contest = await organized_contest(principal, contest_id)
    sections = []
    for nomination in await nominations_of(contest.id):
        if nomination.voting_mode == VotingMode.none:
            continue
        entries = await voting.finalists(nomination.id)
        names = {e.id: (await get_application(e.application_id)).full_name for e in entries}
        votes = await voting.counted_votes([e.id for e in entries])
        sections.append(Tally(nomination, entries, names, votes, await voting.flagged_networks(nomination.id)))
    organizations = await organization_names(list({e.organization_id for s in sections for e in s.entries}))
    return page("contests/voting.html", contest=contest, sections=sections, organizations=organizations)


@dataclass
class NetworkForm:
    nomination_id: str = ""
    network: str = ""
    action: str = ""


@post("/contests/{contest_id:uuid}/voting/networks", guards=[allow(*ORGANIZER_ROLES)])
async def voting_network(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_id: FromPath[UUID],
) -> Redirect:
    contest = await organized_contest(principal, contest_id)
    form = await form_into(request, NetworkForm)
    try:
        nomination = await get_nomination(UUID(form.nomination_id))
    except ValueError as exc:
        raise NotFound() from exc
    if nomination.contest_id != contest.id or form.action not in ("exclude", "restore"):
        raise NotFound()
    excluded = form.action == "exclude"
    count = await voting.set_excluded(actor, nomination.id, form.network, excluded, clock.now())
    word = plural(count, "голос", "голоса", "голосов")
    flash(request, f"{'Исключено' if excluded else 'Возвращено'}: {count} {word}", category="success")
    return see_other(f"/contests/{contest.id}/voting")


PAGES: list[Any] = [vote_page, vote_submit, vote_sent, confirm_page, confirm_submit, voting_page, voting_network]
API: list[Any] = []
