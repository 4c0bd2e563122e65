"""Programmes: the constructor, the roadmap, mentor selection, orders and the catalogue; pages and the JSON API."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any
from urllib.parse import quote
from uuid import UUID

from litestar import Controller, Request, Response, Router, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.programmes import catalogue, logic, orders, roadmap_templates, selection
from services.programmes.indicators import INDICATORS, IndicatorCounter
from services.programmes.logic import (
    SMART,
    STAGES,
    STATUS_LABELS,
    STEPS,
    EventForm,
    FormsForm,
    GoalForm,
    Owner,
    ProgrammeForm,
    ProgressForm,
    ResultRow,
)
from services.programmes.orders import TITLES, RegisterForm
from services.programmes.selection import (
    COMMISSION_ROLE_LABELS,
    DECISION_LABELS,
    PRINCIPLES,
    ApplicationForm,
    InterviewForm,
    MemberInput,
)
from services.programmes.tables import OrderKind
from services.registry import CATEGORY_LABELS
from shared import clock
from shared.actor import Actor
from shared.audit import audit
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.pages import flash_problem, flashed, form_into, page, see_other
from tenants import Principal, Role, allow

READERS = (Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)
EDITORS = (Role.curator, Role.municipal_coordinator, Role.regional_coordinator)
SIGNERS = (Role.head, *EDITORS)
COORDINATORS = (Role.municipal_coordinator, Role.regional_coordinator)
ORDER_KINDS_BY_HAND = (
    OrderKind.approve_programme,
    OrderKind.approve_roadmap,
    OrderKind.approve_registry,
    OrderKind.enrol_mentor_school,
)


def owner_of(principal: Principal) -> Owner:
    if principal.role in (Role.curator, Role.head):
        return Owner(organization_id=principal.scope.organization_id)
    if principal.role == Role.municipal_coordinator:
        return Owner(municipality_id=principal.scope.municipality_id)
    return Owner()


def editor_owner(principal: Principal) -> Owner:
    """Programmes are edited at one's own level only: a curator their organization's, a coordinator their own."""
    if principal.role not in EDITORS:
        raise Forbidden()
    return owner_of(principal)


def _labels() -> dict[str, Any]:
    return {
        "stage_titles": STAGES,
        "status_labels": STATUS_LABELS,
        "steps": STEPS,
        "smart": SMART,
        "indicators": INDICATORS,
        "principles": PRINCIPLES,
        "decision_labels": DECISION_LABELS,
        "commission_roles": COMMISSION_ROLE_LABELS,
        "order_titles": TITLES,
        "templates": roadmap_templates.TEMPLATES,
        "categories": CATEGORY_LABELS,
        "signed": orders.signed,
    }


async def _programme_context(principal: Principal, programme_id: UUID) -> dict[str, Any]:
    programme = await logic.get_programme(programme_id)
    editable = principal.role in EDITORS and Owner.of(programme) == owner_of(principal)
    return {"programme": programme, "editable": editable, "today": clock.today(), **_labels()}


# Programmes -------------------------------------------------------------------------------------------


class ProgrammePages(Controller):
    path = "/programmes"
    guards = [allow(*READERS)]

    @get("/")
    async def index(self, principal: NamedDependency[Principal]) -> Template:
        start, end = logic.school_year(clock.today())
        form = ProgrammeForm(
            title=f"Программа наставничества на {start.year}/{end.year} учебный год",
            starts_on=start.strftime("%d.%m.%Y"),
            ends_on=end.strftime("%d.%m.%Y"),
            template="college_2020",
        )
        return page(
            "programmes/list.html",
            programmes=await logic.list_programmes(owner_of(principal)),
            form=form,
            errors={},
            can_edit=principal.role in EDITORS,
            is_coordinator=principal.role in COORDINATORS,
            **_labels(),
        )

    @post("/")
    async def create(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
    ) -> Template | Redirect:
        owner = editor_owner(principal)
        form = await form_into(request, ProgrammeForm)
        try:
            programme_id = await logic.create_programme(actor, owner, form)
        except ValidationFailed as exc:
            return page(
                "programmes/list.html",
                422,
                programmes=await logic.list_programmes(owner),
                form=form,
                errors=exc.errors,
                can_edit=True,
                is_coordinator=principal.role in COORDINATORS,
                **_labels(),
            )
        flash(request, "Программа создана: пройдите шаги конструктора", category="success")
        return see_other(f"/programmes/{programme_id}")

    @get("/overview", guards=[allow(*COORDINATORS)])
    async def overview(self, principal: NamedDependency[Principal]) -> Template:
        rows = await logic.programmes_overview(principal.scope.municipality_id)
        return page("programmes/overview.html", rows=rows)

    @get("/{programme_id:uuid}")
    async def card(
        self,
        principal: NamedDependency[Principal],
        count_indicators: NamedDependency[IndicatorCounter],
        programme_id: FromPath[UUID],
    ) -> Template:
        context = await _programme_context(principal, programme_id)
        programme = context["programme"]
        stages = await logic.roadmap(programme_id)
        forms, models = await logic.catalogue_choices()
        return page(
            "programmes/programme.html",
            missing=await logic.missing_steps(programme),
            results=await logic.results_of(programme_id),
            values=await count_indicators(programme),
            stages=stages,
            overdue=sum(s.overdue for s in stages),
            chosen_forms=[f for f in forms if f["id"] in programme["form_ids"]],
            chosen_models=[m for m in models if m["id"] in programme["role_model_ids"]],
            registry=await selection.registry(programme) if programme["organization_id"] else None,
            **context,
        )

    @get("/{programme_id:uuid}/steps/{step:str}")
    async def step(
        self, principal: NamedDependency[Principal], programme_id: FromPath[UUID], step: FromPath[str]
    ) -> Template:
        context = await _programme_context(principal, programme_id)
        return page("programmes/step.html", **await _step_context(context, step, None, {}))

    @post("/{programme_id:uuid}/steps/{step:str}")
    async def save_step(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        programme_id: FromPath[UUID],
        step: FromPath[str],
    ) -> Template | Redirect:
        programme = await logic.get_programme(programme_id, editor_owner(principal))
        data = await request.form()
        try:
            await _save_step(programme, step, data)
        except ValidationFailed as exc:
            context = await _programme_context(principal, programme_id)
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
    forms, models = await logic.catalogue_choices()
    values: dict[str, Any] = {k: ("" if v is None else v) for k, v in programme.items()}
    for key in ("target_baseline", "target_value"):
        values[key] = logic.plain_number(programme[key]) if programme[key] is not None else ""
    values["target_deadline"] = (
        programme["target_deadline"].strftime("%d.%m.%Y") if programme["target_deadline"] else ""
    )
    results = [
        {
            "indicator": r["indicator"],
            "title": r["title"],
            "baseline": "" if r["baseline"] is None else logic.plain_number(r["baseline"]),
            "target": logic.plain_number(r["target"]),
            "manual_value": "" if r["manual_value"] is None else logic.plain_number(r["manual_value"]),
        }
        for r in await logic.results_of(programme["id"])
    ]
    if data is not None:
        values.update({k: data.get(k, "") for k in data})
        values["form_ids"] = data.getall("form_ids", [])
        values["role_model_ids"] = data.getall("role_model_ids", [])
        values["group_work"] = bool(data.get("group_work"))
        results = [asdict(r) for r in _result_rows(data)]
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
        "models_of": lambda f: logic.models_of_form(f, models),
        "parents": {f["id"]: f for f in forms},
    }


def _result_rows(data: Any) -> list[ResultRow]:
    columns = {f.name: data.getall(f.name, []) for f in fields(ResultRow)}
    count = max((len(v) for v in columns.values()), default=0)
    return [
        ResultRow(**{name: (values[i] if i < len(values) else "") for name, values in columns.items()})
        for i in range(count)
    ]


async def _save_step(programme: dict[str, Any], step: str, data: Any) -> None:
    if step in logic.TEXT_STEPS:
        await logic.save_text_step(programme, step, str(data.get(logic.TEXT_STEPS[step][0], "")))
    elif step == "goal":
        await logic.save_goal(programme, GoalForm(**{f.name: str(data.get(f.name, "")) for f in fields(GoalForm)}))
    elif step == "results":
        await logic.save_results(programme, _result_rows(data), str(data.get("qualitative_results", "")))
    elif step == "forms":
        form = FormsForm(
            form_ids=data.getall("form_ids", []),
            role_model_ids=data.getall("role_model_ids", []),
            max_mentees_per_mentor=str(data.get("max_mentees_per_mentor", "")),
            group_work=bool(data.get("group_work")),
            max_pair_months=str(data.get("max_pair_months", "")),
        )
        await logic.save_forms(programme, form)
    else:
        raise NotFound()


# The roadmap ----------------------------------------------------------------------------------------------


class RoadmapPages(Controller):
    path = "/programmes/{programme_id:uuid}"
    guards = [allow(*READERS)]

    @get("/roadmap")
    async def roadmap(
        self, principal: NamedDependency[Principal], programme_id: FromPath[UUID], view: FromQuery[str] = "stages"
    ) -> Template:
        context = await _programme_context(principal, programme_id)
        stages = await logic.roadmap(programme_id)
        return page(
            "programmes/roadmap.html",
            stages=stages,
            view=view,
            timeline=logic.timeline(context["programme"], stages),
            form=EventForm(),
            errors={},
            **context,
        )

    @post("/roadmap/template")
    async def apply_template(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], programme_id: FromPath[UUID]
    ) -> Redirect:
        await logic.get_programme(programme_id, editor_owner(principal))
        code = str((await request.form()).get("template", ""))
        try:
            roadmap_templates.template(code)
            added = await logic.apply_template(programme_id, code)
        except KeyError:
            flash(request, "Выберите шаблон дорожной карты", category="error")
        except ValidationFailed as exc:
            flash_problem(request, exc)
        else:
            flash(request, f"Добавлено мероприятий: {added}", category="success")
        return see_other(f"/programmes/{programme_id}/roadmap")

    @post("/events")
    async def add_event(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], programme_id: FromPath[UUID]
    ) -> Template | Redirect:
        programme = await logic.get_programme(programme_id, editor_owner(principal))
        form = await form_into(request, EventForm)
        try:
            await logic.add_event(programme, form)
        except ValidationFailed as exc:
            context = await _programme_context(principal, programme_id)
            stages = await logic.roadmap(programme_id)
            return page(
                "programmes/roadmap.html",
                422,
                stages=stages,
                view="stages",
                timeline=logic.timeline(programme, stages),
                form=form,
                errors=exc.errors,
                **context,
            )
        flash(request, "Мероприятие добавлено", category="success")
        return see_other(f"/programmes/{programme_id}/roadmap#stage-{form.stage}")

    @get("/events/{event_id:uuid}")
    async def event(
        self, principal: NamedDependency[Principal], programme_id: FromPath[UUID], event_id: FromPath[UUID]
    ) -> Template:
        context = await _programme_context(principal, programme_id)
        event = await logic.get_event(programme_id, event_id)
        return page("programmes/event.html", **await _event_context(context, event, None, {}))

    @post("/events/{event_id:uuid}")
    async def update_event(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
    ) -> Template | Redirect:
        programme = await logic.get_programme(programme_id, editor_owner(principal))
        form = await form_into(request, EventForm)
        try:
            await logic.update_event(programme, event_id, form)
        except ValidationFailed as exc:
            context = await _programme_context(principal, programme_id)
            event = await logic.get_event(programme_id, event_id)
            return page("programmes/event.html", 422, **await _event_context(context, event, form, exc.errors))
        flash(request, "Мероприятие сохранено", category="success")
        return see_other(f"/programmes/{programme_id}/events/{event_id}")

    @post("/events/{event_id:uuid}/progress")
    async def progress(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
    ) -> Redirect:
        await logic.get_programme(programme_id, editor_owner(principal))
        with flashed(request, "Состояние мероприятия сохранено"):
            await logic.set_progress(programme_id, event_id, await form_into(request, ProgressForm))
        return see_other(f"/programmes/{programme_id}/events/{event_id}")

    @post("/events/{event_id:uuid}/evidence")
    async def evidence(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
    ) -> Redirect:
        await logic.get_programme(programme_id, editor_owner(principal))
        data, filename = await _upload(request)
        with flashed(request, "Файл приложен"):
            await logic.attach_evidence(programme_id, event_id, data, filename)
        return see_other(f"/programmes/{programme_id}/events/{event_id}")

    @get("/events/{event_id:uuid}/evidence/{evidence_id:uuid}")
    async def evidence_file(
        self, programme_id: FromPath[UUID], event_id: FromPath[UUID], evidence_id: FromPath[UUID]
    ) -> Response[bytes]:
        row = await logic.evidence_file(programme_id, event_id, evidence_id)
        return _download(row["data"], row["content_type"], row["filename"] or "file")

    @post("/events/{event_id:uuid}/delete")
    async def delete_event(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
    ) -> Redirect:
        await logic.get_programme(programme_id, editor_owner(principal))
        await logic.delete_event(programme_id, event_id)
        flash(request, "Мероприятие удалено", category="success")
        return see_other(f"/programmes/{programme_id}/roadmap")


async def _event_context(
    context: dict[str, Any], event: dict[str, Any], form: EventForm | None, errors: dict[str, str]
) -> dict[str, Any]:
    if form is None:
        form = EventForm(
            stage=str(event["stage"]),
            title=event["title"],
            period_label=event["period_label"],
            starts_on="" if event["period_label"] else event["starts_on"].strftime("%d.%m.%Y"),
            ends_on="" if event["period_label"] else event["ends_on"].strftime("%d.%m.%Y"),
            responsible=event["responsible"],
            expected_result=event["expected_result"],
        )
    files = (await logic.evidence_by_event([event["id"]])).get(event["id"], [])
    return {
        **context,
        "event": {**event, "overdue": logic.is_overdue(event, clock.today())},
        "files": files,
        "form": form,
        "errors": errors,
    }


async def _upload(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        return b"", ""
    return await upload.read(), upload.filename or ""


def _download(data: bytes, content_type: str, filename: str) -> Response[bytes]:
    return Response(
        data,
        media_type=content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}", "Cache-Control": "no-store"},
    )


# Mentor selection ------------------------------------------------------------------------------------------


class SelectionPages(Controller):
    path = "/programmes/{programme_id:uuid}"
    guards = [allow(Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)]

    @get("/selection")
    async def selection_page(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], programme_id: FromPath[UUID]
    ) -> Template:
        context = await _programme_context(principal, programme_id)
        return page("programmes/selection.html", **await _selection_context(request, principal, context, {}, None))

    @post("/commission")
    async def set_commission(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
    ) -> Template | Redirect:
        programme = await _curator_programme(principal, programme_id)
        data = await request.form()
        members = [
            MemberInput(role, name, job, user)
            for role, name, job, user in zip(
                data.getall("role", []),
                data.getall("full_name", []),
                data.getall("job_title", []),
                data.getall("user_id", []),
                strict=False,
            )
        ]
        try:
            await selection.set_commission(actor, programme, members)
        except ValidationFailed as exc:
            context = await _programme_context(principal, programme_id)
            return page(
                "programmes/selection.html",
                422,
                **await _selection_context(request, principal, context, exc.errors, members),
            )
        flash(request, "Состав комиссии сохранён", category="success")
        return see_other(f"/programmes/{programme_id}/selection")

    @post("/applications")
    async def apply(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
    ) -> Redirect:
        programme = await _curator_programme(principal, programme_id)
        try:
            application_id = await selection.apply(actor, programme, await form_into(request, ApplicationForm))
        except ValidationFailed as exc:
            flash_problem(request, exc)
            return see_other(f"/programmes/{programme_id}/selection#apply")
        return see_other(f"/programmes/{programme_id}/applications/{application_id}")

    @get("/applications/{application_id:uuid}")
    async def application(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
        application_id: FromPath[UUID],
    ) -> Template:
        context = await _programme_context(principal, programme_id)
        row = await selection.get_application(programme_id, application_id)
        await audit(actor, "view", row["person_id"], "заявление кандидата в наставники")
        return page("programmes/application.html", application=row, errors={}, **context)

    @post("/applications/{application_id:uuid}/interview")
    async def interview(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
        application_id: FromPath[UUID],
    ) -> Template | Redirect:
        await _curator_programme(principal, programme_id)
        data = await request.form()
        form = InterviewForm(
            str(data.get("interviewed_on", "")), str(data.get("interview_notes", "")), data.getall("principles", [])
        )
        try:
            await selection.record_interview(actor, programme_id, application_id, form)
        except ValidationFailed as exc:
            context = await _programme_context(principal, programme_id)
            row = await selection.get_application(programme_id, application_id)
            return page("programmes/application.html", 422, application=row, errors=exc.errors, **context)
        flash(request, "Собеседование записано", category="success")
        return see_other(f"/programmes/{programme_id}/applications/{application_id}")

    @post("/applications/{application_id:uuid}/decision")
    async def decision(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
        application_id: FromPath[UUID],
    ) -> Redirect:
        programme = await _curator_programme(principal, programme_id)
        data = await request.form()
        with flashed(request, "Решение комиссии записано"):
            await selection.decide(
                actor,
                programme,
                application_id,
                str(data.get("decision", "")),
                str(data.get("decision_note", "")),
            )
        return see_other(f"/programmes/{programme_id}/applications/{application_id}")


async def _curator_programme(principal: Principal, programme_id: UUID) -> dict[str, Any]:
    if principal.role != Role.curator:
        raise Forbidden()
    return await logic.get_programme(programme_id, owner_of(principal))


async def _selection_context(
    request: Request[Any, Any, Any],
    principal: Principal,
    context: dict[str, Any],
    errors: dict[str, str],
    members: list[MemberInput] | None,
) -> dict[str, Any]:
    programme = context["programme"]
    organization_id = programme["organization_id"]
    stored = await selection.commission(programme["id"])
    staff = await selection.organization_staff(organization_id) if organization_id else {}
    if members is None:
        members = [MemberInput(m["role"], m["full_name"], m["job_title"], str(m["user_id"] or "")) for m in stored]
    if not members and organization_id:
        from tenants import get_organization

        organization = await get_organization(organization_id)
        curator = staff[Role.curator][0] if staff[Role.curator] else None
        members = [
            MemberInput("chair", organization.head_name, "Руководитель организации"),
            MemberInput(
                "curator",
                curator["full_name"] if curator else "",
                "Куратор наставничества",
                str(curator["user_id"]) if curator else "",
            ),
        ]
    members = members + [MemberInput() for _ in range(max(0, 5 - len(members)))]
    return {
        **context,
        "editable": context["editable"] and principal.role == Role.curator and bool(organization_id),
        "members": members,
        "stored": stored,
        "staff": staff,
        "problems": await selection.commission_problems(programme) if organization_id else {},
        "applications": await selection.applications(programme["id"]),
        "candidates": await selection.candidates(programme),
        "registry": await selection.registry(programme) if organization_id else None,
        "errors": errors,
    }


# Orders ---------------------------------------------------------------------------------------------------


class OrderPages(Controller):
    path = "/"
    guards = [allow(*SIGNERS)]

    @get("/programmes/{programme_id:uuid}/orders")
    async def programme_orders(
        self, principal: NamedDependency[Principal], programme_id: FromPath[UUID], kind: FromQuery[str] = ""
    ) -> Template:
        context = await _programme_context(principal, programme_id)
        programme = context["programme"]
        return page(
            "programmes/orders.html",
            orders=await orders.list_orders(Owner.of(programme), programme_id),
            kinds=ORDER_KINDS_BY_HAND,
            kind=kind,
            registry=await selection.registry(programme) if programme["organization_id"] else None,
            errors={},
            **context,
        )

    @post("/programmes/{programme_id:uuid}/orders")
    async def create_order(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
    ) -> Redirect:
        programme = await logic.get_programme(programme_id, editor_owner(principal))
        data = await request.form()
        extra = {
            "course": data.get("course", ""),
            "course_starts_on": data.get("course_starts_on", ""),
            "course_ends_on": data.get("course_ends_on", ""),
            "person_ids": data.getall("person_ids", []),
        }
        try:
            order_id = await orders.create_order(actor, programme, str(data.get("kind", "")), extra)
        except ValidationFailed as exc:
            flash_problem(request, exc)
            return see_other(f"/programmes/{programme_id}/orders")
        flash(request, "Проект приказа готов: скачайте, подпишите у руководителя и зарегистрируйте", category="success")
        return see_other(f"/orders/{order_id}")

    @get("/orders")
    async def register_page(self, principal: NamedDependency[Principal]) -> Template:
        return page(
            "programmes/orders.html", orders=await orders.list_orders(owner_of(principal)), programme=None, **_labels()
        )

    @get("/orders/{order_id:uuid}")
    async def order(self, principal: NamedDependency[Principal], order_id: FromPath[UUID]) -> Template:
        row = await orders.get_order(order_id)
        own = Owner.of(row) == owner_of(principal)
        suggestion = await orders.suggest_number(Owner.of(row), clock.today().year) if own else ""
        return page(
            "programmes/order.html",
            order=row,
            can_register=own and principal.role in SIGNERS,
            form=RegisterForm(number=suggestion, signed_on=clock.today().strftime("%d.%m.%Y")),
            errors={},
            **_labels(),
        )

    @get("/orders/{order_id:uuid}/document")
    async def document(self, order_id: FromPath[UUID]) -> Response[bytes]:
        data, filename = await orders.document(order_id)
        return _download(data, orders.DOCX, filename)

    @post("/orders/{order_id:uuid}/register")
    async def register(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        order_id: FromPath[UUID],
    ) -> Template | Redirect:
        form = await form_into(request, RegisterForm)
        try:
            await orders.register(actor, order_id, form, owner_of(principal))
        except ValidationFailed as exc:
            row = await orders.get_order(order_id)
            return page(
                "programmes/order.html", 422, order=row, can_register=True, form=form, errors=exc.errors, **_labels()
            )
        flash(request, "Приказ зарегистрирован и вступил в силу", category="success")
        return see_other(f"/orders/{order_id}")

    @post("/orders/{order_id:uuid}/scan")
    async def upload_scan(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], order_id: FromPath[UUID]
    ) -> Redirect:
        data, filename = await _upload(request)
        with flashed(request, "Скан подписанного приказа приложен"):
            await orders.attach_scan(order_id, data, filename, owner_of(principal))
        return see_other(f"/orders/{order_id}")

    @get("/orders/{order_id:uuid}/scan")
    async def download_scan(self, order_id: FromPath[UUID]) -> Response[bytes]:
        data, content_type, filename = await orders.scan(order_id)
        return _download(data, content_type, filename)


# The catalogue --------------------------------------------------------------------------------------------


class CataloguePages(Controller):
    path = "/catalogue"
    guards = [allow(*READERS, Role.mentor)]

    @get("/")
    async def index(self, principal: NamedDependency[Principal]) -> Template:
        return page("programmes/catalogue.html", **await _catalogue_context(principal, {}))

    @post("/forms", guards=[allow(Role.regional_coordinator)])
    async def add_form(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
    ) -> Template | Redirect:
        data = await request.form()
        form = logic.CatalogueForm(
            title=str(data.get("title", "")),
            parent_id=str(data.get("parent_id", "")),
            goal=str(data.get("goal", "")),
            mentor_portrait=str(data.get("mentor_portrait", "")),
            mentee_portrait=str(data.get("mentee_portrait", "")),
            mentor_categories=data.getall("mentor_categories", []),
            mentee_categories=data.getall("mentee_categories", []),
        )
        try:
            await logic.add_form(actor, form)
        except ValidationFailed as exc:
            return page("programmes/catalogue.html", 422, **await _catalogue_context(principal, exc.errors, form))
        flash(request, "Форма добавлена в каталог региона", category="success")
        return see_other("/catalogue")

    @post("/forms/{form_id:uuid}/role-models", guards=[allow(Role.regional_coordinator)])
    async def add_role_model(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor], form_id: FromPath[UUID]
    ) -> Redirect:
        data = await request.form()
        with flashed(request, "Ролевая модель добавлена"):
            await logic.add_role_model(actor, form_id, str(data.get("title", "")), str(data.get("description", "")))
        return see_other(f"/catalogue#form-{form_id}")


async def _catalogue_context(
    principal: Principal, errors: dict[str, str], form: logic.CatalogueForm | None = None
) -> dict[str, Any]:
    forms, models = await logic.catalogue_choices()
    by_id = {f["id"]: f for f in forms}
    return {
        "forms": forms,
        "models_of": lambda f: logic.models_of_form(f, models),
        "by_id": by_id,
        "can_edit": principal.role == Role.regional_coordinator,
        "form": form or logic.CatalogueForm(),
        "errors": errors,
        "same_subject": catalogue.SAME_SUBJECT,
        **_labels(),
    }


# The JSON API ---------------------------------------------------------------------------------------------


def _programme_json(row: dict[str, Any]) -> dict[str, Any]:
    plain = {k: (str(v) if isinstance(v, UUID) else v) for k, v in row.items() if k not in ("created_by",)}
    for key in ("starts_on", "ends_on", "target_deadline", "created_at", "updated_at"):
        plain[key] = logic.moment(row.get(key))
    for key in ("target_baseline", "target_value"):
        plain[key] = None if row.get(key) is None else float(row[key])
    plain["form_ids"] = [str(v) for v in row.get("form_ids", [])]
    plain["role_model_ids"] = [str(v) for v in row.get("role_model_ids", [])]
    return plain


def _event_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "stage": row["stage"],
        "title": row["title"],
        "period_label": row["period_label"],
        "starts_on": row["starts_on"].isoformat(),
        "ends_on": row["ends_on"].isoformat(),
        "responsible": row["responsible"],
        "expected_result": row["expected_result"],
        "status": row["status"],
        "done_on": logic.moment(row["done_on"]),
        "overdue": logic.is_overdue(row, clock.today()),
        "evidence_link": row["evidence_link"],
    }


def _order_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "programme_id": str(row["programme_id"]) if row["programme_id"] else None,
        "kind": row["kind"],
        "title": row["title"],
        "number": row["number"],
        "signed_on": logic.moment(row["signed_on"]),
        "registered": row["number"] is not None,
        "has_scan": row["has_scan"],
        "document": f"/api/v1/orders/{row['id']}/document",
    }


class ProgrammeApi(Controller):
    path = "/programmes"
    tags = ["Программы"]
    guards = [allow(*READERS)]

    @get("/")
    async def list_programmes(self, principal: NamedDependency[Principal]) -> list[dict[str, Any]]:
        return [_programme_json(p) for p in await logic.list_programmes(owner_of(principal))]

    @post("/")
    async def create(
        self, principal: NamedDependency[Principal], actor: NamedDependency[Actor], data: JSONBody[dict[str, str]]
    ) -> dict[str, Any]:
        """ISO dates; `template`: a roadmap template code (college_2020, school_teacher_teacher) or empty."""
        form = ProgrammeForm(**{f.name: str(data.get(f.name, "")) for f in fields(ProgrammeForm)})
        programme_id = await logic.create_programme(actor, editor_owner(principal), form)
        return _programme_json(await logic.get_programme(programme_id))

    @get("/{programme_id:uuid}")
    async def read(
        self, count_indicators: NamedDependency[IndicatorCounter], programme_id: FromPath[UUID]
    ) -> dict[str, Any]:
        programme = await logic.get_programme(programme_id)
        return {
            **_programme_json(programme),
            "missing_steps": await logic.missing_steps(programme),
            "results": [
                {
                    k: (float(v) if k in ("baseline", "target", "manual_value") and v is not None else v)
                    for k, v in r.items()
                    if k in ("indicator", "title", "baseline", "target", "manual_value")
                }
                for r in await logic.results_of(programme_id)
            ],
            "indicators": await count_indicators(programme),
        }

    @put("/{programme_id:uuid}/steps/{step:str}")
    async def save_step(
        self,
        principal: NamedDependency[Principal],
        programme_id: FromPath[UUID],
        step: FromPath[str],
        data: JSONBody[dict[str, Any]],
    ) -> dict[str, Any]:
        """One step of the constructor; `results` takes {"results": [{indicator, title, baseline, target}], ...}."""
        programme = await logic.get_programme(programme_id, editor_owner(principal))
        await _save_step(programme, step, _JsonForm(data))
        return _programme_json(await logic.get_programme(programme_id))

    @get("/{programme_id:uuid}/events")
    async def events(self, programme_id: FromPath[UUID]) -> list[dict[str, Any]]:
        await logic.get_programme(programme_id)
        return [_event_json(e) for s in await logic.roadmap(programme_id) for e in s.events]

    @post("/{programme_id:uuid}/events")
    async def add_event(
        self, principal: NamedDependency[Principal], programme_id: FromPath[UUID], data: JSONBody[dict[str, str]]
    ) -> dict[str, Any]:
        programme = await logic.get_programme(programme_id, editor_owner(principal))
        form = EventForm(**{f.name: str(data.get(f.name, "")) for f in fields(EventForm)})
        event_id = await logic.add_event(programme, form)
        return _event_json(await logic.get_event(programme_id, event_id))

    @patch("/{programme_id:uuid}/events/{event_id:uuid}")
    async def progress(
        self,
        principal: NamedDependency[Principal],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
        data: JSONBody[dict[str, str]],
    ) -> dict[str, Any]:
        """Status (planned, in_progress, done, cancelled) and evidence of an event."""
        await logic.get_programme(programme_id, editor_owner(principal))
        current = await logic.get_event(programme_id, event_id)
        form = ProgressForm(
            status=data.get("status", current["status"]),
            evidence_link=data.get("evidence_link", current["evidence_link"]),
            evidence_note=data.get("evidence_note", current["evidence_note"]),
        )
        await logic.set_progress(programme_id, event_id, form)
        return _event_json(await logic.get_event(programme_id, event_id))

    @get("/{programme_id:uuid}/orders", guards=[allow(*SIGNERS)])
    async def orders(self, programme_id: FromPath[UUID]) -> list[dict[str, Any]]:
        programme = await logic.get_programme(programme_id)
        return [_order_json(o) for o in await orders.list_orders(Owner.of(programme), programme_id)]

    @post("/{programme_id:uuid}/orders")
    async def create_order(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
        data: JSONBody[dict[str, Any]],
    ) -> dict[str, Any]:
        """`kind`: approve_programme, approve_roadmap, approve_registry, enrol_mentor_school (with course fields)."""
        programme = await logic.get_programme(programme_id, editor_owner(principal))
        order_id = await orders.create_order(actor, programme, str(data.get("kind", "")), data)
        return _order_json(await orders.get_order(order_id))


class _JsonForm(dict[str, Any]):
    """Lets the API feed the same step parser as the pages' forms."""

    def getall(self, key: str, default: list[Any]) -> list[Any]:
        value = self.get(key, default)
        if key in {f.name for f in fields(ResultRow)} and "results" in self:
            return [str(r.get(key, "")) for r in self["results"]]
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]


