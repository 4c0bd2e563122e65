"""Sending an application: the contest must be announced and its first stage accepting, the nominee eligible,
their consent to take part given (and, for a pair with a minor mentee, the representative's), the application
complete; then it enters the first stage's panel. Withdrawal takes it out of every open stage."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from services.contests import eligibility, portfolio
from services.contests.records import (
    ApplicationRecord,
    enter_stage,
    get_application,
    get_contest,
    get_nomination,
    stages_of,
)
from services.contests.tables import (
    ApplicationState,
    ContestApplication,
    ContestEntry,
    ContestStatus,
    EntryState,
    NominationKind,
)
from services.registry import contest_profile
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.errors import Errors, ValidationFailed
from shared.i18n import format_date

ADULT = 18
ESSAY_REQUIRED = (NominationKind.mentor_of_year, NominationKind.curator_of_year)


async def problems(application: ApplicationRecord, day: date) -> dict[str, str]:
    """What stands between the application and sending it, by field; empty when it may be sent."""
    errors = Errors()
    contest = await get_contest(application.contest_id)
    nomination = await get_nomination(application.nomination_id)
    stages = await stages_of(contest.id)
    if not application.in_preparation:
        errors.add("state", "Заявка уже отправлена или отозвана")
    if contest.status != ContestStatus.announced or not stages:
        errors.add("state", "Конкурс не объявлен")
    elif not stages[0].accepts(day):
        first = stages[0]
        errors.add(
            "state",
            f"Приём заявок завершён {format_date(first.applications_until)}"
            if day > first.applications_until
            else f"Приём заявок начнётся {format_date(first.applications_from)}",
        )
    age_day = stages[0].applications_until if stages else day
    result = await eligibility.check(nomination, application.person_id, contest.year, age_day)
    if not result.eligible:
        errors.add("eligibility", "; ".join(result.problems))
    if application.participation_consent_on is None:
        errors.add("participation_consent_on", "Нужно согласие номинанта на участие в конкурсе")
    if application.mentee_person_id is not None:
        mentee = await contest_profile(application.mentee_person_id)
        minor = mentee.birth_date is None or eligibility.age_on(mentee.birth_date, age_day) < ADULT
        if minor and not (application.representative_name.strip() and application.representative_consent_on):
            errors.add(
                "representative_name",
                "Наставляемый несовершеннолетний: нужно согласие его законного представителя (ФИО и дата)",
            )
    if nomination.kind in ESSAY_REQUIRED and not application.essay.strip():
        errors.add("essay", "Приложите эссе номинанта")
    if nomination.kind == NominationKind.best_practice and not application.title.strip():
        errors.add("title", "Укажите название практики")
    return errors.errors


async def open_problems(application: ApplicationRecord, day: date) -> dict[str, str]:
    """`problems` while the application is being prepared; nothing once it is sent or withdrawn."""
    return await problems(application, day) if application.in_preparation else {}


async def submit(actor: Actor, application_id: UUID, day: date) -> UUID:
    """The head's (or, for a self-nomination, the curator's) confirmation: sends it and makes its first entry."""
    application = await get_application(application_id)
    found = await problems(application, day)
    if found:
        raise ValidationFailed(found)
    contest = await get_contest(application.contest_id)
    nomination = await get_nomination(application.nomination_id)
    stages = await stages_of(contest.id)
    checked = await eligibility.check(nomination, application.person_id, contest.year, stages[0].applications_until)
    await (
        ContestApplication.update(
            {
                ContestApplication.state: ApplicationState.submitted,
                ContestApplication.submitted_at: now(),
                ContestApplication.confirmed_by: actor.user_id,
                ContestApplication.eligibility: msgspec.json.encode(checked).decode(),
                ContestApplication.portfolio: msgspec.json.encode(
                    await portfolio.assemble(application.person_id, application.mentorship_id, day)
                ).decode(),
            }
        )
        .where(ContestApplication.id == application_id)
        .run()
    )
    entry_id = await enter_stage(await get_application(application_id), stages[0])
    await audit(actor, "contest.send", application.person_id, f"nomination={nomination.id}")
    return entry_id


async def withdraw(actor: Actor, application_id: UUID, reason: str) -> None:
    application = await get_application(application_id)
    if application.state == ApplicationState.withdrawn:
        return
    if not reason.strip():
        raise ValidationFailed({"withdrawn_reason": "Укажите причину отзыва заявки"})
    await (
        ContestApplication.update(
            {
                ContestApplication.state: ApplicationState.withdrawn,
                ContestApplication.withdrawn_at: now(),
                ContestApplication.withdrawn_reason: reason.strip()[:1000],
            }
        )
        .where(ContestApplication.id == application_id)
        .run()
    )
    await (
        ContestEntry.update({ContestEntry.state: EntryState.withdrawn})
        .where((ContestEntry.application_id == application_id) & (ContestEntry.state == EntryState.in_review))
        .run()
    )
    await audit(actor, "contest.withdraw", application.person_id, "заявка отозвана")
