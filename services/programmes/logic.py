"""Programmes and their roadmaps: the constructor's steps with their validation, templates, progress, overdue events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta

from services.programmes import roadmap_templates
from services.programmes.indicators import INDICATORS
from services.programmes.tables import EventStatus, MentorshipForm, Programme, ProgrammeResult, RoadmapEvent, RoleModel
from services.registry import scan_type
from shared.actor import Actor
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import parse_date

STAGES: dict[int, str] = {
    1: "Подготовка условий для запуска программы наставничества",
    2: "Формирование базы наставляемых",
    3: "Формирование базы наставников",
    4: "Отбор и обучение наставников",
    5: "Формирование наставнических пар / групп",
    6: "Организация работы наставнических пар / групп",
    7: "Завершение наставничества",
}
STATUS_LABELS: dict[EventStatus, str] = {
    EventStatus.planned: "Запланировано",
    EventStatus.in_progress: "Выполняется",
    EventStatus.done: "Выполнено",
    EventStatus.cancelled: "Отменено",
}
# The constructor of seed 003, step by step.
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
DEFAULT_REGULATIONS = (
    "Распоряжение Министерства просвещения Российской Федерации от 25.12.2019 № Р-145 «Об утверждении методологии "
    "(целевой модели) наставничества обучающихся для организаций, осуществляющих образовательную деятельность по "
    "общеобразовательным, дополнительным общеобразовательным и программам среднего профессионального образования»\n"
    "Положение о наставничестве в организации"
)
MANUAL = "manual"


@dataclass(frozen=True)
class Owner:
    """Whose programme: an organization's, a municipality's, or (both None) the region's."""

    organization_id: UUID | None = None
    municipality_id: UUID | None = None

    @property
    def level(self) -> str:
        if self.organization_id:
            return "organization"
        return "municipality" if self.municipality_id else "region"

    @classmethod
    def of(cls, row: dict[str, Any]) -> Owner:
        return cls(row["organization_id"], row["municipality_id"])

    def columns(self) -> dict[str, Any]:
        return {"organization_id": self.organization_id, "municipality_id": self.municipality_id}


def _text(errors: Errors, name: str, value: str, message: str, *, minimum: int = 1) -> str:
    value = value.strip()
    if len(value) < minimum:
        errors.add(name, message)
    return value


def read_date(errors: Errors, name: str, text: str, *, required: bool = True) -> date | None:
    """Forms send дд.мм.гггг, the API ISO dates; both are accepted."""
    text = text.strip()
    if not text:
        if required:
            errors.add(name, "Укажите дату")
        return None
    try:
        return date.fromisoformat(text) if "-" in text else parse_date(text)
    except ValueError:
        errors.add(name, "Дата в формате дд.мм.гггг")
        return None


def read_number(errors: Errors, name: str, text: str, *, required: bool = False) -> Decimal | None:
    text = text.strip().replace(" ", "").replace(",", ".").rstrip("%")
    if not text:
        if required:
            errors.add(name, "Укажите число")
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.add(name, "Нужно число, например 25 или 12,5")
        return None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        errors.add(name, "Нужно число, например 25 или 12,5")
        return None
    return number


# Programmes -----------------------------------------------------------------------------------------


def school_year(day: date) -> tuple[date, date]:
    start = date(day.year if day.month >= 9 else day.year - 1, 9, 1)
    return start, date(start.year + 1, 8, 31)


@dataclass
class ProgrammeForm:
    title: str = ""
    starts_on: str = ""
    ends_on: str = ""
    template: str = ""


def clean_programme(form: ProgrammeForm, owner: Owner) -> dict[str, Any]:
    errors = Errors()
    title = _text(errors, "title", form.title, "Назовите программу")
    starts_on = read_date(errors, "starts_on", form.starts_on)
    ends_on = read_date(errors, "ends_on", form.ends_on)
    if starts_on and ends_on:
        if ends_on <= starts_on:
            errors.add("ends_on", "Окончание должно быть позже начала")
        elif owner.level == "organization" and ends_on > starts_on + relativedelta(years=1):
            errors.add("ends_on", "Программа организации составляется на учебный год: не дольше года")
    if form.template:
        try:
            roadmap_templates.template(form.template)
        except KeyError:
            errors.add("template", "Такого шаблона дорожной карты нет")
    errors.raise_if_any()
    return {"title": title, "starts_on": starts_on, "ends_on": ends_on}


