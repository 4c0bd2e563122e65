"""Orders the head signs: drafted from a snapshot of live data, sent for signature, registered, taking effect.

A draft holds a snapshot of the data it lists; the curator sends it to the signer (the head, or the level's
coordinator), who returns it with a comment or registers it (number and date): that freezes the document and makes
it take effect, so a programme or a registry is approved only then.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from services.programmes import selection
from services.programmes.access import Access, NotSigner, signer_role
from services.programmes.constructor import STEPS, missing_steps, results_of
from services.programmes.order_documents import REPLACEMENT_REASONS, TITLES, issuer, render
from services.programmes.records import OrderRecord, Owner, ProgrammeRecord, record, records
from services.programmes.regional_catalogue import catalogue_choices
from services.programmes.roadmap import roadmap
from services.programmes.tables import LEVEL_KINDS, Order, OrderKind, Programme
from services.programmes.values import plain_number, read_date
from services.registry import ParticipationRole, add_roles
from shared.actor import Actor
from shared.clock import now, today
from shared.db import current_connection
from shared.downloads import download_name
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import format_date, parse_date
from shared.uploads import file_type
from tenants import Role, list_people

Handler = Callable[[Actor, OrderRecord], Awaitable[None]]
_ON_REGISTERED: dict[OrderKind, list[Handler]] = {}


class PairsOrder(msgspec.Struct, frozen=True, kw_only=True):
    """An order «о закреплении наставнических пар (групп)» as the pairs' domain composes it; `refs` are the
    records it concerns, kept for that domain to act on when the order is registered."""

    rows: list[list[str]]
    starts_on: str  # as printed, дд.мм.гггг
    ends_on: str
    refs: dict[str, Any] = msgspec.field(default_factory=dict)


class ReplacementOrder(msgspec.Struct, frozen=True, kw_only=True):
    """An order «о замене наставника»: the names as printed and one of REPLACEMENT_REASONS."""

    mentee: str
    old_mentor: str
    new_mentor: str
    reason: str
    starts_on: str
    ends_on: str
    new_mentor_agreement: str = ""  # a staff mentor's agreement on the duties, as printed: «№ 12 от 01.09.2026»
    refs: dict[str, Any] = msgspec.field(default_factory=dict)


class CourseOrder(msgspec.Struct, frozen=True, kw_only=True):
    """An enrolment in the network mentor school: the course, its dates and mentors of the registry."""

    course: str = ""
    course_starts_on: str = ""
    course_ends_on: str = ""
    person_ids: list[str] = msgspec.field(default_factory=list)


class LevelOrder(msgspec.Struct, frozen=True, kw_only=True):
    """An order another domain composes in full (the mentor school's enrolment and completion, the certification
    commission and its decision): its wording, its appendix, and the records it concerns in `refs`, for that
    domain's `on_registered` handler. `BASIS` is the usual opening of a preamble."""

    preamble: str
    points: list[str]
    appendix_title: str = ""
    columns: list[str] = msgspec.field(default_factory=list)
    rows: list[list[str]] = msgspec.field(default_factory=list)
    title: str = ""  # instead of the kind's usual title
    starts_on: str = ""  # дд.мм.гггг: the first day it puts anyone to work; the order may not be dated after it
    refs: dict[str, Any] = msgspec.field(default_factory=dict)


OrderDetails = PairsOrder | ReplacementOrder | CourseOrder


def on_registered(kind: OrderKind, handler: Handler) -> None:
    """Other domains act on their orders (pairs approved, a mentor replaced) without this one knowing them."""
    if handler not in _ON_REGISTERED.setdefault(kind, []):
        _ON_REGISTERED[kind].append(handler)


# Snapshots of live data ---------------------------------------------------------------------------------


