"""The JSON API of programmes, their roadmaps, orders and the catalogue."""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from services.programmes import constructor, orders, roadmap
from services.programmes.access import ORDER_ROLES, READERS, Access, NotSigner, programme_to_edit
from services.programmes.indicators import IndicatorCounter
from services.programmes.order_documents import DOCX
from services.programmes.orders import CourseOrder, RegisterForm
from services.programmes.programme import ProgrammeForm, create_programme, get_programme, list_programmes
from services.programmes.records import EventRecord, OrderRecord, Owner, ProgrammeRecord, ResultRecord
from services.programmes.regional_catalogue import catalogue_choices, models_of_form
from services.programmes.roadmap import EventForm, ProgressForm
from services.programmes.routes.common import JsonForm, download, refused, save_step
from services.programmes.values import moment
from shared.actor import Actor
from tenants import Role, allow


def _programme_json(programme: ProgrammeRecord) -> dict[str, Any]:
    row = msgspec.structs.asdict(programme)
    plain = {k: (str(v) if isinstance(v, UUID) else v) for k, v in row.items() if k not in ("created_by",)}
    for key in ("starts_on", "ends_on", "target_deadline", "created_at", "updated_at"):
        plain[key] = moment(row[key])
    for key in ("target_baseline", "target_value"):
        plain[key] = None if row[key] is None else float(row[key])
    plain["form_ids"] = [str(v) for v in programme.form_ids]
    plain["role_model_ids"] = [str(v) for v in programme.role_model_ids]
    return plain


def _result_json(result: ResultRecord) -> dict[str, Any]:
    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return {
        "indicator": result.indicator,
        "title": result.title,
        "baseline": number(result.baseline),
        "target": number(result.target),
        "manual_value": number(result.manual_value),
    }


def _event_json(event: EventRecord) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "stage": event.stage,
        "title": event.title,
        "period_label": event.period_label,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "responsible": event.responsible,
        "expected_result": event.expected_result,
        "status": event.status,
        "done_on": moment(event.done_on),
        "overdue": event.overdue,
        "evidence_link": event.evidence_link,
    }


def _order_json(order: OrderRecord) -> dict[str, Any]:
    return {
        "id": str(order.id),
        "programme_id": str(order.programme_id) if order.programme_id else None,
        "kind": order.kind,
        "title": order.title,
        "number": order.number,
        "signed_on": moment(order.signed_on),
        "registered": order.registered,
        "state": order.state,
        "return_comment": order.return_comment,
        "has_scan": order.has_scan,
        "document": f"/api/v1/orders/{order.id}/document",
    }


class ProgrammeApi(Controller):
    path = "/programmes"
    tags = ["Программы"]
    guards = [allow(*READERS)]

    @get("/")
    async def list_programmes(self, access: NamedDependency[Access]) -> list[dict[str, Any]]:
        return [_programme_json(p) for p in await list_programmes(access.owner)]

    @post("/")
    async def create(
        self, access: NamedDependency[Access], actor: NamedDependency[Actor], data: JSONBody[dict[str, str]]
    ) -> dict[str, Any]:
        """ISO dates; `template`: a roadmap template code (college_2020, school_teacher_teacher) or empty."""
        form = ProgrammeForm(**{f.name: str(data.get(f.name, "")) for f in fields(ProgrammeForm)})
        programme_id = await create_programme(actor, access.editing(), form)
        return _programme_json(await get_programme(programme_id))

    @get("/{programme_id:uuid}")
    async def read(
        self, count_indicators: NamedDependency[IndicatorCounter], programme_id: FromPath[UUID]
    ) -> dict[str, Any]:
        programme = await get_programme(programme_id)
        return {
            **_programme_json(programme),
            "missing_steps": await constructor.missing_steps(programme),
            "results": [_result_json(r) for r in await constructor.results_of(programme_id)],
            "indicators": await count_indicators(programme),
        }

    @put("/{programme_id:uuid}/steps/{step:str}")
    async def save_step(
        self,
        access: NamedDependency[Access],
        programme_id: FromPath[UUID],
        step: FromPath[str],
        data: JSONBody[dict[str, Any]],
    ) -> dict[str, Any]:
        """One step of the constructor; `results` takes {"results": [{indicator, title, baseline, target}], ...}."""
        programme = await programme_to_edit(access, programme_id)
        await save_step(programme, step, JsonForm(data))
        return _programme_json(await get_programme(programme_id))

    @get("/{programme_id:uuid}/events")
    async def events(self, programme_id: FromPath[UUID]) -> list[dict[str, Any]]:
        await get_programme(programme_id)
        return [_event_json(e) for s in await roadmap.roadmap(programme_id) for e in s.events]

    @post("/{programme_id:uuid}/events")
    async def add_event(
        self, access: NamedDependency[Access], programme_id: FromPath[UUID], data: JSONBody[dict[str, str]]
    ) -> dict[str, Any]:
        programme = await programme_to_edit(access, programme_id)
        form = EventForm(**{f.name: str(data.get(f.name, "")) for f in fields(EventForm)})
        event_id = await roadmap.add_event(programme, form)
        return _event_json(await roadmap.get_event(programme_id, event_id))

    @patch("/{programme_id:uuid}/events/{event_id:uuid}")
    async def progress(
        self,
        access: NamedDependency[Access],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
        data: JSONBody[dict[str, str]],
    ) -> dict[str, Any]:
        """Status (planned, in_progress, done, cancelled) and evidence of an event."""
        await programme_to_edit(access, programme_id)
        current = await roadmap.get_event(programme_id, event_id)
        form = ProgressForm(
            status=data.get("status", current.status),
            evidence_link=data.get("evidence_link", current.evidence_link),
            evidence_note=data.get("evidence_note", current.evidence_note),
        )
        await roadmap.set_progress(programme_id, event_id, form)
        return _event_json(await roadmap.get_event(programme_id, event_id))

    @get("/{programme_id:uuid}/orders", guards=[allow(*ORDER_ROLES)])
    async def orders(self, programme_id: FromPath[UUID]) -> list[dict[str, Any]]:
        programme = await get_programme(programme_id)
        return [_order_json(o) for o in await orders.list_orders(Owner.of(programme), programme_id)]

    @post("/{programme_id:uuid}/orders")
    async def create_order(
        self,
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
        data: JSONBody[dict[str, Any]],
    ) -> dict[str, Any]:
        """`kind`: approve_programme, approve_roadmap, approve_registry, enrol_mentor_school (with course fields)."""
        programme = await programme_to_edit(access, programme_id)
        course = CourseOrder(
            course=str(data.get("course", "")),
            course_starts_on=str(data.get("course_starts_on", "")),
            course_ends_on=str(data.get("course_ends_on", "")),
            person_ids=[str(p) for p in data.get("person_ids", [])],
        )
        order_id = await orders.create_order(actor, programme, str(data.get("kind", "")), course)
        return _order_json(await orders.get_order(order_id))


