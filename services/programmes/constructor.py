"""The constructor of seed 003, step by step: each step's validation and what is still missing for approval."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from services.programmes.indicators import INDICATORS
from services.programmes.records import Owner, ProgrammeRecord, ResultRecord, records
from services.programmes.regional_catalogue import catalogue_choices, models_of_form
from services.programmes.tables import Programme, ProgrammeResult
from services.programmes.values import read_date, read_number, read_small_int, read_text
from shared.clock import now
from shared.errors import Errors, ValidationFailed

STEPS: dict[str, str] = {
    "problem": "Проблема",
    "goal": "Цель по SMART",
    "audience": "Целевая аудитория",
    "results": "Ожидаемые результаты",
    "implementers": "Реализаторы",
    "resources": "Ресурсы",
    "regulations": "Нормативная база",
    "forms": "Формы и правила",
}
SMART: dict[str, tuple[str, str]] = {
    "smart_specific": ("S — конкретность", "Что именно мы хотим достичь, улучшить, изменить? Наша ли это цель?"),
    "smart_measurable": ("M — измеримость", "Каким числом (абсолютным или в процентах) измерим результат?"),
    "smart_achievable": ("A — достижимость", "Сможем ли мы её достичь? Не слишком ли она сложная или лёгкая?"),
    "smart_relevant": ("R — важность", "Для чего нам нужен этот результат? Не противоречит ли цель другим задачам?"),
    "smart_time_bound": ("T — срок", "Сколько времени нужно, чтобы прийти к успеху? Когда будет результат?"),
}
MANUAL = "manual"
TEXT_STEPS: dict[str, tuple[str, str, int]] = {
    "problem": ("problem", "Опишите проблемную ситуацию, которую поможет решить программа", 20),
    "audience": ("audience", "Кому нужна эта программа? Опишите целевую аудиторию", 5),
    "implementers": ("implementers", "Кто будет реализовывать программу, какая структура, кто соорганизаторы?", 5),
    "resources": ("resources", "Какие ресурсы есть и какие нужны?", 5),
    "regulations": ("regulations", "Перечислите документы, на которые опирается программа", 5),
}


@dataclass
class GoalForm:
    goal: str = ""
    smart_specific: str = ""
    smart_measurable: str = ""
    smart_achievable: str = ""
    smart_relevant: str = ""
    smart_time_bound: str = ""
    target_indicator: str = ""
    target_title: str = ""
    target_baseline: str = ""
    target_value: str = ""
    target_deadline: str = ""


@dataclass
class ResultRow:
    indicator: str = ""
    title: str = ""
    baseline: str = ""
    target: str = ""
    manual_value: str = ""


@dataclass
class FormsForm:
    form_ids: list[str] = field(default_factory=list)
    role_model_ids: list[str] = field(default_factory=list)
    max_mentees_per_mentor: str = "2"
    group_work: bool = False
    max_pair_months: str = "12"


@dataclass(frozen=True)
class GoalValues:
    goal: str
    smart_specific: str
    smart_measurable: str
    smart_achievable: str
    smart_relevant: str
    smart_time_bound: str
    target_indicator: str
    target_title: str
    target_baseline: Decimal | None
    target_value: Decimal
    target_deadline: date


def clean_goal(form: GoalForm, programme: ProgrammeRecord) -> GoalValues:
    """A SMART goal is refused without every letter answered and a measurable target with a deadline."""
    errors = Errors()
    goal = read_text(errors, "goal", form.goal, "Сформулируйте цель программы")
    unanswered = "Ответьте на вопрос этой буквы SMART"
    smart = {name: read_text(errors, name, getattr(form, name), unanswered) for name in SMART}
    indicator = form.target_indicator.strip()
    if indicator not in INDICATORS and indicator != MANUAL:
        errors.add("target_indicator", "Выберите показатель, которым измеряется цель")
    title = form.target_title.strip()
    if indicator == MANUAL and not title:
        errors.add("target_title", "Назовите показатель, который будете считать сами")
    baseline = read_number(errors, "target_baseline", form.target_baseline)
    target = read_number(errors, "target_value", form.target_value, required=True)
    if target is not None and target == baseline:
        errors.add("target_value", "Целевое значение должно отличаться от исходного")
    deadline = read_date(errors, "target_deadline", form.target_deadline)
    if deadline and not programme.starts_on < deadline <= programme.ends_on:
        errors.add("target_deadline", "Срок достижения цели должен лежать в периоде программы")
    errors.raise_if_any()
    assert target is not None and deadline is not None
    return GoalValues(
        goal=goal,
        **smart,
        target_indicator=indicator,
        target_title=title if indicator == MANUAL else INDICATORS.get(indicator, ""),
        target_baseline=baseline,
        target_value=target,
        target_deadline=deadline,
    )


@dataclass(frozen=True)
class ResultValues:
    position: int
    indicator: str
    title: str
    baseline: Decimal | None
    target: Decimal | None
    manual_value: Decimal | None


def clean_results(rows: list[ResultRow], qualitative: str) -> tuple[list[ResultValues], str]:
    errors = Errors()
    cleaned: list[ResultValues] = []
    for n, row in enumerate(rows):
        if not (row.indicator or row.title.strip() or row.target.strip()):
            continue  # an empty line of the form
        if row.indicator not in INDICATORS and row.indicator != MANUAL:
            errors.add(f"results.{n}.indicator", "Выберите показатель")
        title = row.title.strip() if row.indicator == MANUAL else INDICATORS.get(row.indicator, "")
        if not title:
            errors.add(f"results.{n}.title", "Назовите показатель")
        cleaned.append(
            ResultValues(
                position=len(cleaned),
                indicator=row.indicator,
                title=title,
                baseline=read_number(errors, f"results.{n}.baseline", row.baseline),
                target=read_number(errors, f"results.{n}.target", row.target, required=True),
                manual_value=read_number(errors, f"results.{n}.manual_value", row.manual_value)
                if row.indicator == MANUAL
                else None,
            )
        )
    if not cleaned:
        errors.add("results", "Добавьте хотя бы один количественный результат")
    errors.raise_if_any()
    return cleaned, qualitative.strip()


@dataclass(frozen=True)
class FormsValues:
    form_ids: list[UUID]
    role_model_ids: list[UUID]
    max_mentees_per_mentor: int
    group_work: bool
    max_pair_months: int


async def clean_forms(form: FormsForm) -> FormsValues:
    errors = Errors()
    forms, models = await catalogue_choices()
    by_id = {str(f.id): f for f in forms}
    chosen = [by_id[i] for i in dict.fromkeys(form.form_ids) if i in by_id]
    if not chosen:
        errors.add("form_ids", "Выберите хотя бы одну форму наставничества")
    allowed = {str(m.id) for f in chosen for m in models_of_form(f, models)}
    picked = list(dict.fromkeys(form.role_model_ids))
    if any(m not in allowed for m in picked):
        errors.add("role_model_ids", "Ролевая модель должна относиться к выбранной форме")
    capacity = read_small_int(errors, "max_mentees_per_mentor", form.max_mentees_per_mentor, 1, 30)
    months = read_small_int(errors, "max_pair_months", form.max_pair_months, 1, 12)
    if capacity and capacity > 2 and not form.group_work:
        errors.add("max_mentees_per_mentor", "Больше двух наставляемых на наставника — только при групповой работе")
    errors.raise_if_any()
    assert capacity is not None and months is not None
    return FormsValues(
        form_ids=[f.id for f in chosen],
        role_model_ids=[UUID(m) for m in picked],
        max_mentees_per_mentor=capacity,
        group_work=form.group_work,
        max_pair_months=months,
    )


async def _update(programme_id: UUID, values: dict[Any, Any]) -> None:
    await Programme.update({**values, Programme.updated_at: now()}).where(Programme.id == programme_id).run()


async def save_text_step(programme: ProgrammeRecord, step: str, text: str) -> None:
    column, message, minimum = TEXT_STEPS[step]
    errors = Errors()
    value = read_text(errors, column, text, message, minimum=minimum)
    errors.raise_if_any()
    await _update(programme.id, {column: value})


async def save_goal(programme: ProgrammeRecord, form: GoalForm) -> None:
    await _update(programme.id, asdict(clean_goal(form, programme)))


async def save_results(programme: ProgrammeRecord, rows: list[ResultRow], qualitative: str) -> None:
    cleaned, qualitative_text = clean_results(rows, qualitative)
    await ProgrammeResult.delete().where(ProgrammeResult.programme_id == programme.id).run()
    for row in cleaned:
        await ProgrammeResult.insert(
            ProgrammeResult(
                region_id=programme.region_id,
                **Owner.of(programme).columns(),
                programme_id=programme.id,
                position=row.position,
                indicator=row.indicator,
                title=row.title,
                baseline=row.baseline,
                target=row.target,
                manual_value=row.manual_value,
            )
        ).run()
    await _update(programme.id, {"qualitative_results": qualitative_text})


async def save_forms(programme: ProgrammeRecord, form: FormsForm) -> None:
    await _update(programme.id, asdict(await clean_forms(form)))


async def results_of(programme_id: UUID) -> list[ResultRecord]:
    rows = (
        await ProgrammeResult.select()
        .where(ProgrammeResult.programme_id == programme_id)
        .order_by(ProgrammeResult.position)
        .run()
    )
    return records(rows, ResultRecord)


async def missing_steps(programme: ProgrammeRecord) -> list[str]:
    """The constructor's steps not yet filled in validly; a programme is approved only with none."""
    missing = []
    for step, (column, _, minimum) in TEXT_STEPS.items():
        if len(getattr(programme, column).strip()) < minimum:
            missing.append(step)
    try:
        clean_goal(GoalForm(**{f.name: _as_text(getattr(programme, f.name)) for f in fields(GoalForm)}), programme)
    except ValidationFailed:
        missing.append("goal")
    if not await results_of(programme.id):
        missing.append("results")
    if not programme.form_ids:
        missing.append("forms")
    return [step for step in STEPS if step in missing]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