class OrderApi(Controller):
    path = "/orders"
    tags = ["Приказы"]
    guards = [allow(*SIGNERS)]

    @get("/{order_id:uuid}")
    async def read(self, order_id: FromPath[UUID]) -> dict[str, Any]:
        return _order_json(await orders.get_order(order_id))

    @get("/{order_id:uuid}/document")
    async def document(self, order_id: FromPath[UUID]) -> Response[bytes]:
        data, filename = await orders.document(order_id)
        return _download(data, orders.DOCX, filename)

    @post("/{order_id:uuid}/register")
    async def register(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        order_id: FromPath[UUID],
        data: JSONBody[dict[str, str]],
    ) -> dict[str, Any]:
        """Number and date (ISO) in the document register; the order then takes effect."""
        form = RegisterForm(number=data.get("number", ""), signed_on=data.get("signed_on", ""))
        await orders.register(actor, order_id, form, owner_of(principal))
        return _order_json(await orders.get_order(order_id))


class CatalogueApi(Controller):
    path = "/catalogue"
    tags = ["Каталог форм наставничества"]
    guards = [allow(*READERS, Role.mentor)]

    @get("/forms")
    async def forms(self) -> list[dict[str, Any]]:
        forms, models = await logic.catalogue_choices()
        return [
            {
                "id": str(f["id"]),
                "code": f["code"],
                "title": f["title"],
                "parent_id": str(f["parent_id"]) if f["parent_id"] else None,
                "builtin": f["region_id"] is None,
                "mentor_categories": f["mentor_categories"],
                "mentee_categories": f["mentee_categories"],
                "role_models": [
                    {"id": str(m["id"]), "code": m["code"], "title": m["title"]}
                    for m in logic.models_of_form(f, models)
                ],
            }
            for f in forms
        ]


page_router = Router(
    path="/",
    route_handlers=[ProgrammePages, RoadmapPages, SelectionPages, OrderPages, CataloguePages],
    include_in_schema=False,
)
api_router = Router(path="/api/v1", route_handlers=[ProgrammeApi, OrderApi, CatalogueApi])
