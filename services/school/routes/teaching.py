"""Teaching pages and API: the trainer's home, a cohort's sessions and results, attendance on a phone, check-in by
code or QR, the participant's cabinet with the test and the assignment."""

from __future__ import annotations

import mimetypes
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
import segno
from arq.connections import ArqRedis
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services import mentoring
from services.school import assessment, attendance, completion, sessions
from services.school.access import SchoolAccess
from services.school.records import (
    CohortRecord,
    EnrolmentRecord,
    get_cohort,
    get_enrolment,
    get_programme,
    get_school,
    list_cohorts,
    list_schools,
    modules_of,
    trainers_of,
)
from services.school.tables import ASSESSMENT_LABELS, ATTENDANCE_LABELS, Assessment
from shared import clock
from shared.actor import Actor
from shared.audit import audit, audit_many
from shared.auth import LoginLimiter
from shared.downloads import download_headers
from shared.errors import NotFound, ValidationFailed
from shared.i18n import plural
from shared.pages import flash_problem, flashed, form_into, fragment, page, see_other
from shared.proxies import client_address
from shared.settings import Settings
from shared.uploads import UploadKind, UploadTooLarge, read_upload, upload
from tenants import Principal, Role, allow

TEACHERS = (
    Role.trainer,
    Role.regional_coordinator,
    Role.municipal_coordinator,
    Role.curator,
    Role.head,
)  # who may teach or run a school; SchoolAccess decides for the cohort
PARTICIPANTS = (Role.mentor, Role.curator)
UPCOMING_DAYS = 14
# Codes are six digits: a participant gets this many wrong ones per window, an address a few more.
CHECKIN_FAILS_PER_ACCOUNT = 10
CHECKIN_FAILS_PER_IP = 40
CHECKIN_WINDOW_SECONDS = 15 * 60
ASSIGNMENT_UPLOAD = upload(UploadKind.document, "file", "Файл с работой")


def checkin_limiter(redis: ArqRedis) -> LoginLimiter:
    return LoginLimiter(
        redis, CHECKIN_FAILS_PER_ACCOUNT, CHECKIN_FAILS_PER_IP, CHECKIN_WINDOW_SECONDS, prefix="checkin-fail"
    )


