"""Curator certification pages and API: the region's rounds and commission, the curators' applications, the
members' sheets, the decisions, and the registry of certified curators. Thin: the rules live in the modules."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.certification import applications, decisions, registry, rounds, scoring
from services.certification.applications import ApplicationRecord
from services.certification.rounds import CriterionForm, MemberForm, RoundForm
from services.certification.scoring import SheetForm
from services.certification.tables import ApplicationState, RoundStatus
from services.programmes import get_order
from shared import clock
from shared.actor import Actor
from shared.audit import audit
from shared.downloads import download_headers, download_name
from shared.errors import NotFound, ValidationFailed
from shared.pages import flash_problem, form_into, page, see_other
from shared.uploads import UploadKind, read_upload, upload
from tenants import Principal, Role, allow, list_municipalities, list_organizations, organization_names

REGION = (Role.regional_coordinator,)
COORDINATORS = (Role.regional_coordinator, Role.municipal_coordinator)
VIEWERS = (*rounds.MEMBER_ROLES,)  # coordinators, curators, heads: who applies, scores, or oversees
MATERIAL_UPLOAD = upload(UploadKind.document, "file", "Материал портфолио")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _names(organizations: list[Any]) -> dict[UUID, str]:
    return {o.id: o.short_name or o.name for o in organizations}


# Rounds ----------------------------------------------------------------------------------------------------------


@get("/certification", guards=[allow(*VIEWERS)])
async def certification_index(principal: NamedDependency[Principal], actor: NamedDependency[Actor]) -> Template:
    all_rounds = await rounds.list_rounds()
    own = await applications.applications_of_user(principal.user_id) if principal.role == Role.curator else []
    memberships = [r for r in all_rounds if await rounds.member_of(r.id, principal.user_id)]
    return page(
        "certification/index.html",
        rounds=all_rounds,
        own={a.round_id: a for a in own},
        memberships={r.id for r in memberships},
        is_region=principal.role == Role.regional_coordinator,
        is_curator=principal.role == Role.curator,
        today=clock.today(),
        form=RoundForm(),
        errors={},
        labels=rounds.IN_PERSON_LABELS,
    )


@post("/certification/rounds", guards=[allow(*REGION)])
async def create_round_page(request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> Template | Redirect:
    form = await form_into(request, RoundForm)
    try:
        round_id = await rounds.create_round(actor, form, await decisions.region_years(actor.region_id))
    except ValidationFailed as exc:
        return page(
            "certification/index.html",
            422,
            rounds=await rounds.list_rounds(),
            own={},
            memberships=set(),
            is_region=True,
            is_curator=False,
            today=clock.today(),
            form=form,
            errors=exc.errors,
            labels=rounds.IN_PERSON_LABELS,
        )
    flash(request, "Сертификация создана: проверьте критерии и назначьте комиссию", category="success")
    return see_other(f"/certification/rounds/{round_id}")


async def _round_context(principal: Principal, round_id: UUID) -> dict[str, Any]:
    round_ = await rounds.get_round(round_id)
    member = await rounds.member_of(round_id, principal.user_id)
    oversees = principal.role in COORDINATORS or (member is not None and member.is_chair)
    listed = await applications.applications_of_round(round_id) if principal.role in COORDINATORS else []
    if member is not None:
        listed = listed or await scoring.to_score(principal.user_id, round_id)
    lines = {a.id: await scoring.overview(a) for a in listed} if oversees else {}
    members = await rounds.members_of(round_id)
    organizations = _names(await list_organizations())
    # A member from one municipality reads the organizations of the others' curators and members by name.
    wanted = {a.organization_id for a in listed} | {m.organization_id for m in members if m.organization_id}
    organizations |= await organization_names([i for i in wanted if i is not None and i not in organizations])
    order = None
    if round_.commission_order_id:
        try:  # the region's order: read by those who may see the region's register
            order = await get_order(round_.commission_order_id)
        except NotFound:
            order = None
    own = None
    if principal.role == Role.curator:
        own = next(
            (a for a in await applications.applications_of_user(principal.user_id) if a.round_id == round_id), None
        )
    return {
        "round": round_,
        "criteria": await rounds.criteria_of(round_id),
        "members": members,
        "member": member,
        "candidates": await rounds.candidates() if principal.role == Role.regional_coordinator else [],
        "applications": listed,
        "lines": lines,
        "organizations": organizations,
        "order": order,
        "own": own,
        "is_region": principal.role == Role.regional_coordinator,
        "is_curator": principal.role == Role.curator,
        "oversees": oversees,
        "today": clock.today(),
        "sources": rounds.SOURCE_LABELS,
        "statuses": rounds.STATUS_LABELS,
        "in_person_labels": rounds.IN_PERSON_LABELS,
        "state_labels": applications.STATE_LABELS,
        "conflict": scoring.CONFLICT,
        "commission_problems": rounds.commission_problems(await rounds.members_of(round_id)),
        "next_status": _next_status(round_.status),
        "form": RoundForm(
            round_.title,
            clock_date(round_.applications_from),
            clock_date(round_.applications_until),
            str(round_.min_school_hours),
            str(round_.min_curator_months),
            str(round_.pass_score),
            round_.in_person,
            round_.in_person_description,
            str(round_.in_person_max),
        ),
        "errors": {},
    }


def clock_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _next_status(status: RoundStatus) -> RoundStatus | None:
    order = list(RoundStatus)
    index = order.index(status)
    return order[index + 1] if index + 1 < len(order) else None


@get("/certification/rounds/{round_id:uuid}", guards=[allow(*VIEWERS)])
async def round_page(principal: NamedDependency[Principal], round_id: FromPath[UUID]) -> Template:
    return page("certification/round.html", **await _round_context(principal, round_id))


@post("/certification/rounds/{round_id:uuid}", guards=[allow(*REGION)])
async def round_action(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    round_id: FromPath[UUID],
) -> Template | Redirect:
    """One form per action: the requirements, a criterion, a member, the commission's order, the next status."""
    data = await request.form()
    action = str(data.get("action", ""))
    await rounds.get_round(round_id)
    try:
        if action == "update":
            await rounds.update_round(actor, round_id, await form_into(request, RoundForm))
            message = "Требования сохранены"
        elif action == "add_criterion":
            await rounds.add_criterion(actor, round_id, await form_into(request, CriterionForm))
            message = "Критерий добавлен"
        elif action == "update_criterion":
            await rounds.update_criterion(
                actor, round_id, _uuid(data.get("criterion_id")), await form_into(request, CriterionForm)
            )
            message = "Критерий сохранён"
        elif action == "remove_criterion":
            await rounds.remove_criterion(actor, round_id, _uuid(data.get("criterion_id")))
            message = "Критерий удалён"
        elif action == "add_member":
            await rounds.add_member(actor, round_id, await form_into(request, MemberForm))
            message = "Член комиссии добавлен"
        elif action == "remove_member":
            await rounds.remove_member(actor, round_id, _uuid(data.get("member_id")))
            message = "Член комиссии исключён"
        elif action == "commission_order":
            order_id = await rounds.commission_order(actor, round_id)
            flash(request, "Приказ о комиссии сформирован: отправьте его на подпись", category="success")
            return see_other(f"/orders/{order_id}")
        elif action == "advance":
            status = await rounds.advance(actor, round_id, str(data.get("status", "")))
            message = f"Сертификация: {rounds.STATUS_LABELS[status]}"
        else:
            raise ValidationFailed({"action": "Неизвестное действие"})
    except ValidationFailed as exc:
        if action == "update":
            context = await _round_context(principal, round_id)
            context.update(form=await form_into(request, RoundForm), errors=exc.errors)
            return page("certification/round.html", 422, **context)
        flash_problem(request, exc)
        return see_other(f"/certification/rounds/{round_id}")
    flash(request, message, category="success")
    return see_other(f"/certification/rounds/{round_id}")


