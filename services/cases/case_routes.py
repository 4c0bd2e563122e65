"""The library's pages: the public search at /cases and a case's page (no sign-in needed), the workspace list, the
curator's case form, the coordinators' material form, the workflow's steps, files, and the one click that enters a
published case into a «Лучшие практики наставничества» nomination. Thin: the rules live in library.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services import contests
from services.cases import access, library
from services.cases.pages import FILTER_NAMES, case_context, search_context, shown_case
from services.cases.records import (
    MATERIAL_LABELS,
    STATUS_LABELS,
    CaseRecord,
    cases_where,
    file_data,
    get_case,
    participant_ids,
)
from services.cases.search import Filters
from services.cases.tables import CaseKind, CaseStatus
from services.programmes import catalogue_choices
from shared import clock
from shared.actor import Actor
from shared.auth import public
from shared.downloads import download_headers
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.pages import flash, flashed, form_into, page, see_other
from shared.uploads import UploadKind, read_upload, upload
from tenants import Principal, Role, allow, visitor

FILE_UPLOAD = upload(UploadKind.document, "file", "Файл материала")
EDITORS = (Role.curator, *access.APPROVERS)


@get("/cases", guards=[public])
async def search_page(request: Request[Any, Any, Any]) -> Template:
    filters = Filters(**{name: str(request.query_params.get(name, ""))[:200] for name in FILTER_NAMES})
    principal = visitor(request)
    return page(
        "cases/search.html",
        **await search_context(request, filters),
        material_labels=MATERIAL_LABELS,
        managing=principal is not None and principal.role in access.MANAGERS,
    )


@get("/cases/{case_id:uuid}", guards=[public])
async def case_page(request: Request[Any, Any, Any], case_id: FromPath[UUID]) -> Template:
    case, principal = await shown_case(request, case_id)
    context = await case_context(case, principal)
    return page("cases/case.html", **context, **await _contest_context(principal, case), errors={})


@get("/cases/{case_id:uuid}/files/{case_file_id:uuid}", guards=[public])
async def file_download(
    request: Request[Any, Any, Any], case_id: FromPath[UUID], case_file_id: FromPath[UUID]
) -> Response[bytes]:
    case, _ = await shown_case(request, case_id)
    found = await file_data(case.id, case_file_id)
    return Response(found.data, media_type=found.content_type, headers=download_headers(found.filename))


# The workspace -----------------------------------------------------------------------------------------------------


@get("/cases/manage", guards=[allow(*access.MANAGERS)])
async def manage_page(principal: NamedDependency[Principal]) -> Template:
    """The organization's cases in every state; for a coordinator, the cases awaiting them and their materials."""
    if principal.role in (Role.curator, Role.head):
        own = await cases_where("c.kind = 'case' AND c.organization_id = $1", principal.scope.organization_id)
        waiting: list[CaseRecord] = []
        materials: list[CaseRecord] = []
    else:
        everything = await cases_where("c.status <> 'draft' OR c.kind = 'material'")  # drafts stay the curator's
        own = []
        waiting = [c for c in everything if not c.is_material and access.approves(principal, c)]
        waiting.sort(key=lambda c: c.status != CaseStatus.sent)
        materials = [c for c in everything if c.is_material and access.owns(principal, c)]
    return page(
        "cases/manage.html",
        own=own,
        waiting=waiting,
        materials=materials,
        writes=principal.role == Role.curator,
        keeps=principal.role in access.APPROVERS,
        status_labels=STATUS_LABELS,
    )


async def _case_form_context(principal: Principal, **extra: Any) -> dict[str, Any]:
    assert principal.scope.organization_id is not None
    forms, models = await catalogue_choices()
    pairs = await library.finished_pairs(principal.scope.organization_id)
    return {
        "pairs": pairs,
        "forms": [(str(f.id), f.title) for f in forms],
        "models": [(str(m.id), m.title) for m in models],
        "errors": {},
        "form": library.CaseForm(year=str(clock.today().year)),
        **extra,
    }


@get("/cases/new", guards=[allow(Role.curator)])
async def new_page(principal: NamedDependency[Principal]) -> Template:
    return page("cases/edit.html", case=None, **await _case_form_context(principal))


