"""A panel's jury as the organizer composes it: members from the region's accounts (with their workplace, which
decides their conflicts of interest), one chair, and the scoring progress with reminders to those who owe sheets."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg
import msgspec

from services.contests.jobs import enqueue_reminder
from services.contests.ranking import declared_conflicts, may_judge
from services.contests.records import ContestRecord, JurorRecord, PanelRecord, entries_of, jurors_of
from services.contests.tables import ContestJuror, EntryState, PanelStatus
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import Scope, current_connection, widened
from shared.errors import Errors, NotFound, ValidationFailed
from tenants import AccountRole, Role, get_organization, list_people


@dataclass
class JurorForm:
    user_id: str = ""
    position: str = ""
    organization_id: str = ""  # where the member works: never scores its applications
    is_chair: str = ""


class JurorProgress(msgspec.Struct, frozen=True, kw_only=True):
    juror: JurorRecord
    due: int  # entries this member may judge
    sent: int
    drafts: int
    conflicts: int  # entries they may not judge: own organization, own municipality, declared

    @property
    def owes(self) -> int:
        return self.due - self.sent


def full_name(account: AccountRole) -> str:
    return " ".join(p for p in (account.surname, account.name, account.patronymic) if p)


async def candidates(region_id: UUID) -> list[AccountRole]:
    """The region's accounts holding the juror's role, whoever runs the panel: the region's own staff invited to it
    and the outside experts it invited are members of a municipality's or a school's jury too. Names only reach
    the page; the juror's pages are theirs only."""
    async with widened(Scope.for_region(region_id)):
        return [a for a in await list_people() if a.role == Role.juror]


async def add_juror(actor: Actor, contest: ContestRecord, panel: PanelRecord, form: JurorForm) -> UUID:
    errors = Errors()
    accounts = {str(a.id): a for a in await candidates(contest.region_id)}
    account = accounts.get(form.user_id.strip())
    if account is None:
        errors.add("user_id", "Выберите члена жюри из учётных записей региона")
    organization_id: UUID | None = None
    municipality_id: UUID | None = None
    if workplace := form.organization_id.strip():
        try:
            organization = await get_organization(UUID(workplace))
        except (ValueError, NotFound):
            errors.add("organization_id", "Выберите место работы из организаций региона")
        else:
            organization_id, municipality_id = organization.id, organization.municipality_id
    elif account is not None:
        municipality_id = account.municipality_id  # a municipality's own expert
    if panel.status != PanelStatus.open:
        errors.add("user_id", "Этап в этой номинации завершён: состав жюри не меняется")
    errors.raise_if_any()
    assert account is not None
    chair = form.is_chair.strip().lower() in {"on", "true", "1"}
    if chair:
        await _drop_chair(panel.id)
    try:
        async with current_connection().transaction():  # a savepoint: the unique index refuses a second seat
            rows = (
                await ContestJuror.insert(
                    ContestJuror(
                        region_id=contest.region_id,
                        contest_id=contest.id,
                        panel_id=panel.id,
                        user_id=account.id,
                        full_name=full_name(account),
                        position=form.position.strip()[:300],
                        organization_id=organization_id,
                        municipality_id=municipality_id,
                        is_chair=chair,
                        created_at=now(),
                    )
                )
                .returning(ContestJuror.id)
                .run()
            )
    except asyncpg.UniqueViolationError as exc:
        raise ValidationFailed({"user_id": "Этот человек уже в составе жюри"}) from exc
    await audit(actor, "contest.juror.add", None, f"panel={panel.id},chair={chair}")
    juror_id: UUID = rows[0]["id"]
    return juror_id


async def _drop_chair(panel_id: UUID) -> None:
    await ContestJuror.update({ContestJuror.is_chair: False}).where(ContestJuror.panel_id == panel_id).run()


async def make_chair(actor: Actor, panel: PanelRecord, juror_id: UUID) -> None:
    if juror_id not in {j.id for j in await jurors_of(panel.id)}:
        raise ValidationFailed({"juror_id": "Выберите члена жюри этой номинации"})
    await _drop_chair(panel.id)
    await ContestJuror.update({ContestJuror.is_chair: True}).where(ContestJuror.id == juror_id).run()
    await audit(actor, "contest.juror.chair", None, f"panel={panel.id}")


async def remove_juror(actor: Actor, panel: PanelRecord, juror_id: UUID) -> None:
    """Only a member who has sent nothing: a sent sheet stays part of the record."""
    if panel.status != PanelStatus.open:
        raise ValidationFailed({"juror_id": "Этап в этой номинации завершён: состав жюри не меняется"})
    if juror_id not in {j.id for j in await jurors_of(panel.id)}:
        raise ValidationFailed({"juror_id": "Выберите члена жюри этой номинации"})
    sent = await current_connection().fetchval(
        "SELECT count(*) FROM contest_sheet WHERE juror_id = $1 AND submitted_at IS NOT NULL", juror_id
    )
    if sent:
        raise ValidationFailed({"juror_id": "Член жюри уже отправил оценки: его нельзя исключить"})
    await ContestJuror.delete().where(ContestJuror.id == juror_id).run()
    await audit(actor, "contest.juror.remove", None, f"panel={panel.id}")


async def progress(panel: PanelRecord) -> list[JurorProgress]:
    """Per member: how many entries they may judge, sent and drafted sheets; nobody's points."""
    entries = [e for e in await entries_of(panel.id) if e.state != EntryState.withdrawn]
    db = current_connection()
    declared = await declared_conflicts(panel.id)
    sheets = {
        (r["juror_id"], r["entry_id"]): r["submitted_at"] is not None
        for r in await db.fetch(
            "SELECT juror_id, entry_id, submitted_at FROM contest_sheet WHERE panel_id = $1", panel.id
        )
    }
    result = []
    for juror in await jurors_of(panel.id):
        allowed = [e for e in entries if may_judge(juror, e, panel, declared)]
        sent = sum(1 for e in allowed if sheets.get((juror.id, e.id)) is True)
        drafts = sum(1 for e in allowed if sheets.get((juror.id, e.id)) is False)
        result.append(
            JurorProgress(
                juror=juror, due=len(allowed), sent=sent, drafts=drafts, conflicts=len(entries) - len(allowed)
            )
        )
    return result


async def remind(actor: Actor, contest: ContestRecord, panel: PanelRecord) -> int:
    """A letter, after commit, to every member who still owes sheets; how many were reminded."""
    owing = [p for p in await progress(panel) if p.owes > 0]
    if panel.status != PanelStatus.open or not owing:
        raise ValidationFailed({"remind": "Все члены жюри отправили оценки — напоминать некому"})
    moment = now()
    await (
        ContestJuror.update({ContestJuror.reminded_at: moment})
        .where(ContestJuror.id.is_in([p.juror.id for p in owing]))
        .run()
    )
    for line in owing:
        await enqueue_reminder(contest.region_id, line.juror.id, line.owes, moment)
    await audit(actor, "contest.jury.remind", None, f"panel={panel.id},count={len(owing)}")
    return len(owing)