def _uuid(value: Any) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFound() from None


@post("/certification/rounds/{round_id:uuid}/apply", guards=[allow(Role.curator)])
async def apply_page(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], round_id: FromPath[UUID]
) -> Redirect:
    try:
        application_id = await applications.start(actor, round_id)
    except ValidationFailed as exc:
        flash_problem(request, exc)
        return see_other(f"/certification/rounds/{round_id}")
    flash(request, "Портфолио собрано из данных платформы: проверьте его и добавьте материалы", category="success")
    return see_other(f"/certification/applications/{application_id}")


# Applications ----------------------------------------------------------------------------------------------------


async def _application_context(principal: Principal, actor: Actor, application_id: UUID) -> dict[str, Any]:
    application = await applications.get_application(application_id)
    round_ = await rounds.get_round(application.round_id)
    member = await rounds.member_of(round_.id, principal.user_id)
    mine = application.user_id == principal.user_id
    conflict = member is not None and scoring.conflicted(member, application)
    if conflict and not mine and principal.role != Role.regional_coordinator:
        raise NotFound()
    if principal.role == Role.curator and not mine and member is None:
        raise NotFound()  # another curator of the organization does not read a colleague's application
    await audit(
        actor, "view", application.person_id, "заявка на сертификацию", organization_id=application.organization_id
    )
    may_decide = await decisions.may_decide(principal.role, principal.user_id, round_)
    sheet = (
        await scoring.own_sheet(member, application_id)
        if member and not scoring.conflicted(member, application)
        else {}
    )
    return {
        "application": application,
        "round": round_,
        "criteria": await rounds.criteria_of(round_.id),
        "uploads": await applications.uploads_of(application_id),
        "mine": mine and principal.role == Role.curator,
        "member": member if member and not scoring.conflicted(member, application) else None,
        "sheet": sheet,
        "lines": await scoring.overview(application) if may_decide or principal.role in COORDINATORS else [],
        "may_decide": may_decide
        and application.state == ApplicationState.submitted
        and round_.status == RoundStatus.review,
        "passes": scoring.passes(round_, application),
        "problems": applications.portfolios.problems(round_, application.portfolio) if application.editable else {},
        "errors": {},
        "outcomes": decisions.OUTCOME_LABELS,
        "conflict": scoring.CONFLICT,
        "state_labels": applications.STATE_LABELS,
        "organization": (await organization_names([application.organization_id])).get(application.organization_id, ""),
        "today": clock.today(),
    }


