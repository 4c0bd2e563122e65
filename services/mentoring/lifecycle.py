"""A pair's course after it is formed: approval by order, start, completion, early end, extension, a new mentor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services import programmes
from services.mentoring import rules
from services.mentoring.pairs import (
    STATUS_LABELS,
    eligible,
    get_pair,
    list_pairs,
    open_load,
    pool,
    record_mentor,
)
from services.mentoring.records import FormRule, Member, Pair, ProgrammeRecord, RegisteredOrder, Terms, view
from services.mentoring.tables import MentorChange, Mentorship, Status
from services.programmes import OrderKind
from services.registry import guard_merge
from shared.actor import Actor
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, ValidationFailed
from shared.i18n import format_date

# Approval by order ---------------------------------------------------------------------------------------------


async def request_approval(actor: Actor, programme: ProgrammeRecord, pair_ids: list[UUID]) -> UUID:
    """One order «о закреплении наставнических пар/групп» for the chosen draft pairs."""
    drafts = [p for p in await list_pairs(view(programme, Terms).id, Status.draft) if p.id in set(pair_ids)]
    if not drafts:
        raise ValidationFailed({"pair_ids": "Выберите пары-проекты для приказа"})
    errors = Errors()
    stale = [p for p in drafts if p.starts_on < today()]
    if stale:
        errors.add(
            "pair_ids",
            "Начало работы пары не может быть раньше даты приказа: "
            + ", ".join(f"{p.mentor.full_name} (с {format_date(p.starts_on)})" for p in stale),
        )
    mentor_ids = list({p.mentor_id for p in drafts})
    if view(programme, Terms).organization_id is not None:
        consents = await rules.agreements(drafts[0].organization_id, mentor_ids)
    else:
        # A municipal or regional programme's pairs: each mentor's agreement is with their own organization.
        found = await pool(programme)
        consents = {}
        for mentor_id in mentor_ids:
            for organization_id in found.mentor_homes.get(mentor_id, []):
                agreement = (await rules.agreements(organization_id, [mentor_id])).get(mentor_id)
                if agreement is None:
                    continue
                consents.setdefault(mentor_id, agreement)
                if not agreement.is_staff or agreement.has_agreement:
                    consents[mentor_id] = agreement
                    break
    missing = sorted(
        {
            p.mentor.full_name
            for p in drafts
            if (c := consents.get(p.mentor_id)) is None or (c.is_staff and not c.has_agreement)
        }
    )
    if missing:
        errors.add(
            "pair_ids",
            "Нет согласия на выполнение обязанностей наставника с номером и датой соглашения (ст. 351.8 ТК РФ): "
            + ", ".join(missing),
        )
    errors.raise_if_any()
    rows = [
        [
            p.mentor.full_name,
            ", ".join(m.full_name for m in p.mentees),
            p.form_title + (f", «{p.role_model_title}»" if p.role_model_title else ""),
            f"с {format_date(p.starts_on)} по {format_date(p.ends_on)}",
            rules.agreement_text(consents.get(p.mentor_id)),
        ]
        for p in drafts
    ]
    extra = programmes.PairsOrder(
        rows=rows,
        starts_on=format_date(min(p.starts_on for p in drafts)),
        ends_on=format_date(max(p.ends_on for p in drafts)),
        refs={"mentorship_ids": [str(p.id) for p in drafts]},
    )
    order_id = await programmes.create_order(actor, programme, OrderKind.approve_pairs, extra)
    await Mentorship.update({Mentorship.order_id: order_id}).where(Mentorship.id.is_in([p.id for p in drafts])).run()
    return order_id


async def _pairs_approved(actor: Actor, record: object) -> None:
    order = view(record, RegisteredOrder)
    ids = [UUID(i) for i in order.payload.get("refs", {}).get("mentorship_ids", [])]
    if not ids:
        return
    await current_connection().execute(
        """UPDATE mentorship SET status = CASE WHEN starts_on <= $2 THEN 'active' ELSE 'approved' END,
                                 order_id = $3, approved_on = $2, updated_at = now()
           WHERE id = ANY($1::uuid[]) AND status = 'draft'""",
        ids,
        today(),
        order.id,
    )


async def activate_due(day: date) -> int:
    """Approved pairs start working on their start date."""
    result: str = await current_connection().execute(
        "UPDATE mentorship SET status = 'active', updated_at = now() WHERE status = 'approved' AND starts_on <= $1",
        day,
    )
    return int(result.split()[-1])


# Ending, extending, replacing ------------------------------------------------------------------------------------


@dataclass
class StatusChange:
    """What the curator asks of a working pair: `action` is complete, end_early, extend or replace."""

    action: str = ""
    end_reason: str = ""
    mentor_agrees: bool = False
    curator_agrees: bool = False
    extended_to: str = ""
    extension_reason: str = ""
    new_mentor_id: str = ""
    reason: str = ""
    since: str = ""


async def change_status(actor: Actor, pair_id: UUID, change: StatusChange) -> UUID | None:
    """Complete, end early, extend, or replace the mentor: the last answers the replacement order's id."""
    if change.action == "complete":
        await complete(pair_id)
    elif change.action == "end_early":
        await end_early(pair_id, change.end_reason, change.mentor_agrees, change.curator_agrees)
    elif change.action == "extend":
        await extend(pair_id, change.extended_to, change.extension_reason)
    elif change.action == "replace":
        return await replace_mentor(actor, pair_id, change.new_mentor_id, change.reason, change.since)
    else:
        raise ValidationFailed({"action": "Выберите действие: complete, end_early, extend или replace"})
    return None