def _wait(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return f"Слишком много неверных кодов. Попробуйте через {minutes} {plural(minutes, 'минуту', 'минуты', 'минут')}."


def checkin_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/school/checkin?code={code}"


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no size: the page's CSS sizes it for the projector)."""
    return str(segno.make(url, error="m").svg_inline(scale=1, omitsize=True, border=2))


async def _cohorts_of(access: SchoolAccess) -> list[CohortRecord]:
    """The cohorts on the asker's home: those they teach (a trainer), or of the schools they run."""
    cohorts = await list_cohorts()
    if access.role == Role.trainer:
        return [c for c in cohorts if await access.teaches(c.id)]
    run = {s.id for s in await list_schools() if access.runs(s)}
    return [c for c in cohorts if c.school_id in run]


async def _participant(principal: Principal) -> list[EnrolmentRecord]:
    """The signed-in mentor's or curator's own accepted enrolments (by account, or by their record in the base)."""
    person_id = None
    if principal.scope.organization_id is not None:
        person_id = await mentoring.person_of(principal.email, principal.scope.organization_id)
    return await attendance.own_enrolments(principal.user_id, person_id)


async def _own_enrolment(principal: Principal, enrolment_id: UUID) -> EnrolmentRecord:
    enrolment = next((e for e in await _participant(principal) if e.id == enrolment_id), None)
    if enrolment is None:
        raise NotFound()
    return enrolment


def _is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("HX-Request") == "true"


class TeachingPages(Controller):
    path = "/school"
    include_in_schema = False

    @get("/teaching", guards=[allow(*TEACHERS)])
    async def home(self, school_access: NamedDependency[SchoolAccess]) -> Template:
        today = clock.today()
        cohorts = await _cohorts_of(school_access)
        ids = [c.id for c in cohorts if c.cancelled_at is None]
        start = datetime.combine(today, datetime.min.time(), clock.ZONE)
        upcoming = await sessions.sessions_between(ids, start, start + timedelta(days=UPCOMING_DAYS + 1))
        titles = {c.id: c.title for c in cohorts}
        return page(
            "school/teaching.html",
            today_sessions=[s for s in upcoming if s.starts_at.astimezone(clock.ZONE).date() == today],
            upcoming=[s for s in upcoming if s.starts_at.astimezone(clock.ZONE).date() > today],
            running=[c for c in cohorts if c.stage(today) == "running"],
            planned=[c for c in cohorts if c.stage(today) == "planned"],
            finished=[c for c in cohorts if c.stage(today) == "finished"],
            to_grade=await assessment.to_grade(ids),
            titles=titles,
            is_trainer=school_access.role == Role.trainer,
            now=clock.now(),
        )

    async def _cohort_page(
        self,
        school_access: SchoolAccess,
        actor: Actor,
        cohort_id: UUID,
        form: sessions.SessionForm | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        taught = await sessions.teaching(school_access, cohort_id)
        programme = await get_programme(taught.cohort.programme_id)
        verdicts = await completion.verdicts(taught.cohort, programme)
        await _audit_verdicts(actor, verdicts)
        return page(
            "school/teaching_cohort.html",
            422 if errors else 200,
            cohort=taught.cohort,
            school=taught.school,
            programme=programme,
            trainers=await trainers_of(cohort_id),
            sessions=await sessions.sessions_of(cohort_id),
            modules=await modules_of(programme.id),
            verdicts=verdicts,
            assignments=await assessment.assignments_of(cohort_id),
            form=form or sessions.SessionForm(starts_on=f"{clock.today():%d.%m.%Y}", starts_time="10:00"),
            errors=errors or {},
            assessment_label=ASSESSMENT_LABELS[Assessment(programme.assessment)],
            stage=taught.cohort.stage(clock.today()),
            now=clock.now(),
        )

    @get("/teaching/cohorts/{cohort_id:uuid}", guards=[allow(*TEACHERS)])
    async def cohort(
        self, school_access: NamedDependency[SchoolAccess], actor: NamedDependency[Actor], cohort_id: FromPath[UUID]
    ) -> Template:
        return await self._cohort_page(school_access, actor, cohort_id)

    @post("/teaching/cohorts/{cohort_id:uuid}/sessions", guards=[allow(*TEACHERS)])
    async def create_session(
        self,
        request: Request[Any, Any, Any],
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        cohort_id: FromPath[UUID],
    ) -> Template | Redirect:
        form = await form_into(request, sessions.SessionForm)
        try:
            session_id = await sessions.create_session(school_access, cohort_id, form)
        except ValidationFailed as exc:
            return await self._cohort_page(school_access, actor, cohort_id, form, exc.errors)
        flash(request, "Занятие добавлено", category="success")
        return see_other(f"/school/sessions/{session_id}")

    @post("/teaching/cohorts/{cohort_id:uuid}/completion", guards=[allow(*TEACHERS)])
    async def decide(
        self,
        request: Request[Any, Any, Any],
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        cohort_id: FromPath[UUID],
    ) -> Redirect:
        early = (await request.form()).get("early") == "yes"
        try:
            decided = await completion.decide_completion(actor, school_access, cohort_id, early=early)
        except ValidationFailed as exc:
            flash_problem(request, exc)
        else:
            done = sum(1 for v in decided if v.outcome == "completed")
            flash(request, f"Итоги подведены: завершили обучение {done} из {len(decided)}", category="success")
        return see_other(f"/school/teaching/cohorts/{cohort_id}#results")

    @post("/teaching/enrolments/{enrolment_id:uuid}/outcome", guards=[allow(*TEACHERS)])
    async def override(
        self,
        request: Request[Any, Any, Any],
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        enrolment_id: FromPath[UUID],
    ) -> Redirect:
        enrolment = await get_enrolment(enrolment_id)
        form = await form_into(request, completion.OverrideForm)
        message = "Решение по правилам восстановлено" if form.outcome == completion.RULES else "Итог изменён"
        with flashed(request, message):
            await completion.override(actor, school_access, enrolment_id, form)
        return see_other(f"/school/teaching/cohorts/{enrolment.cohort_id}#results")

    @post("/teaching/enrolments/{enrolment_id:uuid}/credit", guards=[allow(*TEACHERS)])
    async def credit(
        self,
        request: Request[Any, Any, Any],
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        enrolment_id: FromPath[UUID],
    ) -> Redirect:
        enrolment = await get_enrolment(enrolment_id)
        form = await form_into(request, assessment.GradeForm)
        with flashed(request, "Зачёт записан"):
            await assessment.set_credit(actor, school_access, enrolment_id, form)
        return see_other(f"/school/teaching/cohorts/{enrolment.cohort_id}#results")

    @post("/teaching/attempts/{attempt_id:uuid}/grade", guards=[allow(*TEACHERS)])
    async def grade(
        self,
        request: Request[Any, Any, Any],
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        attempt_id: FromPath[UUID],
    ) -> Redirect:
        attempt = await assessment.get_attempt(attempt_id)
        form = await form_into(request, assessment.GradeForm)
        with flashed(request, "Работа оценена"):
            await assessment.grade_assignment(actor, school_access, attempt_id, form)
        return see_other(f"/school/teaching/cohorts/{attempt.cohort_id}#results")

    @get("/teaching/attempts/{attempt_id:uuid}/file", guards=[allow(*TEACHERS)])
    async def attempt_file(
        self, school_access: NamedDependency[SchoolAccess], actor: NamedDependency[Actor], attempt_id: FromPath[UUID]
    ) -> Response[bytes]:
        attempt = await assessment.get_attempt(attempt_id)
        await sessions.teaching(school_access, attempt.cohort_id)
        data, filename, content_type = await assessment.attempt_file(attempt_id)
        enrolment = await get_enrolment(attempt.enrolment_id)
        await audit(actor, "view", enrolment.person_id, "итоговое задание", organization_id=enrolment.organization_id)
        return Response(
            data,
            media_type=content_type or "application/octet-stream",
            headers=download_headers(filename or "работа"),
        )

    # Sessions ---------------------------------------------------------------------------------------------------

    async def _session_page(self, school_access: SchoolAccess, actor: Actor, session_id: UUID) -> Template:
        session, taught = await sessions.session_for_teaching(school_access, session_id)
        marks = await attendance.marks_of(session)
        await _audit_marks(actor, marks)
        return page(
            "school/session.html",
            session=session,
            cohort=taught.cohort,
            marks=marks,
            counts={status: sum(1 for m in marks if m.status == status) for status in ("present", "late", "absent")},
            unmarked=sum(1 for m in marks if m.status is None),
            labels=ATTENDANCE_LABELS,
            reasons=attendance.REASON_KINDS,
            checkin_open=session.checkin_open(clock.now()),
            row_errors={},
            now=clock.now(),
        )

    @get("/sessions/{session_id:uuid}", guards=[allow(*TEACHERS)])
    async def session(
        self, school_access: NamedDependency[SchoolAccess], actor: NamedDependency[Actor], session_id: FromPath[UUID]
    ) -> Template:
        return await self._session_page(school_access, actor, session_id)

    @get("/sessions/{session_id:uuid}/edit", guards=[allow(*TEACHERS)])
    async def edit_form(self, school_access: NamedDependency[SchoolAccess], session_id: FromPath[UUID]) -> Template:
        session, taught = await sessions.session_for_teaching(school_access, session_id)
        programme = await get_programme(taught.cohort.programme_id)
        return page(
            "school/session_edit.html",
            session=session,
            cohort=taught.cohort,
            modules=await modules_of(programme.id),
            form=sessions.SessionForm.of(session),
            errors={},
        )

    @post("/sessions/{session_id:uuid}/edit", guards=[allow(*TEACHERS)])
    async def edit(
        self, request: Request[Any, Any, Any], school_access: NamedDependency[SchoolAccess], session_id: FromPath[UUID]
    ) -> Template | Redirect:
        session, taught = await sessions.session_for_teaching(school_access, session_id)
        form = await form_into(request, sessions.SessionForm)
        try:
            await sessions.update_session(school_access, session_id, form)
        except ValidationFailed as exc:
            programme = await get_programme(taught.cohort.programme_id)
            return page(
                "school/session_edit.html",
                422,
                session=session,
                cohort=taught.cohort,
                modules=await modules_of(programme.id),
                form=form,
                errors=exc.errors,
            )
        flash(request, "Занятие сохранено", category="success")
        return see_other(f"/school/sessions/{session_id}")

    @post("/sessions/{session_id:uuid}/delete", guards=[allow(*TEACHERS)])
    async def remove(
        self, request: Request[Any, Any, Any], school_access: NamedDependency[SchoolAccess], session_id: FromPath[UUID]
    ) -> Redirect:
        try:
            cohort_id = await sessions.delete_session(school_access, session_id)
        except ValidationFailed as exc:
            flash_problem(request, exc)
            return see_other(f"/school/sessions/{session_id}/edit")
        flash(request, "Занятие удалено", category="success")
        return see_other(f"/school/teaching/cohorts/{cohort_id}")

    async def _marked(
        self,
        request: Request[Any, Any, Any],
        session_id: UUID,
        mark: attendance.Mark | None,
        error: ValidationFailed | None = None,
    ) -> Response[str] | Redirect:
        """htmx gets the participant's row re-rendered from the page's own block; a plain form goes back."""
        if _is_htmx(request) and mark is not None:
            session = await sessions.get_session(session_id)
            row = fragment(
                request,
                "school/session.html",
                "row",
                m=mark,
                session=session,
                labels=ATTENDANCE_LABELS,
                reasons=attendance.REASON_KINDS,
                row_errors=error.errors if error else {},
            )
            row.headers["HX-Trigger"] = "attendance-marked"  # the page's counts refresh themselves
            return row
        if error is not None:
            flash_problem(request, error)
        return see_other(f"/school/sessions/{session_id}")

    @post("/sessions/{session_id:uuid}/attendance/{enrolment_id:uuid}", guards=[allow(*TEACHERS)], status_code=200)
    async def mark(
        self,
        request: Request[Any, Any, Any],
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        session_id: FromPath[UUID],
        enrolment_id: FromPath[UUID],
    ) -> Response[str] | Redirect:
        form = await form_into(request, attendance.MarkForm)
        try:
            mark = await attendance.mark(actor, school_access, session_id, enrolment_id, form)
        except ValidationFailed as exc:
            session = await sessions.get_session(session_id)
            return await self._marked(request, session_id, await attendance.mark_of(session, enrolment_id), exc)
        return await self._marked(request, session_id, mark)

    @post("/sessions/{session_id:uuid}/attendance/{enrolment_id:uuid}/tap", guards=[allow(*TEACHERS)], status_code=200)
    async def tap(
        self,
        request: Request[Any, Any, Any],
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        session_id: FromPath[UUID],
        enrolment_id: FromPath[UUID],
    ) -> Response[str] | Redirect:
        mark = await attendance.tap(actor, school_access, session_id, enrolment_id)
        return await self._marked(request, session_id, mark)

    @post("/sessions/{session_id:uuid}/checkin", guards=[allow(*TEACHERS)])
    async def open_checkin(
        self, request: Request[Any, Any, Any], school_access: NamedDependency[SchoolAccess], session_id: FromPath[UUID]
    ) -> Redirect:
        hours = str((await request.form()).get("hours", ""))
        try:
            await sessions.open_checkin(school_access, session_id, hours)
        except ValidationFailed as exc:
            flash_problem(request, exc)
            return see_other(f"/school/sessions/{session_id}")
        return see_other(f"/school/sessions/{session_id}/projector")

    @post("/sessions/{session_id:uuid}/checkin/close", guards=[allow(*TEACHERS)])
    async def close_checkin(
        self, request: Request[Any, Any, Any], school_access: NamedDependency[SchoolAccess], session_id: FromPath[UUID]
    ) -> Redirect:
        await sessions.close_checkin(school_access, session_id)
        flash(request, "Отметка по коду закрыта", category="success")
        return see_other(f"/school/sessions/{session_id}")

    @get("/sessions/{session_id:uuid}/projector", guards=[allow(*TEACHERS)])
    async def projector(
        self,
        school_access: NamedDependency[SchoolAccess],
        settings: NamedDependency[Settings],
        session_id: FromPath[UUID],
    ) -> Template:
        """The code and its QR, big, for the screen in the room."""
        session, taught = await sessions.session_for_teaching(school_access, session_id)
        is_open = session.checkin_open(clock.now())
        url = checkin_url(settings.base_url, session.checkin_code) if is_open else ""
        return page(
            "school/session_projector.html",
            session=session,
            cohort=taught.cohort,
            is_open=is_open,
            url=url,
            qr=qr_svg(url) if is_open else "",
        )

    # The participant ---------------------------------------------------------------------------------------------

    @get("/checkin", guards=[allow(*PARTICIPANTS)])
    async def checkin_page(self, code: FromQuery[str] = "") -> Template:
        """The QR link carries the code into the form: one tap marks the participant (a GET never changes data)."""
        return page("school/teaching_checkin.html", code=code[:8], errors={}, done=None)

    @post("/checkin", guards=[allow(*PARTICIPANTS)])
    async def checkin(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        redis: NamedDependency[ArqRedis],
    ) -> Template | Redirect:
        code = str((await request.form()).get("code", ""))
        return await self._check_in(request, principal, actor, redis, code)

    async def _check_in(
        self, request: Request[Any, Any, Any], principal: Principal, actor: Actor, redis: ArqRedis, code: str
    ) -> Template | Redirect:
        try:
            done = await check_in_limited(redis, principal, actor, request, code)
        except ValidationFailed as exc:
            status = 429 if exc.errors.get("code", "").startswith("Слишком") else 422
            return page("school/teaching_checkin.html", status, code=code, errors=exc.errors, done=None)
        return page("school/teaching_checkin.html", code="", errors={}, done=done)

    @get("/my", guards=[allow(*PARTICIPANTS)])
    async def my(self, principal: NamedDependency[Principal]) -> Template:
        enrolled = await _participant(principal)
        today = clock.today()
        now = clock.now()
        rows = []
        for enrolment in enrolled:
            cohort = await get_cohort(enrolment.cohort_id)
            programme = await get_programme(cohort.programme_id)
            upcoming = [s for s in await sessions.sessions_of(cohort.id) if s.starts_at >= now][:3]
            rows.append((enrolment, cohort, programme, upcoming, cohort.stage(today)))
        return page("school/teaching_my.html", rows=rows, now=now)

    @get("/my/enrolments/{enrolment_id:uuid}", guards=[allow(*PARTICIPANTS)])
    async def my_enrolment(self, principal: NamedDependency[Principal], enrolment_id: FromPath[UUID]) -> Template:
        return await _my_enrolment_page(principal, enrolment_id, {})

    @get("/my/enrolments/{enrolment_id:uuid}/test", guards=[allow(*PARTICIPANTS)])
    async def test_form(self, principal: NamedDependency[Principal], enrolment_id: FromPath[UUID]) -> Template:
        return await _test_page(principal, enrolment_id, {}, {})

    @post("/my/enrolments/{enrolment_id:uuid}/test", guards=[allow(*PARTICIPANTS)])
    async def take_test(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        enrolment_id: FromPath[UUID],
    ) -> Template | Redirect:
        enrolment = await _own_enrolment(principal, enrolment_id)
        cohort = await get_cohort(enrolment.cohort_id)
        questions = await assessment.questions_of(cohort.programme_id)
        answers = assessment.answers_from(await request.form(), questions)
        try:
            attempt = await assessment.take_test(actor, enrolment, answers)
        except ValidationFailed as exc:
            return await _test_page(principal, enrolment_id, answers, exc.errors)
        result = "тест сдан" if attempt.passed else "тест не сдан"
        flash(
            request,
            f"Результат: {str(attempt.score_pct).replace('.', ',')} % — {result}",
            "success" if attempt.passed else "error",
        )
        return see_other(f"/school/my/enrolments/{enrolment_id}")

    @post("/my/enrolments/{enrolment_id:uuid}/assignment", guards=[allow(*PARTICIPANTS)], opt=ASSIGNMENT_UPLOAD)
    async def submit_assignment(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        enrolment_id: FromPath[UUID],
    ) -> Template | Redirect:
        enrolment = await _own_enrolment(principal, enrolment_id)
        text = str((await request.form()).get("text", ""))
        try:
            uploaded = await read_upload(request)
            file = None
            if uploaded and uploaded[0]:
                data, filename = uploaded
                file = (data, filename, mimetypes.guess_type(filename)[0] or "application/octet-stream")
            await assessment.submit_assignment(actor, enrolment, text, file)
        except ValidationFailed as exc:
            status = 413 if isinstance(exc, UploadTooLarge) else 422
            return await _my_enrolment_page(principal, enrolment_id, exc.errors, text, status)
        flash(request, "Работа отправлена преподавателю", category="success")
        return see_other(f"/school/my/enrolments/{enrolment_id}")


async def check_in_limited(
    redis: ArqRedis, principal: Principal, actor: Actor, request: Request[Any, Any, Any], code: str
) -> attendance.CheckIn:
    """The limit counts wrong and expired codes per account and per address, so six digits cannot be guessed."""
    limiter, ip, key = checkin_limiter(redis), client_address(request.scope, "unknown"), str(principal.user_id)
    if wait := await limiter.retry_after(key, ip):
        raise ValidationFailed({"code": _wait(wait)})
    try:
        return await attendance.check_in(actor, await _participant(principal), code)
    except ValidationFailed:
        await limiter.failed(key, ip)
        raise


async def _audit_marks(actor: Actor, marks: list[attendance.Mark]) -> None:
    await audit_many(actor, "view", [(m.organization_id, m.person_id, "посещаемость школы наставников") for m in marks])


async def _audit_verdicts(actor: Actor, verdicts: list[completion.Verdict]) -> None:
    await audit_many(
        actor, "view", [(v.organization_id, v.person_id, "итоги обучения школы наставников") for v in verdicts]
    )


async def _my_enrolment_page(
    principal: Principal, enrolment_id: UUID, errors: dict[str, str], text: str = "", status: int = 200
) -> Template:
    enrolment = await _own_enrolment(principal, enrolment_id)
    cohort = await get_cohort(enrolment.cohort_id)
    programme = await get_programme(cohort.programme_id)
    attempts = await assessment.attempts_of(enrolment.id)
    state = await assessment.quiz_state(enrolment, programme) if programme.assessment == Assessment.test else None
    return page(
        "school/teaching_my_enrolment.html",
        422 if errors and status == 200 else status,
        enrolment=enrolment,
        cohort=cohort,
        programme=programme,
        school=await get_school(cohort.school_id),
        trainers=await trainers_of(cohort.id),
        marks=await attendance.attendance_of(enrolment.id),
        attempts=attempts,
        quiz=state,
        passed=assessment.passed_by(programme, attempts),
        assessment_label=ASSESSMENT_LABELS[Assessment(programme.assessment)],
        errors=errors,
        text=text,
        now=clock.now(),
    )


async def _test_page(
    principal: Principal, enrolment_id: UUID, answers: dict[str, list[int]], errors: dict[str, str]
) -> Template:
    enrolment = await _own_enrolment(principal, enrolment_id)
    cohort = await get_cohort(enrolment.cohort_id)
    programme = await get_programme(cohort.programme_id)
    if programme.assessment != Assessment.test:
        raise NotFound()
    return page(
        "school/test.html",
        422 if errors else 200,
        enrolment=enrolment,
        cohort=cohort,
        programme=programme,
        quiz=await assessment.quiz_state(enrolment, programme),
        answers=answers,
        errors=errors,
    )


# API ------------------------------------------------------------------------------------------------------------


class SessionIn(msgspec.Struct, kw_only=True):
    title: str = ""
    module_id: str = ""
    starts_on: str = ""  # ГГГГ-ММ-ДД or дд.мм.гггг
    starts_time: str = ""  # ЧЧ:ММ
    hours: str | float = ""
    place: str = ""

    def form(self) -> sessions.SessionForm:
        return sessions.SessionForm(
            self.title, self.module_id, self.starts_on, self.starts_time, str(self.hours), self.place
        )


class MarkIn(msgspec.Struct, kw_only=True):
    status: str = ""  # present | late | absent | clear
    minutes_late: int | None = None
    reason_kind: str = ""  # excused | unexcused
    reason: str = ""


class CheckinIn(msgspec.Struct, kw_only=True):
    code: str = ""


class AnswersIn(msgspec.Struct, kw_only=True):
    answers: dict[str, list[int]] = {}  # question id → the chosen option indexes


class AttemptOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    kind: str
    score_pct: str | None
    passed: bool | None
    comment: str
    submitted_at: datetime

    @classmethod
    def of(cls, a: assessment.AttemptRecord) -> AttemptOut:
        score = None if a.score_pct is None else str(a.score_pct)
        return cls(
            id=a.id, kind=a.kind, score_pct=score, passed=a.passed, comment=a.comment, submitted_at=a.submitted_at
        )


class OpenCheckinIn(msgspec.Struct, kw_only=True):
    hours: str | float = ""


class CompletionIn(msgspec.Struct, kw_only=True):
    early: bool = False  # decide before the cohort's end


class OutcomeIn(msgspec.Struct, kw_only=True):
    outcome: str = ""  # completed | not_completed | rules (undo the override)
    reason: str = ""


class SessionOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    cohort_id: UUID
    module_id: UUID | None
    title: str
    starts_at: datetime
    hours: str
    place: str
    marked: int
    checkin_open: bool
    checkin_code: str
    checkin_until: datetime | None

    @classmethod
    def of(cls, s: sessions.SessionRecord) -> SessionOut:
        is_open = s.checkin_open(clock.now())
        return cls(
            id=s.id,
            cohort_id=s.cohort_id,
            module_id=s.module_id,
            title=s.title,
            starts_at=s.starts_at,
            hours=str(s.hours),
            place=s.place,
            marked=s.marked,
            checkin_open=is_open,
            checkin_code=s.checkin_code if is_open else "",
            checkin_until=s.checkin_until if is_open else None,
        )


class MarkOut(msgspec.Struct, frozen=True, kw_only=True):
    enrolment_id: UUID
    full_name: str
    organization_name: str
    status: str | None
    minutes_late: int | None
    reason: str
    via: str | None
    marked_at: datetime | None

    @classmethod
    def of(cls, m: attendance.Mark) -> MarkOut:
        return cls(
            enrolment_id=m.enrolment_id,
            full_name=m.full_name,
            organization_name=m.organization_name,
            status=m.status,
            minutes_late=m.minutes_late,
            reason=m.reason,
            via=m.via,
            marked_at=m.marked_at,
        )


class CheckinOut(msgspec.Struct, frozen=True, kw_only=True):
    session_id: UUID
    session_title: str
    status: str
    minutes_late: int | None
    already: bool
    message: str


class VerdictOut(msgspec.Struct, frozen=True, kw_only=True):
    enrolment_id: UUID
    full_name: str
    organization_name: str
    attended: int
    held: int
    share_pct: str
    hours_attended: str
    assessment_passed: bool | None
    meets_rules: bool
    failures: list[str]
    outcome: str | None
    overridden: bool
    outcome_reason: str

    @classmethod
    def of(cls, v: completion.Verdict) -> VerdictOut:
        return cls(
            enrolment_id=v.enrolment_id,
            full_name=v.full_name,
            organization_name=v.organization_name,
            attended=v.attended,
            held=v.held,
            share_pct=str(v.share_pct),
            hours_attended=str(v.hours_attended),
            assessment_passed=v.assessment_passed,
            meets_rules=v.meets_rules,
            failures=v.failures,
            outcome=v.outcome,
            overridden=v.overridden,
            outcome_reason=v.outcome_reason,
        )


class TeachingApi(Controller):
    path = "/school"
    tags = ["Школа наставников: занятия"]

    @get("/cohorts/{cohort_id:uuid}/sessions", guards=[allow(*TEACHERS)])
    async def list_sessions(
        self, school_access: NamedDependency[SchoolAccess], cohort_id: FromPath[UUID]
    ) -> list[SessionOut]:
        await sessions.teaching(school_access, cohort_id)
        return [SessionOut.of(s) for s in await sessions.sessions_of(cohort_id)]

    @post("/cohorts/{cohort_id:uuid}/sessions", guards=[allow(*TEACHERS)])
    async def create_session(
        self, school_access: NamedDependency[SchoolAccess], cohort_id: FromPath[UUID], data: JSONBody[SessionIn]
    ) -> SessionOut:
        """`title` (or a `module_id` to take it from), `starts_on`, `starts_time`, `hours`, `place`."""
        session_id = await sessions.create_session(school_access, cohort_id, data.form())
        return SessionOut.of(await sessions.get_session(session_id))

    @put("/sessions/{session_id:uuid}", guards=[allow(*TEACHERS)])
    async def update_session(
        self, school_access: NamedDependency[SchoolAccess], session_id: FromPath[UUID], data: JSONBody[SessionIn]
    ) -> SessionOut:
        await sessions.update_session(school_access, session_id, data.form())
        return SessionOut.of(await sessions.get_session(session_id))

    @delete("/sessions/{session_id:uuid}", guards=[allow(*TEACHERS)], status_code=204)
    async def delete_session(self, school_access: NamedDependency[SchoolAccess], session_id: FromPath[UUID]) -> None:
        await sessions.delete_session(school_access, session_id)

    @post("/sessions/{session_id:uuid}/checkin", guards=[allow(*TEACHERS)])
    async def open_checkin(
        self, school_access: NamedDependency[SchoolAccess], session_id: FromPath[UUID], data: JSONBody[OpenCheckinIn]
    ) -> SessionOut:
        """Opens check-in by a fresh code for `hours` (2 unless given)."""
        return SessionOut.of(await sessions.open_checkin(school_access, session_id, str(data.hours)))

    @get("/sessions/{session_id:uuid}/attendance", guards=[allow(*TEACHERS)])
    async def attendance_list(
        self, school_access: NamedDependency[SchoolAccess], actor: NamedDependency[Actor], session_id: FromPath[UUID]
    ) -> list[MarkOut]:
        session, _ = await sessions.session_for_teaching(school_access, session_id)
        marks = await attendance.marks_of(session)
        await _audit_marks(actor, marks)
        return [MarkOut.of(m) for m in marks]

    @put("/sessions/{session_id:uuid}/attendance/{enrolment_id:uuid}", guards=[allow(*TEACHERS)])
    async def mark(
        self,
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        session_id: FromPath[UUID],
        enrolment_id: FromPath[UUID],
        data: JSONBody[MarkIn],
    ) -> MarkOut:
        """`status`: present, late (with `minutes_late`), absent (with `reason_kind` excused|unexcused and an
        optional `reason`), or clear."""
        form = attendance.MarkForm(
            status=data.status,
            minutes_late="" if data.minutes_late is None else str(data.minutes_late),
            reason_kind=data.reason_kind,
            reason=data.reason,
        )
        return MarkOut.of(await attendance.mark(actor, school_access, session_id, enrolment_id, form))

    @post("/checkin", guards=[allow(*PARTICIPANTS)], status_code=200)
    async def checkin(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        redis: NamedDependency[ArqRedis],
        data: JSONBody[CheckinIn],
    ) -> CheckinOut:
        """The participant's own mark by the session's `code`; late after start + 15 minutes."""
        try:
            done = await check_in_limited(redis, principal, actor, request, data.code)
        except ValidationFailed as exc:
            message = exc.errors.get("code", "")
            if message.startswith("Слишком"):
                raise HTTPException(status_code=429, detail=message, extra={"errors": exc.errors}) from None
            raise
        return CheckinOut(
            session_id=done.session_id,
            session_title=done.session_title,
            status=done.status,
            minutes_late=done.minutes_late,
            already=done.already,
            message=done.message,
        )

    @post("/enrolments/{enrolment_id:uuid}/test", guards=[allow(*PARTICIPANTS)], status_code=200)
    async def take_test(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        enrolment_id: FromPath[UUID],
        data: JSONBody[AnswersIn],
    ) -> AttemptOut:
        """The participant's own attempt: `answers` maps each question's id to the chosen option indexes (from 0);
        scored at once, all or nothing per question."""
        enrolment = await _own_enrolment(principal, enrolment_id)
        try:
            return AttemptOut.of(await assessment.take_test(actor, enrolment, data.answers))
        except ValidationFailed as exc:  # the page's q_<id> is the body's answers.<id>
            errors = {key.replace("q_", "answers.", 1): text for key, text in exc.errors.items()}
            raise ValidationFailed(errors) from None

    @get("/cohorts/{cohort_id:uuid}/completion", guards=[allow(*TEACHERS)])
    async def verdicts(
        self, school_access: NamedDependency[SchoolAccess], actor: NamedDependency[Actor], cohort_id: FromPath[UUID]
    ) -> list[VerdictOut]:
        taught = await sessions.teaching(school_access, cohort_id)
        found = await completion.verdicts(taught.cohort)
        await _audit_verdicts(actor, found)
        return [VerdictOut.of(v) for v in found]

    @post("/cohorts/{cohort_id:uuid}/completion", guards=[allow(*TEACHERS)], status_code=200)
    async def decide(
        self,
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        cohort_id: FromPath[UUID],
        data: JSONBody[CompletionIn],
    ) -> list[VerdictOut]:
        """Decides every participant not overridden by the rules; before the cohort's end only with `early`."""
        decided = await completion.decide_completion(actor, school_access, cohort_id, early=data.early)
        return [VerdictOut.of(v) for v in decided]

    @put("/enrolments/{enrolment_id:uuid}/outcome", guards=[allow(*TEACHERS)])
    async def outcome(
        self,
        school_access: NamedDependency[SchoolAccess],
        actor: NamedDependency[Actor],
        enrolment_id: FromPath[UUID],
        data: JSONBody[OutcomeIn],
    ) -> VerdictOut:
        """`outcome` completed | not_completed with a `reason`, or `rules` to undo the override."""
        form = completion.OverrideForm(outcome=data.outcome, reason=data.reason)
        return VerdictOut.of(await completion.override(actor, school_access, enrolment_id, form))


PAGES: list[Any] = [TeachingPages]
API: list[Any] = [TeachingApi]