@get("/certification/applications/{curator_application_id:uuid}", guards=[allow(*VIEWERS)])
async def application_page(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], curator_application_id: FromPath[UUID]
) -> Template:
    return page(
        "certification/application.html", **await _application_context(principal, actor, curator_application_id)
    )


def _sheet_form(data: Any) -> SheetForm:
    manual = {k.removeprefix("manual_"): str(v) for k, v in data.items() if k.startswith("manual_")}
    notes = {k.removeprefix("note_"): str(v) for k, v in data.items() if k.startswith("note_")}
    return SheetForm(str(data.get("in_person", "")), str(data.get("comment", "")), manual, notes)


@post("/certification/applications/{curator_application_id:uuid}", guards=[allow(*VIEWERS)])
async def application_action(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    curator_application_id: FromPath[UUID],
) -> Template | Redirect:
    data = await request.form()
    action = str(data.get("action", ""))
    target = f"/certification/applications/{curator_application_id}"
    await applications.get_application(curator_application_id)
    try:
        if action == "assemble":
            await applications.reassemble(actor, curator_application_id)
            message = "Портфолио пересобрано по данным платформы на сегодня"
        elif action == "submit":
            await applications.submit(actor, curator_application_id)
            message = "Заявка отправлена в комиссию"
        elif action == "remove_upload":
            await applications.remove_upload(actor, curator_application_id, _uuid(data.get("upload_id")))
            message = "Материал удалён"
        elif action == "score":
            await scoring.save_sheet(actor, principal.user_id, curator_application_id, _sheet_form(data))
            message = "Оценки сохранены"
        elif action == "decide":
            await decisions.decide(
                actor,
                principal.role,
                curator_application_id,
                str(data.get("outcome", "")),
                str(data.get("reasons", "")),
            )
            message = "Решение принято"
        else:
            raise ValidationFailed({"action": "Неизвестное действие"})
    except ValidationFailed as exc:
        if action in ("submit", "score", "decide"):
            context = await _application_context(principal, actor, curator_application_id)
            context["errors"] = exc.errors
            return page("certification/application.html", 422, **context)
        flash_problem(request, exc)
        return see_other(target)
    flash(request, message, category="success")
    return see_other(target)


