"""Attendance: the trainer's one tap per person, lateness and absence with a reason, and the participants' check-in
by the code shown in the room. Every mark recounts the person's hours attended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import msgspec

from services.school.access import SchoolAccess
from services.school.records import ENROLMENT_COLUMNS, EnrolmentRecord, get_enrolment, record
from services.school.sessions import SessionRecord, get_session, recompute_hours, session_for_teaching, sessions_of
from services.school.tables import ATTENDANCE_LABELS, AttendanceStatus
from shared import clock
from shared.actor import Actor
from shared.audit import audit
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed
from shared.i18n import sort_key

LATE_AFTER_MINUTES = 15  # a check-in later than this after the start is a lateness
REASON_KINDS = {"excused": "Уважительная причина", "unexcused": "Неуважительная причина"}
CLEAR = "clear"  # the tap on a «присутствовал» takes the mark back


class Mark(msgspec.Struct, frozen=True, kw_only=True):
    """One accepted participant of a session and their mark (status None: not marked yet)."""

    enrolment_id: UUID
    person_id: UUID
    organization_id: UUID
    full_name: str
    organization_name: str
    status: str | None
    minutes_late: int | None
    reason: str
    via: str | None
    marked_at: datetime | None

    @property
    def label(self) -> str:
        if self.status is None:
            return "Не отмечен"
        label = ATTENDANCE_LABELS[AttendanceStatus(self.status)]
        if self.status == AttendanceStatus.late and self.minutes_late:
            label += f" на {self.minutes_late} мин"
        return label

    @property
    def reason_kind(self) -> str:
        return next((kind for kind, text in REASON_KINDS.items() if self.reason.startswith(text)), "")

    @property
    def reason_text(self) -> str:
        kind = self.reason_kind
        return self.reason.removeprefix(REASON_KINDS[kind]).removeprefix(": ") if kind else self.reason


MARK_SELECT = """SELECT e.id AS enrolment_id, e.person_id, e.organization_id, e.full_name, e.organization_name,
    a.status, a.minutes_late, coalesce(a.reason, '') AS reason, a.via, a.marked_at
    FROM school_enrolment e
    LEFT JOIN school_attendance a ON a.region_id = e.region_id AND a.enrolment_id = e.id AND a.session_id = $1"""


async def marks_of(session: SessionRecord) -> list[Mark]:
    rows = await current_connection().fetch(
        f"{MARK_SELECT} WHERE e.cohort_id = $2 AND e.state = 'accepted' ORDER BY e.full_name",
        session.id,
        session.cohort_id,
    )
    return sorted((record(r, Mark) for r in rows), key=lambda m: sort_key(m.full_name))


async def mark_of(session: SessionRecord, enrolment_id: UUID) -> Mark:
    row = await current_connection().fetchrow(
        f"{MARK_SELECT} WHERE e.id = $2 AND e.cohort_id = $3 AND e.state = 'accepted'",
        session.id,
        enrolment_id,
        session.cohort_id,
    )
    if row is None:
        raise NotFound()
    return record(row, Mark)


@dataclass
class MarkForm:
    status: str = ""  # present | late | absent | clear
    minutes_late: str = ""
    reason_kind: str = ""  # excused | unexcused, for an absence
    reason: str = ""


@dataclass(frozen=True)
class MarkValues:
    status: AttendanceStatus | None  # None: the mark is taken back
    minutes_late: int | None
    reason: str


def _values(form: MarkForm) -> MarkValues:
    errors = Errors()
    status_text = form.status.strip()
    if status_text == CLEAR:
        return MarkValues(None, None, "")
    if status_text not in AttendanceStatus.__members__:
        raise ValidationFailed({"status": "Выберите: присутствовал, опоздал или отсутствовал"})
    status = AttendanceStatus(status_text)
    minutes: int | None = None
    reason = form.reason.strip()
    if status == AttendanceStatus.late:
        try:
            minutes = int(form.minutes_late.strip())
            if not 1 <= minutes <= 720:
                raise ValueError
        except ValueError:
            errors.add("minutes_late", "Сколько минут опоздания: от 1 до 720")
    if status == AttendanceStatus.absent:
        if form.reason_kind not in REASON_KINDS:
            errors.add("reason_kind", "Укажите, уважительная ли причина")
        else:
            reason = REASON_KINDS[form.reason_kind] + (f": {reason}" if reason else "")
    if len(reason) > 500:
        errors.add("reason", "Не длиннее 500 символов")
    errors.raise_if_any()
    return MarkValues(status, minutes, reason)


async def _write(
    session: SessionRecord, enrolment: EnrolmentRecord, values: MarkValues, via: str, by: UUID | None
) -> None:
    db = current_connection()
    if values.status is None:
        await db.execute(
            "DELETE FROM school_attendance WHERE session_id = $1 AND enrolment_id = $2", session.id, enrolment.id
        )
    else:
        await db.execute(
            """INSERT INTO school_attendance (region_id, school_id, cohort_id, organization_id, session_id,
                   enrolment_id, status, minutes_late, reason, via, marked_by, marked_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
               ON CONFLICT (region_id, session_id, enrolment_id) DO UPDATE SET status = excluded.status,
                   minutes_late = excluded.minutes_late, reason = excluded.reason, via = excluded.via,
                   marked_by = excluded.marked_by, marked_at = excluded.marked_at""",
            session.region_id,
            session.school_id,
            session.cohort_id,
            enrolment.organization_id,
            session.id,
            enrolment.id,
            values.status.value,
            values.minutes_late,
            values.reason,
            via,
            by,
        )
    await recompute_hours(enrolment.id)


async def mark(actor: Actor, access: SchoolAccess, session_id: UUID, enrolment_id: UUID, form: MarkForm) -> Mark:
    """The trainer's (or the runner's) mark; the participant must be accepted in the session's cohort."""
    session, _ = await session_for_teaching(access, session_id)
    enrolment = await get_enrolment(enrolment_id)
    if enrolment.cohort_id != session.cohort_id or enrolment.state != "accepted":
        raise NotFound()
    values = _values(form)
    await _write(session, enrolment, values, "trainer", actor.user_id)
    await audit(
        actor,
        "update",
        enrolment.person_id,
        f"посещаемость занятия школы наставников: {values.status or 'отметка снята'}",
        organization_id=enrolment.organization_id,
    )
    return await mark_of(session, enrolment.id)