async def create_programme(actor: Actor, owner: Owner, form: ProgrammeForm) -> UUID:
    values = clean_programme(form, owner)
    rows = (
        await Programme.insert(
            Programme(
                region_id=actor.region_id,
                **owner.columns(),
                **values,
                regulations=DEFAULT_REGULATIONS,
                form_ids=[],
                role_model_ids=[],
                max_mentees_per_mentor=2,
                group_work=False,
                max_pair_months=12,
                created_by=actor.user_id,
                created_at=now(),
                updated_at=now(),
            )
        )
        .returning(Programme.id)
        .run()
    )
    programme_id: UUID = rows[0]["id"]
    if form.template:
        await apply_template(programme_id, form.template)
    return programme_id


async def get_programme(programme_id: UUID, owner: Owner | None = None) -> dict[str, Any]:
    """RLS hides other tenants; `owner` narrows to the caller's own level: a region does not edit a school's."""
    row = await Programme.select().where(Programme.id == programme_id).first().run()
    if row is None or (owner is not None and Owner.of(row) != owner):
        raise NotFound()
    return row


async def list_programmes(owner: Owner) -> list[dict[str, Any]]:
    query = Programme.select(
        Programme.id, Programme.title, Programme.starts_on, Programme.ends_on, Programme.approved_order_id
    )
    query = query.where(
        Programme.organization_id.is_null()
        if owner.organization_id is None
        else Programme.organization_id == owner.organization_id
    )
    query = query.where(
        Programme.municipality_id.is_null()
        if owner.municipality_id is None
        else Programme.municipality_id == owner.municipality_id
    )
    return list(await query.order_by(Programme.starts_on, ascending=False).run())


async def current_programme(owner: Owner, on: date | None = None) -> dict[str, Any] | None:
    """The programme running on a day, else the latest one."""
    day = on or today()
    programmes = await list_programmes(owner)
    running = [p for p in programmes if p["starts_on"] <= day <= p["ends_on"]]
    found = running or programmes
    return found[0] if found else None


# The constructor ------------------------------------------------------------------------------------


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


TEXT_STEPS: dict[str, tuple[str, str, int]] = {
    "problem": ("problem", "Опишите проблемную ситуацию, которую поможет решить программа", 20),
    "audience": ("audience", "Кому нужна эта программа? Опишите целевую аудиторию", 5),
    "implementers": ("implementers", "Кто будет реализовывать программу, какая структура, кто соорганизаторы?", 5),
    "resources": ("resources", "Какие ресурсы есть и какие нужны?", 5),
    "regulations": ("regulations", "Перечислите документы, на которые опирается программа", 5),
}


def clean_goal(form: GoalForm, programme: dict[str, Any]) -> dict[str, Any]:
    """A SMART goal is refused without every letter answered and a measurable target with a deadline."""
    errors = Errors()
    values: dict[str, Any] = {"goal": _text(errors, "goal", form.goal, "Сформулируйте цель программы")}
    for name in SMART:
        values[name] = _text(errors, name, getattr(form, name), "Ответьте на вопрос этой буквы SMART")
    indicator = form.target_indicator.strip()
    if indicator not in INDICATORS and indicator != MANUAL:
        errors.add("target_indicator", "Выберите показатель, которым измеряется цель")
    title = form.target_title.strip()
    if indicator == MANUAL and not title:
        errors.add("target_title", "Назовите показатель, который будете считать сами")
    values["target_indicator"] = indicator
    values["target_title"] = title if indicator == MANUAL else INDICATORS.get(indicator, "")
    values["target_baseline"] = read_number(errors, "target_baseline", form.target_baseline)
    values["target_value"] = read_number(errors, "target_value", form.target_value, required=True)
    if values["target_value"] is not None and values["target_value"] == values["target_baseline"]:
        errors.add("target_value", "Целевое значение должно отличаться от исходного")
    deadline = read_date(errors, "target_deadline", form.target_deadline)
    if deadline and not programme["starts_on"] < deadline <= programme["ends_on"]:
        errors.add("target_deadline", "Срок достижения цели должен лежать в периоде программы")
    values["target_deadline"] = deadline
    errors.raise_if_any()
    return values