async def snapshot(kind: OrderKind, programme: ProgrammeRecord, extra: OrderDetails | None) -> dict[str, Any]:
    """The data an order lists, checked: an order that would approve nothing, or too early, is refused."""
    owner = Owner.of(programme)
    who = await issuer(owner)
    payload: dict[str, Any] = {
        "owner_name": who.name,
        "owner_short": who.short,
        "programme": programme.title,
        "starts_on": format_date(programme.starts_on),
        "ends_on": format_date(programme.ends_on),
        "rows": [],
    }
    if kind == OrderKind.approve_programme:
        if missing := await missing_steps(programme):
            names = ", ".join(STEPS[s] for s in missing)
            raise ValidationFailed({"kind": f"Программа заполнена не полностью: {names}"})
        if owner.organization_id:
            curators = (await selection.organization_staff(owner.organization_id))[Role.curator]
            payload["curator"] = ", ".join(c.full_name for c in curators)
        payload["rows"] = await _programme_rows(programme)
    elif kind == OrderKind.approve_roadmap:
        stages = await roadmap(programme.id)
        payload["rows"] = [
            [
                f"{s.number}. {e.title}",
                e.period_label or f"{format_date(e.starts_on)}–{format_date(e.ends_on)}",
                e.responsible,
            ]
            for s in stages
            for e in s.events
            if e.status != "cancelled"
        ]
        if not payload["rows"]:
            raise ValidationFailed({"kind": "В дорожной карте нет мероприятий"})
    elif kind == OrderKind.approve_registry:
        if problems := await selection.commission_problems(programme):
            raise ValidationFailed({"kind": "Комиссия по отбору: " + next(iter(problems.values()))})
        mentors = (await selection.registry(programme)).mentors
        if not mentors:
            raise ValidationFailed({"kind": "Комиссия ещё не включила в реестр ни одного наставника"})
        payload["rows"] = [
            {
                "person_id": str(m.person_id),
                "cells": [m.person.full_name, m.person.position, f"от {format_date(m.decided_on)}"],
            }
            for m in mentors
        ]
    elif kind == OrderKind.enrol_mentor_school:
        course_order = extra if isinstance(extra, CourseOrder) else CourseOrder()
        errors = Errors()
        course = course_order.course.strip()
        if not course:
            errors.add("course", "Назовите программу обучения")
        starts_on = read_date(errors, "course_starts_on", course_order.course_starts_on)
        ends_on = read_date(errors, "course_ends_on", course_order.course_ends_on)
        if starts_on and ends_on and ends_on < starts_on:
            errors.add("course_ends_on", "Окончание раньше начала")
        chosen = set(course_order.person_ids)
        mentors = [m for m in (await selection.registry(programme)).mentors if str(m.person_id) in chosen]
        if not mentors:
            errors.add("person_ids", "Выберите наставников из реестра")
        errors.raise_if_any()
        payload.update(course=course, starts_on=format_date(starts_on), ends_on=format_date(ends_on))
        payload["rows"] = [
            {"person_id": str(m.person_id), "cells": [m.person.full_name, m.person.position, ""]} for m in mentors
        ]
    else:
        payload.update(_caller_payload(kind, extra))
    return payload


def _caller_payload(kind: OrderKind, extra: OrderDetails | None) -> dict[str, Any]:
    """Pairs and replacements are composed by the pairs' domain; the shape is checked here."""
    if kind == OrderKind.replace_mentor:
        if not isinstance(extra, ReplacementOrder):
            extra = None
        needed = ("mentee", "old_mentor", "new_mentor", "reason", "starts_on", "ends_on")
        if extra is None or any(not getattr(extra, k) for k in needed) or extra.reason not in REPLACEMENT_REASONS:
            raise ValidationFailed({"reason": "Укажите наставляемого, обоих наставников, период и основание замены"})
        return msgspec.structs.asdict(extra)
    if not isinstance(extra, PairsOrder) or not extra.rows or not extra.starts_on or not extra.ends_on:
        raise ValidationFailed({"rows": "Нет пар (групп) для закрепления"})
    return msgspec.structs.asdict(extra)


async def _programme_rows(programme: ProgrammeRecord) -> list[list[str]]:
    forms, models = await catalogue_choices()
    form_titles = [f.title for f in forms if f.id in programme.form_ids]
    model_titles = [m.title for m in models if m.id in programme.role_model_ids]
    target = f"{plain_number(programme.target_baseline)} → {plain_number(programme.target_value)}"
    rows = [
        ["Проблема", programme.problem, ""],
        ["Цель", programme.goal, f"до {format_date(programme.target_deadline)}"],
        ["Измеримый показатель цели", programme.target_title, target],
        ["Целевая аудитория", programme.audience, ""],
    ]
    rows += [["Ожидаемый результат", r.title, plain_number(r.target)] for r in await results_of(programme.id)]
    if programme.qualitative_results:
        rows.append(["Качественные результаты", programme.qualitative_results, ""])
    rows += [
        ["Формы наставничества", "; ".join(form_titles), ""],
        ["Ролевые модели", "; ".join(model_titles) or "—", ""],
        ["Реализаторы", programme.implementers, ""],
        ["Ресурсы", programme.resources, ""],
        ["Нормативная база", programme.regulations, ""],
        ["Наставляемых на одного наставника", "не более", str(programme.max_mentees_per_mentor)],
    ]
    return rows