@post("/cases/new", guards=[allow(Role.curator)])
async def new_save(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    form = await form_into(request, library.CaseForm)
    try:
        case_id = await library.create_case(actor, form)
    except ValidationFailed as exc:
        return page(
            "cases/edit.html", 400, case=None, **await _case_form_context(principal, form=form, errors=exc.errors)
        )
    flash(request, "Черновик кейса сохранён", category="success")
    return see_other(f"/cases/{case_id}")


def _material_context(**extra: Any) -> dict[str, Any]:
    return {
        "kinds": [(k.value, label) for k, label in MATERIAL_LABELS.items()],
        "errors": {},
        "form": library.MaterialForm(year=str(clock.today().year)),
        **extra,
    }


@get("/cases/materials/new", guards=[allow(*access.APPROVERS)])
async def material_new_page() -> Template:
    return page("cases/material.html", case=None, **_material_context())


@post("/cases/materials/new", guards=[allow(*access.APPROVERS)])
async def material_new_save(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    form = await form_into(request, library.MaterialForm)
    try:
        case_id = await library.create_material(actor, principal.scope.municipality_id, form)
    except ValidationFailed as exc:
        return page("cases/material.html", 400, case=None, **_material_context(form=form, errors=exc.errors))
    flash(request, "Материал сохранён: прикрепите файл и опубликуйте", category="success")
    return see_other(f"/cases/{case_id}/edit")


async def _editable(principal: Principal, case_id: UUID) -> CaseRecord:
    case = await get_case(case_id)
    if not access.owns(principal, case):
        raise NotFound() if not access.sees_unpublished(principal, case) else Forbidden()
    return case


async def _edit_page(principal: Principal, case: CaseRecord, status: int = 200, **extra: Any) -> Template:
    files = (await case_context(case, principal))["files"]
    if case.kind == CaseKind.material:
        context = _material_context(form=library.material_form_of(case), **extra)
        return page("cases/material.html", status, case=case, files=files, **context)
    context = await _case_form_context(principal, form=library.form_of(case), **extra)
    return page("cases/edit.html", status, case=case, files=files, **context)


@get("/cases/{case_id:uuid}/edit", guards=[allow(*EDITORS)])
async def edit_page(principal: NamedDependency[Principal], case_id: FromPath[UUID]) -> Template:
    return await _edit_page(principal, await _editable(principal, case_id))


@post("/cases/{case_id:uuid}/edit", guards=[allow(*EDITORS)])
async def edit_save(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
) -> Template | Redirect:
    case = await _editable(principal, case_id)
    try:
        if case.is_material:
            await library.update_material(actor, principal, case_id, await form_into(request, library.MaterialForm))
        else:
            form = await form_into(request, library.CaseForm)
            try:
                await library.update_case(actor, principal, case_id, form)
            except ValidationFailed as exc:
                context = await _case_form_context(principal, form=form, errors=exc.errors)
                files = (await case_context(case, principal))["files"]
                return page("cases/edit.html", 400, case=case, files=files, **context)
    except ValidationFailed as exc:
        return await _edit_page(principal, case, 400, errors=exc.errors)
    flash(request, "Сохранено", category="success")
    return see_other(f"/cases/{case_id}")


@dataclass
class StepForm:
    action: str = ""
    comment: str = ""


STEP_DONE = {
    "send": "Кейс отправлен на согласование",
    "approve": "Кейс согласован: его можно опубликовать",
    "return": "Кейс возвращён куратору с комментарием",
    "publish": "Опубликовано в библиотеке",
    "withdraw": "Снято с публикации",
    "reopen": "Кейс снова черновик",
}


@post("/cases/{case_id:uuid}/steps", guards=[allow(*EDITORS)])
async def step(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
) -> Template | Redirect:
    case = await get_case(case_id)
    form = await form_into(request, StepForm)
    try:
        await library.act(actor, principal, case.id, form.action, form.comment)
    except ValidationFailed as exc:
        context = await case_context(await get_case(case_id), principal)
        return page("cases/case.html", 400, **context, **await _contest_context(principal, case), errors=exc.errors)
    flash(request, STEP_DONE.get(form.action, "Готово"), category="success")
    return see_other(f"/cases/{case_id}")


@post("/cases/{case_id:uuid}/files", guards=[allow(*EDITORS)], opt=FILE_UPLOAD)
async def file_add(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
) -> Template | Redirect:
    case = await _editable(principal, case_id)
    posted = await request.form()
    try:
        content, filename = await read_upload(request) or (b"", "")
        await library.add_file(actor, principal, case_id, str(posted.get("title", "")), content or None, filename)
    except ValidationFailed as exc:
        return await _edit_page(principal, case, 400, errors=exc.errors)
    flash(request, "Файл добавлен", category="success")
    return see_other(f"/cases/{case_id}/edit#files")


@post("/cases/{case_id:uuid}/files/{case_file_id:uuid}/remove", guards=[allow(*EDITORS)])
async def file_remove(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    case_file_id: FromPath[UUID],
) -> Redirect:
    await _editable(principal, case_id)
    with flashed(request, "Файл удалён"):
        await library.remove_file(actor, principal, case_id, case_file_id)
    return see_other(f"/cases/{case_id}/edit#files")


# Into a contest ----------------------------------------------------------------------------------------------------


async def _contest_context(principal: Principal | None, case: CaseRecord) -> dict[str, Any]:
    """The announced best-practice nominations a published case of the curator's organization can enter now, each
    with the people it may name (the pair's mentor first)."""
    if (
        principal is None
        or principal.role != Role.curator
        or case.is_material
        or case.status != CaseStatus.published
        or case.organization_id is None
        or principal.scope.organization_id != case.organization_id
    ):
        return {"nominations": []}
    day = clock.today()
    mentor = await _pair_mentor(case)
    found = []
    for nomination in await contests.practice_nominations(day):
        nominees = await contests.practice_nominees(nomination.nomination_id, case.organization_id, day)
        nominees.sort(key=lambda n: n.person_id != mentor)
        found.append((nomination, nominees))
    return {"nominations": found}


async def _pair_mentor(case: CaseRecord) -> UUID | None:
    return next((p for p, role in await participant_ids(case.id) if role == "mentor"), None)


@dataclass
class ContestForm:
    nomination_id: str = ""
    nominee: str = ""


@post("/cases/{case_id:uuid}/contest", guards=[allow(Role.curator)])
async def enter_contest(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
) -> Template | Redirect:
    case = await get_case(case_id)
    if case.organization_id != principal.scope.organization_id or case.is_material:
        raise NotFound()
    form = await form_into(request, ContestForm)
    try:
        application_id = await enter(actor, case, form)
    except ValidationFailed as exc:
        context = await case_context(case, principal)
        return page("cases/case.html", 400, **context, **await _contest_context(principal, case), errors=exc.errors)
    flash(request, "Заявка в номинацию создана из кейса: добавьте согласия и отправьте её", category="success")
    return see_other(f"/contests/applications/{application_id}")


async def enter(actor: Actor, case: CaseRecord, form: ContestForm) -> UUID:
    if case.status != CaseStatus.published:
        raise ValidationFailed({"nomination_id": "В конкурс можно подать опубликованный кейс"})
    try:
        nomination_id, nominee = UUID(form.nomination_id), UUID(form.nominee)
    except ValueError:
        raise ValidationFailed({"nominee": "Выберите номинацию и номинанта"}) from None
    essay = "\n\n".join(
        part
        for part in (
            f"Проблема. {case.problem}" if case.problem else "",
            f"Что сделано. {case.activities}" if case.activities else "",
            f"Результаты. {case.results}" if case.results else "",
            f"Кейс в библиотеке практик: /cases/{case.id}",
        )
        if part
    )
    return await contests.start_practice_application(actor, nomination_id, nominee, case.title, essay, clock.today())


PAGES: list[Any] = [
    search_page,
    case_page,
    file_download,
    manage_page,
    new_page,
    new_save,
    material_new_page,
    material_new_save,
    edit_page,
    edit_save,
    step,
    file_add,
    file_remove,
    enter_contest,
]
