"""Sessions of a cohort (занятия), planned by the school's runner or the cohort's trainer; check-in codes."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from uuid import UUID

import msgspec

from services.school.access import SchoolAccess
from services.school.records import CohortRecord, SchoolRecord, get_cohort, get_school, modules_of, record
from shared import clock
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import parse_date

CHECKIN_HOURS = 2  # a code is valid this long unless the trainer says otherwise
CODE_DIGITS = 6
TIME_RE = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


class SessionRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    school_id: UUID
    cohort_id: UUID
    module_id: UUID | None
    title: str
    starts_at: datetime
    hours: Decimal
    place: str
    checkin_code: str
    checkin_until: datetime | None
    marked: int  # attendance marks recorded

    def checkin_open(self, now: datetime) -> bool:
        return bool(self.checkin_code) and self.checkin_until is not None and self.checkin_until > now

    @property
    def held(self) -> bool:
        """A session counts for the attendance share once it has started."""
        return self.starts_at <= clock.now()


@dataclass(frozen=True)
class Teaching:
    """A cohort the asker may teach or run, with its school: what every teaching page starts from."""

    cohort: CohortRecord
    school: SchoolRecord
    runner: bool


SESSION_SELECT = """SELECT s.id, s.region_id, s.school_id, s.cohort_id, s.module_id, s.title, s.starts_at, s.hours,
    s.place, s.checkin_code, s.checkin_until,
    (SELECT count(*) FROM school_attendance a WHERE a.region_id = s.region_id AND a.session_id = s.id) AS marked
    FROM school_session s"""


async def teaching(access: SchoolAccess, cohort_id: UUID) -> Teaching:
    """404 outside the scope (RLS); 403 for a trainer of another cohort or someone who does not run the school."""
    cohort = await get_cohort(cohort_id)
    school = await get_school(cohort.school_id)
    runner = access.runs(school)
    if not runner and not await access.teaches(cohort_id):
        raise Forbidden()
    return Teaching(cohort, school, runner)


async def get_session(session_id: UUID) -> SessionRecord:
    row = await current_connection().fetchrow(f"{SESSION_SELECT} WHERE s.id = $1", session_id)
    if row is None:
        raise NotFound()
    return record(row, SessionRecord)


async def session_for_teaching(access: SchoolAccess, session_id: UUID) -> tuple[SessionRecord, Teaching]:
    session = await get_session(session_id)
    return session, await teaching(access, session.cohort_id)


async def sessions_of(cohort_id: UUID) -> list[SessionRecord]:
    rows = await current_connection().fetch(
        f"{SESSION_SELECT} WHERE s.cohort_id = $1 ORDER BY s.starts_at, s.title", cohort_id
    )
    return [record(r, SessionRecord) for r in rows]


async def sessions_between(cohort_ids: list[UUID], since: datetime, until: datetime) -> list[SessionRecord]:
    """Sessions in [since, until) of these cohorts: the trainer's home asks for its own cohorts only."""
    rows = await current_connection().fetch(
        f"""{SESSION_SELECT} WHERE s.cohort_id = ANY($1::uuid[]) AND s.starts_at >= $2 AND s.starts_at < $3
            ORDER BY s.starts_at, s.title""",
        cohort_ids,
        since,
        until,
    )
    return [record(r, SessionRecord) for r in rows]


@dataclass
class SessionForm:
    title: str = ""
    module_id: str = ""
    starts_on: str = ""  # дд.мм.гггг (or ISO)
    starts_time: str = ""  # ЧЧ:ММ
    hours: str = ""
    place: str = ""

    @classmethod
    def of(cls, session: SessionRecord) -> SessionForm:
        local = session.starts_at.astimezone(clock.ZONE)
        return cls(
            title=session.title,
            module_id=str(session.module_id or ""),
            starts_on=f"{local:%d.%m.%Y}",
            starts_time=f"{local:%H:%M}",
            hours=str(session.hours).replace(".", ","),
            place=session.place,
        )


@dataclass(frozen=True)
class SessionValues:
    title: str
    module_id: UUID | None
    starts_at: datetime
    hours: Decimal
    place: str


