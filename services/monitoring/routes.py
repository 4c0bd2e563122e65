"""Monitoring pages: the curator submits the half-year report; coordinators see who has and who has not; API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.monitoring import assessments, logic, quality, satisfaction
from services.monitoring.logic import ReportForm
from services.programmes import Owner, ProgrammeRecord, get_programme
from shared import clock
from shared.actor import Actor
from shared.audit import audit
from shared.errors import ValidationFailed
from shared.pages import flash_problem, form_into, page, see_other
from shared.settings import Settings
from tenants import Principal, Role, allow

VIEWERS = (Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)
COORDINATORS = (Role.municipal_coordinator, Role.regional_coordinator)


@get("/monitoring", guards=[allow(*VIEWERS)])
async def monitoring_index(principal: NamedDependency[Principal]) -> Template:
    periods = await logic.periods()
    own: dict[Any, Any] = {}
    if principal.scope.organization_id:
        for period in periods:
            reports = await logic.reports(period["id"])
            own[period["id"]] = next(
                (r for r in reports if r["organization_id"] == principal.scope.organization_id), None
            )
    return page("monitoring/index.html", periods=periods, own=own, is_coordinator=principal.role in COORDINATORS)


@get("/monitoring/{period_id:uuid}", guards=[allow(*VIEWERS)])
async def monitoring_period(principal: NamedDependency[Principal], period_id: FromPath[UUID]) -> Template:
    period = await logic.get_period(period_id)
    if principal.role in COORDINATORS:
        reports = await logic.reports(period_id, principal.scope.municipality_id)
        return page("monitoring/period.html", period=period, reports=reports, report=None, errors={}, form=None)
    assert principal.scope.organization_id is not None
    report = await logic.report_of(period_id, principal.scope.organization_id)
    form = ReportForm(report["achievements"], report["problems"], report["plans"])
    return await _report_page(principal, period, report, form, report["quality"], {})


async def _report_page(
    principal: Principal,
    period: dict[str, Any],
    report: dict[str, Any],
    form: ReportForm,
    answers: dict[str, Any],
    errors: dict[str, str],
) -> Template:
    """The organization's report; while it can be sent, the questionnaire starts from the system's suggestions."""
    can_submit = principal.role == Role.curator and period["closed_on"] is None
    scope = principal.scope
    assert scope.organization_id is not None and scope.region_id is not None
    suggested = await logic.suggestions(period, scope.region_id, scope.organization_id) if can_submit else {}
    return page(
        "monitoring/period.html",
        422 if errors else 200,
        period=period,
        reports=[],
        report=report,
        form=form,
        errors=errors,
        can_submit=can_submit,
        conditions=quality.CONDITIONS,
        levels=quality.LEVELS,
        suggested=suggested,
        answers={
            c.code: answers.get(c.code) or {"level": suggested.get(c.code, ("", ""))[0], "comment": ""}
            for c in quality.CONDITIONS
        },
    )


def _answers_from(data: Any) -> dict[str, dict[str, str]]:
    """The questionnaire's radio buttons and comments, posted as quality_<code> and quality_<code>_comment."""
    answers = {}
    for condition in quality.CONDITIONS:
        name = f"quality_{condition.code}"
        answers[condition.code] = {"level": str(data.get(name, "")), "comment": str(data.get(f"{name}_comment", ""))}
    return answers


@post("/monitoring/{period_id:uuid}", guards=[allow(Role.curator)])
async def submit_report(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    period_id: FromPath[UUID],
) -> Template | Redirect:
    form = await form_into(request, ReportForm)
    answers = _answers_from(await request.form())
    try:
        await logic.submit(actor, period_id, form, answers)
    except ValidationFailed as exc:
        period = await logic.get_period(period_id)
        assert principal.scope.organization_id is not None
        report = await logic.report_of(period_id, principal.scope.organization_id)
        return await _report_page(principal, period, report, form, answers, exc.errors)
    flash(request, "Отчёт отправлен", category="success")
    return see_other(f"/monitoring/{period_id}")