async def _open_pair(pair_id: UUID, *statuses: Status) -> Pair:
    pair = await get_pair(pair_id)
    if pair.status not in statuses:
        raise ValidationFailed({"status": f"Пара в состоянии «{STATUS_LABELS[pair.status]}»"})
    return pair


async def complete(pair_id: UUID, on: date | None = None) -> None:
    pair = await _open_pair(pair_id, Status.active)
    day = on or today()
    if day < pair.starts_on:
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
    if day >= pair.end:
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
    if new_end and new_end <= pair.end:
        errors.add("extended_to", f"Новый срок позже текущего окончания {format_date(pair.end)}")
    errors.raise_if_any()
    await (
        Mentorship.update(
            {Mentorship.extended_to: new_end, Mentorship.extension_reason: reason.strip(), Mentorship.updated_at: now()}
        )
        .where(Mentorship.id == pair_id)
        .run()
    )


async def replacements(pair: Pair) -> list[Member]:
    """Who may take the pair over: consenting registry mentors other than its own."""
    mentors, _ = await eligible(await programmes.get_programme(pair.programme_id))
    return [m for m in mentors if m.consented and m.id != pair.mentor_id]


async def replace_mentor(actor: Actor, pair_id: UUID, new_mentor_id: str, reason: str, since: str) -> UUID:
    """A replacement takes one of the five reasons of 004 §2.8 and an order; the pair's period stays."""
    pair = await _open_pair(pair_id, Status.active, Status.approved)
    programme = await programmes.get_programme(pair.programme_id)
    terms = view(programme, Terms)
    errors = Errors()
    if reason not in programmes.REPLACEMENT_REASONS:
        errors.add("reason", "Выберите основание замены из Положения")
    mentors, _ = await eligible(programme)
    new_mentor = next((m for m in mentors if str(m.id) == new_mentor_id and m.id != pair.mentor_id), None)
    if new_mentor is None:
        errors.add("new_mentor_id", "Выберите другого наставника из реестра")
    elif not new_mentor.consented:
        errors.add("new_mentor_id", "У наставника нет действующего согласия на обработку персональных данных")
    elif await rules.without_participation(pair.organization_id, [new_mentor]):
        errors.add("new_mentor_id", f"Нет согласия на участие в программе наставничества: {new_mentor.full_name}")
    agreement = None
    if new_mentor is not None:
        agreement = (await rules.agreements(pair.organization_id, [new_mentor.id])).get(new_mentor.id)
        if agreement is not None and agreement.is_staff and not agreement.has_agreement:
            errors.add(
                "new_mentor_id",
                "Нет согласия на выполнение обязанностей наставника с номером и датой соглашения (ст. 351.8 ТК РФ): "
                + new_mentor.full_name,
            )
    if new_mentor is not None and await rules.not_older(new_mentor, pair.mentees) != []:
        errors.add("new_mentor_id", "Наставник-обучающийся должен быть старше наставляемого")
    forms, _ = await programmes.catalogue_choices()
    form_row = next(rule for rule in (view(f, FormRule) for f in forms) if rule.id == pair.form_id)
    if new_mentor is not None and new_mentor.category not in form_row.mentor_categories:
        errors.add("new_mentor_id", f"В форме «{form_row.title}» этот человек не может быть наставником")
    day = programmes.read_date(errors, "since", since) if since else today()
    if day and not pair.starts_on <= day <= pair.end:
        errors.add("since", "Дата замены — в периоде работы пары")
    errors.raise_if_any()
    assert new_mentor is not None and day is not None
    load, _ = await open_load(pair.programme_id)
    if load.get(new_mentor.id, 0) + len(pair.mentee_ids) > terms.max_mentees_per_mentor:
        raise ValidationFailed({"new_mentor_id": "У этого наставника нет свободных мест"})
    extra = programmes.ReplacementOrder(
        mentee=", ".join(m.full_name for m in pair.mentees),
        old_mentor=pair.mentor.full_name,
        new_mentor=new_mentor.full_name,
        reason=reason,
        starts_on=format_date(pair.starts_on),
        ends_on=format_date(pair.end),
        new_mentor_agreement=rules.agreement_text(agreement).removeprefix("доп. соглашение ").replace("—", ""),
        refs={"mentorship_id": str(pair_id), "mentor_id": str(new_mentor.id), "since": day.isoformat()},
    )
    order_id = await programmes.create_order(actor, programme, OrderKind.replace_mentor, extra)
    await record_mentor(actor, pair_id, new_mentor.id, day, reason, order_id)
    return order_id


async def _mentor_replaced(actor: Actor, record: object) -> None:
    order = view(record, RegisteredOrder)
    refs = order.payload.get("refs", {})
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
        .where((MentorChange.mentorship_id == pair_id) & (MentorChange.order_id == order.id))
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
