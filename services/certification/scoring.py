"""The commission's scores: each member scores the in-person part (an interview or a defence) and may score the
criteria the platform cannot count (manual), with a comment. A member never sees nor scores an application of
their own organization: row security hides it from other scopes, and this module refuses it in their own.

Total = the portfolio's counted points + the mean of members' points per manual criterion + the mean of members'
in-person points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from services.certification.applications import ApplicationRecord, applications_of_round, get_application
from services.certification.rounds import (
    MemberRecord,
    RoundRecord,
    criteria_of,
    get_round,
    member_of,
    members_of,
    read_points,
)
from services.certification.tables import ApplicationState, CertificationApplication, CriterionSource, RoundStatus
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed

CONFLICT = "Конфликт интересов: не оценивает"


class ScoreRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    application_id: UUID
    member_id: UUID
    criterion_id: UUID | None  # None: the in-person part
    points: Decimal
    comment: str
    submitted_at: datetime | None


@dataclass
class SheetForm:
    """A member's sheet for one application: the in-person points and comment, and per manual criterion."""

    in_person: str = ""
    comment: str = ""
    manual: dict[str, str] = field(default_factory=dict)  # criterion id → points
    manual_comments: dict[str, str] = field(default_factory=dict)


class MemberLine(msgspec.Struct, frozen=True, kw_only=True):
    """One member against one application, for the chair's overview."""

    member: MemberRecord
    conflict: bool
    in_person: Decimal | None
    comment: str


async def scores_of(application_id: UUID) -> list[ScoreRecord]:
    rows = await current_connection().fetch(
        """SELECT id, application_id, member_id, criterion_id, points, comment, submitted_at
           FROM certification_score WHERE application_id = $1""",
        application_id,
    )
    return [msgspec.convert(dict(r), ScoreRecord) for r in rows]


def conflicted(member: MemberRecord, application: ApplicationRecord) -> bool:
    return member.organization_id is not None and member.organization_id == application.organization_id


async def sheet_for(user_id: UUID, application_id: UUID) -> tuple[RoundRecord, MemberRecord, ApplicationRecord]:
    """The member's way to an application: not a member → 403; their own organization's or a draft not yet sent →
    404, as if it did not exist (in their own scope row security shows it to them as their organization's)."""
    application = await get_application(application_id)
    round_ = await get_round(application.round_id)
    member = await member_of(round_.id, user_id)
    if member is None:
        raise Forbidden()
    if conflicted(member, application) or application.state == ApplicationState.draft:
        raise NotFound()
    return round_, member, application


async def to_score(user_id: UUID, round_id: UUID) -> list[ApplicationRecord]:
    """The applications a member scores: submitted, not of their own organization."""
    member = await member_of(round_id, user_id)
    if member is None:
        raise Forbidden()
    return [
        a
        for a in await applications_of_round(round_id)
        if a.state != ApplicationState.draft and not conflicted(member, a)
    ]


async def save_sheet(actor: Actor, user_id: UUID, application_id: UUID, form: SheetForm) -> Decimal:
    round_, member, application = await sheet_for(user_id, application_id)
    if round_.status != RoundStatus.review:
        raise ValidationFailed({"in_person": "Комиссия оценивает заявки, когда сертификация на этапе работы комиссии"})
    if application.state != ApplicationState.submitted:
        raise ValidationFailed({"in_person": f"Заявка {application.state_label}: оценки не меняются"})
    errors = Errors()
    entries: list[tuple[UUID | None, Decimal, str]] = []
    if form.in_person.strip():
        value = read_points(errors, "in_person", form.in_person)
        if value > round_.in_person_max:
            errors.add("in_person", f"Не больше {round_.in_person_max} баллов")
        entries.append((None, value, " ".join(form.comment.split())[:4000]))
    manual = {c.id: c for c in await criteria_of(round_.id) if c.source == CriterionSource.manual}
    for key, text in form.manual.items():
        try:
            criterion = manual[UUID(key)]
        except (ValueError, KeyError):
            errors.add(f"manual_{key}", "Такого критерия, оцениваемого комиссией, нет")
            continue
        if not text.strip():
            continue
        value = read_points(errors, f"manual_{key}", text)
        if value > criterion.max_points:
            errors.add(f"manual_{key}", f"Не больше {criterion.max_points} баллов")
        entries.append((criterion.id, value, " ".join(form.manual_comments.get(key, "").split())[:4000]))
    if not entries:
        errors.add("in_person", "Поставьте баллы")
    errors.raise_if_any()
    db = current_connection()
    for criterion_id, value, comment in entries:
        await db.execute(
            """INSERT INTO certification_score (region_id, round_id, organization_id, application_id, member_id,
                   criterion_id, points, comment, submitted_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT (region_id, application_id, member_id,
                   COALESCE(criterion_id, '00000000-0000-0000-0000-000000000000'))
               DO UPDATE SET points = excluded.points, comment = excluded.comment,
                   submitted_at = excluded.submitted_at""",
            actor.region_id,
            round_.id,
            application.organization_id,
            application.id,
            member.id,
            criterion_id,
            value,
            comment,
            now(),
        )
    await audit(actor, "certification.score", application.person_id, "оценки члена комиссии")
    return await recount(application_id)


def total(application: ApplicationRecord, scores: list[ScoreRecord], manual_ids: set[UUID]) -> Decimal:
    def mean(values: list[Decimal]) -> Decimal:
        return sum(values, Decimal(0)) / len(values) if values else Decimal(0)

    in_person = mean([s.points for s in scores if s.criterion_id is None])
    manual = sum(
        (mean([s.points for s in scores if s.criterion_id == c]) for c in manual_ids),
        Decimal(0),
    )
    return (application.auto_points + manual + in_person).quantize(Decimal("0.1"))


async def recount(application_id: UUID) -> Decimal:
    application = await get_application(application_id)
    manual_ids = {c.id for c in await criteria_of(application.round_id) if c.source == CriterionSource.manual}
    value = total(application, await scores_of(application_id), manual_ids)
    await (
        CertificationApplication.update({CertificationApplication.total_score: value})
        .where(CertificationApplication.id == application_id)
        .run()
    )
    return value


async def overview(application: ApplicationRecord) -> list[MemberLine]:
    """Each member against the application: their in-person points, or the conflict that keeps them out."""
    scores = await scores_of(application.id)
    lines = []
    for member in await members_of(application.round_id):
        own = next((s for s in scores if s.member_id == member.id and s.criterion_id is None), None)
        lines.append(
            MemberLine(
                member=member,
                conflict=conflicted(member, application),
                in_person=own.points if own else None,
                comment=own.comment if own else "",
            )
        )
    return lines


async def own_sheet(member: MemberRecord, application_id: UUID) -> dict[UUID | None, ScoreRecord]:
    return {s.criterion_id: s for s in await scores_of(application_id) if s.member_id == member.id}


def passes(round_: RoundRecord, application: ApplicationRecord) -> bool:
    return application.total_score is not None and application.total_score >= round_.pass_score
