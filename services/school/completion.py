"""Who completed a cohort: the programme's rules (attendance share of the sessions held, hours attended, the
assessment passed) decide, the trainer or the runner overrides with a reason, and every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

import msgspec

from services.school.access import SchoolAccess
from services.school.assessment import attempts_of, passed_by
from services.school.records import (
    CohortRecord,
    EnrolmentRecord,
    ProgrammeRecord,
    enrolments_of,
    get_enrolment,
    get_programme,
    record,
)
from services.school.sessions import Teaching, recompute_hours, sessions_of, teaching
from services.school.tables import ASSESSMENT_LABELS, Assessment, Outcome
from shared import clock
from shared.actor import Actor
from shared.audit import audit
from shared.db import current_connection
from shared.errors import Errors, ValidationFailed
from shared.i18n import plural, sort_key

OUTCOME_LABELS = {Outcome.completed: "Завершил обучение", Outcome.not_completed: "Не завершил обучение"}
RULES = "rules"  # the override's outcome that hands the decision back to the rules


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    """One participant measured against the programme's rules; `failures` say in Russian which rule failed."""

    enrolment_id: UUID
    person_id: UUID
    organization_id: UUID
    full_name: str
    organization_name: str
    attended: int
    held: int
    share_pct: Decimal
    hours_attended: Decimal
    assessment_passed: bool | None
    failures: list[str]
    outcome: str | None  # as stored now
    overridden: bool
    outcome_reason: str

    @property
    def meets_rules(self) -> bool:
        return not self.failures

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[Outcome(self.outcome)] if self.outcome else "Итоги не подведены"


def _num(value: Decimal) -> str:
    """14,5 and 14 (not 14,0), as the pages write hours and shares."""
    return format(value.normalize(), "f").replace(".", ",")


