"""The incentives register: proposing incentives at a level, the level's order «О поощрении наставников» composed
for the programmes' order machinery, and the incentives taking effect when the order is registered.

Who proposes at which level: the curator at the organization (its head signs), the municipal coordinator at the
municipality, the regional coordinator at the region (the coordinator of that level signs). A mentor is one of the
organization's mentor base with an active consent to processing; nothing about anyone else is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from uuid import UUID

import msgspec

from services import programmes, registry
from services.incentives.records import (
    COLUMNS,
    KIND_LABELS,
    LEARNER_KINDS,
    PAY_KINDS,
    STAFF_KINDS,
    IncentiveRecord,
    record,
)
from services.incentives.tables import IncentiveKind, IncentiveLevel, IncentiveStatus
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import sort_key
from tenants import Principal, Role, list_organizations

PROPOSERS = (Role.curator, Role.municipal_coordinator, Role.regional_coordinator)
READERS = (Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)
MAX_AMOUNT = Decimal(10_000_000)
MAX_REASON = 1000


@dataclass(frozen=True)
class Level:
    """The level the asker works at, and the owner of its orders."""

    level: IncentiveLevel
    owner: programmes.Owner
    organization_id: UUID | None = None
    municipality_id: UUID | None = None


def level_of(principal: Principal) -> Level:
    scope = principal.scope
    if principal.role in (Role.curator, Role.head) and scope.organization_id:
        return Level(
            IncentiveLevel.organization,
            programmes.Owner(organization_id=scope.organization_id),
            scope.organization_id,
            scope.municipality_id,
        )
    if principal.role == Role.municipal_coordinator and scope.municipality_id:
        owner = programmes.Owner(municipality_id=scope.municipality_id)
        return Level(IncentiveLevel.municipality, owner, None, scope.municipality_id)
    if principal.role == Role.regional_coordinator:
        return Level(IncentiveLevel.region, programmes.Owner())
    raise Forbidden()


class MentorChoice(msgspec.Struct, frozen=True, kw_only=True):
    person_id: UUID
    organization_id: UUID
    municipality_id: UUID
    full_name: str
    organization: str
    category: registry.Category


async def mentors_in_reach(principal: Principal) -> list[MentorChoice]:
    """The mentor bases the asker's level decides about, consenting people only."""
    where = level_of(principal)
    organizations = await list_organizations(where.municipality_id)
    if where.organization_id:
        organizations = [o for o in organizations if o.id == where.organization_id]
    found = []
    for organization in organizations:
        members = await registry.base_members(organization.id, (registry.ParticipationRole.mentor,))
        found += [
            MentorChoice(
                person_id=m.id,
                organization_id=organization.id,
                municipality_id=organization.municipality_id,
                full_name=m.full_name,
                organization=organization.short_name or organization.name,
                category=m.category,
            )
            for m in members
            if m.consented
        ]
    return sorted(found, key=lambda m: (sort_key(m.full_name), sort_key(m.organization)))


@dataclass
class ProposalForm:
    person_id: str = ""
    organization_id: str = ""  # only where a person mentors in two organizations of the level
    kind: str = ""
    reason: str = ""
    amount: str = ""


def allowed_kinds(level: IncentiveLevel, category: registry.Category | None) -> tuple[IncentiveKind, ...]:
    kinds: tuple[IncentiveKind, ...] = LEARNER_KINDS if category == registry.Category.learner else STAFF_KINDS
    if level != IncentiveLevel.organization:  # pay comes from the organization's own wage fund
        kinds = tuple(k for k in kinds if k not in PAY_KINDS)
    return kinds


def _amount(errors: Errors, kind: IncentiveKind | None, text: str) -> Decimal | None:
    text = text.replace("\u00a0", "").replace(" ", "").replace(",", ".").removesuffix("руб.").strip()
    if not text:
        return None
    if kind not in PAY_KINDS:
        errors.add("amount", "Сумма указывается только для премии или стимулирующей выплаты")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        errors.add("amount", "Сумма в рублях: больше нуля, не больше 10 000 000, копейки — два знака")
        return None
    return value


