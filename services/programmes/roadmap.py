"""The roadmap: seven stages of events placed in the programme's year, from templates or by hand; progress,
overdue events, the evidence attached to them, and the year's timeline."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from dateutil.relativedelta import relativedelta

from services.programmes import roadmap_templates
from services.programmes.records import (
    EventRecord,
    EvidenceFile,
    EvidenceRecord,
    Owner,
    ProgrammeRecord,
    record,
    records,
)
from services.programmes.tables import EventStatus, RoadmapEvent
from services.programmes.values import read_date, read_small_int, read_text
from shared import uploads
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed
from tenants import get_organization

STAGES: dict[int, str] = {
    1: "Подготовка условий для запуска программы наставничества",
    2: "Формирование базы наставляемых",
    3: "Формирование базы наставников",
    4: "Отбор и обучение наставников",
    5: "Формирование наставнических пар / групп",
    6: "Организация работы наставнических пар / групп",
    7: "Завершение наставничества",
}
# A municipality's or the region's own programme has the seven stages of seed 003.
LEVEL_STAGES: dict[int, str] = {
    1: "Структура и программа наставничества",
    2: "Цифровая база наставников",
    3: "Наставнические инициативы в регионе",
    4: "Агрегированная база кураторов, наставников и наставляемых",
    5: "Обучение наставников и кураторов",
    6: "Мониторинг результатов и сертификация кураторов",
    7: "Празднование результатов и библиотека кейсов",
}


def stage_titles(owned: Owner | ProgrammeRecord) -> dict[int, str]:
    """An organization's roadmap has the seven stages of the target model; a level's own, those of seed 003."""
    return STAGES if owned.organization_id else LEVEL_STAGES


async def owner_kind(owner: Owner) -> str:
    """The organization's kind, or LEVEL for a municipality's or the region's own programme."""
    if owner.organization_id is None:
        return roadmap_templates.LEVEL
    return str((await get_organization(owner.organization_id)).kind)


async def templates_for(owner: Owner) -> list[roadmap_templates.RoadmapTemplate]:
    """The templates in the owner's own wording: a school's for a school, a college's for a college."""
    return roadmap_templates.templates_for(await owner_kind(owner))


STATUS_LABELS: dict[EventStatus, str] = {
    EventStatus.planned: "Запланировано",
    EventStatus.in_progress: "Выполняется",
    EventStatus.done: "Выполнено",
    EventStatus.cancelled: "Отменено",
}


def month_dates(programme: ProgrammeRecord, first: int, last: int, anchor: int) -> tuple[date, date]:
    """Place a month range on the programme's calendar, counting months from the roadmap's first month."""
    start = programme.starts_on
    base = date(start.year if anchor >= start.month else start.year + 1, anchor, 1)
    begin = base + relativedelta(months=(first - anchor) % 12)
    end = begin + relativedelta(months=(last - first) % 12 + 1, days=-1)
    return begin, end


