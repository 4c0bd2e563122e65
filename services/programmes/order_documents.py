"""The documents of orders: what each kind says, who issues it with which requisites, and the DOCX itself."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import msgspec
from docxtpl import DocxTemplate

from services.programmes.declension import decline_list
from services.programmes.records import OrderRecord, Owner
from services.programmes.tables import LEVEL_KINDS, OrderKind
from shared.db import current_connection
from shared.i18n import format_date
from tenants import OrganizationKind, OrganizationRecord, get_municipality, get_organization, list_organizations

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
    OrderKind.school_enrolment: "О зачислении на обучение в сетевой школе наставников",
    OrderKind.school_completion: "Об итогах обучения в сетевой школе наставников",
    OrderKind.certification_commission: "О составе комиссии по сертификации кураторов наставнической деятельности",
    OrderKind.certification_decision: "Об итогах сертификации кураторов наставнической деятельности",
    OrderKind.mentor_incentives: "О поощрении наставников",
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


PAIRS_COLUMNS = ["Наставник", "Наставляемые", "Форма, ролевая модель", "Период", "Дополнительное соглашение"]


def _cells(row: Any) -> list[str]:
    return list(row["cells"] if isinstance(row, dict) else row)


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
    if kind in LEVEL_KINDS:  # the composing domain wrote it all
        return Wording(payload["preamble"], payload["points"], payload["appendix_title"], payload["columns"])
    owner = payload["owner_short"]
    if kind == OrderKind.approve_programme:
        return Wording(
            f"{BASIS}, в целях внедрения целевой модели наставничества в {owner}",
            [
                f"Утвердить Положение о наставничестве в {owner}.",
                f"Утвердить программу наставничества «{payload['programme']}» на период {_period(payload)} "
                "(приложение).",
                f"Назначить куратором наставнической деятельности {decline_list(payload['curator'], 'accs')}."
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
        per_pair = any(len(_cells(row)) >= 5 for row in payload.get("rows", []))
        if not per_pair:  # an order stored before each pair had its own period
            return Wording(
                f"{BASIS}, по итогам формирования наставнических пар (групп)",
                [
                    f"Закрепить наставнические пары (группы) на период {_period(payload)} (приложение).",
                    "Наставникам совместно с наставляемыми разработать индивидуальные планы развития.",
                    CONTROL,
                ],
                "Наставнические пары (группы)",
                PAIRS_COLUMNS[:3],
            )
        agreements = any(_cells(row)[4] not in ("", "—") for row in payload["rows"] if len(_cells(row)) >= 5)
        points = [
            "Закрепить наставнические пары (группы) согласно приложению на периоды, указанные в приложении "
            "для каждой пары (группы).",
            "Наставникам совместно с наставляемыми разработать индивидуальные планы развития.",
        ]
        if agreements:
            points.append(
                "Наставникам из числа работников выполнять обязанности наставника на условиях дополнительных "
                "соглашений к трудовым договорам, указанных в приложении."
            )
        return Wording(
            f"{BASIS}, по итогам формирования наставнических пар (групп)",
            [*points, CONTROL],
            "Наставнические пары (группы)",
            PAIRS_COLUMNS,
        )
    if kind == OrderKind.replace_mentor:
        mentee = decline_list(payload["mentee"], "gent")
        agreement = payload.get("new_mentor_agreement") or ""
        terms = f" на условиях дополнительного соглашения к трудовому договору {agreement}" if agreement else ""
        return Wording(
            f"{BASIS}, в связи с {REPLACEMENT_REASONS[payload['reason']]}",
            [
                f"Освободить {decline_list(payload['old_mentor'], 'accs')} от обязанностей наставника {mentee}.",
                f"Назначить наставником {mentee} {decline_list(payload['new_mentor'], 'accs')}{terms}. "
                f"Период наставничества не изменяется: {_period(payload)}.",
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


class Issuer(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    short: str
    requisites: str = ""
    head: str = ""
    position: str = "Руководитель"
    place: str


async def issuer(owner: Owner) -> Issuer:
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
        return Issuer(name=municipality.name, short=municipality.name, place=municipality.name)
    region = await current_connection().fetchval("SELECT name FROM region WHERE id = app_uuid('app.region_id')")
    return Issuer(name=f"Региональный наставнический центр — {region}", short=str(region), place=str(region))


def _requisites(organization: OrganizationRecord, place: str) -> Issuer:
    parts = [
        organization.address,
        f"ИНН {organization.inn}" if organization.inn else "",
        organization.phone,
    ]
    position = (
        "Директор" if organization.kind in (OrganizationKind.school, OrganizationKind.college) else "Руководитель"
    )
    return Issuer(
        name=organization.name,
        short=organization.short_name or organization.name,
        requisites=", ".join(p for p in parts if p),
        head=organization.head_name,
        position=position,
        place=place,
    )


# The document -------------------------------------------------------------------------------------------


def render(order: OrderRecord, who: Issuer) -> bytes:
    words = wording(order.kind, order.payload)
    width = len(words.columns)
    rows = [(_cells(row) + [""] * width)[:width] for row in order.payload.get("rows", [])]
    document = DocxTemplate(TEMPLATE)
    document.render(
        {
            "organization_name": who.name,
            "requisites": who.requisites,
            "place": who.place,
            "signed_on": format_date(order.signed_on) if order.signed_on else "«___» __________ 20__ г.",
            "number": order.number or "____",
            "title": order.title,
            "preamble": words.preamble,
            "points": words.points,
            "head_position": who.position,
            "head_name": who.head or "____________________",
            "appendix_title": words.appendix_title,
            "columns": words.columns,
            "rows": rows,
        },
        autoescape=True,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class Numbered(Protocol):
    @property
    def number(self) -> str | None: ...

    @property
    def signed_on(self) -> date | None: ...


def signed(order: Numbered | None) -> str:
    """«№ 12 от 01.10.2026» for a registered order."""
    if not order or not order.number:
        return ""
    return f"№ {order.number} от {format_date(order.signed_on)}"