async def propose(actor: Actor, principal: Principal, form: ProposalForm) -> UUID:
    """One mentor's incentive, at the asker's level; all is checked before anything is written."""
    if principal.role not in PROPOSERS:
        raise Forbidden()
    where = level_of(principal)
    errors = Errors()
    mentors = await mentors_in_reach(principal)
    matching = [m for m in mentors if str(m.person_id) == form.person_id.strip()]
    if form.organization_id.strip():
        matching = [m for m in matching if str(m.organization_id) == form.organization_id.strip()]
    mentor = matching[0] if matching else None
    if mentor is None:
        errors.add("person_id", "Выберите наставника из базы наставников (с действующим согласием)")
    try:
        kind: IncentiveKind | None = IncentiveKind(form.kind)
    except ValueError:
        kind = None
        errors.add("kind", "Выберите вид поощрения")
    if kind is not None and mentor is not None and kind not in allowed_kinds(where.level, mentor.category):
        if kind in PAY_KINDS and where.level != IncentiveLevel.organization:
            errors.add("kind", "Премию и стимулирующую выплату назначает руководитель организации своим приказом")
        elif mentor.category == registry.Category.learner:
            errors.add("kind", "Обучающегося-наставника поощряют благодарностью, грамотой или письмом родителям")
        else:
            errors.add("kind", f"«{KIND_LABELS[kind]}» — поощрение наставника из числа обучающихся")
    reason = " ".join(form.reason.split())
    if not reason:
        errors.add("reason", "Напишите, за что поощряется наставник")
    elif len(reason) > MAX_REASON:
        errors.add("reason", f"Не длиннее {MAX_REASON} знаков")
    amount = _amount(errors, kind, form.amount)
    errors.raise_if_any()
    assert mentor is not None and kind is not None
    incentive_id: UUID = await current_connection().fetchval(
        """INSERT INTO mentor_incentive (region_id, organization_id, municipality_id, person_id, level, kind, reason,
               amount, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
        actor.region_id,
        mentor.organization_id,
        mentor.municipality_id,
        mentor.person_id,
        where.level.value,
        kind.value,
        reason,
        amount,
        actor.user_id,
    )
    await audit(
        actor,
        "incentive.propose",
        mentor.person_id,
        f"предложено поощрение: {KIND_LABELS[kind]}",
        organization_id=mentor.organization_id,
    )
    return incentive_id


async def get_incentive(incentive_id: UUID) -> IncentiveRecord:
    row = await current_connection().fetchrow(f"SELECT {COLUMNS} FROM mentor_incentive WHERE id = $1", incentive_id)
    if row is None:
        raise NotFound()
    return record(row)


async def drop_proposal(actor: Actor, principal: Principal, incentive_id: UUID) -> None:
    """A proposal not yet in an order is taken back by its level; another level's is not found."""
    incentive = await get_incentive(incentive_id)
    if principal.role not in PROPOSERS:
        raise Forbidden()
    if incentive.level != level_of(principal).level:
        raise NotFound()
    if incentive.status != IncentiveStatus.proposed:
        raise ValidationFailed({"incentive": "Поощрение уже включено в приказ"})
    await current_connection().execute("DELETE FROM mentor_incentive WHERE id = $1", incentive_id)
    await audit(
        actor,
        "incentive.drop",
        incentive.person_id,
        "предложение о поощрении отозвано",
        organization_id=incentive.organization_id,
    )


@dataclass
class Filters:
    status: str = ""
    kind: str = ""
    level: str = ""
    year: str = ""
    organization_id: str = ""
    q: str = ""


class IncentiveRow(msgspec.Struct, frozen=True, kw_only=True):
    incentive: IncentiveRecord
    full_name: str
    organization: str
    position: str


async def incentives_in_scope(filters: Filters) -> list[IncentiveRow]:
    """The register as the scope sees it (RLS: a school its own level's and the others' in effect), filtered."""
    rows = await current_connection().fetch(
        f"""SELECT {COLUMNS} FROM mentor_incentive
            WHERE ($1 = '' OR status = $1) AND ($2 = '' OR kind = $2) AND ($3 = '' OR level = $3)
              AND ($4::int IS NULL OR extract(year FROM coalesce(decided_on, created_at::date)) = $4::int)
              AND ($5::uuid IS NULL OR organization_id = $5::uuid)
            ORDER BY decided_on DESC NULLS FIRST, created_at DESC""",
        filters.status.strip(),
        filters.kind.strip(),
        filters.level.strip(),
        int(filters.year) if filters.year.strip().isdigit() and len(filters.year.strip()) == 4 else None,
        _uuid(filters.organization_id),
    )
    found = [record(r) for r in rows]
    briefs = await registry.people_brief(sorted({i.person_id for i in found}))
    names = {o.id: o.short_name or o.name for o in await list_organizations()}
    query = filters.q.strip().lower()
    result = []
    for incentive in found:
        brief = briefs.get(incentive.person_id) or registry.unknown_person(incentive.person_id)
        if query and query not in brief.full_name.lower():
            continue
        result.append(
            IncentiveRow(
                incentive=incentive,
                full_name=brief.full_name,
                organization=names.get(incentive.organization_id, ""),
                position=brief.position,
            )
        )
    return result


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text.strip()) if text.strip() else None
    except ValueError:
        return None