@get("/api/v1/monitoring/periods", guards=[allow(*VIEWERS)], tags=["Мониторинг"])
async def periods_api() -> list[dict[str, Any]]:
    return [
        {
            "id": str(p["id"]),
            "title": p["title"],
            "covers_from": p["covers_from"].isoformat(),
            "deadline": p["deadline"].isoformat(),
            "closed": p["closed_on"] is not None,
            "reports": p["reports"],
            "submitted": p["submitted"],
        }
        for p in await logic.periods()
    ]


@get("/api/v1/monitoring/{period_id:uuid}/reports", guards=[allow(*COORDINATORS)], tags=["Мониторинг"])
async def reports_api(principal: NamedDependency[Principal], period_id: FromPath[UUID]) -> list[dict[str, Any]]:
    """Who has submitted and who has not, with the indicators each report carries."""
    await logic.get_period(period_id)
    return [
        {
            "organization_id": str(r["organization_id"]),
            "organization": r["organization"],
            "municipality": r["municipality"],
            "submitted_at": r["submitted_at"].isoformat() if r["submitted_at"] else None,
            "indicators": r["indicators"],
            "conformity": r["conformity"],
            "quality": r["quality"],
        }
        for r in await logic.reports(period_id, principal.scope.municipality_id)
    ]


@post("/api/v1/monitoring/{period_id:uuid}/report", guards=[allow(Role.curator)], tags=["Мониторинг"])
async def submit_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    period_id: FromPath[UUID],
    data: JSONBody[dict[str, Any]],
) -> dict[str, Any]:
    """`achievements`, `problems`, `plans`; `quality`: the curator's questionnaire, for each condition code
    `{"level": "meets" | "partly" | "no", "comment": "..."}` (a comment where the condition is not met in full)."""
    form = ReportForm(str(data.get("achievements", "")), str(data.get("problems", "")), str(data.get("plans", "")))
    answers = data.get("quality")
    await logic.submit(actor, period_id, form, answers if isinstance(answers, dict) else {})
    assert principal.scope.organization_id is not None
    report = await logic.report_of(period_id, principal.scope.organization_id)
    return {"submitted_at": report["submitted_at"].isoformat(), "indicators": report["indicators"]}


page_router = Router(
    path="/", route_handlers=[monitoring_index, monitoring_period, submit_report], include_in_schema=False
)
api_router = Router(path="/", route_handlers=[periods_api, reports_api, submit_api])


# Influence on participants --------------------------------------------------------------------------------------


async def _programme(principal: Principal, programme_id: UUID, *, edit: bool) -> ProgrammeRecord:
    if edit:
        return await get_programme(programme_id, Owner(organization_id=principal.scope.organization_id))
    return await get_programme(programme_id)


async def _audit_scores(actor: Actor, result: assessments.Influence) -> None:
    actor = actor
    for person_id in result.per_person:
        await audit(actor, "view", person_id, "оценки влияния программы")


@get("/programmes/{programme_id:uuid}/assessments", guards=[allow(*VIEWERS)])
async def assessments_page(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], programme_id: FromPath[UUID]
) -> Template:
    programme = await _programme(principal, programme_id, edit=False)
    result = await assessments.influence(programme)
    await _audit_scores(actor, result)
    return page(
        "monitoring/assessments.html",
        programme=programme,
        parameters=await assessments.parameters(programme),
        people=await assessments.participants(programme),
        influence=result,
        stages=assessments.STAGES,
        editable=principal.role == Role.curator and programme.organization_id == principal.scope.organization_id,
        today=clock.today(),
    )


