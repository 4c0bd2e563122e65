"""Pairs and groups: the lifecycle and its rules, development plans, meetings, rhythm alerts and the cabinets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import msgspec
from dateutil.relativedelta import relativedelta

from services import programmes
from services.mentoring.tables import (
    Meeting,
    MeetingFormat,
    MeetingKind,
    MentorChange,
    Mentorship,
    MentorshipMentee,
    PlanRow,
    Status,
)
from services.programmes import OrderKind
from services.registry import ParticipationRole, add_roles, base_members, guard_merge, people_brief
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import format_date

STATUS_LABELS: dict[Status, str] = {
    Status.draft: "Проект",
    Status.approved: "Утверждена приказом",
    Status.active: "Работает",
    Status.completed: "Завершена",
    Status.ended_early: "Завершена досрочно",
}
OPEN = (Status.draft, Status.approved, Status.active)
FORMAT_LABELS: dict[MeetingFormat, str] = {
    MeetingFormat.in_person: "Очно",
    MeetingFormat.chat: "Переписка",
    MeetingFormat.call: "Созвон",
    MeetingFormat.video: "Видеовстреча",
}
RHYTHM_DAYS = 14  # meetings at least once every two weeks
IN_PERSON_MINUTES = 60  # an in-person meeting lasts at least an hour


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
# The development plan of 002 §8.6.3.
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


def end_of(pair: dict[str, Any]) -> date:
    end: date = pair["extended_to"] or pair["ends_on"]
    return end


def latest_end(starts_on: date, months: int = 12) -> date:
    """A pair lasts at most one calendar year (and no longer than the programme allows)."""
    return starts_on + relativedelta(months=min(months, 12), days=-1)


# Creating pairs -------------------------------------------------------------------------------------------


@dataclass
class PairForm:
    mentor_id: str = ""
    mentee_ids: list[str] = field(default_factory=list)
    form_id: str = ""
    role_model_id: str = ""
    starts_on: str = ""
    ends_on: str = ""


async def open_load(programme_id: UUID) -> tuple[dict[UUID, int], dict[tuple[UUID, UUID], UUID]]:
    """Mentees per mentor in open pairs of the programme's organization (whichever programme they started in,
    and counting replacements waiting for their order), and each mentee's open pair per form."""
    rows = await current_connection().fetch(
        """SELECT m.id, coalesce(c.mentor_id, m.mentor_id) AS mentor_id, m.form_id, mm.mentee_id
           FROM mentorship m
           JOIN mentorship_mentee mm ON mm.region_id = m.region_id AND mm.mentorship_id = m.id
           LEFT JOIN mentor_change c ON c.region_id = m.region_id AND c.mentorship_id = m.id AND c.pending
           WHERE m.organization_id = (SELECT organization_id FROM programme WHERE id = $1)
             AND m.status = ANY($2::text[])""",
        programme_id,
        [s.value for s in OPEN],
    )
    load: dict[UUID, int] = {}
    taken: dict[tuple[UUID, UUID], UUID] = {}
    for row in rows:
        load[row["mentor_id"]] = load.get(row["mentor_id"], 0) + 1
        taken[(row["mentee_id"], row["form_id"])] = row["id"]
    return load, taken


