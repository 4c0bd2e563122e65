"""The register's pages and API, thin: the rules live in register.py. The person card loads the person's incentives
from here by htmx (the registry sits below this domain and may not import it)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services import registry
from services.incentives import register
from services.incentives.export import XLSX, register_xlsx
from services.incentives.portfolio import incentives_of
from services.incentives.records import KIND_LABELS, LEVEL_LABELS, STATUS_LABELS
from services.incentives.register import PROPOSERS, READERS, Filters, ProposalForm, level_of
from services.incentives.tables import IncentiveLevel
from shared import clock
from shared.actor import Actor
from shared.audit import audit
from shared.downloads import download_headers, download_name
from shared.errors import NotFound, ValidationFailed
from shared.pages import flashed, form_into, page, see_other
from tenants import Principal, allow, list_organizations

TAGS = ["Поощрения наставников"]


def _filters(request: Request[Any, Any, Any]) -> Filters:
    names = ("status", "kind", "level", "year", "organization_id", "q")
    return Filters(**{name: str(request.query_params.get(name, ""))[:200] for name in names})


async def _context(principal: Principal, filters: Filters, **extra: Any) -> dict[str, Any]:
    where = level_of(principal)
    proposes = principal.role in PROPOSERS
    rows = await register.incentives_in_scope(filters)
    return {
        "rows": rows,
        "filters": filters,
        "query": {k: v for k, v in asdict(filters).items() if v},
        "level": where.level,
        "level_label": LEVEL_LABELS[where.level],
        "proposes": proposes,
        "mentors": await register.mentors_in_reach(principal) if proposes else [],
        "organizations": await list_organizations(where.municipality_id)
        if where.level != IncentiveLevel.organization
        else [],
        "kind_labels": KIND_LABELS,
        "level_labels": LEVEL_LABELS,
        "status_labels": STATUS_LABELS,
        "drafts": await register.draft_orders(principal) if proposes else [],
        "form": ProposalForm(),
        "errors": {},
        **extra,
    }


@get("/incentives", guards=[allow(*READERS)])
async def register_page(request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> Template:
    return page("incentives/register.html", **await _context(principal, _filters(request)))


@post("/incentives", guards=[allow(*PROPOSERS)])
async def propose_page(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    form = await form_into(request, ProposalForm)
    try:
        await register.propose(actor, principal, form)
    except ValidationFailed as exc:
        context = await _context(principal, Filters(), form=form, errors=exc.errors)
        return page("incentives/register.html", 422, **context)
    flash(request, "Поощрение предложено: отметьте его и сформируйте приказ", category="success")
    return see_other("/incentives")


@post("/incentives/order", guards=[allow(*PROPOSERS)])
async def order_page(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Redirect:
    data = await request.form()
    try:
        order_id = await register.prepare_order(actor, principal, data.getall("incentive_ids", []))
    except ValidationFailed as exc:
        flash(request, next(iter(exc.errors.values())), category="error")
        return see_other("/incentives")
    flash(request, "Проект приказа о поощрении готов: проверьте его и отправьте на подпись", category="success")
    return see_other(f"/orders/{order_id}")


@post("/incentives/{incentive_id:uuid}/drop", guards=[allow(*PROPOSERS)])
async def drop_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    incentive_id: FromPath[UUID],
) -> Redirect:
    with flashed(request, "Предложение о поощрении отозвано"):
        await register.drop_proposal(actor, principal, incentive_id)
    return see_other("/incentives")


@post("/incentives/orders/{order_id:uuid}/discard", guards=[allow(*PROPOSERS)])
async def discard_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    order_id: FromPath[UUID],
) -> Redirect:
    with flashed(request, "Проект приказа расформирован: поощрения снова в предложениях"):
        await register.discard_order(actor, principal, order_id)
    return see_other("/incentives")


@get("/incentives.xlsx", guards=[allow(*READERS)])
async def register_export(request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> Response[bytes]:
    rows = await register.incentives_in_scope(_filters(request))
    await audit(actor, "export", None, f"реестр поощрений: {len(rows)} строк")
    name = download_name("Реестр поощрений наставников", clock.today(), extension="xlsx")
    return Response(register_xlsx(rows), media_type=XLSX, headers=download_headers(name))


@get("/incentives/people/{person_id:uuid}", guards=[allow(*READERS)])
async def person_incentives(actor: NamedDependency[Actor], person_id: FromPath[UUID]) -> Template:
    """The person card's fragment: only a person the scope sees, with an active consent to processing."""
    brief = (await registry.people_brief([person_id])).get(person_id)
    if brief is None or not brief.consented:
        raise NotFound()
    await audit(actor, "view", person_id, "поощрения")
    return page("incentives/person.html", incentives=await incentives_of([person_id]))


# The API ---------------------------------------------------------------------------------------------------------


class IncentiveIn(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str = ""
    organization_id: str = ""
    kind: str = ""
    reason: str = ""
    amount: str = ""


class OrderIn(msgspec.Struct, frozen=True, kw_only=True):
    incentive_ids: list[str] = msgspec.field(default_factory=list)


class IncentiveOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    person_id: UUID
    full_name: str
    organization_id: UUID
    organization: str
    level: str
    kind: str
    kind_label: str
    reason: str
    amount: Decimal | None
    status: str
    order_id: UUID | None
    order_number: str
    decided_on: date | None


class OrderOut(msgspec.Struct, frozen=True, kw_only=True):
    order_id: UUID
    url: str


def _out(row: register.IncentiveRow) -> IncentiveOut:
    i = row.incentive
    return IncentiveOut(
        id=i.id,
        person_id=i.person_id,
        full_name=row.full_name,
        organization_id=i.organization_id,
        organization=row.organization,
        level=i.level,
        kind=i.kind,
        kind_label=i.kind_label,
        reason=i.reason,
        amount=i.amount,
        status=i.status,
        order_id=i.order_id,
        order_number=i.order_number,
        decided_on=i.decided_on,
    )


@get("/api/v1/incentives", guards=[allow(*READERS)], tags=TAGS)
async def list_api(request: Request[Any, Any, Any]) -> list[IncentiveOut]:
    return [_out(r) for r in await register.incentives_in_scope(_filters(request))]


@post("/api/v1/incentives", guards=[allow(*PROPOSERS)], tags=TAGS)
async def propose_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], data: JSONBody[IncentiveIn]
) -> IncentiveOut:
    incentive_id = await register.propose(actor, principal, ProposalForm(**msgspec.structs.asdict(data)))
    row = next(r for r in await register.incentives_in_scope(Filters()) if r.incentive.id == incentive_id)
    return _out(row)


@post("/api/v1/incentives/order", guards=[allow(*PROPOSERS)], tags=TAGS)
async def order_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], data: JSONBody[OrderIn]
) -> OrderOut:
    order_id = await register.prepare_order(actor, principal, data.incentive_ids)
    return OrderOut(order_id=order_id, url=f"/orders/{order_id}")


page_router = Router(
    path="/",
    route_handlers=[
        register_page,
        propose_page,
        order_page,
        drop_page,
        discard_page,
        register_export,
        person_incentives,
    ],
    include_in_schema=False,
)
api_router = Router(path="/", route_handlers=[list_api, propose_api, order_api])