class OrderApi(Controller):
    path = "/orders"
    tags = ["Приказы"]
    guards = [allow(*ORDER_ROLES)]

    @get("/{order_id:uuid}")
    async def read(self, order_id: FromPath[UUID]) -> dict[str, Any]:
        return _order_json(await orders.get_order(order_id))

    @get("/{order_id:uuid}/document")
    async def document(self, order_id: FromPath[UUID]) -> Response[bytes]:
        data, filename = await orders.document(order_id)
        return download(data, DOCX, filename)

    @post("/{order_id:uuid}/register")
    async def register(
        self,
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        order_id: FromPath[UUID],
        data: JSONBody[dict[str, str]],
    ) -> dict[str, Any]:
        """Number and date (ISO) in the document register by the head (or the level's coordinator); the order
        then takes effect. Anyone else is refused with 403."""
        form = RegisterForm(number=data.get("number", ""), signed_on=data.get("signed_on", ""))
        try:
            await orders.register(actor, order_id, form, access)
        except NotSigner as exc:
            raise refused(exc) from None
        return _order_json(await orders.get_order(order_id))

    @post("/{order_id:uuid}/submit")
    async def submit(
        self, access: NamedDependency[Access], actor: NamedDependency[Actor], order_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """«Отправить на подпись»: the draft goes to the signer of its level."""
        await orders.submit(actor, order_id, access)
        return _order_json(await orders.get_order(order_id))

    @post("/{order_id:uuid}/return")
    async def send_back(
        self,
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        order_id: FromPath[UUID],
        data: JSONBody[dict[str, str]],
    ) -> dict[str, Any]:
        """The signer returns the draft with a `comment` on what to change."""
        try:
            await orders.return_for_revision(actor, order_id, access, str(data.get("comment", "")))
        except NotSigner as exc:
            raise refused(exc) from None
        return _order_json(await orders.get_order(order_id))


class CatalogueApi(Controller):
    path = "/catalogue"
    tags = ["Каталог форм наставничества"]
    guards = [allow(*READERS, Role.mentor)]

    @get("/forms")
    async def forms(self) -> list[dict[str, Any]]:
        forms, models = await catalogue_choices()
        return [
            {
                "id": str(f.id),
                "code": f.code,
                "title": f.title,
                "parent_id": str(f.parent_id) if f.parent_id else None,
                "builtin": f.region_id is None,
                "mentor_categories": f.mentor_categories,
                "mentee_categories": f.mentee_categories,
                "role_models": [{"id": str(m.id), "code": m.code, "title": m.title} for m in models_of_form(f, models)],
            }
            for f in forms
        ]