# The order ------------------------------------------------------------------------------------------------------

POINTS: dict[IncentiveKind, str] = {
    IncentiveKind.thanks: "Объявить благодарность наставникам согласно приложению.",
    IncentiveKind.diploma: "Наградить почётной грамотой наставников согласно приложению.",
    IncentiveKind.parents_letter: "Направить благодарственные письма родителям (законным представителям) наставников "
    "из числа обучающихся согласно приложению.",
    IncentiveKind.award_petition: "Ходатайствовать о награждении наставников согласно приложению.",
    IncentiveKind.bonus: "Премировать наставников согласно приложению в размерах, указанных в приложении, за счёт "
    "экономии фонда оплаты труда.",
    IncentiveKind.allowance: "Установить наставникам согласно приложению стимулирующие выплаты в размерах, указанных "
    "в приложении.",
}


async def prepare_order(actor: Actor, principal: Principal, incentive_ids: list[str]) -> UUID:
    """«Сформировать приказ»: the chosen proposals of the asker's level go into one draft order, which is sent for
    signature and registered like any other order; registering it puts them in effect."""
    if principal.role not in PROPOSERS:
        raise Forbidden()
    return await order_for_level(actor, level_of(principal), incentive_ids)


async def order_for_level(actor: Actor, where: Level, incentive_ids: list[str]) -> UUID:
    """The order of a level, from its proposals (the demo drafts it without a signed-in asker)."""
    chosen = {i for i in (_uuid(t) for t in incentive_ids) if i is not None}
    rows = await current_connection().fetch(
        f"""SELECT {COLUMNS} FROM mentor_incentive WHERE id = ANY($1::uuid[]) AND level = $2 AND status = 'proposed'
            FOR UPDATE""",
        list(chosen),
        where.level.value,
    )
    found = [record(r) for r in rows]
    if not found or len(found) != len(chosen):
        raise ValidationFailed({"incentive_ids": "Отметьте предложенные поощрения, ещё не включённые в приказ"})
    briefs = await registry.people_brief(sorted({i.person_id for i in found}))
    names = {o.id: o.short_name or o.name for o in await list_organizations()}

    def name(i: IncentiveRecord) -> str:
        return (briefs.get(i.person_id) or registry.unknown_person(i.person_id)).full_name

    found.sort(key=lambda i: (list(IncentiveKind).index(i.kind), sort_key(name(i))))
    kinds = [k for k in IncentiveKind if any(i.kind == k for i in found)]
    points = [POINTS[k] for k in kinds]
    if any(i.kind in PAY_KINDS for i in found):
        points.append("Бухгалтерии обеспечить начисление выплат в установленном порядке.")
    points.append("Контроль за исполнением настоящего приказа оставляю за собой.")
    details = programmes.LevelOrder(
        preamble=f"{programmes.BASIS}, в соответствии с Положением о наставничестве, по итогам наставнической "
        "деятельности и в целях поощрения наставников, показавших высокие результаты",
        points=points,
        appendix_title="Список поощряемых наставников",
        columns=["ФИО наставника", "Организация, должность", "Вид поощрения", "Основание", "Сумма"],
        rows=[
            [
                name(i),
                ", ".join(p for p in (names.get(i.organization_id, ""), briefs[i.person_id].position) if p)
                if i.person_id in briefs
                else names.get(i.organization_id, ""),
                KIND_LABELS[i.kind],
                i.reason,
                i.amount_label or "—",
            ]
            for i in found
        ],
        refs={"incentive_ids": [str(i.id) for i in found]},
    )
    region_id = actor.region_id
    assert region_id is not None
    order_id = await programmes.create_level_order(
        actor, region_id, where.owner, programmes.OrderKind.mentor_incentives, details
    )
    await current_connection().execute(
        """UPDATE mentor_incentive SET status = 'ordered', order_id = $2, updated_at = now()
           WHERE id = ANY($1::uuid[])""",
        [i.id for i in found],
        order_id,
    )
    for incentive in found:
        await audit(
            actor, "export", incentive.person_id, "поощрения: проект приказа", organization_id=incentive.organization_id
        )
    return order_id


