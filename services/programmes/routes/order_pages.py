"""Pages of orders: a programme's orders and drafting them, the document register, registering and scans."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.programmes import orders, selection
from services.programmes.access import SIGNERS, Access, programme_to_edit
from services.programmes.order_documents import DOCX
from services.programmes.orders import CourseOrder, RegisterForm
from services.programmes.records import Owner
from services.programmes.routes.common import SCAN_UPLOAD, download, labels, programme_context, upload
from services.programmes.tables import OrderKind
from shared import clock
from shared.actor import Actor
from shared.errors import ValidationFailed
from shared.pages import flash_problem, flashed, form_into, page, see_other
from tenants import allow

ORDER_KINDS_BY_HAND = (
    OrderKind.approve_programme,
    OrderKind.approve_roadmap,
    OrderKind.approve_registry,
    OrderKind.enrol_mentor_school,
)


class OrderPages(Controller):
    path = "/"
    guards = [allow(*SIGNERS)]

    @get("/programmes/{programme_id:uuid}/orders")
    async def programme_orders(
        self, access: NamedDependency[Access], programme_id: FromPath[UUID], kind: FromQuery[str] = ""
    ) -> Template:
        context = await programme_context(access, programme_id)
        programme = context["programme"]
        return page(
            "programmes/orders.html",
            orders=await orders.list_orders(Owner.of(programme), programme_id),
            kinds=ORDER_KINDS_BY_HAND,
            kind=kind,
            registry=await selection.registry(programme) if programme.organization_id else None,
            errors={},
            **context,
        )

    @post("/programmes/{programme_id:uuid}/orders")
    async def create_order(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
    ) -> Redirect:
        programme = await programme_to_edit(access, programme_id)
        data = await request.form()
        course = CourseOrder(
            course=str(data.get("course", "")),
            course_starts_on=str(data.get("course_starts_on", "")),
            course_ends_on=str(data.get("course_ends_on", "")),
            person_ids=data.getall("person_ids", []),
        )
        try:
            order_id = await orders.create_order(actor, programme, str(data.get("kind", "")), course)
        except ValidationFailed as exc:
            flash_problem(request, exc)
            return see_other(f"/programmes/{programme_id}/orders")
        flash(request, "Проект приказа готов: скачайте, подпишите у руководителя и зарегистрируйте", category="success")
        return see_other(f"/orders/{order_id}")

    @get("/orders")
    async def register_page(self, access: NamedDependency[Access]) -> Template:
        return page("programmes/orders.html", orders=await orders.list_orders(access.owner), programme=None, **labels())

    @get("/orders/{order_id:uuid}")
    async def order(self, access: NamedDependency[Access], order_id: FromPath[UUID]) -> Template:
        row = await orders.get_order(order_id)
        can_register = access.may_register(Owner.of(row))
        suggestion = await orders.suggest_number(Owner.of(row), clock.today().year) if can_register else ""
        return page(
            "programmes/order.html",
            order=row,
            can_register=can_register,
            form=RegisterForm(number=suggestion, signed_on=clock.today().strftime("%d.%m.%Y")),
            errors={},
            **labels(),
        )

    @get("/orders/{order_id:uuid}/document")
    async def document(self, order_id: FromPath[UUID]) -> Response[bytes]:
        data, filename = await orders.document(order_id)
        return download(data, DOCX, filename)

    @post("/orders/{order_id:uuid}/register")
    async def register(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        order_id: FromPath[UUID],
    ) -> Template | Redirect:
        form = await form_into(request, RegisterForm)
        try:
            await orders.register(actor, order_id, form, access.signing())
        except ValidationFailed as exc:
            row = await orders.get_order(order_id)
            return page(
                "programmes/order.html", 422, order=row, can_register=True, form=form, errors=exc.errors, **labels()
            )
        flash(request, "Приказ зарегистрирован и вступил в силу", category="success")
        return see_other(f"/orders/{order_id}")

    @post("/orders/{order_id:uuid}/scan", opt=SCAN_UPLOAD)
    async def upload_scan(
        self, request: Request[Any, Any, Any], access: NamedDependency[Access], order_id: FromPath[UUID]
    ) -> Redirect:
        with flashed(request, "Скан подписанного приказа приложен"):
            data, filename = await upload(request)
            await orders.attach_scan(order_id, data, filename, access.signing())
        return see_other(f"/orders/{order_id}")

    @get("/orders/{order_id:uuid}/scan")
    async def download_scan(self, order_id: FromPath[UUID]) -> Response[bytes]:
        data, content_type, filename = await orders.scan(order_id)
        return download(data, content_type, filename)
