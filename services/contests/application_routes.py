"""Contest routes: applications — the curator nominates from the organization's base and prepares the application,
the head confirms and sends it, a mentor nominates themselves where the nomination allows. Thin: the rules live in
drafting.py and applications.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import Redirect, Template

from services import mentoring
from services.contests import applications, drafting, portfolio, sheets
from services.contests.records import (
    ApplicationRecord,
    ContestRecord,
    NominationRecord,
    StageRecord,
    applications_of,
    get_application,
    get_contest,
    get_nomination,
    list_contests,
    nominations_of,
)
from services.contests.tables import ApplicationState, ContestStatus
from shared import clock
from shared.actor import Actor
from shared.downloads import download_headers
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.pages import flash, flash_problem, flashed, form_into, page, see_other
from shared.uploads import UploadKind, read_upload, upload
from tenants import Principal, Role, allow

PREPARERS = (Role.curator,)
APPLICANTS = (Role.curator, Role.head, Role.mentor)
DOCUMENT_UPLOAD = upload(UploadKind.document, "file", "Документ заявки")
TAGS = ["Конкурсы"]


class Applying(msgspec.Struct, frozen=True, kw_only=True):
    """What the contest's card offers an organization: nominations open to its applications, and its own."""

    open_nominations: list[NominationRecord]
    applications: list[ApplicationRecord]
    accepting: bool
    first_stage: StageRecord | None
    self_nominations: list[NominationRecord]


async def applying_links(
    principal: Principal, contest: ContestRecord, stages: list[StageRecord], nominations: list[NominationRecord]
) -> Applying | None:
    if principal.role not in APPLICANTS or principal.scope.organization_id is None:
        return None
    if contest.status == ContestStatus.draft:
        return None
    first = stages[0] if stages else None
    accepting = contest.status == ContestStatus.announced and first is not None and first.accepts(clock.today())
    own = await applications_of(contest.id)
    if principal.role == Role.mentor:
        own = [a for a in own if a.user_id == principal.user_id]
    return Applying(
        open_nominations=nominations if principal.role == Role.curator else [],
        applications=own,
        accepting=accepting,
        first_stage=first,
        self_nominations=[n for n in nominations if n.self_nomination] if principal.role == Role.mentor else [],
    )


async def _nomination(contest_id: UUID, nomination_id: UUID) -> tuple[ContestRecord, NominationRecord]:
    contest, nomination = await get_contest(contest_id), await get_nomination(nomination_id)
    if nomination.contest_id != contest.id or contest.status == ContestStatus.draft:
        raise NotFound()
    return contest, nomination


async def _self_person(principal: Principal) -> UUID:
    assert principal.scope.organization_id is not None
    person_id = await mentoring.person_of(principal.email, principal.scope.organization_id, mentor=True)
    if person_id is None:
        raise ValidationFailed({"nominee": "Вашей записи нет в базе наставников организации: обратитесь к куратору"})
    return person_id


# Starting -----------------------------------------------------------------------------------------------------------


async def _apply_context(contest: ContestRecord, nomination: NominationRecord, principal: Principal) -> dict[str, Any]:
    assert principal.scope.organization_id is not None
    nominees = (
        await drafting.nominees(contest, nomination, principal.scope.organization_id, clock.today())
        if principal.role == Role.curator
        else []
    )
    return {
        "contest": contest,
        "nomination": nomination,
        "nominees": nominees,
        "nominating_self": principal.role == Role.mentor,
        "form": drafting.StartForm(),
        "errors": {},
    }


@get("/contests/{contest_id:uuid}/nominations/{nomination_id:uuid}/apply", guards=[allow(Role.curator, Role.mentor)])
async def apply_page(
    principal: NamedDependency[Principal], contest_id: FromPath[UUID], nomination_id: FromPath[UUID]
) -> Template:
    contest, nomination = await _nomination(contest_id, nomination_id)
    return page("contests/apply.html", **await _apply_context(contest, nomination, principal))


@post("/contests/{contest_id:uuid}/nominations/{nomination_id:uuid}/apply", guards=[allow(Role.curator, Role.mentor)])
async def apply_start(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_id: FromPath[UUID],
    nomination_id: FromPath[UUID],
) -> Template | Redirect:
    contest, nomination = await _nomination(contest_id, nomination_id)
    form = await form_into(request, drafting.StartForm)
    try:
        self_id = await _self_person(principal) if principal.role == Role.mentor else None
        application_id = await drafting.start(actor, contest, nomination, form, clock.today(), self_person_id=self_id)
    except ValidationFailed as exc:
        context = await _apply_context(contest, nomination, principal)
        context.update(form=form, errors=exc.errors)
        return page("contests/apply.html", 400, **context)
    flash(request, "Заявка создана: заполните согласия и материалы", category="success")
    return see_other(f"/contests/applications/{application_id}")


# The application ----------------------------------------------------------------------------------------------------