async def apply_template(programme: ProgrammeRecord, code: str) -> int:
    """Add a template's events to the roadmap; refused when the programme's period cannot hold them."""
    spec = roadmap_templates.template(code)
    owner = Owner.of(programme)
    if await owner_kind(owner) not in spec.kinds:
        raise ValidationFailed({"template": "Этот шаблон написан для другого вида организации: выберите из списка"})
    name = (await get_organization(owner.organization_id)).short_name if owner.organization_id else ""
    events = []
    for stage in spec.stages:
        for position, event in enumerate(stage.events):
            first, last = roadmap_templates.month_range(event.months)
            begin, end = month_dates(programme, first, last, spec.first_month)
            events.append((stage.number, position, event, begin, end))
    latest = max(end for *_, end in events)
    if latest > programme.ends_on or min(begin for *_, begin, _ in events) < programme.starts_on.replace(day=1):
        raise ValidationFailed(
            {"template": "Период программы не вмещает эту дорожную карту: выберите другой период или шаблон"}
        )
    columns = owner.columns()
    offset = await _last_position(programme.id)
    for stage_number, position, event, begin, end in events:
        await RoadmapEvent.insert(
            RoadmapEvent(
                region_id=programme.region_id,
                **columns,
                programme_id=programme.id,
                stage=stage_number,
                position=offset + position + 1,
                title=roadmap_templates.worded(event.title, name),
                period_label=event.months,
                starts_on=begin,
                ends_on=end,
                responsible=roadmap_templates.worded(event.responsible, name),
                expected_result=roadmap_templates.worded(event.result, name),
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


# Events -------------------------------------------------------------------------------------------------


@dataclass
class EventForm:
    stage: str = "1"
    title: str = ""
    period_label: str = ""
    starts_on: str = ""
    ends_on: str = ""
    responsible: str = ""
    expected_result: str = ""


@dataclass(frozen=True)
class EventValues:
    stage: int
    title: str
    period_label: str
    starts_on: date
    ends_on: date
    responsible: str
    expected_result: str


def clean_event(form: EventForm, programme: ProgrammeRecord) -> EventValues:
    """A period is a month range («Октябрь–ноябрь») placed in the programme's year, or exact dates."""
    errors = Errors()
    stage = read_small_int(errors, "stage", form.stage, 1, 7)
    title = read_text(errors, "title", form.title, "Опишите мероприятие")
    label = " ".join(form.period_label.split())
    begin = read_date(errors, "starts_on", form.starts_on, required=not label)
    end = read_date(errors, "ends_on", form.ends_on, required=False) or begin
    if label and not form.starts_on.strip():
        try:
            first, last = roadmap_templates.month_range(label)
        except (KeyError, ValueError):
            errors.add("period_label", "Месяц или диапазон месяцев, например «Октябрь–ноябрь», или укажите даты")
        else:
            anchor = programme.starts_on.month
            begin, end = month_dates(programme, first, last, anchor)
    if begin and end:
        if end < begin:
            errors.add("ends_on", "Окончание раньше начала")
        elif begin < programme.starts_on.replace(day=1) or end > programme.ends_on:
            errors.add("starts_on" if form.starts_on.strip() else "period_label", "Срок вне периода программы")
    errors.raise_if_any()
    assert stage is not None and begin is not None and end is not None
    return EventValues(
        stage=stage,
        title=title,
        period_label=label,
        starts_on=begin,
        ends_on=end,
        responsible=form.responsible.strip(),
        expected_result=form.expected_result.strip(),
    )


async def add_event(programme: ProgrammeRecord, form: EventForm) -> UUID:
    values = clean_event(form, programme)
    rows = (
        await RoadmapEvent.insert(
            RoadmapEvent(
                region_id=programme.region_id,
                **Owner.of(programme).columns(),
                programme_id=programme.id,
                position=await _last_position(programme.id) + 1,
                status=EventStatus.planned,
                evidence_link="",
                evidence_note="",
                created_at=now(),
                updated_at=now(),
                **asdict(values),
            )
        )
        .returning(RoadmapEvent.id)
        .run()
    )
    event_id: UUID = rows[0]["id"]
    return event_id


def is_overdue(status: str, ends_on: date, on: date) -> bool:
    return status in (EventStatus.planned, EventStatus.in_progress) and ends_on < on


def _event(row: dict[str, Any], day: date) -> EventRecord:
    event = record(row, EventRecord)
    return msgspec.structs.replace(event, overdue=is_overdue(event.status, event.ends_on, day))


async def get_event(programme_id: UUID, event_id: UUID) -> EventRecord:
    row = (
        await RoadmapEvent.select()
        .where((RoadmapEvent.id == event_id) & (RoadmapEvent.programme_id == programme_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return _event(row, today())


async def update_event(programme: ProgrammeRecord, event_id: UUID, form: EventForm) -> None:
    await get_event(programme.id, event_id)
    values: dict[Any, Any] = asdict(clean_event(form, programme))
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
    done_on = (event.done_on or on or today()) if status == EventStatus.done else None
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


# Stages and progress ------------------------------------------------------------------------------------


@dataclass
class Stage:
    number: int
    title: str
    events: list[EventRecord]
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
    level = await current_connection().fetchval("SELECT organization_id FROM programme WHERE id = $1", programme_id)
    stages = []
    for number, title in (STAGES if level else LEVEL_STAGES).items():
        events = [
            msgspec.structs.replace(_event(r, day), files=evidence.get(r["id"], []))
            for r in rows
            if r["stage"] == number
        ]
        counted = [e for e in events if e.status != EventStatus.cancelled]
        stages.append(
            Stage(
                number,
                title,
                events,
                done=sum(e.status == EventStatus.done for e in counted),
                total=len(counted),
                overdue=sum(e.overdue for e in events),
            )
        )
    return stages


# Evidence -----------------------------------------------------------------------------------------------


async def evidence_by_event(event_ids: list[UUID]) -> dict[UUID, list[EvidenceRecord]]:
    if not event_ids:
        return {}
    rows = await current_connection().fetch(
        """SELECT id, event_id, filename, uploaded_at FROM roadmap_evidence
           WHERE event_id = ANY($1::uuid[]) ORDER BY uploaded_at""",
        event_ids,
    )
    found: dict[UUID, list[EvidenceRecord]] = {}
    for evidence in records(rows, EvidenceRecord):
        found.setdefault(evidence.event_id, []).append(evidence)
    return found


OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def evidence_type(data: bytes, filename: str) -> str:
    """By content: PDF, images, and Office documents (typed by extension once the ZIP signature matches).
    The size is the upload's own limit (document_max_bytes), checked where the file is received."""
    if not data:
        raise ValidationFailed({"file": "Выберите файл"})
    kind = uploads.file_type(data)  # PDF, PNG, JPEG, as for consent scans
    if kind is None and data.startswith(b"PK\x03\x04"):  # DOCX and XLSX are ZIP containers
        kind = next((t for ext, t in OFFICE_TYPES.items() if filename.lower().endswith(ext)), None)
    if kind is None:
        raise ValidationFailed({"file": "Нужен PDF, JPEG, PNG, DOCX или XLSX"})
    return kind


async def attach_evidence(programme_id: UUID, event_id: UUID, data: bytes, filename: str) -> UUID:
    event = await get_event(programme_id, event_id)
    content_type = evidence_type(data, filename)
    row = await current_connection().fetchrow(
        """INSERT INTO roadmap_evidence (region_id, organization_id, municipality_id, event_id, filename,
                                         content_type, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""",
        event.region_id,
        event.organization_id,
        event.municipality_id,
        event_id,
        filename[-200:],
        content_type,
        data,
    )
    evidence_id: UUID = row["id"]
    return evidence_id


async def evidence_file(programme_id: UUID, event_id: UUID, evidence_id: UUID) -> EvidenceFile:
    await get_event(programme_id, event_id)
    row = await current_connection().fetchrow(
        "SELECT filename, content_type, data FROM roadmap_evidence WHERE id = $1 AND event_id = $2",
        evidence_id,
        event_id,
    )
    if row is None:
        raise NotFound()
    return record(row, EvidenceFile)


# The year at a glance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    event: EventRecord
    stage: int
    start: int  # the first month's column, from 1
    span: int  # months


@dataclass
class Timeline:
    months: list[date]
    rows: list[TimelineRow]


def timeline(programme: ProgrammeRecord, stages: list[Stage]) -> Timeline:
    """The year at a glance: one column per month of the programme, each event a bar over its months."""
    first = programme.starts_on.replace(day=1)
    months = []
    month = first
    while month <= programme.ends_on:
        months.append(month)
        month += relativedelta(months=1)

    def column(day: date) -> int:
        return (day.year - first.year) * 12 + day.month - first.month

    rows = []
    for stage in stages:
        for event in stage.events:
            start = max(0, column(event.starts_on))
            end = min(len(months) - 1, column(event.ends_on))
            rows.append(TimelineRow(event, stage.number, start + 1, max(1, end - start + 1)))
    return Timeline(months, rows)