async def tap(actor: Actor, access: SchoolAccess, session_id: UUID, enrolment_id: UUID) -> Mark:
    """The one big tap: an unmarked, late or absent participant becomes present; a present one unmarked."""
    session, _ = await session_for_teaching(access, session_id)
    current = await mark_of(session, enrolment_id)
    status = CLEAR if current.status == AttendanceStatus.present else AttendanceStatus.present.value
    return await mark(actor, access, session_id, enrolment_id, MarkForm(status=status))


# Check-in by code ----------------------------------------------------------------------------------------------


class CheckIn(msgspec.Struct, frozen=True, kw_only=True):
    session_id: UUID
    session_title: str
    enrolment_id: UUID
    status: str
    minutes_late: int | None
    already: bool  # the mark was there before this check-in

    @property
    def message(self) -> str:
        if self.already:
            return f"Вы уже отмечены на занятии «{self.session_title}»"
        if self.status == AttendanceStatus.late:
            return f"Вы отмечены на занятии «{self.session_title}»: опоздание {self.minutes_late} мин"
        return f"Вы отмечены на занятии «{self.session_title}»"


def normalised_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


async def check_in(actor: Actor, enrolled: list[EnrolmentRecord], code: str, now: datetime | None = None) -> CheckIn:
    """The participant's own mark by the code of the room: present, or late after start + 15 minutes."""
    now = now or clock.now()
    digits = normalised_code(code)
    if not digits:
        raise ValidationFailed({"code": "Введите код занятия"})
    row = await current_connection().fetchrow(
        """SELECT id FROM school_session WHERE checkin_code = $1 AND checkin_until IS NOT NULL
           ORDER BY checkin_until DESC LIMIT 1""",
        digits,
    )
    if row is None:
        raise ValidationFailed({"code": "Неверный код занятия"})
    session = await get_session(row["id"])
    if not session.checkin_open(now):
        raise ValidationFailed({"code": "Срок действия кода истёк: попросите преподавателя отметить вас"})
    enrolment = next((e for e in enrolled if e.cohort_id == session.cohort_id and e.state == "accepted"), None)
    if enrolment is None:
        raise ValidationFailed({"code": "Вы не зачислены в поток этого занятия"})
    current = await mark_of(session, enrolment.id)
    if current.status in (AttendanceStatus.present, AttendanceStatus.late):
        return CheckIn(
            session_id=session.id,
            session_title=session.title,
            enrolment_id=enrolment.id,
            status=current.status,
            minutes_late=current.minutes_late,
            already=True,
        )
    late = int((now - session.starts_at).total_seconds() // 60)
    values = (
        MarkValues(AttendanceStatus.late, min(late, 720), "")
        if late > LATE_AFTER_MINUTES
        else MarkValues(AttendanceStatus.present, None, "")
    )
    await _write(session, enrolment, values, "code", actor.user_id)
    await audit(
        actor,
        "update",
        enrolment.person_id,
        f"отметка по коду на занятии школы наставников: {values.status}",
        organization_id=enrolment.organization_id,
    )
    assert values.status is not None
    return CheckIn(
        session_id=session.id,
        session_title=session.title,
        enrolment_id=enrolment.id,
        status=values.status.value,
        minutes_late=values.minutes_late,
        already=False,
    )


async def own_enrolments(user_id: UUID, person_id: UUID | None) -> list[EnrolmentRecord]:
    """The signed-in participant's accepted enrolments: by their account, or by their record in the base."""
    rows = await current_connection().fetch(
        f"""SELECT {ENROLMENT_COLUMNS} FROM school_enrolment
            WHERE state = 'accepted' AND (user_id = $1 OR person_id = $2) ORDER BY requested_at DESC""",
        user_id,
        person_id,
    )
    return [record(r, EnrolmentRecord) for r in rows]


async def attendance_of(enrolment_id: UUID) -> list[tuple[SessionRecord, Mark | None]]:
    """A participant's sessions and marks, for their cabinet."""
    enrolment = await get_enrolment(enrolment_id)
    result: list[tuple[SessionRecord, Mark | None]] = []
    for session in await sessions_of(enrolment.cohort_id):
        found = await mark_of(session, enrolment.id)
        result.append((session, found if found.status else None))
    return result