def _may_send(principal: Principal, application: ApplicationRecord) -> bool:
    """The head confirms a curator's application; a self-nomination is confirmed by the curator."""
    if application.self_nominated:
        return principal.role in (Role.curator, Role.head)
    return principal.role == Role.head


def _sees(principal: Principal, application: ApplicationRecord) -> None:
    if principal.role == Role.mentor and application.user_id != principal.user_id:
        raise NotFound()


async def _application_context(principal: Principal, application_id: UUID, **extra: Any) -> dict[str, Any]:
    application = await get_application(application_id)
    _sees(principal, application)
    contest = await get_contest(application.contest_id)
    nomination = await get_nomination(application.nomination_id)
    day = clock.today()
    problems = await applications.open_problems(application, day)
    stored = portfolio.frozen(application.portfolio)
    form = drafting.ApplicationForm(
        title=application.title,
        essay=application.essay,
        video_url=application.video_url,
        participation_consent_on=application.participation_consent_on.strftime("%d.%m.%Y")
        if application.participation_consent_on
        else "",
        publication_consent="on" if application.publication_consent else "",
        representative_name=application.representative_name,
        representative_consent_on=application.representative_consent_on.strftime("%d.%m.%Y")
        if application.representative_consent_on
        else "",
    )
    return {
        "application": application,
        "contest": contest,
        "nomination": nomination,
        "problems": problems,
        "portfolio": stored or await portfolio.assemble(application.person_id, application.mentorship_id, day),
        "frozen": stored is not None,
        "uploads": await sheets.uploads_of(application.id),
        "editable": application.in_preparation and principal.role != Role.head,
        "may_prepare": application.state == ApplicationState.draft
        and principal.role == Role.curator
        and not application.self_nominated,
        "may_send": application.in_preparation
        and _may_send(principal, application)
        and (application.self_nominated or application.state == ApplicationState.prepared),
        "may_withdraw": application.state != ApplicationState.withdrawn and principal.role in (Role.curator, Role.head),
        "form": form,
        "errors": {},
        **extra,
    }


@get("/contests/applications", guards=[allow(*APPLICANTS)])
async def applications_page(principal: NamedDependency[Principal]) -> Template:
    """The organization's applications in every contest; the head's confirmations first."""
    found = []
    for contest in await list_contests():
        for application in await applications_of(contest.id):
            if principal.role == Role.mentor and application.user_id != principal.user_id:
                continue
            found.append((contest, application))
    found.sort(key=lambda pair: pair[1].state != ApplicationState.prepared)
    nominations = {n.id: n for contest, _ in found for n in await nominations_of(contest.id)}
    return page("contests/applications.html", found=found, nominations=nominations)


@get("/contests/applications/{application_id:uuid}", guards=[allow(*APPLICANTS)])
async def application_page(principal: NamedDependency[Principal], application_id: FromPath[UUID]) -> Template:
    return page("contests/application.html", **await _application_context(principal, application_id))


@dataclass
class ApplicationAction:
    action: str = ""
    withdrawn_reason: str = ""


@post("/contests/applications/{application_id:uuid}", guards=[allow(*APPLICANTS)])
async def application_action(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    application_id: FromPath[UUID],
) -> Template | Redirect:
    application = await get_application(application_id)
    _sees(principal, application)
    action = await form_into(request, ApplicationAction)
    path = f"/contests/applications/{application_id}"
    day = clock.today()
    try:
        if action.action in ("save", "prepare"):
            if principal.role == Role.head:
                raise Forbidden()
            form = await form_into(request, drafting.ApplicationForm)
            try:
                await drafting.save(actor, application_id, form, day)
            except ValidationFailed as exc:
                context = await _application_context(principal, application_id, form=form, errors=exc.errors)
                return page("contests/application.html", 400, **context)
            if action.action == "prepare":
                found = await applications.problems(await get_application(application_id), day)
                await drafting.prepare(actor, application_id, found)
                flash(request, "Заявка передана руководителю на подтверждение", category="success")
            else:
                flash(request, "Заявка сохранена", category="success")
        elif action.action == "send":
            if not _may_send(principal, application):
                raise Forbidden()
            await applications.submit(actor, application_id, day)
            flash(request, "Заявка подтверждена и отправлена на первый этап", category="success")
        elif action.action == "withdraw":
            if principal.role not in (Role.curator, Role.head):
                raise Forbidden()
            await applications.withdraw(actor, application_id, action.withdrawn_reason)
            flash(request, "Заявка отозвана", category="success")
    except ValidationFailed as exc:
        flash_problem(request, exc)
    return see_other(path)


@post(
    "/contests/applications/{application_id:uuid}/uploads", guards=[allow(*PREPARERS, Role.mentor)], opt=DOCUMENT_UPLOAD
)
async def upload_add(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    application_id: FromPath[UUID],
) -> Redirect:
    application = await get_application(application_id)
    _sees(principal, application)
    posted = await request.form()
    with flashed(request, "Документ добавлен"):
        content, filename = await read_upload(request) or (b"", "")
        await drafting.add_upload(actor, application_id, str(posted.get("title", "")), content or None, filename)
    return see_other(f"/contests/applications/{application_id}#uploads")


