"""What a viewer asks of the read model, checked once for the pages and the API: a dashboard's period, and an
export's kind, format and filters within the viewer's reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from services.programmes import catalogue_choices, read_date
from services.reports import exports, jobs
from services.reports.exports import Filters
from services.reports.indicators import Period
from services.reports.reach import reach_of
from services.reports.records import FormRef, view
from shared.clock import today
from shared.errors import Errors
from tenants import Principal

BACKWARDS = "Конец периода раньше начала"


def period_of(starts: str, ends: str) -> Period:
    """A dashboard's period: the school year up to today unless asked; a wrong date is an error naming its field."""
    errors = Errors()
    default = jobs.default_period(today())
    start = read_date(errors, "starts", starts, required=False) or default.starts_on
    end = read_date(errors, "ends", ends, required=False) or default.ends_on
    if end < start:
        errors.add("ends", BACKWARDS)
    errors.raise_if_any()
    return Period(start, end)


@dataclass
class ExportForm:
    """An export as asked, from the page's form or the API's JSON: all text, ids and dates still unchecked."""

    kind: str = ""
    format: str = ""
    municipality_id: str = ""
    organization_id: str = ""
    form_id: str = ""
    starts: str = ""
    ends: str = ""


class ExportRequest(NamedTuple):
    kind: str
    format: str
    filters: Filters


async def clean_filters(principal: Principal, form: ExportForm) -> ExportRequest:
    """The export's kind, format and filters, each wrong one named by its field; then the reach, whose
    municipality or organization outside the viewer's own answers 404."""
    errors = Errors()
    if form.kind not in exports.KINDS:
        errors.add("kind", "Выберите, что выгрузить")
    if form.format not in exports.FORMATS:
        errors.add("format", "Выберите формат: XLSX, CSV или JSON")
    starts_on = read_date(errors, "starts", form.starts, required=False)
    ends_on = read_date(errors, "ends", form.ends, required=False)
    form_id = None
    if form.form_id:
        forms, _ = await catalogue_choices()
        form_id = next((f.id for f in (view(f, FormRef) for f in forms) if str(f.id) == form.form_id), None)
        if form_id is None:
            errors.add("form_id", "Такой формы нет в каталоге")
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("ends", BACKWARDS)
    if form.kind == "indicators":  # a table of the period's counts: the school year up to today unless asked
        period = jobs.counted_period(Filters(starts_on=starts_on, ends_on=ends_on))
        if period.ends_on < period.starts_on:
            errors.add("ends" if ends_on else "starts", "Период показателей должен начинаться не позже его конца")
        if form_id:
            errors.add("form_id", "Показатели считаются по всем формам: уберите форму")
    errors.raise_if_any()
    reach = await reach_of(principal, form.municipality_id, form.organization_id)
    filters = Filters(reach.municipality_id, reach.organization_id, form_id, starts_on, ends_on)
    return ExportRequest(form.kind, form.format, filters)