async def _values(cohort: CohortRecord, form: SessionForm) -> SessionValues:
    """The form checked field by field; the title defaults to the module's topic."""
    errors = Errors()
    modules = {str(m.id): m for m in await modules_of(cohort.programme_id)}
    module = modules.get(form.module_id.strip()) if form.module_id.strip() else None
    if form.module_id.strip() and module is None:
        errors.add("module_id", "Выберите модуль программы")
    title = form.title.strip() or (module.topic if module else "")
    if not title:
        errors.add("title", "Укажите тему занятия или выберите модуль")
    day: date | None = None
    try:
        day = parse_date(form.starts_on)
        if not cohort.starts_on <= day <= cohort.ends_on:
            errors.add("starts_on", f"Поток идёт с {cohort.starts_on:%d.%m.%Y} по {cohort.ends_on:%d.%m.%Y}")
    except ValueError as exc:
        errors.add("starts_on", str(exc))
    found = TIME_RE.fullmatch(form.starts_time.strip())
    if not found:
        errors.add("starts_time", "Время в формате ЧЧ:ММ")
    hours = Decimal(0)
    try:
        hours = Decimal((form.hours.strip() or (str(module.hours) if module else "")).replace(",", "."))
        if not hours.is_finite() or hours <= 0 or hours > 12 or hours != hours.quantize(Decimal("0.1")):
            raise InvalidOperation
    except InvalidOperation:
        errors.add("hours", "Часы: число от 0,1 до 12")
    errors.raise_if_any()
    assert day is not None and found is not None
    starts_at = datetime.combine(day, time(int(found.group(1)), int(found.group(2))), clock.ZONE)
    return SessionValues(title, module.id if module else None, starts_at, hours, form.place.strip())


async def create_session(access: SchoolAccess, cohort_id: UUID, form: SessionForm) -> UUID:
    taught = await teaching(access, cohort_id)
    values = await _values(taught.cohort, form)
    session_id: UUID = await current_connection().fetchval(
        """INSERT INTO school_session (region_id, school_id, cohort_id, module_id, title, starts_at, hours, place)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""",
        taught.cohort.region_id,
        taught.cohort.school_id,
        cohort_id,
        values.module_id,
        values.title,
        values.starts_at,
        values.hours,
        values.place,
    )
    return session_id


async def update_session(access: SchoolAccess, session_id: UUID, form: SessionForm) -> None:
    session, taught = await session_for_teaching(access, session_id)
    values = await _values(taught.cohort, form)
    await current_connection().execute(
        """UPDATE school_session SET module_id = $2, title = $3, starts_at = $4, hours = $5, place = $6
           WHERE id = $1""",
        session.id,
        values.module_id,
        values.title,
        values.starts_at,
        values.hours,
        values.place,
    )
    await recompute_cohort_hours(session.cohort_id)


async def delete_session(access: SchoolAccess, session_id: UUID) -> UUID:
    """Only a session without attendance goes: marks are what the hours and the certificates rest on."""
    session, _ = await session_for_teaching(access, session_id)
    if session.marked:
        raise ValidationFailed({"session": "Занятие с отметками посещаемости удалить нельзя"})
    await current_connection().execute("DELETE FROM school_session WHERE id = $1", session.id)
    return session.cohort_id


async def open_checkin(access: SchoolAccess, session_id: UUID, hours: str = "") -> SessionRecord:
    """A fresh 6-digit code, unique among the region's open check-ins (one lock per region serializes the choice)."""
    session, _ = await session_for_teaching(access, session_id)
    try:
        valid = Decimal((hours.strip() or str(CHECKIN_HOURS)).replace(",", "."))
        if not valid.is_finite() or valid <= 0 or valid > 12:
            raise InvalidOperation
    except InvalidOperation:
        raise ValidationFailed({"hours": "Срок действия кода: от 0,1 до 12 часов"}) from None
    db = current_connection()
    await db.execute("SELECT pg_advisory_xact_lock(hashtext('school-checkin:' || $1::text))", str(session.region_id))
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        taken = await db.fetchval(
            "SELECT 1 FROM school_session WHERE checkin_code = $1 AND checkin_until > now() AND id <> $2",
            code,
            session.id,
        )
        if not taken:
            break
    until = clock.now() + timedelta(seconds=float(valid) * 3600)
    await db.execute(
        "UPDATE school_session SET checkin_code = $2, checkin_until = $3 WHERE id = $1", session.id, code, until
    )
    return await get_session(session.id)


async def close_checkin(access: SchoolAccess, session_id: UUID) -> None:
    session, _ = await session_for_teaching(access, session_id)
    await current_connection().execute(
        "UPDATE school_session SET checkin_until = least(checkin_until, now()) WHERE id = $1", session.id
    )


async def recompute_hours(enrolment_id: UUID) -> None:
    """Hours attended: the hours of the sessions marked present or late, after every mark."""
    await current_connection().execute(
        """UPDATE school_enrolment e SET hours_attended = coalesce((
               SELECT sum(s.hours) FROM school_attendance a
               JOIN school_session s ON s.region_id = a.region_id AND s.id = a.session_id
               WHERE a.region_id = e.region_id AND a.enrolment_id = e.id AND a.status IN ('present', 'late')), 0)
           WHERE e.id = $1""",
        enrolment_id,
    )


async def recompute_cohort_hours(cohort_id: UUID) -> None:
    """A session's hours changed: every participant of the cohort is counted again."""
    rows = await current_connection().fetch(
        "SELECT id FROM school_enrolment WHERE cohort_id = $1 AND state = 'accepted'", cohort_id
    )
    for row in rows:
        await recompute_hours(row["id"])