def _pct(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal(0)
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


async def verdicts(cohort: CohortRecord, programme: ProgrammeRecord | None = None) -> list[Verdict]:
    programme = programme or await get_programme(cohort.programme_id)
    now = clock.now()
    held = [s for s in await sessions_of(cohort.id) if s.starts_at <= now]
    rows = await current_connection().fetch(
        """SELECT a.enrolment_id, count(*) AS attended FROM school_attendance a
           WHERE a.cohort_id = $1 AND a.status IN ('present', 'late') AND a.session_id = ANY($2::uuid[])
           GROUP BY a.enrolment_id""",
        cohort.id,
        [s.id for s in held],
    )
    attended = {r["enrolment_id"]: int(r["attended"]) for r in rows}
    result = []
    for enrolment in await enrolments_of(cohort.id):
        result.append(await _verdict(programme, enrolment, attended.get(enrolment.id, 0), len(held)))
    return sorted(result, key=lambda v: sort_key(v.full_name))


async def _verdict(programme: ProgrammeRecord, enrolment: EnrolmentRecord, attended: int, held: int) -> Verdict:
    failures = []
    share = _pct(attended, held)
    if held == 0 and programme.min_attendance_pct > 0:
        failures.append("Занятия ещё не проводились")
    elif share < programme.min_attendance_pct:
        failures.append(
            f"Посещаемость {_num(share)} % ({attended} из {held} {plural(held, 'занятия', 'занятий', 'занятий')}) — "
            f"нужно не меньше {programme.min_attendance_pct} %"
        )
    if enrolment.hours_attended < programme.min_hours:
        failures.append(f"Посещено {_num(enrolment.hours_attended)} ч — нужно не меньше {_num(programme.min_hours)} ч")
    passed: bool | None = None
    if programme.assessment != Assessment.none:
        passed = passed_by(programme, await attempts_of(enrolment.id))
        label = ASSESSMENT_LABELS[Assessment(programme.assessment)]
        if passed is None:
            failures.append(f"{label}: нет результата")
        elif not passed:
            failures.append(f"{label}: не сдан" if programme.assessment == Assessment.test else f"{label}: не зачтено")
    return Verdict(
        enrolment_id=enrolment.id,
        person_id=enrolment.person_id,
        organization_id=enrolment.organization_id,
        full_name=enrolment.full_name,
        organization_name=enrolment.organization_name,
        attended=attended,
        held=held,
        share_pct=share,
        hours_attended=enrolment.hours_attended,
        assessment_passed=passed,
        failures=failures,
        outcome=enrolment.outcome,
        overridden=enrolment.outcome_overridden,
        outcome_reason=enrolment.outcome_reason,
    )


def _completed_on(cohort: CohortRecord, today: date) -> date:
    """The cohort's end when it is over; the decision's date when the results come early."""
    return cohort.ends_on if today >= cohort.ends_on else today


async def _apply(cohort: CohortRecord, verdict: Verdict) -> str:
    outcome = Outcome.completed if verdict.meets_rules else Outcome.not_completed
    completed_on = _completed_on(cohort, clock.today()) if outcome == Outcome.completed else None
    await current_connection().execute(
        """UPDATE school_enrolment SET outcome = $2, completed_on = $3 WHERE id = $1 AND NOT outcome_overridden""",
        verdict.enrolment_id,
        outcome.value,
        completed_on,
    )
    return outcome.value


async def decide_completion(
    actor: Actor, access: SchoolAccess, cohort_id: UUID, *, early: bool = False
) -> list[Verdict]:
    """Every accepted participant not overridden gets the rules' outcome; before the cohort ends only when the
    caller confirms (`early`)."""
    taught = await teaching(access, cohort_id)
    cohort = taught.cohort
    if clock.today() <= cohort.ends_on and not early:
        raise ValidationFailed({"confirm": "Поток ещё не закончился: подтвердите, что итоги подводятся досрочно"})
    await current_connection().execute("SELECT 1 FROM school_cohort WHERE id = $1 FOR UPDATE", cohort.id)
    for enrolment in await enrolments_of(cohort.id):
        await recompute_hours(enrolment.id)
    decided = await verdicts(cohort)
    for verdict in decided:
        if verdict.overridden:
            continue
        outcome = await _apply(cohort, verdict)
        await audit(
            actor,
            "update",
            verdict.person_id,
            f"итог обучения в школе наставников по правилам: {outcome}",
            organization_id=verdict.organization_id,
        )
    return await verdicts(cohort)


@dataclass
class OverrideForm:
    outcome: str = ""  # completed | not_completed | rules (undo)
    reason: str = ""


async def override(actor: Actor, access: SchoolAccess, enrolment_id: UUID, form: OverrideForm) -> Verdict:
    """The trainer's or the runner's decision against the rules, with a mandatory reason; `rules` undoes it."""
    enrolment = await get_enrolment(enrolment_id)
    taught = await teaching(access, enrolment.cohort_id)
    if enrolment.state != "accepted":
        raise ValidationFailed({"outcome": "Участник не зачислен в поток"})
    outcome = form.outcome.strip()
    if outcome == RULES:
        return await undo_override(actor, taught, enrolment)
    errors = Errors()
    if outcome not in Outcome.__members__:
        errors.add("outcome", "Выберите итог: завершил или не завершил обучение")
    reason = form.reason.strip()
    if not reason:
        errors.add("reason", "Укажите причину решения")
    elif len(reason) > 1000:
        errors.add("reason", "Не длиннее 1000 символов")
    errors.raise_if_any()
    completed_on = _completed_on(taught.cohort, clock.today()) if outcome == Outcome.completed else None
    await current_connection().execute(
        """UPDATE school_enrolment SET outcome = $2, outcome_overridden = true, outcome_reason = $3, outcome_by = $4,
               outcome_at = now(), completed_on = $5 WHERE id = $1""",
        enrolment.id,
        outcome,
        reason,
        actor.user_id,
        completed_on,
    )
    await audit(
        actor,
        "update",
        enrolment.person_id,
        f"итог обучения в школе наставников изменён вручную: {outcome}",
        organization_id=enrolment.organization_id,
    )
    return await verdict_of(taught, enrolment.id)


async def undo_override(actor: Actor, taught: Teaching, enrolment: EnrolmentRecord) -> Verdict:
    """Back to the rules: in a cohort already decided the participant gets the rules' outcome, otherwise none yet."""
    db = current_connection()
    decided = await db.fetchval(
        """SELECT count(*) FROM school_enrolment
           WHERE cohort_id = $1 AND id <> $2 AND outcome IS NOT NULL AND NOT outcome_overridden""",
        enrolment.cohort_id,
        enrolment.id,
    )
    await db.execute(
        """UPDATE school_enrolment SET outcome_overridden = false, outcome_reason = '', outcome_by = NULL,
               outcome_at = NULL, outcome = NULL, completed_on = NULL WHERE id = $1""",
        enrolment.id,
    )
    if decided:
        await _apply(taught.cohort, await verdict_of(taught, enrolment.id))
    await audit(
        actor,
        "update",
        enrolment.person_id,
        "ручное решение об итоге обучения отменено",
        organization_id=enrolment.organization_id,
    )
    return await verdict_of(taught, enrolment.id)


async def verdict_of(taught: Teaching, enrolment_id: UUID) -> Verdict:
    found = next((v for v in await verdicts(taught.cohort) if v.enrolment_id == enrolment_id), None)
    if found is None:
        raise ValidationFailed({"outcome": "Участник не зачислен в поток"})
    return found


class Completion(msgspec.Struct, frozen=True, kw_only=True):
    """A participant who completed a cohort: what a certificate of the mentor school states."""

    enrolment_id: UUID
    person_id: UUID
    user_id: UUID | None
    organization_id: UUID
    full_name: str
    programme_title: str
    programme_hours: Decimal
    hours_attended: Decimal
    starts_on: date
    ends_on: date
    completed_on: date
    school_name: str
    signatory_name: str
    signatory_position: str


async def completed_of(cohort_id: UUID) -> list[Completion]:
    """The cohort's completed participants, by name (the certificates' order)."""
    rows = await current_connection().fetch(
        """SELECT e.id AS enrolment_id, e.person_id, e.user_id, e.organization_id, e.full_name,
                  p.title AS programme_title,
                  coalesce((SELECT sum(m.hours) FROM school_module m
                            WHERE m.region_id = p.region_id AND m.programme_id = p.id), 0) AS programme_hours,
                  e.hours_attended, c.starts_on, c.ends_on, e.completed_on,
                  s.name AS school_name, s.signatory_name, s.signatory_position
           FROM school_enrolment e
           JOIN school_cohort c ON c.region_id = e.region_id AND c.id = e.cohort_id
           JOIN school_programme p ON p.region_id = c.region_id AND p.id = c.programme_id
           JOIN mentor_school s ON s.region_id = p.region_id AND s.id = p.school_id
           WHERE e.cohort_id = $1 AND e.state = 'accepted' AND e.outcome = 'completed' AND e.completed_on IS NOT NULL
           ORDER BY e.full_name""",
        cohort_id,
    )
    return sorted((record(r, Completion) for r in rows), key=lambda c: sort_key(c.full_name))