async def eligible(programme: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Registry mentors and mentee candidates of the programme's organization, with consent flags."""
    organization_id = programme["organization_id"]
    if organization_id is None:
        return [], []
    mentors = [msgspec.structs.asdict(m) for m in await base_members(organization_id, (ParticipationRole.mentor,))]
    mentees = [
        msgspec.structs.asdict(m) for m in await base_members(organization_id, (ParticipationRole.mentee_candidate,))
    ]
    return mentors, mentees


async def create_pair(
    actor: Actor,
    programme: dict[str, Any],
    form: PairForm,
    score: int | None = None,
    details: dict[str, Any] | None = None,
) -> UUID:
    """A draft pair or group, checked against every rule of the Положение before anything is written."""
    if programme["organization_id"] is None or programme["organization_id"] != actor.organization_id:
        raise Forbidden()
    errors = Errors()
    mentors, mentees = await eligible(programme)
    mentor = next((m for m in mentors if str(m["id"]) == form.mentor_id), None)
    if mentor is None:
        errors.add("mentor_id", "Наставник должен быть в утверждённом реестре наставников организации")
    elif not mentor["consented"]:
        errors.add("mentor_id", "У наставника нет действующего согласия на обработку персональных данных")
    chosen = [m for m in mentees if str(m["id"]) in set(form.mentee_ids)]
    if not chosen or len(chosen) != len(set(form.mentee_ids)):
        errors.add("mentee_ids", "Выберите наставляемых из базы наставляемых организации")
    elif any(not m["consented"] for m in chosen):
        errors.add("mentee_ids", "У наставляемого нет действующего согласия на обработку персональных данных")
    if mentor is not None and any(m["id"] == mentor["id"] for m in chosen):
        errors.add("mentee_ids", "Наставник не может быть своим наставляемым")
    if len(chosen) > 1 and not programme["group_work"]:
        errors.add("mentee_ids", "Групповая работа не разрешена программой: один наставляемый на пару")
    forms, models = await programmes.catalogue_choices()
    form_row = next((f for f in forms if str(f["id"]) == form.form_id and f["id"] in programme["form_ids"]), None)
    if form_row is None:
        errors.add("form_id", "Выберите форму наставничества из программы")
    role_model_id = None
    if form_row is not None and form.role_model_id:
        allowed = {str(m["id"]): m["id"] for m in programmes.models_of_form(form_row, models)}
        role_model_id = allowed.get(form.role_model_id)
        if role_model_id is None:
            errors.add("role_model_id", "Ролевая модель не относится к выбранной форме")
    if form_row is not None and mentor is not None and mentor["category"] not in form_row["mentor_categories"]:
        errors.add("mentor_id", f"В форме «{form_row['title']}» этот человек не может быть наставником")
    if form_row is not None and any(m["category"] not in form_row["mentee_categories"] for m in chosen):
        errors.add("mentee_ids", f"В форме «{form_row['title']}» наставляемым может быть только другая категория")
    starts_on = programmes.read_date(errors, "starts_on", form.starts_on)
    ends_on = programmes.read_date(errors, "ends_on", form.ends_on, required=False)
    if starts_on:
        longest = latest_end(starts_on, programme["max_pair_months"])
        ends_on = ends_on or longest
        if not programme["starts_on"] <= starts_on <= programme["ends_on"]:
            errors.add("starts_on", "Начало работы пары — в периоде программы")
        if ends_on <= starts_on:
            errors.add("ends_on", "Окончание позже начала")
        elif ends_on > longest:
            errors.add(
                "ends_on",
                f"Пара работает не дольше {programme['max_pair_months']} мес. и не более календарного года: "
                f"до {format_date(longest)}",
            )
    errors.raise_if_any()
    assert mentor is not None and form_row is not None and starts_on is not None and ends_on is not None
    load, taken = await open_load(programme["id"])
    if load.get(mentor["id"], 0) + len(chosen) > programme["max_mentees_per_mentor"]:
        raise ValidationFailed(
            {"mentor_id": f"У наставника не больше {programme['max_mentees_per_mentor']} наставляемых одновременно"}
        )
    twice = [m["full_name"] for m in chosen if (m["id"], form_row["id"]) in taken]
    if twice:
        raise ValidationFailed({"mentee_ids": f"Уже в паре этой формы: {', '.join(twice)}"})
    rows = (
        await Mentorship.insert(
            Mentorship(
                region_id=actor.region_id,
                organization_id=programme["organization_id"],
                programme_id=programme["id"],
                mentor_id=mentor["id"],
                form_id=form_row["id"],
                role_model_id=role_model_id,
                status=Status.draft,
                starts_on=starts_on,
                ends_on=ends_on,
                extension_reason="",
                end_reason="",
                score=score,
                score_details=details or {},
                created_by=actor.user_id,
                created_at=now(),
                updated_at=now(),
            )
        )
        .returning(Mentorship.id)
        .run()
    )
    pair_id: UUID = rows[0]["id"]
    for mentee in chosen:
        await MentorshipMentee.insert(
            MentorshipMentee(
                region_id=actor.region_id,
                organization_id=programme["organization_id"],
                mentorship_id=pair_id,
                mentee_id=mentee["id"],
            )
        ).run()
    await _history(actor, pair_id, mentor["id"], starts_on)
    return pair_id


async def _history(
    actor: Actor, pair_id: UUID, mentor_id: UUID, since: date, reason: str = "", order_id: UUID | None = None
) -> None:
    await MentorChange.insert(
        MentorChange(
            region_id=actor.region_id,
            organization_id=actor.organization_id,
            mentorship_id=pair_id,
            mentor_id=mentor_id,
            since=since,
            reason=reason,
            order_id=order_id,
            pending=order_id is not None,
            created_at=now(),
        )
    ).run()


# Reading ------------------------------------------------------------------------------------------------------


async def get_pair(pair_id: UUID) -> dict[str, Any]:
    row = await Mentorship.select().where(Mentorship.id == pair_id).first().run()
    if row is None:
        raise NotFound()
    return row


async def list_pairs(
    programme_id: UUID | None = None,
    status: str = "",
    person_id: UUID | None = None,
    organization_id: UUID | None = None,
) -> list[dict[str, Any]]:
    """Pairs with names, form, meetings count and the last meeting; `person_id` keeps only that person's."""
    rows = await current_connection().fetch(
        """SELECT m.*, f.title AS form_title, r.title AS role_model_title,
                  ARRAY(SELECT mm.mentee_id FROM mentorship_mentee mm
                        WHERE mm.region_id = m.region_id AND mm.mentorship_id = m.id) AS mentee_ids,
                  (SELECT count(*) FROM meeting x
                   WHERE x.region_id = m.region_id AND x.mentorship_id = m.id) AS meetings,
                  (SELECT max(held_on) FROM meeting x WHERE x.region_id = m.region_id AND x.mentorship_id = m.id)
                      AS last_meeting
           FROM mentorship m JOIN mentorship_form f ON f.id = m.form_id
           LEFT JOIN role_model r ON r.id = m.role_model_id
           WHERE ($1::uuid IS NULL OR m.programme_id = $1) AND ($2 = '' OR m.status = $2)
             AND ($3::uuid IS NULL OR m.mentor_id = $3 OR EXISTS (SELECT 1 FROM mentorship_mentee mm
                  WHERE mm.region_id = m.region_id AND mm.mentorship_id = m.id AND mm.mentee_id = $3))
             AND ($4::uuid IS NULL OR m.organization_id = $4)
           ORDER BY m.created_at""",
        programme_id,
        status,
        person_id,
        organization_id,
    )
    pairs = [dict(r) for r in rows]
    briefs = await people_brief(list({p["mentor_id"] for p in pairs} | {i for p in pairs for i in p["mentee_ids"]}))
    people = {person_id: msgspec.structs.asdict(brief) for person_id, brief in briefs.items()}
    for pair in pairs:
        pair["mentor"] = people.get(pair["mentor_id"], {"full_name": "—"})
        pair["mentees"] = [people.get(i, {"full_name": "—"}) for i in pair["mentee_ids"]]
        pair["end"] = end_of(pair)
    return pairs


@dataclass
class PairCard:
    pair: dict[str, Any]
    plan: dict[str, list[dict[str, str]]]
    meetings: list[dict[str, Any]]
    history: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    alerts: list[dict[str, Any]]


async def pair_card(pair_id: UUID, person_id: UUID | None = None) -> PairCard:
    """The whole pair; for a cabinet (`person_id`) only a pair that person is in."""
    found = [p for p in await list_pairs(person_id=person_id) if p["id"] == pair_id]
    if not found:
        raise NotFound()
    pair = found[0]
    plan_rows = await PlanRow.select().where(PlanRow.mentorship_id == pair_id).order_by(PlanRow.position).run()
    plan: dict[str, list[dict[str, str]]] = {"wish": [], "goal": []}
    for row in plan_rows:
        plan[row["kind"]].append(row["cells"])
    meetings = await Meeting.select().where(Meeting.mentorship_id == pair_id).order_by(Meeting.held_on).run()
    changes = (
        await MentorChange.select().where(MentorChange.mentorship_id == pair_id).order_by(MentorChange.since).run()
    )
    names = await people_brief([c["mentor_id"] for c in changes])
    history = [{**c, "mentor": names[c["mentor_id"]].full_name if c["mentor_id"] in names else "—"} for c in changes]
    order_ids = {pair["order_id"], *(c["order_id"] for c in changes)} - {None}
    pair_orders = [await programmes.get_order(i) for i in order_ids]
    alerts = await current_connection().fetch(
        "SELECT kind, lapse, details, found_at FROM rhythm_alert WHERE mentorship_id = $1 ORDER BY found_at DESC",
        pair_id,
    )
    return PairCard(pair, plan, list(meetings), history, pair_orders, [dict(a) for a in alerts])


# Approval by order ---------------------------------------------------------------------------------------------


async def request_approval(actor: Actor, programme: dict[str, Any], pair_ids: list[UUID]) -> UUID:
    """One order «о закреплении наставнических пар/групп» for the chosen draft pairs."""
    drafts = [p for p in await list_pairs(programme["id"], Status.draft) if p["id"] in set(pair_ids)]
    if not drafts:
        raise ValidationFailed({"pair_ids": "Выберите пары-проекты для приказа"})
    rows = [
        [
            p["mentor"]["full_name"],
            ", ".join(m["full_name"] for m in p["mentees"]),
            p["form_title"] + (f", «{p['role_model_title']}»" if p["role_model_title"] else ""),
        ]
        for p in drafts
    ]
    extra = {
        "rows": rows,
        "starts_on": format_date(min(p["starts_on"] for p in drafts)),
        "ends_on": format_date(max(p["ends_on"] for p in drafts)),
        "refs": {"mentorship_ids": [str(p["id"]) for p in drafts]},
    }
    order_id = await programmes.create_order(actor, programme, OrderKind.approve_pairs, extra)
    await Mentorship.update({Mentorship.order_id: order_id}).where(Mentorship.id.is_in([p["id"] for p in drafts])).run()
    return order_id


async def _pairs_approved(actor: Actor, order: dict[str, Any]) -> None:
    ids = [UUID(i) for i in order["payload"].get("refs", {}).get("mentorship_ids", [])]
    if not ids:
        return
    await current_connection().execute(
        """UPDATE mentorship SET status = CASE WHEN starts_on <= $2 THEN 'active' ELSE 'approved' END,
                                 order_id = $3, updated_at = now()
           WHERE id = ANY($1::uuid[]) AND status = 'draft'""",
        ids,
        today(),
        order["id"],
    )


async def activate_due(day: date) -> int:
    """Approved pairs start working on their start date."""
    result: str = await current_connection().execute(
        "UPDATE mentorship SET status = 'active', updated_at = now() WHERE status = 'approved' AND starts_on <= $1",
        day,
    )
    return int(result.split()[-1])


# Ending, extending, replacing ------------------------------------------------------------------------------------


async def _open_pair(pair_id: UUID, *statuses: Status) -> dict[str, Any]:
    pair = await get_pair(pair_id)
    if pair["status"] not in statuses:
        raise ValidationFailed({"status": f"Пара в состоянии «{STATUS_LABELS[Status(pair['status'])]}»"})
    return pair


async def complete(pair_id: UUID, on: date | None = None) -> None:
    pair = await _open_pair(pair_id, Status.active)
    day = on or today()
    if day < pair["starts_on"]:
        raise ValidationFailed({"finished_on": "Дата завершения раньше начала работы пары"})
    await _finish(pair_id, Status.completed, day, "")


async def end_early(
    pair_id: UUID, reason: str, mentor_agrees: bool, curator_agrees: bool, on: date | None = None
) -> None:
    """Early end is by agreement of the mentor and the curator (004 §2.7), for a stated reason."""
    pair = await _open_pair(pair_id, Status.active, Status.approved)
    errors = Errors()
    if not reason.strip():
        errors.add("end_reason", "Укажите причину досрочного завершения")
    if not (mentor_agrees and curator_agrees):
        errors.add("agreement", "Досрочное завершение — по согласованию наставника и куратора")
    day = on or today()
    if day >= end_of(pair):
        errors.add("finished_on", "Срок пары и так истекает: завершите её обычным порядком")
    errors.raise_if_any()
    await _finish(pair_id, Status.ended_early, day, reason.strip())


async def _finish(pair_id: UUID, status: Status, day: date, reason: str) -> None:
    await (
        Mentorship.update(
            {
                Mentorship.status: status,
                Mentorship.finished_on: day,
                Mentorship.end_reason: reason,
                Mentorship.updated_at: now(),
            }
        )
        .where(Mentorship.id == pair_id)
        .run()
    )


async def extend(pair_id: UUID, until: str, reason: str) -> None:
    """Extended only for a documented absence (illness, a business trip...) of the mentor or the mentee."""
    pair = await _open_pair(pair_id, Status.active, Status.approved)
    errors = Errors()
    new_end = programmes.read_date(errors, "extended_to", until)
    if not reason.strip():
        errors.add("extension_reason", "Укажите документ об отсутствии: больничный лист, приказ о командировке…")
    if new_end and new_end <= end_of(pair):
        errors.add("extended_to", f"Новый срок позже текущего окончания {format_date(end_of(pair))}")
    errors.raise_if_any()
    await (
        Mentorship.update(
            {Mentorship.extended_to: new_end, Mentorship.extension_reason: reason.strip(), Mentorship.updated_at: now()}
        )
        .where(Mentorship.id == pair_id)
        .run()
    )


async def replace_mentor(actor: Actor, pair_id: UUID, new_mentor_id: str, reason: str, since: str) -> UUID:
    """A replacement takes one of the five reasons of 004 §2.8 and an order; the pair's period stays."""
    pair = await _open_pair(pair_id, Status.active, Status.approved)
    programme = await programmes.get_programme(pair["programme_id"])
    errors = Errors()
    if reason not in programmes.REPLACEMENT_REASONS:
        errors.add("reason", "Выберите основание замены из Положения")
    mentors, _ = await eligible(programme)
    new_mentor = next((m for m in mentors if str(m["id"]) == new_mentor_id and m["id"] != pair["mentor_id"]), None)
    if new_mentor is None:
        errors.add("new_mentor_id", "Выберите другого наставника из реестра")
    elif not new_mentor["consented"]:
        errors.add("new_mentor_id", "У наставника нет действующего согласия на обработку персональных данных")
    forms, _ = await programmes.catalogue_choices()
    form_row = next(f for f in forms if f["id"] == pair["form_id"])
    if new_mentor is not None and new_mentor["category"] not in form_row["mentor_categories"]:
        errors.add("new_mentor_id", f"В форме «{form_row['title']}» этот человек не может быть наставником")
    day = programmes.read_date(errors, "since", since) if since else today()
    if day and not pair["starts_on"] <= day <= end_of(pair):
        errors.add("since", "Дата замены — в периоде работы пары")
    errors.raise_if_any()
    assert new_mentor is not None and day is not None
    card = await list_pairs(person_id=None, programme_id=pair["programme_id"])
    current = next(p for p in card if p["id"] == pair_id)
    load, _ = await open_load(pair["programme_id"])
    if load.get(new_mentor["id"], 0) + len(current["mentee_ids"]) > programme["max_mentees_per_mentor"]:
        raise ValidationFailed({"new_mentor_id": "У этого наставника нет свободных мест"})
    extra = {
        "mentee": ", ".join(m["full_name"] for m in current["mentees"]),
        "old_mentor": current["mentor"]["full_name"],
        "new_mentor": new_mentor["full_name"],
        "reason": reason,
        "starts_on": format_date(pair["starts_on"]),
        "ends_on": format_date(end_of(pair)),
        "refs": {"mentorship_id": str(pair_id), "mentor_id": str(new_mentor["id"]), "since": day.isoformat()},
    }
    order_id = await programmes.create_order(actor, programme, OrderKind.replace_mentor, extra)
    await _history(actor, pair_id, new_mentor["id"], day, reason, order_id)
    return order_id


async def _mentor_replaced(actor: Actor, order: dict[str, Any]) -> None:
    refs = order["payload"].get("refs", {})
    if not refs.get("mentorship_id"):
        return
    pair_id, mentor_id = UUID(refs["mentorship_id"]), UUID(refs["mentor_id"])
    await (
        Mentorship.update({Mentorship.mentor_id: mentor_id, Mentorship.updated_at: now()})
        .where(Mentorship.id == pair_id)
        .run()
    )
    await (
        MentorChange.update({MentorChange.pending: False})
        .where((MentorChange.mentorship_id == pair_id) & (MentorChange.order_id == order["id"]))
        .run()
    )


async def _in_a_pair(person_id: UUID) -> str | None:
    found = await current_connection().fetchval(
        """SELECT EXISTS (SELECT 1 FROM mentorship WHERE mentor_id = $1)
               OR EXISTS (SELECT 1 FROM mentorship_mentee WHERE mentee_id = $1)""",
        person_id,
    )
    return (
        "Эта запись участвует в наставнической паре: оставьте её основной и присоедините к ней другую"
        if found
        else None
    )


guard_merge(_in_a_pair)
programmes.on_registered(OrderKind.approve_pairs, _pairs_approved)
programmes.on_registered(OrderKind.replace_mentor, _mentor_replaced)


def _require_consents(pair: dict[str, Any]) -> None:
    """A withdrawn consent stops processing: the pair's records are not added to until the curator acts."""
    if not all(p.get("consented") for p in (pair["mentor"], *pair["mentees"])):
        raise ValidationFailed({"consent": "Согласие на обработку персональных данных отозвано: обратитесь к куратору"})


# Meetings ---------------------------------------------------------------------------------------------------------


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
    pair = (await pair_card(pair_id, person_id)).pair
    if pair["status"] not in (Status.approved, Status.active):
        raise ValidationFailed({"kind": "Встречи записываются в утверждённой и работающей паре"})
    _require_consents(pair)
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
    elif held_on and held_on < pair["starts_on"]:
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
                region_id=pair["region_id"],
                organization_id=pair["organization_id"],
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
    if pair["status"] == Status.approved and held_on and held_on >= pair["starts_on"]:
        await Mentorship.update({Mentorship.status: Status.active}).where(Mentorship.id == pair_id).run()
    if kind == MeetingKind.final and form.wants_to_mentor and len(pair["mentee_ids"]) == 1:
        # The mentee who wants to become a mentor appears in the mentor base as a candidate (in a group the
        # curator adds each one by hand: one tick cannot speak for everybody).
        mentee_id = pair["mentee_ids"][0]
        await add_roles(actor, pair["organization_id"], mentee_id, [ParticipationRole.mentor_candidate])
        await audit(actor, "change", mentee_id, "хочет стать наставником: добавлен в базу наставников")
    meeting_id: UUID = rows[0]["id"]
    return meeting_id


# The development plan -------------------------------------------------------------------------------------------


async def save_plan(
    actor: Actor, pair_id: UUID, kind: str, rows: list[dict[str, str]], person_id: UUID | None = None
) -> None:
    """Mentor and mentee edit it together from their cabinets; the curator sees and may edit it too."""
    pair = (await pair_card(pair_id, person_id)).pair
    if kind not in PLAN_COLUMNS:
        raise NotFound()
    _require_consents(pair)
    columns = [code for code, _ in PLAN_COLUMNS[kind]]
    cleaned = [{c: str(row.get(c, "")).strip()[:1000] for c in columns} for row in rows]
    cleaned = [row for row in cleaned if any(row.values())]
    if any(not row[columns[0]] for row in cleaned):
        raise ValidationFailed({columns[0]: f"Заполните «{PLAN_COLUMNS[kind][0][1]}» в каждой строке"})
    await PlanRow.delete().where((PlanRow.mentorship_id == pair_id) & (PlanRow.kind == kind)).run()
    for position, row in enumerate(cleaned):
        await PlanRow.insert(
            PlanRow(
                region_id=pair["region_id"],
                organization_id=pair["organization_id"],
                mentorship_id=pair_id,
                kind=kind,
                position=position,
                cells=row,
                updated_by=actor.user_id,
                updated_at=now(),
            )
        ).run()


# Rhythm ---------------------------------------------------------------------------------------------------------


async def find_lapses(day: date) -> list[dict[str, Any]]:
    """New alerts only: a pair with no meeting for more than 14 days, an in-person meeting under an hour.

    Each lapse is keyed by the meeting (or start) it follows, so a pair is reported once per lapse, not every run.
    """
    silent = await current_connection().fetch(
        """INSERT INTO rhythm_alert (region_id, organization_id, mentorship_id, kind, lapse, details)
           SELECT m.region_id, m.organization_id, m.id, 'no_meeting',
                  coalesce(max(x.held_on), m.starts_on)::text,
                  'нет встреч с ' || to_char(coalesce(max(x.held_on), m.starts_on), 'DD.MM.YYYY')
           FROM mentorship m
           LEFT JOIN meeting x ON x.region_id = m.region_id AND x.mentorship_id = m.id
           WHERE m.status = 'active' AND m.starts_on < $1
           GROUP BY m.region_id, m.id
           HAVING coalesce(max(x.held_on), m.starts_on) < $1 - $2::integer
           ON CONFLICT (region_id, mentorship_id, kind, lapse) DO NOTHING
           RETURNING region_id, organization_id, mentorship_id, kind, details""",
        day,
        RHYTHM_DAYS,
    )
    short = await current_connection().fetch(
        """INSERT INTO rhythm_alert (region_id, organization_id, mentorship_id, kind, lapse, details)
           SELECT x.region_id, x.organization_id, x.mentorship_id, 'short_meeting', x.id::text,
                  'очная встреча ' || to_char(x.held_on, 'DD.MM.YYYY') || ' длилась ' || x.minutes || ' мин'
           FROM meeting x JOIN mentorship m ON m.region_id = x.region_id AND m.id = x.mentorship_id
           WHERE m.status = 'active' AND x.format = 'in_person' AND x.minutes < $1 AND x.kind IN ('regular', 'final')
           ON CONFLICT (region_id, mentorship_id, kind, lapse) DO NOTHING
           RETURNING region_id, organization_id, mentorship_id, kind, details""",
        IN_PERSON_MINUTES,
    )
    return [dict(r) for r in (*silent, *short)]


async def at_risk(organization_id: UUID, day: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """The curator's home: pairs at risk (rhythm, short meetings, the pulse), final meetings due, pairs near
    their one-year end."""
    from services.mentoring.pulse import health

    day = day or today()
    pairs = await list_pairs(organization_id=organization_id, status=Status.active)
    scores = await health(pairs, day)
    risky = [
        {**pair, "reasons": scores[pair["id"]].reasons, "health": scores[pair["id"]].score}
        for pair in pairs
        if scores[pair["id"]].score < 60 or scores[pair["id"]].reasons
    ]
    finals = await current_connection().fetch(
        "SELECT DISTINCT mentorship_id FROM meeting WHERE kind = 'final' AND mentorship_id = ANY($1::uuid[])",
        [p["id"] for p in pairs],
    )
    with_final = {r["mentorship_id"] for r in finals}
    ending = [p for p in pairs if p["id"] not in with_final and (p["end"] - day).days <= 30]
    near_year = [p for p in pairs if p["starts_on"] + relativedelta(years=1) - day <= timedelta(days=45)]
    return {"risky": risky, "finals": ending, "near_year": near_year}


async def counts(municipality_id: UUID | None = None) -> list[dict[str, Any]]:
    """For coordinators: pairs and groups by form and status across the scope."""
    rows = await current_connection().fetch(
        """SELECT f.title AS form, m.status, count(*) AS pairs,
                  count(*) FILTER (WHERE (SELECT count(*) FROM mentorship_mentee mm
                                          WHERE mm.region_id = m.region_id AND mm.mentorship_id = m.id) > 1) AS groups
           FROM mentorship m JOIN mentorship_form f ON f.id = m.form_id
           JOIN organization o ON o.region_id = m.region_id AND o.id = m.organization_id
           WHERE $1::uuid IS NULL OR o.municipality_id = $1
           GROUP BY f.title, f.position, m.status ORDER BY f.position, f.title, m.status""",
        municipality_id,
    )
    return [dict(r) for r in rows]


async def count_pairs(
    organization_id: UUID | None, municipality_id: UUID | None, starts_on: date, ends_on: date
) -> int:
    """Pairs and groups approved by order that worked during a period, in an organization or a municipality."""
    value = await current_connection().fetchval(
        """SELECT count(*) FROM mentorship m
           JOIN organization o ON o.region_id = m.region_id AND o.id = m.organization_id
           WHERE m.status IN ('approved', 'active', 'completed', 'ended_early')
             AND m.starts_on <= $4 AND coalesce(m.finished_on, m.extended_to, m.ends_on) >= $3
             AND ($1::uuid IS NULL OR m.organization_id = $1) AND ($2::uuid IS NULL OR o.municipality_id = $2)""",
        organization_id,
        municipality_id,
        starts_on,
        ends_on,
    )
    return int(value)


# Cabinets --------------------------------------------------------------------------------------------------------


async def person_of(email: str, organization_id: UUID, mentor: bool | None = None) -> UUID | None:
    """The mentor's or mentee's record in the organization's base, found by the account's e-mail and, for a
    cabinet, the account's role; none when two records match (a parent and a child sharing an address)."""
    roles = ["mentor", "mentor_candidate"] if mentor else ["mentee_candidate"]
    rows = await current_connection().fetch(
        """SELECT p.id FROM person p WHERE lower(p.email) = lower($1) AND p.merged_into IS NULL AND EXISTS (
               SELECT 1 FROM participation pa WHERE pa.region_id = p.region_id AND pa.person_id = p.id
               AND pa.organization_id = $2 AND pa.archived_at IS NULL
               AND ($3::boolean IS NULL OR pa.role = ANY($4::text[])))""",
        email,
        organization_id,
        mentor,
        roles,
    )
    return rows[0]["id"] if len(rows) == 1 else None