def clean_results(rows: list[ResultRow], qualitative: str) -> tuple[list[dict[str, Any]], str]:
    errors = Errors()
    cleaned: list[dict[str, Any]] = []
    for n, row in enumerate(rows):
        if not (row.indicator or row.title.strip() or row.target.strip()):
            continue  # an empty line of the form
        if row.indicator not in INDICATORS and row.indicator != MANUAL:
            errors.add(f"results.{n}.indicator", "Выберите показатель")
        title = row.title.strip() if row.indicator == MANUAL else INDICATORS.get(row.indicator, "")
        if not title:
            errors.add(f"results.{n}.title", "Назовите показатель")
        cleaned.append(
            {
                "position": len(cleaned),
                "indicator": row.indicator,
                "title": title,
                "baseline": read_number(errors, f"results.{n}.baseline", row.baseline),
                "target": read_number(errors, f"results.{n}.target", row.target, required=True),
                "manual_value": read_number(errors, f"results.{n}.manual_value", row.manual_value)
                if row.indicator == MANUAL
                else None,
            }
        )
    if not cleaned:
        errors.add("results", "Добавьте хотя бы один количественный результат")
    errors.raise_if_any()
    return cleaned, qualitative.strip()


async def catalogue_choices() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Forms and role models the scope sees: the built-in catalogue and the region's own additions."""
    forms = await MentorshipForm.select().order_by(MentorshipForm.position).order_by(MentorshipForm.title).run()
    models = await RoleModel.select().order_by(RoleModel.position).order_by(RoleModel.title).run()
    return list(forms), list(models)