# Creating, reading and registering ------------------------------------------------------------------------


async def create_order(actor: Actor, programme: ProgrammeRecord, kind: str, extra: OrderDetails | None = None) -> UUID:
    try:
        order_kind = OrderKind(kind)
    except ValueError:
        raise ValidationFailed({"kind": "Выберите вид приказа"}) from None
    payload = await snapshot(order_kind, programme, extra)
    rows = (
        await Order.insert(
            Order(
                region_id=programme.region_id,
                **Owner.of(programme).columns(),
                programme_id=programme.id,
                kind=order_kind,
                title=TITLES[order_kind],
                payload=payload,
                scan_content_type="",
                scan_filename="",
                created_by=actor.user_id,
                created_at=now(),
            )
        )
        .returning(Order.id)
        .run()
    )
    order_id: UUID = rows[0]["id"]
    return order_id


async def create_level_order(actor: Actor, region_id: UUID, owner: Owner, kind: OrderKind, details: LevelOrder) -> UUID:
    """A draft of an order of a level (an organization, a municipality, the region) that no programme owns; it is
    sent for signature and registered like any other, and `on_registered(kind, …)` makes it take effect."""
    if kind not in LEVEL_KINDS:
        raise ValueError(f"{kind} is composed by the programmes' own snapshot")
    if not details.preamble.strip() or not details.points:
        raise ValidationFailed({"kind": "В приказе нет распорядительной части"})
    who = await issuer(owner)
    payload = {"owner_name": who.name, "owner_short": who.short, **msgspec.structs.asdict(details)}
    rows = (
        await Order.insert(
            Order(
                region_id=region_id,
                **owner.columns(),
                programme_id=None,
                kind=kind,
                title=details.title or TITLES[kind],
                payload=payload,
                scan_content_type="",
                scan_filename="",
                created_by=actor.user_id,
                created_at=now(),
            )
        )
        .returning(Order.id)
        .run()
    )
    order_id: UUID = rows[0]["id"]
    return order_id


async def discard_draft(order_id: UUID, owner: Owner) -> None:
    """A level order's draft, never signed, is thrown away by the domain that composed it (its records go back to
    where they were before; that domain lets go of the order first). A sent or registered order stays."""
    order = await get_order(order_id, owner)
    if order.kind not in LEVEL_KINDS or order.state != "draft":
        raise ValidationFailed({"order": "Расформировать можно только проект, не отправленный на подпись"})
    await current_connection().execute(
        "DELETE FROM programme_order WHERE id = $1 AND number IS NULL AND submitted_at IS NULL", order_id
    )


_COLUMNS = """id, region_id, organization_id, municipality_id, programme_id, kind, title, payload, number,
              signed_on, created_at, scan IS NOT NULL AS has_scan, submitted_at, return_comment"""


async def get_order(order_id: UUID, owner: Owner | None = None) -> OrderRecord:
    row = await current_connection().fetchrow(f"SELECT {_COLUMNS} FROM programme_order WHERE id = $1", order_id)
    if row is None:
        raise NotFound()
    order = record(row, OrderRecord)
    if owner is not None and Owner.of(order) != owner:
        raise NotFound()
    return order


async def list_orders(owner: Owner, programme_id: UUID | None = None) -> list[OrderRecord]:
    """The document register: registered orders by date and number, drafts first."""
    rows = await current_connection().fetch(
        f"""SELECT {_COLUMNS}
           FROM programme_order
           WHERE organization_id IS NOT DISTINCT FROM $1 AND municipality_id IS NOT DISTINCT FROM $2
             AND ($3::uuid IS NULL OR programme_id = $3)
           ORDER BY number IS NOT NULL, submitted_at IS NULL, signed_on DESC NULLS FIRST, created_at DESC""",
        owner.organization_id,
        owner.municipality_id,
        programme_id,
    )
    return records(rows, OrderRecord)