@post("/programmes/{programme_id:uuid}/assessments", guards=[allow(Role.curator)])
async def save_assessments(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
) -> Redirect:
    programme = await _programme(principal, programme_id, edit=True)
    data = await request.form()
    action = str(data.get("action", "scores"))
    try:
        if action == "add_parameter":
            await assessments.add_parameter(programme, str(data.get("title", "")))
        elif action == "remove_parameter":
            parameters = {str(p["id"]): p["id"] for p in await assessments.parameters(programme)}
            if str(data.get("parameter_id")) not in parameters:
                raise ValidationFailed({"parameter_id": "Такого параметра нет"})
            await assessments.remove_parameter(programme, parameters[str(data.get("parameter_id"))])
        else:
            scores = []
            for key, value in data.items():
                if key.startswith("s_"):
                    _, person_id, parameter_id, stage = key.split("_", 3)
                    scores.append(assessments.Score(person_id, parameter_id, stage, str(value)))
            saved = await assessments.save_scores(actor, programme, scores)
            flash(request, f"Сохранено оценок: {saved}", category="success")
    except ValidationFailed as exc:
        flash_problem(request, exc)
    return see_other(f"/programmes/{programme_id}/assessments")


@post("/programmes/{programme_id:uuid}/satisfaction", guards=[allow(Role.curator)])
async def send_satisfaction(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    programme_id: FromPath[UUID],
) -> Redirect:
    programme = await _programme(principal, programme_id, edit=True)
    finished_only = (await request.form()).get("who") != "all"
    result = await satisfaction.send_satisfaction(actor, programme, settings.secret_key, finished_only=finished_only)
    flash(
        request, f"Отправлено анкет удовлетворённости: {result['sent']}; уже получали: {result['skipped']}", "success"
    )
    return see_other(f"/programmes/{programme_id}/assessments")


@post("/api/v1/programmes/{programme_id:uuid}/satisfaction", guards=[allow(Role.curator)], tags=["Мониторинг"])
async def send_satisfaction_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    programme_id: FromPath[UUID],
    data: JSONBody[dict[str, str]],
) -> dict[str, int]:
    """`who`: finished (participants of finished pairs, the default) or all; those already asked are skipped."""
    programme = await _programme(principal, programme_id, edit=True)
    return await satisfaction.send_satisfaction(
        actor, programme, settings.secret_key, finished_only=data.get("who") != "all"
    )


@get("/api/v1/programmes/{programme_id:uuid}/influence", guards=[allow(*VIEWERS)], tags=["Мониторинг"])
async def influence_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], programme_id: FromPath[UUID]
) -> dict[str, Any]:
    """The change (mean after − mean before, 1–10 scale) per person, pair, form and parameter."""
    programme = await _programme(principal, programme_id, edit=False)
    result = await assessments.influence(programme)
    await _audit_scores(actor, result)
    return {
        "per_person": {str(k): v for k, v in result.per_person.items()},
        "per_pair": {str(k): v for k, v in result.per_pair.items()},
        "per_form": result.per_form,
        "per_parameter": {str(k): v for k, v in result.per_parameter.items()},
    }


@post("/api/v1/programmes/{programme_id:uuid}/assessments", guards=[allow(Role.curator)], tags=["Мониторинг"])
async def save_assessments_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
    data: JSONBody[list[dict[str, str]]],
) -> dict[str, int]:
    """A list of {person_id, parameter_id, stage: before|after, score: 1–10}."""
    programme = await _programme(principal, programme_id, edit=True)
    scores = [
        assessments.Score(
            d.get("person_id", ""), d.get("parameter_id", ""), d.get("stage", ""), str(d.get("score", ""))
        )
        for d in data
    ]
    return {"saved": await assessments.save_scores(actor, programme, scores)}


@get("/api/v1/programmes/{programme_id:uuid}/assessment-parameters", guards=[allow(*VIEWERS)], tags=["Мониторинг"])
async def parameters_api(principal: NamedDependency[Principal], programme_id: FromPath[UUID]) -> list[dict[str, str]]:
    programme = await _programme(principal, programme_id, edit=False)
    return [{"id": str(p["id"]), "title": p["title"]} for p in await assessments.parameters(programme)]


page_router = Router(
    path="/",
    route_handlers=[
        monitoring_index,
        monitoring_period,
        submit_report,
        assessments_page,
        save_assessments,
        send_satisfaction,
    ],
    include_in_schema=False,
)
api_router = Router(
    path="/",
    route_handlers=[
        periods_api,
        reports_api,
        submit_api,
        influence_api,
        save_assessments_api,
        parameters_api,
        send_satisfaction_api,
    ],
)