def models_of_form(form_row: dict[str, Any], models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A variant (ученик – ученик) has no role models of its own: those of its general form apply."""
    owner_ids = {form_row["id"], form_row["parent_id"]}
    return [m for m in models if m["form_id"] in owner_ids]


async def clean_forms(form: FormsForm) -> dict[str, Any]:
    errors = Errors()
    forms, models = await catalogue_choices()
    by_id = {str(f["id"]): f for f in forms}
    chosen = [by_id[i] for i in dict.fromkeys(form.form_ids) if i in by_id]
    if not chosen:
        errors.add("form_ids", "Выберите хотя бы одну форму наставничества")
    allowed = {str(m["id"]) for f in chosen for m in models_of_form(f, models)}
    picked = list(dict.fromkeys(form.role_model_ids))
    if any(m not in allowed for m in picked):
        errors.add("role_model_ids", "Ролевая модель должна относиться к выбранной форме")
    capacity = _small_int(errors, "max_mentees_per_mentor", form.max_mentees_per_mentor, 1, 30)
    months = _small_int(errors, "max_pair_months", form.max_pair_months, 1, 12)
    if capacity and capacity > 2 and not form.group_work:
        errors.add("max_mentees_per_mentor", "Больше двух наставляемых на наставника — только при групповой работе")
    errors.raise_if_any()
    return {
        "form_ids": [f["id"] for f in chosen],
        "role_model_ids": [UUID(m) for m in picked],
        "max_mentees_per_mentor": capacity,
        "group_work": form.group_work,
        "max_pair_months": months,
    }


def _small_int(errors: Errors, name: str, text: str, low: int, high: int) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        errors.add(name, f"Целое число от {low} до {high}")
        return None
    if not low <= value <= high:
        errors.add(name, f"Целое число от {low} до {high}")
        return None
    return value


async def _update(programme_id: UUID, values: dict[Any, Any]) -> None:
    await Programme.update({**values, Programme.updated_at: now()}).where(Programme.id == programme_id).run()


async def save_text_step(programme: dict[str, Any], step: str, text: str) -> None:
    column, message, minimum = TEXT_STEPS[step]
    errors = Errors()
    value = _text(errors, column, text, message, minimum=minimum)
    errors.raise_if_any()
    await _update(programme["id"], {column: value})


async def save_goal(programme: dict[str, Any], form: GoalForm) -> None:
    await _update(programme["id"], clean_goal(form, programme))


async def save_results(programme: dict[str, Any], rows: list[ResultRow], qualitative: str) -> None:
    cleaned, qualitative_text = clean_results(rows, qualitative)
    await ProgrammeResult.delete().where(ProgrammeResult.programme_id == programme["id"]).run()
    for row in cleaned:
        await ProgrammeResult.insert(
            ProgrammeResult(
                region_id=programme["region_id"], **Owner.of(programme).columns(), programme_id=programme["id"], **row
            )
        ).run()
    await _update(programme["id"], {"qualitative_results": qualitative_text})


async def save_forms(programme: dict[str, Any], form: FormsForm) -> None:
    await _update(programme["id"], await clean_forms(form))


async def results_of(programme_id: UUID) -> list[dict[str, Any]]:
    rows = (
        await ProgrammeResult.select()
        .where(ProgrammeResult.programme_id == programme_id)
        .order_by(ProgrammeResult.position)
        .run()
    )
    return list(rows)


async def missing_steps(programme: dict[str, Any]) -> list[str]:
    """The constructor's steps not yet filled in validly; a programme is approved only with none."""
    missing = []
    for step, (column, _, minimum) in TEXT_STEPS.items():
        if len(programme[column].strip()) < minimum:
            missing.append(step)
    try:
        clean_goal(GoalForm(**{k: _as_text(programme[k]) for k in GoalForm.__dataclass_fields__}), programme)
    except ValidationFailed:
        missing.append("goal")
    if not await results_of(programme["id"]):
        missing.append("results")
    if not programme["form_ids"]:
        missing.append("forms")
    return [step for step in STEPS if step in missing]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# The roadmap ----------------------------------------------------------------------------------------


def month_dates(programme: dict[str, Any], first: int, last: int, anchor: int) -> tuple[date, date]:
    """Place a month range on the programme's calendar, counting months from the roadmap's first month."""
    start: date = programme["starts_on"]
    base = date(start.year if anchor >= start.month else start.year + 1, anchor, 1)
    begin = base + relativedelta(months=(first - anchor) % 12)
    end = begin + relativedelta(months=(last - first) % 12 + 1, days=-1)
    return begin, end


async def apply_template(programme_id: UUID, code: str) -> int:
    """Add a template's events to the roadmap; refused when the programme's period cannot hold them."""
    programme = await get_programme(programme_id)
    spec = roadmap_templates.template(code)
    events = []
    for stage in spec.stages:
        for position, event in enumerate(stage.events):
            first, last = roadmap_templates.month_range(event.months)
            begin, end = month_dates(programme, first, last, spec.first_month)
            events.append((stage.number, position, event, begin, end))
    latest = max(end for *_, end in events)
    if latest > programme["ends_on"] or min(begin for *_, begin, _ in events) < programme["starts_on"].replace(day=1):
        raise ValidationFailed(
            {"template": "Период программы не вмещает эту дорожную карту: выберите другой период или шаблон"}
        )
    owner = Owner.of(programme).columns()
    offset = await _last_position(programme_id)
    for stage_number, position, event, begin, end in events:
        await RoadmapEvent.insert(
            RoadmapEvent(
                region_id=programme["region_id"],
                **owner,
                programme_id=programme_id,
                stage=stage_number,
                position=offset + position + 1,
                title=event.title,
                period_label=event.months,
                starts_on=begin,
                ends_on=end,
                responsible=event.responsible,
                expected_result=event.result,
                status=EventStatus.planned,
                evidence_link="",
                evidence_note="",
                created_at=now(),
                updated_at=now(),
            )
        ).run()
    return len(events)


async def _last_position(programme_id: UUID) -> int:
    value = await current_connection().fetchval(
        "SELECT coalesce(max(position), 0) FROM roadmap_event WHERE programme_id = $1", programme_id
    )
    return int(value)


@dataclass
class EventForm:
    stage: str = "1"
    title: str = ""
    period_label: str = ""
    starts_on: str = ""
    ends_on: str = ""
    responsible: str = ""
    expected_result: str = ""


def clean_event(form: EventForm, programme: dict[str, Any]) -> dict[str, Any]:
    """A period is a month range («Октябрь–ноябрь») placed in the programme's year, or exact dates."""
    errors = Errors()
    stage = _small_int(errors, "stage", form.stage, 1, 7)
    title = _text(errors, "title", form.title, "Опишите мероприятие")
    label = " ".join(form.period_label.split())
    begin = read_date(errors, "starts_on", form.starts_on, required=not label)
    end = read_date(errors, "ends_on", form.ends_on, required=False) or begin
    if label and not form.starts_on.strip():
        try:
            first, last = roadmap_templates.month_range(label)
        except (KeyError, ValueError):
            errors.add("period_label", "Месяц или диапазон месяцев, например «Октябрь–ноябрь», или укажите даты")
        else:
            anchor = programme["starts_on"].month
            begin, end = month_dates(programme, first, last, anchor)
    if begin and end:
        if end < begin:
            errors.add("ends_on", "Окончание раньше начала")
        elif begin < programme["starts_on"].replace(day=1) or end > programme["ends_on"]:
            errors.add("starts_on" if form.starts_on.strip() else "period_label", "Срок вне периода программы")
    errors.raise_if_any()
    return {
        "stage": stage,
        "title": title,
        "period_label": label,
        "starts_on": begin,
        "ends_on": end,
        "responsible": form.responsible.strip(),
        "expected_result": form.expected_result.strip(),
    }


async def add_event(programme: dict[str, Any], form: EventForm) -> UUID:
    values = clean_event(form, programme)
    rows = (
        await RoadmapEvent.insert(
            RoadmapEvent(
                region_id=programme["region_id"],
                **Owner.of(programme).columns(),
                programme_id=programme["id"],
                position=await _last_position(programme["id"]) + 1,
                status=EventStatus.planned,
                evidence_link="",
                evidence_note="",
                created_at=now(),
                updated_at=now(),
                **values,
            )
        )
        .returning(RoadmapEvent.id)
        .run()
    )
    event_id: UUID = rows[0]["id"]
    return event_id


async def get_event(programme_id: UUID, event_id: UUID) -> dict[str, Any]:
    row = (
        await RoadmapEvent.select()
        .where((RoadmapEvent.id == event_id) & (RoadmapEvent.programme_id == programme_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return row


async def update_event(programme: dict[str, Any], event_id: UUID, form: EventForm) -> None:
    await get_event(programme["id"], event_id)
    values: dict[Any, Any] = clean_event(form, programme)
    await RoadmapEvent.update({**values, RoadmapEvent.updated_at: now()}).where(RoadmapEvent.id == event_id).run()


@dataclass
class ProgressForm:
    status: str = ""
    evidence_link: str = ""
    evidence_note: str = ""


async def set_progress(programme_id: UUID, event_id: UUID, form: ProgressForm, on: date | None = None) -> None:
    event = await get_event(programme_id, event_id)
    try:
        status = EventStatus(form.status)
    except ValueError:
        raise ValidationFailed({"status": "Выберите состояние мероприятия"}) from None
    link = form.evidence_link.strip()
    if link and not (link.startswith("/") or link.startswith("https://") or link.startswith("http://")):
        raise ValidationFailed({"evidence_link": "Ссылка на запись в системе (/…) или адрес https://…"})
    done_on = (event["done_on"] or on or today()) if status == EventStatus.done else None
    await (
        RoadmapEvent.update(
            {
                RoadmapEvent.status: status,
                RoadmapEvent.done_on: done_on,
                RoadmapEvent.evidence_link: link,
                RoadmapEvent.evidence_note: form.evidence_note.strip(),
                RoadmapEvent.updated_at: now(),
            }
        )
        .where(RoadmapEvent.id == event_id)
        .run()
    )


async def delete_event(programme_id: UUID, event_id: UUID) -> None:
    await get_event(programme_id, event_id)
    await RoadmapEvent.delete().where(RoadmapEvent.id == event_id).run()


def is_overdue(event: dict[str, Any], on: date) -> bool:
    return event["status"] in (EventStatus.planned, EventStatus.in_progress) and event["ends_on"] < on


@dataclass
class Stage:
    number: int
    title: str
    events: list[dict[str, Any]]
    done: int
    total: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


async def roadmap(programme_id: UUID, on: date | None = None) -> list[Stage]:
    """The seven stages with their events, progress (cancelled events do not count) and overdue flags."""
    day = on or today()
    rows = (
        await RoadmapEvent.select()
        .where(RoadmapEvent.programme_id == programme_id)
        .order_by(RoadmapEvent.stage)
        .order_by(RoadmapEvent.position)
        .run()
    )
    evidence = await evidence_by_event([r["id"] for r in rows])
    stages = []
    for number, title in STAGES.items():
        events = [
            {**r, "overdue": is_overdue(r, day), "files": evidence.get(r["id"], [])}
            for r in rows
            if r["stage"] == number
        ]
        counted = [e for e in events if e["status"] != EventStatus.cancelled]
        stages.append(
            Stage(
                number,
                title,
                events,
                done=sum(e["status"] == EventStatus.done for e in counted),
                total=len(counted),
                overdue=sum(e["overdue"] for e in events),
            )
        )
    return stages


async def evidence_by_event(event_ids: list[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    if not event_ids:
        return {}
    rows = await current_connection().fetch(
        """SELECT id, event_id, filename, uploaded_at FROM roadmap_evidence
           WHERE event_id = ANY($1::uuid[]) ORDER BY uploaded_at""",
        event_ids,
    )
    found: dict[UUID, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["event_id"], []).append(dict(row))
    return found


OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_FILE = 10 * 1024 * 1024


def file_type(data: bytes, filename: str) -> str:
    """By content: PDF, images, and Office documents (typed by extension once the ZIP signature matches)."""
    if not data:
        raise ValidationFailed({"file": "Выберите файл"})
    if len(data) > MAX_FILE:
        raise ValidationFailed({"file": "Файл больше 10 МБ"})
    kind = scan_type(data)  # PDF, PNG, JPEG, as for consent scans
    if kind is None and data.startswith(b"PK\x03\x04"):  # DOCX and XLSX are ZIP containers
        kind = next((t for ext, t in OFFICE_TYPES.items() if filename.lower().endswith(ext)), None)
    if kind is None:
        raise ValidationFailed({"file": "Нужен PDF, JPEG, PNG, DOCX или XLSX"})
    return kind


async def attach_evidence(programme_id: UUID, event_id: UUID, data: bytes, filename: str) -> UUID:
    event = await get_event(programme_id, event_id)
    content_type = file_type(data, filename)
    row = await current_connection().fetchrow(
        """INSERT INTO roadmap_evidence (region_id, organization_id, municipality_id, event_id, filename,
                                         content_type, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""",
        event["region_id"],
        event["organization_id"],
        event["municipality_id"],
        event_id,
        filename[-200:],
        content_type,
        data,
    )
    evidence_id: UUID = row["id"]
    return evidence_id


async def evidence_file(programme_id: UUID, event_id: UUID, evidence_id: UUID) -> dict[str, Any]:
    await get_event(programme_id, event_id)
    row = await current_connection().fetchrow(
        "SELECT filename, content_type, data FROM roadmap_evidence WHERE id = $1 AND event_id = $2",
        evidence_id,
        event_id,
    )
    if row is None:
        raise NotFound()
    return dict(row)


@dataclass
class Timeline:
    months: list[date]
    rows: list[dict[str, Any]]  # event, first column, span


def timeline(programme: dict[str, Any], stages: list[Stage]) -> Timeline:
    """The year at a glance: one column per month of the programme, each event a bar over its months."""
    first = programme["starts_on"].replace(day=1)
    months = []
    month = first
    while month <= programme["ends_on"]:
        months.append(month)
        month += relativedelta(months=1)

    def column(day: date) -> int:
        return (day.year - first.year) * 12 + day.month - first.month

    rows = []
    for stage in stages:
        for event in stage.events:
            start = max(0, column(event["starts_on"]))
            end = min(len(months) - 1, column(event["ends_on"]))
            rows.append({"event": event, "stage": stage.number, "start": start + 1, "span": max(1, end - start + 1)})
    return Timeline(months, rows)


# Coordinators' view ---------------------------------------------------------------------------------


async def programmes_overview(municipality_id: UUID | None, on: date | None = None) -> list[dict[str, Any]]:
    """Every organization of the scope with its current programme, approval and roadmap progress."""
    day = on or today()
    rows = await current_connection().fetch(
        """SELECT o.id AS organization_id, coalesce(nullif(o.short_name, ''), o.name) AS organization,
                  m.name AS municipality, p.id AS programme_id, p.title, p.starts_on, p.ends_on,
                  p.approved_order_id IS NOT NULL AS approved, p.registry_order_id IS NOT NULL AS registry_approved,
                  count(e.id) FILTER (WHERE e.status <> 'cancelled') AS events,
                  count(e.id) FILTER (WHERE e.status = 'done') AS done,
                  count(e.id) FILTER (WHERE e.status IN ('planned', 'in_progress') AND e.ends_on < $2) AS overdue
           FROM organization o
           JOIN municipality m ON m.region_id = o.region_id AND m.id = o.municipality_id
           LEFT JOIN LATERAL (
               SELECT * FROM programme p WHERE p.region_id = o.region_id AND p.organization_id = o.id
               ORDER BY (p.starts_on <= $2 AND $2 <= p.ends_on) DESC, p.starts_on DESC LIMIT 1) p ON true
           LEFT JOIN roadmap_event e ON e.region_id = p.region_id AND e.programme_id = p.id
           WHERE o.kind <> 'municipal_body' AND ($1::uuid IS NULL OR o.municipality_id = $1)
           GROUP BY o.region_id, o.id, m.name, m.sort_key, p.id, p.title, p.starts_on, p.ends_on,
                    p.approved_order_id, p.registry_order_id
           ORDER BY m.sort_key, o.sort_key""",
        municipality_id,
        day,
    )
    return [dict(r) for r in rows]


# The catalogue --------------------------------------------------------------------------------------


@dataclass
class CatalogueForm:
    title: str = ""
    parent_id: str = ""
    goal: str = ""
    mentor_portrait: str = ""
    mentee_portrait: str = ""
    mentor_categories: list[str] = field(default_factory=list)
    mentee_categories: list[str] = field(default_factory=list)


async def add_form(actor: Actor, form: CatalogueForm) -> UUID:
    """A region's own form, beside the built-in ones."""
    from services.registry import CATEGORY_LABELS

    errors = Errors()
    title = _text(errors, "title", form.title, "Назовите форму, например «студент – студент»")
    categories = {str(c) for c in CATEGORY_LABELS}
    mentor = [c for c in form.mentor_categories if c in categories]
    mentee = [c for c in form.mentee_categories if c in categories]
    if not mentor:
        errors.add("mentor_categories", "Кто может быть наставником в этой форме?")
    if not mentee:
        errors.add("mentee_categories", "Кто может быть наставляемым в этой форме?")
    parent = None
    if form.parent_id:
        forms, _ = await catalogue_choices()
        parent = next((f["id"] for f in forms if str(f["id"]) == form.parent_id and f["parent_id"] is None), None)
        if parent is None:
            errors.add("parent_id", "Выберите общую форму из каталога")
    errors.raise_if_any()
    if actor.organization_id is not None:
        raise Forbidden()
    row = await current_connection().fetchrow(
        """INSERT INTO mentorship_form (region_id, code, parent_id, title, goal, mentor_portrait, mentee_portrait,
                                        mentor_categories, mentee_categories)
           VALUES ($1, 'region-' || gen_random_uuid(), $2, $3, $4, $5, $6, $7, $8) RETURNING id""",
        actor.region_id,
        parent,
        title,
        form.goal.strip(),
        form.mentor_portrait.strip(),
        form.mentee_portrait.strip(),
        mentor,
        mentee,
    )
    form_id: UUID = row["id"]
    return form_id


async def add_role_model(actor: Actor, form_id: UUID, title: str, description: str) -> UUID:
    forms, _ = await catalogue_choices()
    if not any(f["id"] == form_id for f in forms):
        raise NotFound()
    if not title.strip():
        raise ValidationFailed({"title": "Назовите ролевую модель, например «равный – равному»"})
    row = await current_connection().fetchrow(
        """INSERT INTO role_model (region_id, form_id, code, title, description)
           VALUES ($1, $2, 'region-' || gen_random_uuid(), $3, $4) RETURNING id""",
        actor.region_id,
        form_id,
        title.strip(),
        description.strip(),
    )
    model_id: UUID = row["id"]
    return model_id


def moment(value: datetime | date | None) -> str:
    return value.isoformat() if value else ""


def plain_number(value: Any) -> str:
    """A Decimal as people write it: 12,5 and 25 (not 25.00)."""
    if value is None:
        return "—"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


async def workspace_summary(owner: Owner, on: date | None = None) -> dict[str, Any] | None:
    """For a home page: the current programme, its progress, what is overdue and which orders await signing."""
    day = on or today()
    current = await current_programme(owner, day)
    if current is None:
        return None
    programme = await get_programme(current["id"])
    stages = await roadmap(programme["id"], day)
    events = [e for s in stages for e in s.events]
    drafts = await current_connection().fetch(
        "SELECT id, title FROM programme_order WHERE programme_id = $1 AND number IS NULL ORDER BY created_at",
        programme["id"],
    )
    return {
        "programme": programme,
        "done": sum(s.done for s in stages),
        "total": sum(s.total for s in stages),
        "overdue": [e for e in events if e["overdue"]],
        "current": [e for e in events if e["status"] == EventStatus.in_progress],
        "drafts": [dict(d) for d in drafts],
        "missing": await missing_steps(programme),
    }
