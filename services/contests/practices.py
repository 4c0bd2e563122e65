"""What the case library asks of the contests: the «Лучшие практики наставничества» nominations open to applications
now, who of the organization could be named for one, and a draft application started from a published case."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from services.contests import drafting
from services.contests.records import get_contest, get_nomination, list_contests, nominations_of, stages_of
from services.contests.tables import ContestStatus, NominationKind
from shared.actor import Actor
from shared.errors import NotFound, ValidationFailed


class PracticeNomination(msgspec.Struct, frozen=True, kw_only=True):
    contest_id: UUID
    contest_title: str
    nomination_id: UUID
    nomination_title: str
    applications_until: date


class PracticeNominee(msgspec.Struct, frozen=True, kw_only=True):
    person_id: UUID
    full_name: str


async def practice_nominations(day: date) -> list[PracticeNomination]:
    """Announced contests' best-practice nominations whose first stage takes applications on `day`."""
    found = []
    for contest in await list_contests():
        if contest.status != ContestStatus.announced:
            continue
        stages = await stages_of(contest.id)
        if not stages or not stages[0].accepts(day):
            continue
        for nomination in await nominations_of(contest.id):
            if nomination.kind == NominationKind.best_practice:
                found.append(
                    PracticeNomination(
                        contest_id=contest.id,
                        contest_title=contest.title,
                        nomination_id=nomination.id,
                        nomination_title=nomination.title,
                        applications_until=stages[0].applications_until,
                    )
                )
    return found


async def _open(nomination_id: UUID, day: date) -> PracticeNomination:
    found = next((n for n in await practice_nominations(day) if n.nomination_id == nomination_id), None)
    if found is None:
        raise ValidationFailed({"nomination_id": "Приём заявок в эту номинацию закрыт или её нет"})
    return found


async def practice_nominees(nomination_id: UUID, organization_id: UUID, day: date) -> list[PracticeNominee]:
    """The organization's people the nomination may name (its eligibility rules passed)."""
    practice = await _open(nomination_id, day)
    contest, nomination = await get_contest(practice.contest_id), await get_nomination(nomination_id)
    return [
        PracticeNominee(person_id=n.person_id, full_name=n.full_name)
        for n in await drafting.nominees(contest, nomination, organization_id, day)
        if n.eligibility.eligible
    ]


async def start_practice_application(
    actor: Actor, nomination_id: UUID, nominee_id: UUID, title: str, essay: str, day: date
) -> UUID:
    """A draft application in a best-practice nomination, titled and described by the case; the curator then adds
    the consents and files and the head sends it, as for any application."""
    try:
        nomination = await get_nomination(nomination_id)
    except NotFound:
        raise ValidationFailed({"nomination_id": "Выберите номинацию конкурса"}) from None
    practice = await _open(nomination_id, day)
    contest = await get_contest(practice.contest_id)
    form = drafting.StartForm(nominee=str(nominee_id))
    application_id = await drafting.start(actor, contest, nomination, form, day)
    await drafting.save(
        actor,
        application_id,
        drafting.ApplicationForm(title=title[:300], essay=essay[: drafting.MAX_ESSAY]),
        day,
    )
    return application_id