class DraftOrder(msgspec.Struct, frozen=True, kw_only=True):
    order_id: UUID
    title: str
    created_at: datetime
    incentives: int
    returned: str  # the signer's comment when it came back


async def draft_orders(principal: Principal) -> list[DraftOrder]:
    """The level's orders of incentives not yet sent for signature (or returned): they may still be broken up."""
    where = level_of(principal)
    rows = await current_connection().fetch(
        """SELECT order_id, count(*) AS incentives FROM mentor_incentive
           WHERE status = 'ordered' AND level = $1 GROUP BY order_id""",
        where.level.value,
    )
    found = []
    for row in rows:
        try:
            order = await programmes.get_order(row["order_id"], where.owner)
        except NotFound:
            continue
        if order.state == "draft":
            found.append(
                DraftOrder(
                    order_id=order.id,
                    title=order.title,
                    created_at=order.created_at,
                    incentives=row["incentives"],
                    returned=order.return_comment,
                )
            )
    return sorted(found, key=lambda d: d.created_at)


async def discard_order(actor: Actor, principal: Principal, order_id: UUID) -> int:
    """«Расформировать проект»: a draft order of the level is deleted and its incentives are proposals again, to be
    corrected, dropped or put into a new order. Another level's order is not found."""
    if principal.role not in PROPOSERS:
        raise Forbidden()
    where = level_of(principal)
    order = await programmes.get_order(order_id, where.owner)
    if order.kind != programmes.OrderKind.mentor_incentives:
        raise NotFound()
    if order.state != "draft":
        raise ValidationFailed({"order": "Приказ уже отправлен на подпись или зарегистрирован"})
    released = await current_connection().fetch(
        """UPDATE mentor_incentive SET status = 'proposed', order_id = NULL, updated_at = now()
           WHERE order_id = $1 AND status = 'ordered' RETURNING person_id, organization_id""",
        order_id,
    )
    await programmes.discard_draft(order_id, where.owner)
    for row in released:
        await audit(
            actor,
            "incentive.discard",
            row["person_id"],
            "проект приказа о поощрении расформирован",
            organization_id=row["organization_id"],
        )
    return len(released)


async def _order_registered(actor: Actor, order: programmes.OrderRecord) -> None:
    """The order's number and date become the incentives' decision: from now on they are in effect."""
    await current_connection().execute(
        """UPDATE mentor_incentive SET status = 'effective', order_number = $2, decided_on = $3, updated_at = $4
           WHERE order_id = $1""",
        order.id,
        order.number or "",
        order.signed_on,
        now(),
    )


programmes.on_registered(programmes.OrderKind.mentor_incentives, _order_registered)