@post(
    "/certification/applications/{curator_application_id:uuid}/uploads",
    guards=[allow(Role.curator)],
    opt=MATERIAL_UPLOAD,
)
async def upload_page(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], curator_application_id: FromPath[UUID]
) -> Redirect:
    await applications.own_application(actor, curator_application_id)
    data = await request.form()
    try:
        content, filename = await read_upload(request) or (b"", "")
        await applications.add_upload(
            actor,
            curator_application_id,
            str(data.get("criterion_id", "")),
            str(data.get("title", "")),
            content or None,
            filename,
        )
    except ValidationFailed as exc:
        flash_problem(request, exc)
    else:
        flash(request, "Материал добавлен", category="success")
    return see_other(f"/certification/applications/{curator_application_id}")


@get("/certification/applications/{curator_application_id:uuid}/uploads/{upload_id:uuid}", guards=[allow(*VIEWERS)])
async def upload_download(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    curator_application_id: FromPath[UUID],
    upload_id: FromPath[UUID],
) -> Response[bytes]:
    await _application_context(principal, actor, curator_application_id)  # the same reach as the application
    content, content_type, _ = await applications.upload_file(curator_application_id, upload_id)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(content_type, "bin")
    return Response(
        content,
        media_type=content_type,
        headers={
            **download_headers(download_name("Материал портфолио", extension=extension), "inline"),
            "X-Content-Type-Options": "nosniff",
        },
    )


# The registry ----------------------------------------------------------------------------------------------------


def _municipality(principal: Principal, chosen: str) -> UUID | None:
    if principal.scope.municipality_id:
        return principal.scope.municipality_id
    try:
        return UUID(chosen) if chosen else None
    except ValueError:
        return None


@get("/certification/registry", guards=[allow(*VIEWERS)])
async def registry_page(principal: NamedDependency[Principal], municipality_id: FromQuery[str] = "") -> Template:
    chosen = _municipality(principal, municipality_id)
    return page(
        "certification/registry.html",
        rows=await registry.certified_curators(clock.today(), chosen),
        municipalities=await list_municipalities() if principal.role == Role.regional_coordinator else [],
        chosen=chosen,
        today=clock.today(),
    )


@get("/certification/registry.xlsx", guards=[allow(*VIEWERS)])
async def registry_xlsx(principal: NamedDependency[Principal], municipality_id: FromQuery[str] = "") -> Response[bytes]:
    rows = await registry.certified_curators(clock.today(), _municipality(principal, municipality_id))
    return Response(
        registry.export(rows),
        media_type=XLSX,
        headers=download_headers(download_name("Реестр сертифицированных кураторов", clock.today(), extension="xlsx")),
    )


page_router = Router(
    path="/",
    route_handlers=[
        certification_index,
        create_round_page,
        round_page,
        round_action,
        apply_page,
        application_page,
        application_action,
        upload_page,
        upload_download,
        registry_page,
        registry_xlsx,
    ],
    include_in_schema=False,
)


# API -------------------------------------------------------------------------------------------------------------


class RoundIn(msgspec.Struct, kw_only=True):
    title: str = ""
    applications_from: str = ""
    applications_until: str = ""
    min_school_hours: str = "0"
    min_curator_months: str = "0"
    pass_score: str = ""
    in_person: str = "interview"
    in_person_description: str = ""
    in_person_max: str = "0"


class RoundOut(msgspec.Struct, kw_only=True):
    round: rounds.RoundRecord
    criteria: list[rounds.CriterionRecord]
    members: list[rounds.MemberRecord]
    commission_order_id: UUID | None


class ApplicationOut(msgspec.Struct, kw_only=True):
    application: ApplicationRecord
    problems: dict[str, str]
    passes: bool


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _form(cls: Any, data: dict[str, Any]) -> Any:
    return cls(**{k: _text(data[k]) for k in cls.__dataclass_fields__ if k in data})


async def _round_out(round_id: UUID) -> RoundOut:
    round_ = await rounds.get_round(round_id)
    return RoundOut(
        round=round_,
        criteria=await rounds.criteria_of(round_id),
        members=await rounds.members_of(round_id),
        commission_order_id=round_.commission_order_id,
    )


@get("/api/v1/certification/rounds", guards=[allow(*VIEWERS)], tags=["Сертификация"])
async def rounds_api() -> list[rounds.RoundRecord]:
    return await rounds.list_rounds()


