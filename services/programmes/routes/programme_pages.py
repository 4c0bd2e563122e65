"""Pages of programmes: the list and creation, the coordinators' overview, the card and the constructor's steps."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.programmes import constructor, selection
from services.programmes.access import COORDINATORS, READERS, Access, programme_to_edit
from services.programmes.constructor import STEPS, ResultRow
from services.programmes.indicators import IndicatorCounter
from services.programmes.overview import programmes_overview
from services.programmes.programme import ProgrammeForm, create_programme, list_programmes
from services.programmes.regional_catalogue import catalogue_choices, models_of_form
from services.programmes.roadmap import roadmap, templates_for
from services.programmes.routes.common import labels, programme_context, result_rows, save_step
from services.programmes.values import plain_number
from shared import clock
from shared.actor import Actor
from shared.clock import school_year
from shared.errors import NotFound, ValidationFailed
from shared.pages import form_into, page, see_other
from tenants import allow


class ProgrammePages(Controller):
    path = "/programmes"
    guards = [allow(*READERS)]

    @get("/")
    async def index(self, access: NamedDependency[Access]) -> Template:
        start, end = school_year(clock.today())
        form = ProgrammeForm(
            title=f"Программа наставничества на {start.year}/{end.year} учебный год",
            starts_on=start.strftime("%d.%m.%Y"),
            ends_on=end.strftime("%d.%m.%Y"),
        )
        fitting = await templates_for(access.owner)
        if fitting:
            form.template = fitting[0].code
        return page(
            "programmes/list.html",
            programmes=await list_programmes(access.owner),
            form=form,
            errors={},
            can_edit=access.may_create,
            is_coordinator=access.is_coordinator,
            **{**labels(), "templates": fitting},
        )

    @post("/")
    async def create(
        self, request: Request[Any, Any, Any], access: NamedDependency[Access], actor: NamedDependency[Actor]
    ) -> Template | Redirect:
        owner = access.editing()
        form = await form_into(request, ProgrammeForm)
        try:
            programme_id = await create_programme(actor, owner, form)
        except ValidationFailed as exc:
            return page(
                "programmes/list.html",
                422,
                programmes=await list_programmes(owner),
                form=form,
                errors=exc.errors,
                can_edit=True,
                is_coordinator=access.is_coordinator,
                **{**labels(), "templates": await templates_for(owner)},
            )
        flash(request, "Программа создана: пройдите шаги конструктора", category="success")
        return see_other(f"/programmes/{programme_id}")

    @get("/overview", guards=[allow(*COORDINATORS)])
    async def overview(self, access: NamedDependency[Access]) -> Template:
        return page("programmes/overview.html", rows=await programmes_overview(access))

    @get("/{programme_id:uuid}")
    async def card(
        self,
        access: NamedDependency[Access],
        count_indicators: NamedDependency[IndicatorCounter],
        programme_id: FromPath[UUID],
    ) -> Template:
        context = await programme_context(access, programme_id)
        programme = context["programme"]
        stages = await roadmap(programme_id)
        forms, models = await catalogue_choices()
        return page(
            "programmes/programme.html",
            missing=await constructor.missing_steps(programme),
            results=await constructor.results_of(programme_id),
            values=await count_indicators(programme),
            stages=stages,
            overdue=sum(s.overdue for s in stages),
            chosen_forms=[f for f in forms if f.id in programme.form_ids],
            chosen_models=[m for m in models if m.id in programme.role_model_ids],
            registry=await selection.registry(programme) if programme.organization_id else None,
            **context,
        )

    @get("/{programme_id:uuid}/steps/{step:str}")
    async def step(
        self, access: NamedDependency[Access], programme_id: FromPath[UUID], step: FromPath[str]
    ) -> Template:
        context = await programme_context(access, programme_id)
        return page("programmes/step.html", **await _step_context(context, step, None, {}))

    @post("/{programme_id:uuid}/steps/{step:str}")
    async def save_step(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        programme_id: FromPath[UUID],
        step: FromPath[str],
    ) -> Template | Redirect:
        programme = await programme_to_edit(access, programme_id)
        data = await request.form()
        try:
            await save_step(programme, step, data)
        except ValidationFailed as exc:
            context = await programme_context(access, programme_id)
            return page("programmes/step.html", 422, **await _step_context(context, step, data, exc.errors))
        flash(request, f"Шаг «{STEPS[step]}» сохранён", category="success")
        following = list(STEPS)[list(STEPS).index(step) + 1 :]
        if data.get("then") == "stay":
            return see_other(f"/programmes/{programme_id}/steps/{step}")
        return see_other(
            f"/programmes/{programme_id}/steps/{following[0]}" if following else f"/programmes/{programme_id}"
        )


async def _step_context(context: dict[str, Any], step: str, data: Any, errors: dict[str, str]) -> dict[str, Any]:
    """A step's form, filled from the programme or from what was just posted."""
    if step not in STEPS:
        raise NotFound()
    programme = context["programme"]
    forms, models = await catalogue_choices()
    values: dict[str, Any] = {k: ("" if v is None else v) for k, v in msgspec.structs.asdict(programme).items()}
    for key in ("target_baseline", "target_value"):
        values[key] = plain_number(getattr(programme, key)) if getattr(programme, key) is not None else ""
    values["target_deadline"] = programme.target_deadline.strftime("%d.%m.%Y") if programme.target_deadline else ""
    results = [
        {
            "indicator": r.indicator,
            "title": r.title,
            "baseline": "" if r.baseline is None else plain_number(r.baseline),
            "target": plain_number(r.target),
            "manual_value": "" if r.manual_value is None else plain_number(r.manual_value),
        }
        for r in await constructor.results_of(programme.id)
    ]
    if data is not None:
        values.update({k: data.get(k, "") for k in data})
        values["form_ids"] = data.getall("form_ids", [])
        values["role_model_ids"] = data.getall("role_model_ids", [])
        values["group_work"] = bool(data.get("group_work"))
        results = [asdict(r) for r in result_rows(data)]
    values["form_ids"] = [str(v) for v in values.get("form_ids", [])]
    values["role_model_ids"] = [str(v) for v in values.get("role_model_ids", [])]
    results += [asdict(ResultRow()) for _ in range(2)]
    return {
        **context,
        "step": step,
        "values": values,
        "errors": errors,
        "results": results,
        "forms": forms,
        "models": models,
        "models_of": lambda f: models_of_form(f, models),
        "parents": {f.id: f for f in forms},
    }
