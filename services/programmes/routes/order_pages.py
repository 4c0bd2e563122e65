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
from services.programmes.access import ORDER_ROLES, Access, NotSigner, programme_to_edit, signer_title
from services.programmes.order_documents import DOCX
from services.programmes.orders import CourseOrder, RegisterForm
from services.programmes.records import OrderRecord, Owner
from services.programmes.routes.common import SCAN_UPLOAD, download, labels, programme_context, refused, upload
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
    guards = [allow(*ORDER_ROLES)]

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
        flash(request, "Проект приказа готов: проверьте его и отправьте на подпись", category="success")
        return see_other(f"/orders/{order_id}")

    @get("/orders")
    async def register_page(self, access: NamedDependency[Access]) -> Template:
        return page("programmes/orders.html", orders=await orders.list_orders(access.owner), programme=None, **labels())

    @get("/orders/{order_id:uuid}")
    async def order(self, access: NamedDependency[Access], order_id: FromPath[UUID]) -> Template:
        row = await orders.get_order(order_id)
        can_register = access.may_register(Owner.of(row))
        suggestion = await orders.suggest_number(Owner.of(row), clock.today().year) if can_register else ""
        day = min(clock.today(), orders.first_day(row) or clock.today())  # not after the work it starts
        form = RegisterForm(number=suggestion, signed_on=day.strftime("%d.%m.%Y"))
        return _order_page(access, row, form, {})

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
            await orders.register(actor, order_id, form, access)
        except NotSigner as exc:
            raise refused(exc) from None
        except ValidationFailed as exc:
            return _order_page(access, await orders.get_order(order_id), form, exc.errors, 422)
        flash(request, "Приказ зарегистрирован и вступил в силу", category="success")
        return see_other(f"/orders/{order_id}")

    @post("/orders/{order_id:uuid}/submit")
    async def submit(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        order_id: FromPath[UUID],
    ) -> Redirect:
        row = await orders.get_order(order_id, access.owner)
        with flashed(request, f"Приказ отправлен на подпись: его подписывает {signer_title(Owner.of(row))}"):
            await orders.submit(actor, order_id, access)
        return see_other(f"/orders/{order_id}")

    @post("/orders/{order_id:uuid}/return")
    async def send_back(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        order_id: FromPath[UUID],
    ) -> Template | Redirect:
        data = await request.form()
        try:
            await orders.return_for_revision(actor, order_id, access, str(data.get("comment", "")))
        except NotSigner as exc:
            raise refused(exc) from None
        except ValidationFailed as exc:
            row = await orders.get_order(order_id)
            form = RegisterForm(number="", signed_on=clock.today().strftime("%d.%m.%Y"))
            return _order_page(access, row, form, exc.errors, 422, comment=str(data.get("comment", "")))
        flash(request, "Приказ возвращён на доработку", category="success")
        return see_other(f"/orders/{order_id}")

    @post("/orders/{order_id:uuid}/scan", opt=SCAN_UPLOAD)
    async def upload_scan(
        self, request: Request[Any, Any, Any], access: NamedDependency[Access], order_id: FromPath[UUID]
    ) -> Redirect:
        with flashed(request, "Скан подписанного приказа приложен"):
            data, filename = await upload(request)
            await orders.attach_scan(order_id, data, filename, access.ordering())
        return see_other(f"/orders/{order_id}")

    @get("/orders/{order_id:uuid}/scan")
    async def download_scan(self, order_id: FromPath[UUID]) -> Response[bytes]:
        data, content_type, filename = await orders.scan(order_id)
        return download(data, content_type, filename)


def _order_page(
    access: Access, row: OrderRecord, form: RegisterForm, errors: dict[str, str], status: int = 200, comment: str = ""
) -> Template:
    """The order with what the asker may do: send it for signature, return it, register it, attach the scan."""
    owner = Owner.of(row)
    return page(
        "programmes/order.html",
        status,
        order=row,
        can_register=access.may_register(owner),
        can_submit=access.may_submit(owner) and row.state == "draft",
        may_attach=owner == access.owner,
        signer=signer_title(owner),
        form=form,
        comment=comment,
        errors=errors,
        **labels(),
    )