async def awaiting_signature(owner: Owner) -> list[OrderRecord]:
    """The orders sent to the level's signer and not yet registered: the head's list on the home page."""
    rows = await current_connection().fetch(
        f"""SELECT {_COLUMNS}
           FROM programme_order
           WHERE organization_id IS NOT DISTINCT FROM $1 AND municipality_id IS NOT DISTINCT FROM $2
             AND number IS NULL AND submitted_at IS NOT NULL
           ORDER BY submitted_at""",
        owner.organization_id,
        owner.municipality_id,
    )
    return records(rows, OrderRecord)


async def submit(actor: Actor, order_id: UUID, access: Access) -> None:
    """«Отправить на подпись»: the draft goes to the signer; a returned draft is sent again the same way."""
    order = await get_order(order_id, access.owner)
    if not access.may_submit(Owner.of(order)):
        raise Forbidden()
    if order.state != "draft":
        raise ValidationFailed({"order": "Приказ уже отправлен на подпись или зарегистрирован"})
    await (
        Order.update({Order.submitted_at: now(), Order.submitted_by: actor.user_id, Order.return_comment: ""})
        .where(Order.id == order_id)
        .run()
    )


async def return_for_revision(actor: Actor, order_id: UUID, access: Access, comment: str) -> None:
    """The signer sends a draft back with what to change; it is a draft again until sent anew."""
    order = await get_order(order_id, access.owner)
    if not access.may_register(Owner.of(order)):
        raise NotSigner(Owner.of(order))
    if order.state != "awaiting":
        raise ValidationFailed({"comment": "Вернуть можно только приказ, отправленный на подпись"})
    text = " ".join(comment.split())
    if not text or len(text) > 2000:
        raise ValidationFailed({"comment": "Напишите, что исправить (до 2000 знаков)"})
    await (
        Order.update({Order.submitted_at: None, Order.submitted_by: None, Order.return_comment: text})
        .where(Order.id == order_id)
        .run()
    )


async def document(order_id: UUID, owner: Owner | None = None) -> tuple[bytes, str]:
    """The registered document as signed; a draft is rendered from its snapshot each time."""
    order = await get_order(order_id, owner)
    stored = await current_connection().fetchval("SELECT document FROM programme_order WHERE id = $1", order_id)
    data = stored or render(order, await issuer(Owner.of(order)))
    number = (
        f"№ {order.number}" + (f" от {order.signed_on:%d.%m.%Y}" if order.signed_on else "")
        if order.number
        else "(проект)"
    )
    return data, download_name("Приказ", number, order.title, extension="docx")


async def suggest_number(owner: Owner, year: int) -> str:
    numbers = await current_connection().fetch(
        """SELECT number FROM programme_order WHERE number IS NOT NULL AND year = $3
           AND organization_id IS NOT DISTINCT FROM $1 AND municipality_id IS NOT DISTINCT FROM $2""",
        owner.organization_id,
        owner.municipality_id,
        year,
    )
    found = [int(m.group()) for r in numbers if (m := re.match(r"\d+", r["number"]))]
    return str(max(found, default=0) + 1)


@dataclass
class RegisterForm:
    number: str = ""
    signed_on: str = ""


