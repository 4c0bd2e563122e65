"""Meetings of the five kinds of 002 §8.6 with their reflection questions, and the development plan of §8.6.3."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from services import programmes
from services.mentoring.pairs import get_pair, require_consents
from services.mentoring.tables import Meeting, MeetingFormat, MeetingKind, Mentorship, PlanRow, Status
from services.registry import ParticipationRole, add_roles
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.errors import Errors, NotFound, ValidationFailed

# Meetings ---------------------------------------------------------------------------------------------------------

FORMAT_LABELS: dict[MeetingFormat, str] = {
    MeetingFormat.in_person: "Очно",
    MeetingFormat.chat: "Переписка",
    MeetingFormat.call: "Созвон",
    MeetingFormat.video: "Видеовстреча",
}


@dataclass(frozen=True)
class MeetingGuide:
    title: str
    hint: str
    curator: bool
    questions: tuple[tuple[str, str], ...]


# The meeting scripts of 002 §8.6.1–8.6.5 with their reflection questions.
MEETINGS: dict[MeetingKind, MeetingGuide] = {
    MeetingKind.acquaintance: MeetingGuide(
        "Встреча-знакомство",
        "30–40 минут, с куратором",
        True,
        (
            ("ready", "Готовы ли наставник и наставляемый работать друг с другом?"),
            ("goal", "Какую цель поставили на первую встречу?"),
            ("next", "Когда следующая встреча?"),
        ),
    ),
    MeetingKind.trial: MeetingGuide(
        "Пробная рабочая встреча",
        "до часа",
        False,
        (
            ("worked", "Что получилось?"),
            ("liked", "Что понравилось?"),
            ("thanks_to", "Благодаря чему стало возможно достичь результата?"),
            ("differently", "Что в следующий раз можно будет сделать по-другому?"),
        ),
    ),
    MeetingKind.planning: MeetingGuide(
        "Встреча-планирование",
        "1–1,5 часа, с куратором: заполните план развития",
        True,
        (
            ("agreements", "Какие договорённости приняли?"),
            ("meetings", "Сколько встреч и в каком формате понадобится?"),
        ),
    ),
    MeetingKind.regular: MeetingGuide(
        "Регулярная встреча",
        "очно — не меньше часа; переписка и созвоны тоже записываются",
        False,
        (
            ("closer", "Приблизились ли мы сегодня к цели?"),
            ("good", "Что сегодня получилось хорошо?"),
            ("change", "Что стоит изменить в следующий раз?"),
            ("feeling", "Как я сейчас себя чувствую?"),
            ("todo", "Что нужно сделать к следующей встрече?"),
        ),
    ),
    MeetingKind.final: MeetingGuide(
        "Итоговая встреча",
        "1,5 часа, с куратором",
        True,
        (
            ("valuable", "Что самого ценного было в вашем взаимодействии?"),
            ("results", "Каких результатов вы достигли?"),
            ("learned", "Чему вы научились друг у друга?"),
            ("changed", "Как вы изменились?"),
            ("understood", "Что вы поняли про себя в процессе общения?"),
            ("remembered", "Чем запомнилось взаимодействие?"),
            ("continue", "Есть ли необходимость продолжать работу вместе?"),
        ),
    ),
}


@dataclass
class MeetingForm:
    kind: str = MeetingKind.regular
    held_on: str = ""
    minutes: str = "60"
    format: str = MeetingFormat.in_person
    curator_present: bool = False
    participants: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    closeness: str = ""
    wants_to_mentor: bool = False


async def record_meeting(actor: Actor, pair_id: UUID, form: MeetingForm, person_id: UUID | None = None) -> UUID:
    """From the curator's page or a cabinet (then only for one's own pair); a short in-person one is flagged."""
    pair = await get_pair(pair_id, person_id)
    if pair.status not in (Status.approved, Status.active):
        raise ValidationFailed({"kind": "Встречи записываются в утверждённой и работающей паре"})
    require_consents(pair)
    errors = Errors()
    try:
        kind = MeetingKind(form.kind)
    except ValueError:
        errors.add("kind", "Выберите вид встречи")
        kind = MeetingKind.regular
    try:
        meeting_format = MeetingFormat(form.format)
    except ValueError:
        errors.add("format", "Выберите формат встречи")
        meeting_format = MeetingFormat.in_person
    held_on = programmes.read_date(errors, "held_on", form.held_on) if form.held_on else today()
    if held_on and held_on > today():
        errors.add("held_on", "Встреча ещё не состоялась")
    elif held_on and held_on < pair.starts_on:
        errors.add("held_on", "Встреча раньше начала работы пары")
    try:
        minutes = int(form.minutes)
        if not 5 <= minutes <= 600:
            raise ValueError
    except ValueError:
        errors.add("minutes", "Длительность в минутах: от 5 до 600")
        minutes = 0
    closeness = None
    if kind == MeetingKind.final:
        try:
            closeness = int(form.closeness)
            if not 1 <= closeness <= 10:
                raise ValueError
        except ValueError:
            errors.add("closeness", "Оцените по шкале от 1 до 10, насколько вы приблизились к цели")
    errors.raise_if_any()
    questions = {code for code, _ in MEETINGS[kind].questions}
    answers = {k: v.strip()[:2000] for k, v in form.answers.items() if k in questions and v.strip()}
    rows = (
        await Meeting.insert(
            Meeting(
                region_id=pair.region_id,
                organization_id=pair.organization_id,
                mentorship_id=pair_id,
                kind=kind,
                held_on=held_on,
                minutes=minutes,
                format=meeting_format,
                curator_present=form.curator_present,
                participants=form.participants.strip()[:500],
                answers=answers,
                closeness=closeness,
                wants_to_mentor=form.wants_to_mentor if kind == MeetingKind.final else None,
                recorded_by=actor.user_id,
                created_at=now(),
            )
        )
        .returning(Meeting.id)
        .run()
    )
    if pair.status == Status.approved and held_on and held_on >= pair.starts_on:
        await Mentorship.update({Mentorship.status: Status.active}).where(Mentorship.id == pair_id).run()
    if kind == MeetingKind.final and form.wants_to_mentor and len(pair.mentee_ids) == 1:
        # The mentee who wants to become a mentor appears in the mentor base as a candidate (in a group the
        # curator adds each one by hand: one tick cannot speak for everybody).
        mentee_id = pair.mentee_ids[0]
        await add_roles(actor, pair.organization_id, mentee_id, [ParticipationRole.mentor_candidate])
        await audit(actor, "change", mentee_id, "хочет стать наставником: добавлен в базу наставников")
    meeting_id: UUID = rows[0]["id"]
    return meeting_id


# The development plan -------------------------------------------------------------------------------------------

PLAN_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "wish": (
        ("wish", "Желание"),
        ("have", "Какие ресурсы есть"),
        ("lack", "Каких ресурсов не хватает"),
        ("measure", "Как измерить результат"),
        ("time", "Сколько нужно времени"),
    ),
    "goal": (
        ("goal", "Цель"),
        ("result", "Желаемый результат"),
        ("actions", "Конкретные действия"),
        ("deadline", "Сроки"),
        ("indicators", "Показатели эффективности"),
        ("done", "Отметки о выполнении"),
    ),
}


async def save_plan(
    actor: Actor, pair_id: UUID, kind: str, rows: list[dict[str, str]], person_id: UUID | None = None
) -> None:
    """Mentor and mentee edit it together from their cabinets; the curator sees and may edit it too."""
    pair = await get_pair(pair_id, person_id)
    if kind not in PLAN_COLUMNS:
        raise NotFound()
    require_consents(pair)
    columns = [code for code, _ in PLAN_COLUMNS[kind]]
    cleaned = [{c: str(row.get(c, "")).strip()[:1000] for c in columns} for row in rows]
    cleaned = [row for row in cleaned if any(row.values())]
    if any(not row[columns[0]] for row in cleaned):
        raise ValidationFailed({columns[0]: f"Заполните «{PLAN_COLUMNS[kind][0][1]}» в каждой строке"})
    await PlanRow.delete().where((PlanRow.mentorship_id == pair_id) & (PlanRow.kind == kind)).run()
    for position, row in enumerate(cleaned):
        await PlanRow.insert(
            PlanRow(
                region_id=pair.region_id,
                organization_id=pair.organization_id,
                mentorship_id=pair_id,
                kind=kind,
                position=position,
                cells=row,
                updated_by=actor.user_id,
                updated_at=now(),
            )
        ).run()
