"""A juror's sheets: scoring an entry criterion by criterion, sending the sheet (then it is closed), declaring a
conflict of interest, and the chair's reopening of a sent sheet with a reason. Row security shows a juror only the
entries of their panels they may judge and only their own sheets; this module says the same with clear errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from uuid import UUID

import msgspec

from services.contests.records import (
    CriterionRecord,
    EntryRecord,
    JurorRecord,
    criteria_of,
    get_entry,
    get_panel,
    juror_seats,
)
from services.contests.tables import ContestConflict, ContestScore, ContestSheet, EntryState, PanelStatus
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed

STEP = Decimal("0.5")


class SheetRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    panel_id: UUID
    entry_id: UUID
    juror_id: UUID
    juror_name: str
    comment: str
    submitted_at: datetime | None
    reopened_at: datetime | None
    reopen_reason: str
    points: dict[UUID, Decimal] = {}

    @property
    def state_label(self) -> str:
        if self.submitted_at:
            return "отправлена"
        return "возвращена председателем" if self.reopened_at else "черновик"


@dataclass
class SheetForm:
    points: dict[str, str] = field(default_factory=dict)  # criterion id → points as typed
    comment: str = ""


async def seat_for(user_id: UUID, panel_id: UUID) -> JurorRecord:
    seat = next((s for s in await juror_seats(user_id) if s.panel_id == panel_id), None)
    if seat is None:
        raise NotFound()
    return seat


async def sheets_of(juror_ids: list[UUID]) -> dict[UUID, SheetRecord]:
    """The sheets of these seats, by entry (a juror's own; the chair's panel too)."""
    rows = await current_connection().fetch(
        """SELECT s.id, s.panel_id, s.entry_id, s.juror_id, s.juror_name, s.comment, s.submitted_at, s.reopened_at,
                  s.reopen_reason,
                  coalesce(jsonb_object_agg(c.criterion_id, c.points) FILTER (WHERE c.id IS NOT NULL), '{}') AS points
           FROM contest_sheet s LEFT JOIN contest_score c ON c.region_id = s.region_id AND c.sheet_id = s.id
           WHERE s.juror_id = ANY($1::uuid[])
           GROUP BY s.id, s.region_id""",
        juror_ids,
    )
    return {r["entry_id"]: _sheet(r) for r in rows}


def _sheet(row: object) -> SheetRecord:
    values = dict(row)  # type: ignore[call-overload]
    raw = values.pop("points")
    points = msgspec.json.decode(raw) if isinstance(raw, str | bytes) else raw
    values["points"] = {UUID(k): Decimal(str(v)) for k, v in points.items()}
    return msgspec.convert(values, SheetRecord, strict=False)


async def own_sheet(seat: JurorRecord, entry_id: UUID) -> SheetRecord | None:
    return (await sheets_of([seat.id])).get(entry_id)


async def sheet_context(user_id: UUID, entry_id: UUID) -> tuple[EntryRecord, JurorRecord, list[CriterionRecord]]:
    """The juror's way to an entry: not visible (another panel, a conflict, their own organization) → 404."""
    entry = await get_entry(entry_id)
    seat = await seat_for(user_id, entry.panel_id)
    return entry, seat, await criteria_of(entry.stage_id, entry.nomination_id)


def clean_points(form: SheetForm, criteria: list[CriterionRecord], *, complete: bool) -> dict[UUID, Decimal]:
    errors = Errors()
    points: dict[UUID, Decimal] = {}
    for criterion in criteria:
        text = form.points.get(str(criterion.id), "").strip().replace(",", ".")
        key = f"points_{criterion.id}"
        if not text:
            if complete:
                errors.add(key, "Поставьте балл по этому критерию")
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors.add(key, "Введите число, например 7 или 7,5")
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_points:
            errors.add(key, f"Балл от 0 до {criterion.max_points.normalize():f}")
        elif value % STEP:
            errors.add(key, "Баллы ставятся с шагом 0,5")
        else:
            points[criterion.id] = value
    if len(form.comment) > 5000:
        errors.add("comment", "Комментарий не длиннее 5000 символов")
    errors.raise_if_any()
    return points