@post("/api/v1/certification/rounds", guards=[allow(*REGION)], tags=["Сертификация"])
async def create_round_api(actor: NamedDependency[Actor], data: JSONBody[RoundIn]) -> RoundOut:
    """Dates дд.мм.гггг or ISO; `in_person`: interview | defence; a new round gets the usual criteria."""
    form = RoundForm(**msgspec.structs.asdict(data))
    round_id = await rounds.create_round(actor, form, await decisions.region_years(actor.region_id))
    return await _round_out(round_id)


@get("/api/v1/certification/rounds/{round_id:uuid}", guards=[allow(*VIEWERS)], tags=["Сертификация"])
async def round_api(round_id: FromPath[UUID]) -> RoundOut:
    return await _round_out(round_id)


@post("/api/v1/certification/rounds/{round_id:uuid}/criteria", guards=[allow(*REGION)], tags=["Сертификация"])
async def criterion_api(
    actor: NamedDependency[Actor], round_id: FromPath[UUID], data: JSONBody[dict[str, Any]]
) -> RoundOut:
    """`source` (approved_programme, pairs_completed, monitoring_on_time, roadmap_held, cases_published,
    contest_results, school_hours, manual), `title`, `points_per_item`, `max_points`, `required`; with
    `criterion_id` it edits that criterion, with `remove: true` it removes it."""
    form = _form(CriterionForm, {**data, "required": "on" if data.get("required") else ""})
    if data.get("criterion_id"):
        criterion_id = _uuid(data["criterion_id"])
        if data.get("remove"):
            await rounds.remove_criterion(actor, round_id, criterion_id)
        else:
            await rounds.update_criterion(actor, round_id, criterion_id, form)
    else:
        await rounds.add_criterion(actor, round_id, form)
    return await _round_out(round_id)


@post("/api/v1/certification/rounds/{round_id:uuid}/members", guards=[allow(*REGION)], tags=["Сертификация"])
async def member_api(
    actor: NamedDependency[Actor], round_id: FromPath[UUID], data: JSONBody[dict[str, Any]]
) -> RoundOut:
    """`user_id`, `position`, `is_chair`; with `remove: <member id>` the member leaves (before the order)."""
    if data.get("remove"):
        await rounds.remove_member(actor, round_id, _uuid(data["remove"]))
    else:
        form = MemberForm(_text(data.get("user_id")), _text(data.get("position")), "on" if data.get("is_chair") else "")
        await rounds.add_member(actor, round_id, form)
    return await _round_out(round_id)


@post("/api/v1/certification/rounds/{round_id:uuid}/commission-order", guards=[allow(*REGION)], tags=["Сертификация"])
async def commission_order_api(actor: NamedDependency[Actor], round_id: FromPath[UUID]) -> dict[str, str]:
    return {"order_id": str(await rounds.commission_order(actor, round_id))}


@post("/api/v1/certification/rounds/{round_id:uuid}/status", guards=[allow(*REGION)], tags=["Сертификация"])
async def status_api(
    actor: NamedDependency[Actor], round_id: FromPath[UUID], data: JSONBody[dict[str, str]]
) -> dict[str, str]:
    """`status`: the next one — open, review, closed."""
    return {"status": str(await rounds.advance(actor, round_id, data.get("status", "")))}


@post("/api/v1/certification/rounds/{round_id:uuid}/applications", guards=[allow(Role.curator)], tags=["Сертификация"])
async def apply_api(actor: NamedDependency[Actor], round_id: FromPath[UUID]) -> ApplicationOut:
    application_id = await applications.start(actor, round_id)
    return await _application_out(application_id)


class SheetLine(msgspec.Struct, kw_only=True):
    """One application of a round as its overseer sees it: the members' in-person points or their conflict."""

    application: ApplicationRecord
    members: list[scoring.MemberLine]


