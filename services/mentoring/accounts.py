"""The accounts office's list for the additional pay of staff mentors (ст. 351.8 ТК РФ): each mentor's pairs put
to work by order, their periods, and the number and date of the agreement that sets the duties and pay."""

from __future__ import annotations

import io
from uuid import UUID

from services import programmes
from services.mentoring.pairs import list_pairs
from services.mentoring.records import OrderRef, view
from services.mentoring.rules import agreements
from services.mentoring.tables import Status
from services.registry import people_brief
from shared.actor import Actor
from shared.audit import audit
from shared.i18n import format_date
from shared.spreadsheets import workbook

COLUMNS = (
    ("№", 5),
    ("Наставник", 34),
    ("Должность", 26),
    ("Наставляемые", 40),
    ("Форма наставничества", 30),
    ("Период наставничества", 26),
    ("Приказ о закреплении", 20),
    ("Соглашение № ", 16),
    ("Дата соглашения", 16),
)
PAID = (Status.approved, Status.active, Status.completed, Status.ended_early)


async def accounts_office_xlsx(actor: Actor, organization_id: UUID) -> tuple[bytes, int]:
    """One row per pair of a staff mentor approved by order; answers the workbook and the count of mentors."""
    pairs = [p for p in await list_pairs(organization_id=organization_id) if p.status in PAID]
    consents = await agreements(organization_id, list({p.mentor_id for p in pairs}))
    staff = [p for p in pairs if (c := consents.get(p.mentor_id)) is not None and c.is_staff]
    staff.sort(key=lambda p: (p.mentor.full_name, p.starts_on))
    briefs = await people_brief(list({p.mentor_id for p in staff}))
    orders: dict[UUID, OrderRef] = {}
    for order_id in {p.order_id for p in staff} - {None}:
        if order_id is not None:
            orders[order_id] = view(await programmes.get_order(order_id), OrderRef)
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Наставники")
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    cell = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    for column, (title, width) in enumerate(COLUMNS):
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, title.strip(), bold)
    for n, pair in enumerate(staff, start=1):
        consent = consents[pair.mentor_id]
        order = orders.get(pair.order_id) if pair.order_id else None
        brief = briefs.get(pair.mentor_id)
        row = [
            str(n),
            pair.mentor.full_name,
            brief.position if brief else "",
            ", ".join(m.full_name for m in pair.mentees),
            pair.form_title + (f", «{pair.role_model_title}»" if pair.role_model_title else ""),
            f"с {format_date(pair.starts_on)} по {format_date(pair.finished_on or pair.end)}",
            f"№ {order.number} от {format_date(order.signed_on)}"
            if order and order.number and order.signed_on
            else "—",
            consent.agreement_number or "—",
            format_date(consent.agreement_date) if consent.agreement_date else "—",
        ]
        for column, value in enumerate(row):
            sheet.write_string(n, column, value, cell)
    book.close()
    mentors = len({p.mentor_id for p in staff})
    await audit(actor, "export", None, f"список для бухгалтерии: наставников {mentors}, пар {len(staff)}")
    return buffer.getvalue(), mentors
