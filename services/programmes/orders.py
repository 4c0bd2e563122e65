"""Orders the head signs, generated as DOCX from the organization's requisites and live data.

A draft holds a snapshot of the data it lists; registering it in the document register (number and date)
freezes the document and makes it take effect: a programme or a registry is approved only then.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from docxtpl import DocxTemplate

from services.programmes import logic, selection
from services.programmes.logic import Owner, plain_number, read_date
from services.programmes.tables import Order, OrderKind, Programme
from services.registry import ParticipationRole, add_roles, scan_type
from shared.actor import Actor
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed
from shared.i18n import format_date
from tenants import OrganizationKind, OrganizationRecord, Role, get_municipality, get_organization, list_organizations

TEMPLATE = Path(__file__).parent / "documents" / "order.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BASIS = (
    "В соответствии с распоряжением Министерства просвещения Российской Федерации от 25.12.2019 № Р-145 "
    "«Об утверждении методологии (целевой модели) наставничества обучающихся для организаций, осуществляющих "
    "образовательную деятельность по общеобразовательным, дополнительным общеобразовательным и программам среднего "
    "профессионального образования»"
)
TITLES: dict[OrderKind, str] = {
    OrderKind.approve_programme: "Об утверждении Положения о наставничестве и программы наставничества",
    OrderKind.approve_roadmap: "Об утверждении дорожной карты внедрения целевой модели наставничества",
    OrderKind.approve_registry: "Об утверждении реестра наставников",
    OrderKind.approve_pairs: "О закреплении наставнических пар (групп)",
    OrderKind.replace_mentor: "О замене наставника",
    OrderKind.enrol_mentor_school: "О зачислении на обучение в сетевой школе наставников",
}
# The reasons of 004 §2.8; the pairs' domain passes one of them.
REPLACEMENT_REASONS: dict[str, str] = {
    "employment_ended": "прекращением наставником трудовых отношений с организацией",
    "incompatibility": "психологической несовместимостью наставника и наставляемого",
    "non_performance": "систематическим неисполнением наставником своих обязанностей",
    "disciplinary": "привлечением наставника к дисциплинарной ответственности",
    "request": "обоснованной просьбой наставника или наставляемого",
}
CONTROL = "Контроль за исполнением настоящего приказа оставляю за собой."

Handler = Callable[[Actor, dict[str, Any]], Awaitable[None]]
_ON_REGISTERED: dict[OrderKind, list[Handler]] = {}


def on_registered(kind: OrderKind, handler: Handler) -> None:
    """Other domains act on their orders (pairs approved, a mentor replaced) without this one knowing them."""
    if handler not in _ON_REGISTERED.setdefault(kind, []):
        _ON_REGISTERED[kind].append(handler)


def _period(payload: dict[str, Any]) -> str:
    return f"с {payload['starts_on']} по {payload['ends_on']}"


@dataclass(frozen=True)
class Wording:
    preamble: str
    points: list[str]
    appendix_title: str
    columns: list[str]


def wording(kind: OrderKind, payload: dict[str, Any]) -> Wording:
    """What each kind of order says, filled from its snapshot."""
    owner = payload["owner_short"]
    if kind == OrderKind.approve_programme:
        return Wording(
            f"{BASIS}, в целях внедрения целевой модели наставничества в {owner}",
            [
                f"Утвердить Положение о наставничестве в {owner}.",
                f"Утвердить программу наставничества «{payload['programme']}» на период {_period(payload)} "
                "(приложение).",
                f"Назначить куратором наставнической деятельности {payload['curator']}."
                if payload.get("curator")
                else "Куратору наставнической деятельности обеспечить реализацию программы.",
                CONTROL,
            ],
            "Основные положения программы наставничества",
            ["Раздел", "Содержание", "Значение, срок"],
        )
    if kind == OrderKind.approve_roadmap:
        return Wording(
            f"{BASIS}, в целях реализации программы наставничества «{payload['programme']}»",
            [
                "Утвердить дорожную карту внедрения целевой модели наставничества (приложение).",
                "Куратору наставнической деятельности обеспечить выполнение мероприятий в установленные сроки "
                "и размещение отчётных документов.",
                CONTROL,
            ],
            "Дорожная карта внедрения целевой модели наставничества",
            ["Мероприятие", "Сроки", "Ответственные"],
        )
    if kind == OrderKind.approve_registry:
        return Wording(
            f"{BASIS}, на основании решения комиссии по отбору наставников",
            [
                f"Утвердить реестр наставников {owner} (приложение).",
                "Разместить реестр наставников и портфолио наставников на официальном сайте организации.",
                CONTROL,
            ],
            "Реестр наставников",
            ["ФИО наставника", "Должность, статус", "Решение комиссии"],
        )
    if kind == OrderKind.approve_pairs:
        return Wording(
            f"{BASIS}, по итогам формирования наставнических пар (групп)",
            [
                f"Закрепить наставнические пары (группы) на период {_period(payload)} (приложение).",
                "Наставникам совместно с наставляемыми разработать индивидуальные планы развития.",
                CONTROL,
            ],
            "Наставнические пары (группы)",
            ["Наставник", "Наставляемые", "Форма, ролевая модель"],
        )
    if kind == OrderKind.replace_mentor:
        return Wording(
            f"{BASIS}, в связи с {REPLACEMENT_REASONS[payload['reason']]}",
            [
                f"Освободить {payload['old_mentor']} от обязанностей наставника {payload['mentee']}.",
                f"Назначить наставником {payload['mentee']} {payload['new_mentor']}. Период наставничества "
                f"не изменяется: {_period(payload)}.",
                CONTROL,
            ],
            "",
            ["", "", ""],
        )
    return Wording(
        f"{BASIS}, в целях повышения профессиональной компетентности наставников",
        [
            f"Зачислить на обучение по программе «{payload['course']}» сетевой школы наставников на период "
            f"{_period(payload)} наставников согласно приложению.",
            "Куратору наставнической деятельности обеспечить участие наставников в занятиях.",
            CONTROL,
        ],
        "Список наставников, зачисленных на обучение",
        ["ФИО наставника", "Должность, статус", ""],
    )


# The issuer and its requisites -------------------------------------------------------------------------


async def issuer(owner: Owner) -> dict[str, str]:
    """Who signs: the organization, the municipality's education body, or the regional centre."""
    if owner.organization_id:
        organization = await get_organization(owner.organization_id)
        municipality = await get_municipality(organization.municipality_id)
        return _requisites(organization, municipality.name)
    if owner.municipality_id:
        municipality = await get_municipality(owner.municipality_id)
        bodies = [
            o for o in await list_organizations(owner.municipality_id) if o.kind == OrganizationKind.municipal_body
        ]
        if bodies:
            return _requisites(await get_organization(bodies[0].id), municipality.name)
        return {
            "name": municipality.name,
            "short": municipality.name,
            "requisites": "",
            "head": "",
            "position": "Руководитель",
            "place": municipality.name,
        }
    region = await current_connection().fetchval("SELECT name FROM region WHERE id = app_uuid('app.region_id')")
    return {
        "name": f"Региональный наставнический центр — {region}",
        "short": str(region),
        "requisites": "",
        "head": "",
        "position": "Руководитель",
        "place": str(region),
    }