@get("/api/v1/certification/rounds/{round_id:uuid}/applications", guards=[allow(*VIEWERS)], tags=["Сертификация"])
async def round_applications_api(principal: NamedDependency[Principal], round_id: FromPath[UUID]) -> list[SheetLine]:
    """Coordinators and the chair: every application with each member's points or «Конфликт интересов»; a member:
    the applications they score; a curator: their own."""
    round_ = await rounds.get_round(round_id)
    member = await rounds.member_of(round_id, principal.user_id)
    if principal.role in COORDINATORS or (member is not None and member.is_chair):
        listed = await applications.applications_of_round(round_id)
        return [SheetLine(application=a, members=await scoring.overview(a)) for a in listed]
    if member is not None:
        return [SheetLine(application=a, members=[]) for a in await scoring.to_score(principal.user_id, round_id)]
    own = await applications.applications_of_user(principal.user_id)
    return [SheetLine(application=a, members=[]) for a in own if a.round_id == round_.id]


async def _application_out(application_id: UUID) -> ApplicationOut:
    application = await applications.get_application(application_id)
    round_ = await rounds.get_round(application.round_id)
    problems = applications.portfolios.problems(round_, application.portfolio) if application.editable else {}
    return ApplicationOut(application=application, problems=problems, passes=scoring.passes(round_, application))


@get(
    "/api/v1/certification/applications/{curator_application_id:uuid}", guards=[allow(*VIEWERS)], tags=["Сертификация"]
)
async def application_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], curator_application_id: FromPath[UUID]
) -> ApplicationOut:
    await _application_context(principal, actor, curator_application_id)
    return await _application_out(curator_application_id)


@post(
    "/api/v1/certification/applications/{curator_application_id:uuid}/assemble",
    guards=[allow(Role.curator)],
    tags=["Сертификация"],
)
async def assemble_api(actor: NamedDependency[Actor], curator_application_id: FromPath[UUID]) -> ApplicationOut:
    await applications.reassemble(actor, curator_application_id)
    return await _application_out(curator_application_id)


@post(
    "/api/v1/certification/applications/{curator_application_id:uuid}/submit",
    guards=[allow(Role.curator)],
    tags=["Сертификация"],
)
async def submit_api(actor: NamedDependency[Actor], curator_application_id: FromPath[UUID]) -> ApplicationOut:
    """Refused (400) while incomplete: `errors` names each criterion (`criterion_<id>`), `school_hours`,
    `curator_months`."""
    await applications.submit(actor, curator_application_id)
    return await _application_out(curator_application_id)


@post(
    "/api/v1/certification/applications/{curator_application_id:uuid}/scores",
    guards=[allow(*VIEWERS)],
    tags=["Сертификация"],
)
async def scores_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    curator_application_id: FromPath[UUID],
    data: JSONBody[dict[str, Any]],
) -> dict[str, str]:
    """`in_person`, `comment`, `manual`: {criterion id: points}, `manual_comments`: {criterion id: text}."""
    manual = data.get("manual") if isinstance(data.get("manual"), dict) else {}
    notes = data.get("manual_comments") if isinstance(data.get("manual_comments"), dict) else {}
    form = SheetForm(
        _text(data.get("in_person")),
        _text(data.get("comment")),
        {str(k): _text(v) for k, v in (manual or {}).items()},
        {str(k): _text(v) for k, v in (notes or {}).items()},
    )
    total = await scoring.save_sheet(actor, principal.user_id, curator_application_id, form)
    return {"total_score": str(total)}


@post(
    "/api/v1/certification/applications/{curator_application_id:uuid}/decision",
    guards=[allow(*VIEWERS)],
    tags=["Сертификация"],
)
async def decision_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    curator_application_id: FromPath[UUID],
    data: JSONBody[dict[str, str]],
) -> ApplicationOut:
    """`outcome`: certified | not_certified | returned; `reasons` (required unless certified)."""
    await decisions.decide(
        actor, principal.role, curator_application_id, data.get("outcome", ""), data.get("reasons", "")
    )
    return await _application_out(curator_application_id)


@get("/api/v1/certification/registry", guards=[allow(*VIEWERS)], tags=["Сертификация"])
async def registry_api(
    principal: NamedDependency[Principal], municipality_id: FromQuery[str] = ""
) -> list[registry.RegistryRow]:
    return await registry.certified_curators(clock.today(), _municipality(principal, municipality_id))


api_router = Router(
    path="/",
    route_handlers=[
        rounds_api,
        create_round_api,
        round_api,
        criterion_api,
        member_api,
        commission_order_api,
        status_api,
        apply_api,
        round_applications_api,
        application_api,
        assemble_api,
        submit_api,
        scores_api,
        decision_api,
        registry_api,
    ],
)
