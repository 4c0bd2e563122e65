"""The contingent's page (linked from the organization's card and the curator's and head's home) and its API:
who may see and change it is the scope's business (RLS), the rest is in tenants.contingent."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from shared.actor import Actor
from shared.errors import NotFound, ValidationFailed
from shared.pages import page, see_other
from tenants import logic
from tenants.access import Principal
from tenants.contingent import (
    FIELD_LABELS,
    ContingentForm,
    ContingentRecord,
    clean_contingent,
    contingents,
    grade_keys,
    record_contingent,
    school_year_choices,
    school_year_label,
)
from tenants.guards import allow
from tenants.roles import KIND_LABELS, Role

EDITORS = (Role.curator, Role.head, Role.regional_coordinator, Role.municipal_coordinator)


async def organization_for(principal: Principal, organization_id: UUID) -> logic.OrganizationRecord:
    """The organization the active role may keep the contingent of: its own for a curator or head, any its scope
    holds for a coordinator; anything else is 404."""
    if principal.role in (Role.curator, Role.head) and principal.scope.organization_id != organization_id:
        raise NotFound()
    return await logic.get_organization(organization_id)


async def _page(
    organization: logic.OrganizationRecord,
    form: ContingentForm,
    errors: dict[str, str] | None = None,
) -> Template:
    years = school_year_choices()
    saved = {year: (await contingents(year, [organization.id])).get(organization.id) for year in years}
    return page(
        "tenants/contingent.html",
        422 if errors else 200,
        organization=organization,
        kind_label=KIND_LABELS[organization.kind],
        form=form,
        errors=errors or {},
        years=[(year, school_year_label(year)) for year in years],
        saved=[(school_year_label(year), record) for year, record in saved.items()],
        grades=grade_keys(organization.kind),
        grade_word="курс" if organization.kind == "college" else "класс",
        labels=FIELD_LABELS,
    )


class ContingentPages(Controller):
    path = "/organizations/{organization_id:uuid}/contingent"
    guards = [allow(*EDITORS)]

    @get("/")
    async def show(
        self, principal: NamedDependency[Principal], organization_id: FromPath[UUID], year: FromQuery[int | None] = None
    ) -> Template:
        organization = await organization_for(principal, organization_id)
        chosen = year if year in school_year_choices() else school_year_choices()[0]
        record = (await contingents(chosen, [organization_id])).get(organization_id)
        form = ContingentForm.from_record(record) if record else ContingentForm(school_year=str(chosen))
        return await _page(organization, form)

    @post("/")
    async def save(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        organization_id: FromPath[UUID],
    ) -> Template | Redirect:
        organization = await organization_for(principal, organization_id)
        form = ContingentForm.from_posted(dict(await request.form()))
        try:
            record = clean_contingent(organization.kind, organization_id, form)
        except ValidationFailed as exc:
            return await _page(organization, form, exc.errors)
        changed = await record_contingent(actor, record)
        flash(request, "Контингент сохранён" if changed else "Изменений нет", category="success")
        return see_other(f"/organizations/{organization_id}/contingent?year={record.school_year}")


class ContingentIn(msgspec.Struct, kw_only=True):
    """Every field may be left out of the JSON: what is missing is named in the answer's `errors`."""

    learners_total: int | None = None
    learners_10_18: int | None = None
    learners_by_grade: dict[str, int] = msgspec.field(default_factory=dict)
    teachers: int | None = None
    young_specialists: int | None = None


class ContingentOut(msgspec.Struct, kw_only=True):
    organization_id: UUID
    school_year: int
    school_year_label: str
    has_data: bool  # false: «нет данных о контингенте», never zeros
    learners_total: int | None = None
    learners_10_18: int | None = None
    learners_by_grade: dict[str, int] = msgspec.field(default_factory=dict)
    teachers: int | None = None
    young_specialists: int | None = None


def _out(organization_id: UUID, school_year: int, record: ContingentRecord | None) -> ContingentOut:
    if record is None:
        return ContingentOut(
            organization_id=organization_id,
            school_year=school_year,
            school_year_label=school_year_label(school_year),
            has_data=False,
        )
    return ContingentOut(
        organization_id=organization_id,
        school_year=school_year,
        school_year_label=school_year_label(school_year),
        has_data=True,
        learners_total=record.learners_total,
        learners_10_18=record.learners_10_18,
        learners_by_grade=record.learners_by_grade,
        teachers=record.teachers,
        young_specialists=record.young_specialists,
    )


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


class ContingentApi(Controller):
    path = "/organizations/{organization_id:uuid}/contingent/{school_year:int}"
    tags = ["Организации"]
    guards = [allow(*EDITORS)]

    @get("/")
    async def show(
        self, principal: NamedDependency[Principal], organization_id: FromPath[UUID], school_year: FromPath[int]
    ) -> ContingentOut:
        """`has_data` is false when the organization has not entered its contingent for that year."""
        await organization_for(principal, organization_id)
        return _out(
            organization_id, school_year, (await contingents(school_year, [organization_id])).get(organization_id)
        )

    @put("/")
    async def save(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        organization_id: FromPath[UUID],
        school_year: FromPath[int],
        data: JSONBody[ContingentIn],
    ) -> ContingentOut:
        """The current or the previous school year; the same rules as the page, errors named by field."""
        organization = await organization_for(principal, organization_id)
        form = ContingentForm(
            school_year=str(school_year),
            learners_total=_text(data.learners_total),
            learners_10_18=_text(data.learners_10_18),
            teachers=_text(data.teachers),
            young_specialists=_text(data.young_specialists),
            grades={key: str(value) for key, value in data.learners_by_grade.items()},
        )
        try:
            record = clean_contingent(organization.kind, organization_id, form)
        except ValidationFailed as exc:  # a class's or course's problem is the breakdown's, as the JSON names it
            errors = {("learners_by_grade" if k.startswith("grade_") else k): v for k, v in exc.errors.items()}
            raise ValidationFailed(errors) from None
        await record_contingent(actor, record)
        return _out(organization_id, school_year, record)


page_router = Router(path="/", route_handlers=[ContingentPages], include_in_schema=False)
api_router = Router(path="/api/v1", route_handlers=[ContingentApi])