@post(
    "/contests/applications/{application_id:uuid}/uploads/{upload_id:uuid}/remove",
    guards=[allow(*PREPARERS, Role.mentor)],
)
async def upload_remove(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    application_id: FromPath[UUID],
    upload_id: FromPath[UUID],
) -> Redirect:
    application = await get_application(application_id)
    _sees(principal, application)
    with flashed(request, "Документ удалён"):
        await drafting.remove_upload(actor, application_id, upload_id)
    return see_other(f"/contests/applications/{application_id}#uploads")


@get("/contests/applications/{application_id:uuid}/uploads/{upload_id:uuid}", guards=[allow(*APPLICANTS)])
async def upload_download(
    principal: NamedDependency[Principal], application_id: FromPath[UUID], upload_id: FromPath[UUID]
) -> Response[bytes]:
    application = await get_application(application_id)
    _sees(principal, application)
    file = await drafting.upload_file(application_id, upload_id)
    return Response(file.data, media_type=file.content_type, headers=download_headers(file.filename))


# API ---------------------------------------------------------------------------------------------------------------


class StartIn(msgspec.Struct, kw_only=True):
    nomination_id: str = ""
    nominee: str = ""


class ApplicationIn(msgspec.Struct, kw_only=True):
    title: str = ""
    essay: str = ""
    video_url: str = ""
    participation_consent_on: str = ""
    publication_consent: bool = False
    representative_name: str = ""
    representative_consent_on: str = ""


class ApplicationOut(msgspec.Struct, kw_only=True):
    application: ApplicationRecord
    problems: dict[str, str]


async def _out(application_id: UUID) -> ApplicationOut:
    application = await get_application(application_id)
    return ApplicationOut(
        application=application, problems=await applications.open_problems(application, clock.today())
    )


@get("/api/v1/contests/{contest_id:uuid}/applications", guards=[allow(*APPLICANTS)], tags=TAGS)
async def applications_api(principal: NamedDependency[Principal], contest_id: FromPath[UUID]) -> list[ApplicationOut]:
    await get_contest(contest_id)
    own = await applications_of(contest_id)
    if principal.role == Role.mentor:
        own = [a for a in own if a.user_id == principal.user_id]
    return [await _out(a.id) for a in own]


@post("/api/v1/contests/{contest_id:uuid}/applications", guards=[allow(Role.curator, Role.mentor)], tags=TAGS)
async def start_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    contest_id: FromPath[UUID],
    data: JSONBody[StartIn],
) -> ApplicationOut:
    """A draft: `nominee` is a person id of the base, or for «Лучшая пара» `<pair id>:<mentee id>`; a mentor
    nominates themselves and leaves it empty."""
    await get_contest(contest_id)  # another tenant's contest: 404 before the body is read
    try:
        nomination_id = UUID(data.nomination_id)
    except ValueError:
        raise ValidationFailed({"nomination_id": "Укажите номинацию конкурса"}) from None
    contest, nomination = await _nomination(contest_id, nomination_id)
    self_id = await _self_person(principal) if principal.role == Role.mentor else None
    form = drafting.StartForm(nominee=data.nominee)
    return await _out(await drafting.start(actor, contest, nomination, form, clock.today(), self_person_id=self_id))


@put("/api/v1/contests/applications/{application_id:uuid}", guards=[allow(Role.curator, Role.mentor)], tags=TAGS)
async def save_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    application_id: FromPath[UUID],
    data: JSONBody[ApplicationIn],
) -> ApplicationOut:
    """Dates дд.мм.гггг or ISO; the answer lists what still keeps it from being sent, by field."""
    _sees(principal, await get_application(application_id))
    values = msgspec.structs.asdict(data)
    values["publication_consent"] = "on" if data.publication_consent else ""
    await drafting.save(actor, application_id, drafting.ApplicationForm(**values), clock.today())
    return await _out(application_id)


@post(
    "/api/v1/contests/applications/{application_id:uuid}/send",
    guards=[allow(Role.curator, Role.head)],
    tags=TAGS,
    status_code=200,
)
async def send_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], application_id: FromPath[UUID]
) -> ApplicationOut:
    """The head's confirmation (the curator's for a self-nomination): 400 with the problems by field."""
    application = await get_application(application_id)
    if not _may_send(principal, application):
        raise Forbidden()
    await applications.submit(actor, application_id, clock.today())
    return await _out(application_id)


PAGES: list[Any] = [
    apply_page,
    apply_start,
    applications_page,
    application_page,
    application_action,
    upload_add,
    upload_remove,
    upload_download,
]
API: list[Any] = [applications_api, start_api, save_api, send_api]