def _requisites(organization: OrganizationRecord, place: str) -> dict[str, str]:
    parts = [
        organization.address,
        f"ИНН {organization.inn}" if organization.inn else "",
        organization.phone,
    ]
    position = (
        "Директор" if organization.kind in (OrganizationKind.school, OrganizationKind.college) else "Руководитель"
    )
    return {
        "name": organization.name,
        "short": organization.short_name or organization.name,
        "requisites": ", ".join(p for p in parts if p),
        "head": organization.head_name,
        "position": position,
        "place": place,
    }


# Snapshots of live data ---------------------------------------------------------------------------------


async def snapshot(kind: OrderKind, programme: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The data an order lists, checked: an order that would approve nothing, or too early, is refused."""
    owner = Owner.of(programme)
    who = await issuer(owner)
    payload: dict[str, Any] = {
        "owner_name": who["name"],
        "owner_short": who["short"],
        "programme": programme["title"],
        "starts_on": format_date(programme["starts_on"]),
        "ends_on": format_date(programme["ends_on"]),
        "rows": [],
    }
    if kind == OrderKind.approve_programme:
        if missing := await logic.missing_steps(programme):
            names = ", ".join(logic.STEPS[s] for s in missing)
            raise ValidationFailed({"kind": f"Программа заполнена не полностью: {names}"})
        if owner.organization_id:
            curators = (await selection.organization_staff(owner.organization_id))[Role.curator]
            payload["curator"] = ", ".join(c["full_name"] for c in curators)
        payload["rows"] = await _programme_rows(programme)
    elif kind == OrderKind.approve_roadmap:
        stages = await logic.roadmap(programme["id"])
        payload["rows"] = [
            [
                f"{s.number}. {e['title']}",
                e["period_label"] or f"{format_date(e['starts_on'])}–{format_date(e['ends_on'])}",
                e["responsible"],
            ]
            for s in stages
            for e in s.events
            if e["status"] != "cancelled"
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
                "person_id": str(m["person_id"]),
                "cells": [
                    m["person"].full_name,
                    m["person"].position,
                    f"от {format_date(m['decided_on'])}",
                ],
            }
            for m in mentors
        ]
    elif kind == OrderKind.enrol_mentor_school:
        errors = Errors()
        course = str(extra.get("course", "")).strip()
        if not course:
            errors.add("course", "Назовите программу обучения")
        starts_on = read_date(errors, "course_starts_on", str(extra.get("course_starts_on", "")))
        ends_on = read_date(errors, "course_ends_on", str(extra.get("course_ends_on", "")))
        if starts_on and ends_on and ends_on < starts_on:
            errors.add("course_ends_on", "Окончание раньше начала")
        chosen = {str(p) for p in extra.get("person_ids", [])}
        mentors = [m for m in (await selection.registry(programme)).mentors if str(m["person_id"]) in chosen]
        if not mentors:
            errors.add("person_ids", "Выберите наставников из реестра")
        errors.raise_if_any()
        payload.update(course=course, starts_on=format_date(starts_on), ends_on=format_date(ends_on))
        payload["rows"] = [
            {"person_id": str(m["person_id"]), "cells": [m["person"].full_name, m["person"].position, ""]}
            for m in mentors
        ]
    else:
        payload.update(_caller_payload(kind, extra))
    return payload


def _caller_payload(kind: OrderKind, extra: dict[str, Any]) -> dict[str, Any]:
    """Pairs and replacements are composed by the pairs' domain; the shape is checked here, and `refs` (the
    records the order concerns) is kept for that domain to act on when the order is registered."""
    if kind == OrderKind.replace_mentor:
        needed = ("mentee", "old_mentor", "new_mentor", "reason", "starts_on", "ends_on")
        if any(not extra.get(k) for k in needed) or extra["reason"] not in REPLACEMENT_REASONS:
            raise ValidationFailed({"reason": "Укажите наставляемого, обоих наставников, период и основание замены"})
        return {**{k: extra[k] for k in needed}, "refs": extra.get("refs", {})}
    rows = extra.get("rows") or []
    if not rows or not extra.get("starts_on") or not extra.get("ends_on"):
        raise ValidationFailed({"rows": "Нет пар (групп) для закрепления"})
    return {"rows": rows, "starts_on": extra["starts_on"], "ends_on": extra["ends_on"], "refs": extra.get("refs", {})}


async def _programme_rows(programme: dict[str, Any]) -> list[list[str]]:
    forms, models = await logic.catalogue_choices()
    form_titles = [f["title"] for f in forms if f["id"] in programme["form_ids"]]
    model_titles = [m["title"] for m in models if m["id"] in programme["role_model_ids"]]
    target = f"{plain_number(programme['target_baseline'])} → {plain_number(programme['target_value'])}"
    rows = [
        ["Проблема", programme["problem"], ""],
        ["Цель", programme["goal"], f"до {format_date(programme['target_deadline'])}"],
        ["Измеримый показатель цели", programme["target_title"], target],
        ["Целевая аудитория", programme["audience"], ""],
    ]
    rows += [
        ["Ожидаемый результат", r["title"], plain_number(r["target"])] for r in await logic.results_of(programme["id"])
    ]
    if programme["qualitative_results"]:
        rows.append(["Качественные результаты", programme["qualitative_results"], ""])
    rows += [
        ["Формы наставничества", "; ".join(form_titles), ""],
        ["Ролевые модели", "; ".join(model_titles) or "—", ""],
        ["Реализаторы", programme["implementers"], ""],
        ["Ресурсы", programme["resources"], ""],
        ["Нормативная база", programme["regulations"], ""],
        ["Наставляемых на одного наставника", "не более", str(programme["max_mentees_per_mentor"])],
    ]
    return rows


# Documents ------------------------------------------------------------------------------------------------


def render(order: dict[str, Any], payload: dict[str, Any], who: dict[str, str]) -> bytes:
    kind = OrderKind(order["kind"])
    words = wording(kind, payload)
    rows = [row["cells"] if isinstance(row, dict) else row for row in payload.get("rows", [])]
    document = DocxTemplate(TEMPLATE)
    document.render(
        {
            "organization_name": who["name"],
            "requisites": who["requisites"],
            "place": who["place"],
            "signed_on": format_date(order["signed_on"]) if order["signed_on"] else "«___» __________ 20__ г.",
            "number": order["number"] or "____",
            "title": order["title"],
            "preamble": words.preamble,
            "points": words.points,
            "head_position": who["position"],
            "head_name": who["head"] or "____________________",
            "appendix_title": words.appendix_title,
            "columns": words.columns,
            "rows": rows,
        },
        autoescape=True,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Creating, reading and registering ------------------------------------------------------------------------


async def create_order(actor: Actor, programme: dict[str, Any], kind: str, extra: dict[str, Any] | None = None) -> UUID:
    try:
        order_kind = OrderKind(kind)
    except ValueError:
        raise ValidationFailed({"kind": "Выберите вид приказа"}) from None
    payload = await snapshot(order_kind, programme, extra or {})
    rows = (
        await Order.insert(
            Order(
                region_id=programme["region_id"],
                **Owner.of(programme).columns(),
                programme_id=programme["id"],
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


async def get_order(order_id: UUID, owner: Owner | None = None) -> dict[str, Any]:
    row = (
        await Order.select(*Order.all_columns(exclude=[Order.document, Order.scan]))
        .where(Order.id == order_id)
        .first()
        .run()
    )
    if row is None or (owner is not None and Owner.of(row) != owner):
        raise NotFound()
    row["has_scan"] = bool(
        await current_connection().fetchval("SELECT scan IS NOT NULL FROM programme_order WHERE id = $1", order_id)
    )
    return row


async def list_orders(owner: Owner, programme_id: UUID | None = None) -> list[dict[str, Any]]:
    """The document register: registered orders by date and number, drafts first."""
    rows = await current_connection().fetch(
        """SELECT id, programme_id, kind, title, number, signed_on, created_at, scan IS NOT NULL AS has_scan
           FROM programme_order
           WHERE organization_id IS NOT DISTINCT FROM $1 AND municipality_id IS NOT DISTINCT FROM $2
             AND ($3::uuid IS NULL OR programme_id = $3)
           ORDER BY number IS NOT NULL, signed_on DESC NULLS FIRST, created_at DESC""",
        owner.organization_id,
        owner.municipality_id,
        programme_id,
    )
    return [dict(r) for r in rows]


async def document(order_id: UUID, owner: Owner | None = None) -> tuple[bytes, str]:
    """The registered document as signed; a draft is rendered from its snapshot each time."""
    order = await get_order(order_id, owner)
    stored = await current_connection().fetchval("SELECT document FROM programme_order WHERE id = $1", order_id)
    data = stored or render(order, order["payload"], await issuer(Owner.of(order)))
    number = re.sub(r"[^\w-]+", "_", order["number"] or "проект")
    return data, f"Приказ_{number}.docx"


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


async def register(actor: Actor, order_id: UUID, form: RegisterForm, owner: Owner | None = None) -> None:
    """Number and date in the register; the document is frozen and the order takes effect."""
    order = await get_order(order_id, owner)
    errors = Errors()
    if order["number"]:
        errors.add("number", "Приказ уже зарегистрирован")
    number = " ".join(form.number.split()).removeprefix("№").strip()
    if not number or len(number) > 30:
        errors.add("number", "Укажите номер приказа (до 30 знаков)")
    signed_on = read_date(errors, "signed_on", form.signed_on)
    if signed_on and signed_on > today():
        errors.add("signed_on", "Приказ не может быть датирован будущим числом")
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
    order.update(number=number, signed_on=signed_on)
    data = render(order, order["payload"], await issuer(owner_of))
    await (
        Order.update(
            {
                Order.number: number,
                Order.signed_on: signed_on,
                Order.document: data,
                Order.registered_by: actor.user_id,
                Order.registered_at: now(),
            }
        )
        .where(Order.id == order_id)
        .run()
    )
    await _take_effect(actor, order)


async def _take_effect(actor: Actor, order: dict[str, Any]) -> None:
    for handler in _ON_REGISTERED.get(OrderKind(order["kind"]), []):
        await handler(actor, order)
    column = {
        OrderKind.approve_programme: Programme.approved_order_id,
        OrderKind.approve_roadmap: Programme.roadmap_order_id,
        OrderKind.approve_registry: Programme.registry_order_id,
    }.get(OrderKind(order["kind"]))
    if column is None or order["programme_id"] is None:
        return
    await Programme.update({column: order["id"]}).where(Programme.id == order["programme_id"]).run()
    if order["kind"] == OrderKind.approve_registry and order["organization_id"]:
        for row in order["payload"]["rows"]:
            await add_roles(actor, order["organization_id"], UUID(row["person_id"]), [ParticipationRole.mentor])


async def attach_scan(order_id: UUID, data: bytes, filename: str, owner: Owner | None = None) -> None:
    order = await get_order(order_id, owner)
    if not order["number"]:
        raise ValidationFailed({"file": "Скан прикладывается к зарегистрированному приказу"})
    if len(data) > 10 * 1024 * 1024:
        raise ValidationFailed({"file": "Файл больше 10 МБ"})
    content_type = scan_type(data)
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


def signed(order: dict[str, Any] | None) -> str:
    """«№ 12 от 01.10.2026» for a registered order."""
    if not order or not order.get("number"):
        return ""
    return f"№ {order['number']} от {format_date(order['signed_on'])}"
