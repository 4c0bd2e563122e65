"""The programme's assessment: a test taken in the cabinet (auto-scored, pass mark, limited attempts), an
assignment the trainer grades, or the trainer's credit («зачтено»)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

import msgspec

from services.school.access import SchoolAccess
from services.school.records import EnrolmentRecord, ProgrammeRecord, get_enrolment, get_programme, record
from services.school.sessions import teaching
from services.school.tables import Assessment
from shared.actor import Actor
from shared.audit import audit
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed

MAX_TEXT = 20_000


class Question(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    position: int
    text: str
    multiple: bool
    options: list[str]
    correct: list[int]


class AttemptRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A test attempt, an assignment handed in, or the trainer's credit; passed None: not graded yet."""

    id: UUID
    cohort_id: UUID
    organization_id: UUID
    enrolment_id: UUID
    kind: str
    text: str
    filename: str
    content_type: str
    score_pct: Decimal | None
    passed: bool | None
    comment: str
    graded_by: UUID | None
    submitted_at: datetime
    graded_at: datetime | None


ATTEMPT_COLUMNS = ", ".join(f.name for f in msgspec.structs.fields(AttemptRecord))


def _json(value: Any) -> Any:
    """A jsonb value, whether the connection decodes it already or hands over its text."""
    return json.loads(value) if isinstance(value, str) else value


async def questions_of(programme_id: UUID) -> list[Question]:
    rows = await current_connection().fetch(
        "SELECT id, position, text, multiple, options, correct FROM school_question WHERE programme_id = $1"
        " ORDER BY position, text",
        programme_id,
    )
    return [
        Question(
            id=r["id"],
            position=r["position"],
            text=r["text"],
            multiple=r["multiple"],
            options=[str(o) for o in _json(r["options"])],
            correct=list(r["correct"]),
        )
        for r in rows
    ]


async def attempts_of(enrolment_id: UUID, kind: str | None = None) -> list[AttemptRecord]:
    rows = await current_connection().fetch(
        f"""SELECT {ATTEMPT_COLUMNS} FROM school_attempt WHERE enrolment_id = $1 AND ($2::text IS NULL OR kind = $2)
            ORDER BY submitted_at""",
        enrolment_id,
        kind,
    )
    return [record(r, AttemptRecord) for r in rows]


async def assignments_of(cohort_id: UUID) -> dict[UUID, list[AttemptRecord]]:
    """The cohort's assignments handed in, per enrolment, oldest first: what the trainer grades."""
    rows = await current_connection().fetch(
        f"""SELECT {ATTEMPT_COLUMNS} FROM school_attempt WHERE cohort_id = $1 AND kind = 'assignment'
            ORDER BY submitted_at""",
        cohort_id,
    )
    found: dict[UUID, list[AttemptRecord]] = {}
    for row in rows:
        attempt = record(row, AttemptRecord)
        found.setdefault(attempt.enrolment_id, []).append(attempt)
    return found


async def get_attempt(attempt_id: UUID) -> AttemptRecord:
    row = await current_connection().fetchrow(f"SELECT {ATTEMPT_COLUMNS} FROM school_attempt WHERE id = $1", attempt_id)
    if row is None:
        raise NotFound()
    return record(row, AttemptRecord)


async def attempt_file(attempt_id: UUID) -> tuple[bytes, str, str]:
    row = await current_connection().fetchrow(
        "SELECT data, filename, content_type FROM school_attempt WHERE id = $1 AND data IS NOT NULL", attempt_id
    )
    if row is None:
        raise NotFound()
    return bytes(row["data"]), row["filename"], row["content_type"]


def passed_by(programme: ProgrammeRecord, attempts: list[AttemptRecord]) -> bool | None:
    """Whether the assessment is passed: a test by any passed attempt, an assignment or a credit by its latest
    grade; None while nothing is graded (and for a programme without assessment)."""
    if programme.assessment == Assessment.none:
        return None
    own = [a for a in attempts if a.kind == programme.assessment]
    if programme.assessment == Assessment.test:
        return True if any(a.passed for a in own) else (False if own else None)
    graded = [a for a in own if a.passed is not None]
    return graded[-1].passed if graded else None