async def register(actor: Actor, order_id: UUID, form: RegisterForm, signer: Access | None = None) -> None:
    """Number and date in the register by the level's signer; the document is frozen and the order takes effect.

    `signer` is the asker of a page or the API; without it (the demo seeding, a job) the level's signer is recorded.
    """
    order = await get_order(order_id, signer.owner if signer else None)
    if signer is not None and not signer.may_register(Owner.of(order)):
        raise NotSigner(Owner.of(order))
    errors = Errors()
    if order.number:
        errors.add("number", "Приказ уже зарегистрирован")
    number = " ".join(form.number.split()).removeprefix("№").strip()
    if not number or len(number) > 30:
        errors.add("number", "Укажите номер приказа (до 30 знаков)")
    signed_on = read_date(errors, "signed_on", form.signed_on)
    if signed_on and signed_on > today():
        errors.add("signed_on", "Приказ не может быть датирован будущим числом")
    starts = first_day(order)
    if signed_on and starts and signed_on > starts:
        what = {
            OrderKind.replace_mentor: "начала работы нового наставника",
            OrderKind.approve_pairs: "начала работы пар",
        }.get(OrderKind(order.kind), "начала обучения или работы, которые он вводит")
        errors.add(
            "signed_on",
            f"Дата приказа позже {what} ({format_date(starts)}): работа не может начаться раньше приказа",
        )
    errors.raise_if_any()
    assert signed_on is not None
    owner_of = Owner.of(order)
    taken = await current_connection().fetchval(
        """SELECT count(*) FROM programme_order WHERE lower(number) = lower($3) AND year = $4
           AND organization_id IS NOT DISTINCT FROM $1 AND municipality_id IS NOT DISTINCT FROM $2""",
        owner_of.organization_id,
        owner_of.municipality_id,
        number,
        signed_on.year,
    )
    if taken:
        raise ValidationFailed({"number": f"Номер {number} за {signed_on.year} год уже занят в реестре приказов"})
    order = msgspec.structs.replace(order, number=number, signed_on=signed_on)
    data = render(order, await issuer(owner_of))
    await (
        Order.update(
            {
                Order.number: number,
                Order.signed_on: signed_on,
                Order.document: data,
                Order.registered_by: actor.user_id or await _level_signer(owner_of),
                Order.registered_at: now(),
            }
        )
        .where(Order.id == order_id)
        .run()
    )
    await _take_effect(actor, order)


def first_day(order: OrderRecord) -> date | None:
    """The first day the order puts anyone to work: the earliest pair's start, or the day the new mentor takes
    over (the replaced pair keeps its own earlier period); the order may not be dated after it."""
    if order.kind == OrderKind.approve_pairs:
        text = str(order.payload.get("starts_on", ""))
    elif order.kind == OrderKind.replace_mentor:
        text = str((order.payload.get("refs") or {}).get("since", ""))
    elif order.kind in LEVEL_KINDS:
        text = str(order.payload.get("starts_on", ""))
    else:
        return None
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


async def _level_signer(owner: Owner) -> UUID | None:
    """The account that signs at the order's level, recorded when the demo or a job registers an order."""
    role = signer_role(owner)
    for account in await list_people(owner.organization_id):
        if account.role == role and (
            role != Role.municipal_coordinator or account.municipality_id == owner.municipality_id
        ):
            return account.id
    return None


async def _take_effect(actor: Actor, order: OrderRecord) -> None:
    for handler in _ON_REGISTERED.get(order.kind, []):
        await handler(actor, order)
    column = {
        OrderKind.approve_programme: Programme.approved_order_id,
        OrderKind.approve_roadmap: Programme.roadmap_order_id,
        OrderKind.approve_registry: Programme.registry_order_id,
    }.get(order.kind)
    if column is None or order.programme_id is None:
        return
    await Programme.update({column: order.id}).where(Programme.id == order.programme_id).run()
    if order.kind == OrderKind.approve_registry and order.organization_id:
        for row in order.payload["rows"]:
            await add_roles(actor, order.organization_id, UUID(row["person_id"]), [ParticipationRole.mentor])


async def attach_scan(order_id: UUID, data: bytes, filename: str, owner: Owner | None = None) -> None:
    order = await get_order(order_id, owner)
    if not order.number:
        raise ValidationFailed({"file": "Скан прикладывается к зарегистрированному приказу"})
    content_type = file_type(data)  # its size is the upload's (scan_max_bytes), checked where it is received
    if content_type is None:
        raise ValidationFailed({"file": "Скан — PDF, JPEG или PNG"})
    await (
        Order.update({Order.scan: data, Order.scan_content_type: content_type, Order.scan_filename: filename[-200:]})
        .where(Order.id == order_id)
        .run()
    )


async def scan(order_id: UUID, owner: Owner | None = None) -> tuple[bytes, str, str]:
    await get_order(order_id, owner)
    row = await current_connection().fetchrow(
        "SELECT scan, scan_content_type, scan_filename FROM programme_order WHERE id = $1 AND scan IS NOT NULL",
        order_id,
    )
    if row is None:
        raise NotFound()
    return row["scan"], row["scan_content_type"], row["scan_filename"] or "scan"