async def save_sheet(actor: Actor, user_id: UUID, entry_id: UUID, form: SheetForm, *, submit: bool) -> UUID:
    entry, seat, criteria = await sheet_context(user_id, entry_id)
    panel = await get_panel(entry.panel_id)
    if panel.status != PanelStatus.open or entry.state != EntryState.in_review:
        raise ValidationFailed({"sheet": "Оценивание этой заявки завершено"})
    if not criteria:
        raise ValidationFailed({"sheet": "Организатор ещё не задал критерии оценки"})
    existing = await own_sheet(seat, entry_id)
    if existing and existing.submitted_at:
        raise ValidationFailed({"sheet": "Оценка отправлена; изменить её можно, если председатель вернёт лист"})
    points = clean_points(form, criteria, complete=submit)
    if existing is None:
        rows = (
            await ContestSheet.insert(
                ContestSheet(
                    region_id=actor.region_id,
                    contest_id=entry.contest_id,
                    panel_id=entry.panel_id,
                    entry_id=entry.id,
                    juror_id=seat.id,
                    juror_name=seat.full_name,
                    organization_id=entry.organization_id,
                    comment=form.comment.strip(),
                    created_at=now(),
                )
            )
            .returning(ContestSheet.id)
            .run()
        )
        sheet_id: UUID = rows[0]["id"]
        before: dict[UUID, Decimal] = {}
    else:
        sheet_id, before = existing.id, existing.points
        await ContestSheet.update({ContestSheet.comment: form.comment.strip()}).where(ContestSheet.id == sheet_id).run()
    db = current_connection()
    await db.execute("DELETE FROM contest_score WHERE sheet_id = $1", sheet_id)
    for criterion_id, value in points.items():
        await ContestScore.insert(
            ContestScore(
                region_id=actor.region_id,
                contest_id=entry.contest_id,
                panel_id=entry.panel_id,
                entry_id=entry.id,
                sheet_id=sheet_id,
                juror_id=seat.id,
                organization_id=entry.organization_id,
                criterion_id=criterion_id,
                points=value,
            )
        ).run()
    changed = [
        f"{c.position + 1}: {before.get(c.id, '—')} → {points.get(c.id, '—')}"
        for c in criteria
        if before.get(c.id) != points.get(c.id)
    ]
    if submit:
        await ContestSheet.update({ContestSheet.submitted_at: now()}).where(ContestSheet.id == sheet_id).run()
    action = "contest.sheet.submit" if submit else "contest.sheet.save"
    await audit(actor, action, None, f"entry={entry.id}; criteria {'; '.join(changed) or 'без изменений'}")
    return sheet_id


async def declare_conflict(actor: Actor, user_id: UUID, entry_id: UUID, reason: str) -> None:
    entry, seat, _ = await sheet_context(user_id, entry_id)
    if not reason.strip():
        raise ValidationFailed({"reason": "Укажите, в чём конфликт интересов"})
    if len(reason) > 1000:
        raise ValidationFailed({"reason": "Не длиннее 1000 символов"})
    existing = await own_sheet(seat, entry_id)
    if existing and existing.submitted_at:
        raise ValidationFailed({"reason": "Оценка уже отправлена: обратитесь к председателю жюри"})
    if existing:
        await ContestSheet.delete().where(ContestSheet.id == existing.id).run()
    await ContestConflict.insert(
        ContestConflict(
            region_id=actor.region_id,
            contest_id=entry.contest_id,
            panel_id=entry.panel_id,
            juror_id=seat.id,
            application_id=entry.application_id,
            organization_id=entry.organization_id,
            reason=reason.strip(),
            declared_at=now(),
        )
    ).run()
    await audit(actor, "contest.conflict.declare", None, f"entry={entry.id}")


async def chair_seat(user_id: UUID, panel_id: UUID) -> JurorRecord:
    seat = await seat_for(user_id, panel_id)
    if not seat.is_chair:
        raise Forbidden()
    return seat


async def panel_sheets(user_id: UUID, panel_id: UUID) -> list[SheetRecord]:
    """What the chair sees of the panel: every sheet's state and who holds it; the points only of their own."""
    seat = await chair_seat(user_id, panel_id)
    rows = await current_connection().fetch(
        """SELECT id, panel_id, entry_id, juror_id, juror_name, comment, submitted_at, reopened_at, reopen_reason,
                  '{}'::jsonb AS points
           FROM contest_sheet WHERE panel_id = $1 ORDER BY juror_name, created_at""",
        panel_id,
    )
    sheets = [_sheet(r) for r in rows]
    return [msgspec.structs.replace(s, comment="") if s.juror_id != seat.id else s for s in sheets]


async def reopen_sheet(actor: Actor, user_id: UUID, sheet_id: UUID, reason: str) -> None:
    row = await ContestSheet.select().where(ContestSheet.id == sheet_id).first().run()
    if row is None:
        raise NotFound()
    await chair_seat(user_id, row["panel_id"])
    if (await get_panel(row["panel_id"])).status != PanelStatus.open:
        raise ValidationFailed({"reason": "Этап завершён: лист вернуть нельзя"})
    if row["submitted_at"] is None:
        raise ValidationFailed({"reason": "Лист ещё не отправлен"})
    if not reason.strip():
        raise ValidationFailed({"reason": "Укажите причину, по которой лист возвращается"})
    await (
        ContestSheet.update(
            {
                ContestSheet.submitted_at: None,
                ContestSheet.reopened_at: now(),
                ContestSheet.reopened_by: actor.user_id,
                ContestSheet.reopen_reason: reason.strip()[:1000],
            }
        )
        .where(ContestSheet.id == sheet_id)
        .run()
    )
    await audit(actor, "contest.sheet.reopen", None, f"sheet={sheet_id}")


async def panel_of_sheet(sheet_id: UUID) -> UUID:
    row = await ContestSheet.select(ContestSheet.panel_id).where(ContestSheet.id == sheet_id).first().run()
    if row is None:
        raise NotFound()
    panel_id: UUID = row["panel_id"]
    return panel_id


class UploadLine(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    filename: str


async def uploads_of(application_id: UUID) -> list[UploadLine]:
    rows = await current_connection().fetch(
        "SELECT id, title, filename FROM contest_upload WHERE application_id = $1 ORDER BY created_at", application_id
    )
    return [UploadLine(**dict(r)) for r in rows]