def score(questions: list[Question], answers: dict[str, list[int]]) -> Decimal:
    """All or nothing per question: the chosen options must be exactly the right ones."""
    right = sum(1 for q in questions if sorted(set(answers.get(str(q.id), []))) == sorted(q.correct))
    return (Decimal(right * 100) / Decimal(len(questions))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class QuizState:
    """What the participant's test page needs: the questions, the attempts so far, and whether another is allowed."""

    questions: list[Question]
    attempts: list[AttemptRecord]
    left: int
    passed: bool


async def quiz_state(enrolment: EnrolmentRecord, programme: ProgrammeRecord) -> QuizState:
    attempts = await attempts_of(enrolment.id, Assessment.test)
    return QuizState(
        questions=await questions_of(programme.id),
        attempts=attempts,
        left=max(programme.max_attempts - len(attempts), 0),
        passed=any(a.passed for a in attempts),
    )


def answers_from(form: Any, questions: list[Question]) -> dict[str, list[int]]:
    """The posted choices: `q_<question id>` once per chosen option index (radio or checkboxes)."""
    answers: dict[str, list[int]] = {}
    for q in questions:
        values = form.getall(f"q_{q.id}", []) if hasattr(form, "getall") else form.get(f"q_{q.id}", [])
        chosen: list[int] = []
        for value in values if isinstance(values, list) else [values]:
            try:
                chosen.append(int(str(value)))
            except ValueError:
                continue
        answers[str(q.id)] = chosen
    return answers


async def _lock(enrolment_id: UUID) -> None:
    """Two attempts sent at once must not both fit under the limit."""
    await current_connection().execute("SELECT 1 FROM school_enrolment WHERE id = $1 FOR UPDATE", enrolment_id)


async def take_test(actor: Actor, enrolment: EnrolmentRecord, answers: dict[str, list[int]]) -> AttemptRecord:
    cohort_programme = await _programme_of(enrolment)
    if cohort_programme.assessment != Assessment.test:
        raise NotFound()
    await _lock(enrolment.id)
    state = await quiz_state(enrolment, cohort_programme)
    if state.passed:
        raise ValidationFailed({"attempts": "Тест уже сдан"})
    if state.left <= 0:
        used = len(state.attempts)
        raise ValidationFailed(
            {"attempts": f"Попытки закончились: использовано {used} из {cohort_programme.max_attempts}"}
        )
    if not state.questions:
        raise ValidationFailed({"attempts": "В тесте пока нет вопросов"})
    errors = Errors()
    for q in state.questions:
        chosen = answers.get(str(q.id), [])
        if not chosen:
            errors.add(f"q_{q.id}", "Выберите ответ")
        elif any(not 0 <= i < len(q.options) for i in chosen):
            errors.add(f"q_{q.id}", "Такого варианта ответа нет")
        elif not q.multiple and len(chosen) > 1:
            errors.add(f"q_{q.id}", "Выберите один вариант")
    errors.raise_if_any()
    pct = score(state.questions, answers)
    passed = pct >= cohort_programme.pass_mark_pct
    clean = {str(q.id): sorted(set(answers[str(q.id)])) for q in state.questions}
    attempt_id = await current_connection().fetchval(
        """INSERT INTO school_attempt (region_id, school_id, cohort_id, organization_id, enrolment_id, kind, answers,
               score_pct, passed, graded_at)
           VALUES ($1, $2, $3, $4, $5, 'test', $6::jsonb, $7, $8, now()) RETURNING id""",
        enrolment.region_id,
        enrolment.school_id,
        enrolment.cohort_id,
        enrolment.organization_id,
        enrolment.id,
        json.dumps(clean),
        pct,
        passed,
    )
    await audit(
        actor,
        "create",
        enrolment.person_id,
        "попытка теста школы наставников",
        organization_id=enrolment.organization_id,
    )
    return await get_attempt(attempt_id)


async def _programme_of(enrolment: EnrolmentRecord) -> ProgrammeRecord:
    programme_id = await current_connection().fetchval(
        "SELECT programme_id FROM school_cohort WHERE id = $1", enrolment.cohort_id
    )
    if programme_id is None:
        raise NotFound()
    return await get_programme(programme_id)


async def submit_assignment(
    actor: Actor, enrolment: EnrolmentRecord, text: str, file: tuple[bytes, str, str] | None
) -> AttemptRecord:
    """The participant's work: a text, a file, or both; a new one only when the last was not accepted."""
    programme = await _programme_of(enrolment)
    if programme.assessment != Assessment.assignment:
        raise NotFound()
    await _lock(enrolment.id)
    earlier = await attempts_of(enrolment.id, Assessment.assignment)
    if any(a.passed for a in earlier):
        raise ValidationFailed({"text": "Итоговое задание уже зачтено"})
    if any(a.passed is None for a in earlier):
        raise ValidationFailed({"text": "Работа уже отправлена и ждёт проверки"})
    text = text.strip()
    if not text and file is None:
        raise ValidationFailed({"text": "Напишите ответ или приложите файл"})
    if len(text) > MAX_TEXT:
        raise ValidationFailed({"text": f"Не длиннее {MAX_TEXT} символов"})
    data, filename, content_type = file if file else (None, "", "")
    attempt_id = await current_connection().fetchval(
        """INSERT INTO school_attempt (region_id, school_id, cohort_id, organization_id, enrolment_id, kind, text,
               filename, content_type, data)
           VALUES ($1, $2, $3, $4, $5, 'assignment', $6, $7, $8, $9) RETURNING id""",
        enrolment.region_id,
        enrolment.school_id,
        enrolment.cohort_id,
        enrolment.organization_id,
        enrolment.id,
        text,
        filename[:200],
        content_type[:100],
        data,
    )
    await audit(
        actor,
        "create",
        enrolment.person_id,
        "итоговое задание школы наставников",
        organization_id=enrolment.organization_id,
    )
    return await get_attempt(attempt_id)


@dataclass
class GradeForm:
    passed: str = ""  # yes | no
    comment: str = ""


def _verdict(form: GradeForm) -> tuple[bool, str]:
    errors = Errors()
    if form.passed not in ("yes", "no"):
        errors.add("passed", "Выберите: зачтено или не зачтено")
    comment = form.comment.strip()
    if form.passed == "no" and not comment:
        errors.add("comment", "Напишите, что доработать")
    if len(comment) > 2000:
        errors.add("comment", "Не длиннее 2000 символов")
    errors.raise_if_any()
    return form.passed == "yes", comment


async def grade_assignment(actor: Actor, access: SchoolAccess, attempt_id: UUID, form: GradeForm) -> AttemptRecord:
    attempt = await get_attempt(attempt_id)
    await teaching(access, attempt.cohort_id)
    if attempt.kind != Assessment.assignment:
        raise NotFound()
    passed, comment = _verdict(form)
    await current_connection().execute(
        "UPDATE school_attempt SET passed = $2, comment = $3, graded_by = $4, graded_at = now() WHERE id = $1",
        attempt.id,
        passed,
        comment,
        actor.user_id,
    )
    enrolment = await get_enrolment(attempt.enrolment_id)
    await audit(
        actor, "update", enrolment.person_id, "оценка итогового задания", organization_id=enrolment.organization_id
    )
    return await get_attempt(attempt.id)


async def set_credit(actor: Actor, access: SchoolAccess, enrolment_id: UUID, form: GradeForm) -> AttemptRecord:
    """The trainer's «зачтено»/«не зачтено»; the latest one counts."""
    enrolment = await get_enrolment(enrolment_id)
    await teaching(access, enrolment.cohort_id)
    programme = await _programme_of(enrolment)
    if programme.assessment != Assessment.credit or enrolment.state != "accepted":
        raise NotFound()
    passed, comment = _verdict(form)
    attempt_id = await current_connection().fetchval(
        """INSERT INTO school_attempt (region_id, school_id, cohort_id, organization_id, enrolment_id, kind, passed,
               comment, graded_by, graded_at)
           VALUES ($1, $2, $3, $4, $5, 'credit', $6, $7, $8, now()) RETURNING id""",
        enrolment.region_id,
        enrolment.school_id,
        enrolment.cohort_id,
        enrolment.organization_id,
        enrolment.id,
        passed,
        comment,
        actor.user_id,
    )
    await audit(actor, "update", enrolment.person_id, "зачёт преподавателя", organization_id=enrolment.organization_id)
    return await get_attempt(attempt_id)


class Pending(msgspec.Struct, frozen=True, kw_only=True):
    """An assignment waiting for the trainer's grade."""

    attempt_id: UUID
    cohort_id: UUID
    cohort_title: str
    full_name: str
    submitted_at: datetime


async def to_grade(cohort_ids: list[UUID]) -> list[Pending]:
    rows = await current_connection().fetch(
        """SELECT a.id AS attempt_id, a.cohort_id, c.title AS cohort_title, e.full_name, a.submitted_at
           FROM school_attempt a
           JOIN school_enrolment e ON e.region_id = a.region_id AND e.id = a.enrolment_id
           JOIN school_cohort c ON c.region_id = a.region_id AND c.id = a.cohort_id
           WHERE a.cohort_id = ANY($1::uuid[]) AND a.kind = 'assignment' AND a.passed IS NULL
           ORDER BY a.submitted_at""",
        cohort_ids,
    )
    return [record(r, Pending) for r in rows]
