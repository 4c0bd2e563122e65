"""The participant bases: pages for curators and coordinators, and the people API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.registry import (
    audit_log,
    bases,
    consents,
    curators,
    export,
    importer,
    jobs,
    people,
    questionnaire_answers,
    questionnaire_requests,
    regional_base,
)
from services.registry.audit_log import ACTION_LABELS
from services.registry.bases import ROW_PUBLIC_FIELDS, PersonFilter
from services.registry.consents import CONSENT_LABELS, ConsentForm
from services.registry.people import (
    CATEGORY_LABELS,
    CURATOR_ROLES,
    MENTEE_BASE,
    MENTOR_BASE,
    PARTICIPATION_ROLE_LABELS,
    PUBLIC_COLUMNS,
    SEX_LABELS,
    YOUNG_SPECIALIST_YEARS,
    PersonForm,
)
from services.registry.retention import GROUND_LABELS
from services.registry.retention_routes import retention_page
from services.registry.tables import ParticipationRole
from services.registry.validation import format_snils
from shared import clock
from shared.actor import Actor
from shared.auth import public
from shared.db import current_connection
from shared.downloads import download_headers, download_name
from shared.errors import NotFound, ValidationFailed
from shared.links import LinkUnusable
from shared.pages import flash_problem, form_into, fragment, page, see_other
from shared.settings import Settings
from shared.uploads import UploadKind, UploadTooLarge, read_upload, upload
from tenants import Principal, Role, allow

SCAN_UPLOAD = upload(UploadKind.scan, "scan", "Скан подписанного согласия")
READERS = (Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)
COORDINATORS = (Role.municipal_coordinator, Role.regional_coordinator)
BASES = {"mentees": MENTEE_BASE, "mentors": MENTOR_BASE, "curators": CURATOR_ROLES, "all": ()}


def _filters(
    principal: Principal, base: str, q: str, category: str, consent: str, page_number: int, tag: str = ""
) -> PersonFilter:
    return PersonFilter(
        query=q,
        tag=tag,
        roles=BASES.get(base, ()),
        category=category,
        consent=consent,
        organization_id=principal.scope.organization_id,
        page=max(page_number, 1),
    )


def _labels() -> dict[str, Any]:
    return {
        "categories": CATEGORY_LABELS,
        "participation_role_labels": PARTICIPATION_ROLE_LABELS,
        "consent_labels": CONSENT_LABELS,
        "sex_labels": SEX_LABELS,
        "format_snils": format_snils,
        "action_labels": ACTION_LABELS,
        "young_specialist_years": YOUNG_SPECIALIST_YEARS,
        "destroyed_grounds": GROUND_LABELS,
    }


class PeoplePages(Controller):
    path = "/people"

    @get("/", guards=[allow(*READERS)])
    async def index(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        base: FromQuery[str] = "mentees",
        q: FromQuery[str] = "",
        category: FromQuery[str] = "",
        consent: FromQuery[str] = "",
        tag: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page")] = 1,
    ) -> Template:
        if principal.role == Role.curator:
            user = await current_connection().fetchrow(
                "SELECT surname, name, patronymic FROM app_user WHERE id = $1", principal.user_id
            )
            if user is not None:
                await curators.ensure_curator_person(actor, user["surname"], user["name"], user["patronymic"])
        result = await bases.list_persons(_filters(principal, base, q, category, consent, page_number, tag))
        return page(
            "registry/people.html",
            result=result,
            base=base,
            q=q,
            category=category,
            consent=consent,
            tag=tag,
            can_edit=principal.role == Role.curator,
            **_labels(),
        )

    @get("/new", guards=[allow(Role.curator)])
    async def new(self, base: FromQuery[str] = "mentees") -> Template:
        role = {"mentees": ParticipationRole.mentee_candidate, "curators": ParticipationRole.curator}.get(
            base, ParticipationRole.mentor_candidate
        )
        form = PersonForm(roles=[role.value], category="learner" if base == "mentees" else "staff")
        return page("registry/person_form.html", form=form, errors={}, person=None, **_labels())

    @post("/new", guards=[allow(Role.curator)])
    async def create(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
    ) -> Template | Redirect:
        form = await _person_form(request)
        try:
            person_id, linked = await people.create_person(actor, principal.scope, form)
        except ValidationFailed as exc:
            return page("registry/person_form.html", 422, form=form, errors=exc.errors, person=None, **_labels())
        message = "Человек уже был в базе региона: добавлен в вашу организацию" if linked else "Запись добавлена"
        flash(request, message, category="success")
        return see_other(f"/people/{person_id}")

    @get("/{person_id:uuid}", guards=[allow(*READERS)])
    async def card(
        self, principal: NamedDependency[Principal], actor: NamedDependency[Actor], person_id: FromPath[UUID]
    ) -> Template:
        card = await bases.person_card(actor, person_id)
        answers = await questionnaire_answers.person_answers(person_id) if card.consented else []
        return page(
            "registry/person.html",
            card=card,
            answers=answers,
            missing=await consents.missing_consents(actor.organization_id, person_id),
            links=await questionnaire_requests.person_links(person_id) if card.consented else [],
            templates=await questionnaire_requests.templates(),
            can_edit=principal.role == Role.curator,
            **_labels(),
        )

    @get("/{person_id:uuid}/edit", guards=[allow(Role.curator)])
    async def edit(self, actor: NamedDependency[Actor], person_id: FromPath[UUID]) -> Template:
        card = await bases.person_card(actor, person_id)
        form = PersonForm.from_record(card.person, await people.editable_roles(actor.organization_id, person_id))
        return page("registry/person_form.html", form=form, errors={}, person=card.person, **_labels())

    @post("/{person_id:uuid}/edit", guards=[allow(Role.curator)])
    async def update(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor], person_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = await _person_form(request)
        try:
            await people.update_person(actor, person_id, form)
        except ValidationFailed as exc:
            person = {"id": person_id, "full_name": f"{form.surname} {form.name}"}
            return page("registry/person_form.html", 422, form=form, errors=exc.errors, person=person, **_labels())
        flash(request, "Изменения сохранены", category="success")
        return see_other(f"/people/{person_id}")

    @post("/{person_id:uuid}/questionnaires", guards=[allow(Role.curator)])
    async def send_questionnaire(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        person_id: FromPath[UUID],
    ) -> Redirect:
        code = str((await request.form()).get("template", ""))
        try:
            sent = await _send_questionnaire(actor, settings, person_id, code)
            mailed = f"Письмо отправлено на {sent.email}. " if sent.email else ""
            link = f"{settings.base_url}/q/{sent.token}"
            flash(request, f"{mailed}Личная ссылка на анкету (действует 14 дней): {link}", category="success")
        except ValidationFailed as exc:
            flash_problem(request, exc)
        return see_other(f"/people/{person_id}")

    @post("/{person_id:uuid}/questionnaires/{request_id:uuid}/resend", guards=[allow(Role.curator)])
    async def resend_questionnaire(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        person_id: FromPath[UUID],
        request_id: FromPath[UUID],
    ) -> Redirect:
        try:
            sent = await questionnaire_requests.resend_questionnaire(actor, person_id, request_id, settings.secret_key)
            if sent.email:
                await jobs.enqueue_questionnaire_mail(actor.region_id, sent.request_id)
            mailed = f"Письмо отправлено на {sent.email}. " if sent.email else ""
            link = f"{settings.base_url}/q/{sent.token}"
            flash(request, f"{mailed}Новая ссылка (прежняя больше не действует): {link}", category="success")
        except ValidationFailed as exc:
            flash_problem(request, exc)
        return see_other(f"/people/{person_id}")

    @post("/{person_id:uuid}/archive", guards=[allow(Role.curator)])
    async def archive(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor], person_id: FromPath[UUID]
    ) -> Redirect:
        await people.archive_person(actor, person_id)
        flash(request, "Запись перенесена в архив организации", category="success")
        return see_other("/people")

    @get("/{person_id:uuid}/consents/new", guards=[allow(Role.curator)])
    async def consent_form(self, actor: NamedDependency[Actor], person_id: FromPath[UUID]) -> Template:
        card = await bases.person_card(actor, person_id)
        form = ConsentForm(given_on=clock.today().strftime("%d.%m.%Y"))
        return page("registry/consent_form.html", card=card, form=form, errors={}, **_labels())

    @post("/{person_id:uuid}/consents/new", guards=[allow(Role.curator)], opt=SCAN_UPLOAD)
    async def give_consent(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor], person_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = await form_into(request, ConsentForm)
        try:
            scan, filename = await read_upload(request) or (b"", "")
            await consents.give_consent(actor, person_id, form, scan or None, filename)
        except ValidationFailed as exc:
            card = await bases.person_card(actor, person_id)
            status = 413 if isinstance(exc, UploadTooLarge) else 422
            return page("registry/consent_form.html", status, card=card, form=form, errors=exc.errors, **_labels())
        flash(request, "Согласие записано", category="success")
        return see_other(f"/people/{person_id}")

    @post("/{person_id:uuid}/consents/{consent_id:uuid}/withdraw", guards=[allow(Role.curator)])
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        person_id: FromPath[UUID],
        consent_id: FromPath[UUID],
    ) -> Redirect:
        on = str((await request.form()).get("withdrawn_on", ""))
        try:
            kind = await consents.withdraw_consent(actor, person_id, consent_id, on)
            done = "Обязанности наставника отменены досрочно" if kind == "staff_duties" else "Согласие отозвано"
            flash(request, f"{done}: обработка данных прекращена" if kind == "personal_data" else done, "success")
        except ValidationFailed as exc:
            flash_problem(request, exc)
        return see_other(f"/people/{person_id}")

    @get("/{person_id:uuid}/consents/{consent_id:uuid}/scan", guards=[allow(*READERS)])
    async def scan(
        self,
        actor: NamedDependency[Actor],
        person_id: FromPath[UUID],
        consent_id: FromPath[UUID],
    ) -> Response[bytes]:
        row = await consents.consent_scan(actor, person_id, consent_id)
        extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[row.content_type]
        return Response(
            row.data,
            media_type=row.content_type,
            headers={
                **download_headers(download_name("Согласие", extension=extension), "inline"),
                "X-Content-Type-Options": "nosniff",
            },
        )

    @get("/export.xlsx", guards=[allow(*READERS)])
    async def export_xlsx(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        base: FromQuery[str] = "mentees",
        category: FromQuery[str] = "",
    ) -> Response[bytes]:
        content, _ = await export.people_xlsx(actor, _filters(principal, base, "", category, "yes", 1))
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers=download_headers(
                download_name(
                    "База наставников" if base == "mentors" else "База наставляемых",
                    principal.active.place if principal.active else "",
                    clock.today(),
                    extension="xlsx",
                )
            ),
        )


async def _person_form(request: Request[Any, Any, Any]) -> PersonForm:
    data = await request.form()
    values = {f.name: str(data.get(f.name, "")) for f in fields(PersonForm) if f.name != "roles"}
    return PersonForm(**values, roles=[str(r) for r in data.getall("roles", [])])


class RegionalBasePages(Controller):
    path = "/regional-base"
    guards = [allow(*COORDINATORS)]

    @get("/")
    async def overview(self) -> Template:
        return page("registry/regional_base.html", base=await regional_base.aggregated_base())

    @get("/duplicates")
    async def duplicates(self) -> Template:
        return page(
            "registry/duplicates.html",
            duplicates=await regional_base.likely_duplicates(),
            merges=await regional_base.merges(),
            format_snils=format_snils,
        )

    @post("/merge")
    async def merge(self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> Redirect:
        data = await request.form()
        try:
            survivor_id, duplicate_id = UUID(str(data.get("survivor_id"))), UUID(str(data.get("duplicate_id")))
        except ValueError:
            flash_problem(request, ValidationFailed({"duplicate_id": "Выберите записи"}))
            return see_other("/regional-base/duplicates")
        try:
            await regional_base.merge(actor, survivor_id, duplicate_id)
            flash(request, "Записи объединены. Объединение можно отменить ниже.", category="success")
        except ValidationFailed as exc:
            flash_problem(request, exc)
        return see_other("/regional-base/duplicates")

    @post("/merges/{merge_id:uuid}/undo")
    async def undo(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor], merge_id: FromPath[UUID]
    ) -> Redirect:
        try:
            await regional_base.unmerge(actor, merge_id)
            flash(request, "Объединение отменено", category="success")
        except ValidationFailed as exc:
            flash_problem(request, exc)
        return see_other("/regional-base/duplicates")


async def _send_questionnaire(
    actor: Actor,
    settings: Settings,
    person_id: UUID,
    code: str,
) -> questionnaire_requests.SentQuestionnaire:
    actor = actor
    sent = await questionnaire_requests.send_questionnaire(actor, person_id, code, settings.secret_key)
    if sent.email:
        await jobs.enqueue_questionnaire_mail(actor.region_id, sent.request_id)
    return sent


class QuestionnairePages(Controller):
    """The personal link: works on a phone, without an account."""

    path = "/q"

    @get("/{token:str}", guards=[public])
    async def show(self, token: FromPath[str]) -> Template:
        try:
            opened = await questionnaire_requests.open_questionnaire(token)
        except LinkUnusable as exc:
            return page("registry/questionnaire.html", 410, problem=exc.message, opened=None, values={}, errors={})
        return page("registry/questionnaire.html", opened=opened, values={}, errors={}, problem="")

    @post("/{token:str}", guards=[public])
    async def submit(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        form = await request.form()
        values = {key: [str(v) for v in form.getall(key)] for key in form}
        try:
            await questionnaire_requests.submit_questionnaire(token, values)
        except LinkUnusable as exc:
            return page("registry/questionnaire.html", 410, problem=exc.message, opened=None, values={}, errors={})
        except ValidationFailed as exc:
            opened = await questionnaire_requests.open_questionnaire(token)
            return page("registry/questionnaire.html", 422, opened=opened, values=values, errors=exc.errors, problem="")
        return page(
            "registry/questionnaire.html",
            opened=None,
            values={},
            errors={},
            problem="",
            thanks="Спасибо! Ответы переданы куратору.",
        )


@get("/audit", guards=[allow(Role.regional_coordinator)])
async def audit_page(who: FromQuery[str] = "", action: FromQuery[str] = "") -> Template:
    entries = await audit_log.search_audit(who, action)
    return page("registry/audit.html", entries=entries, who=who, action=action, action_labels=ACTION_LABELS)


# API ------------------------------------------------------------------------------------------------


@dataclass
class PersonIn:
    surname: str
    name: str
    category: str
    patronymic: str = ""
    birth_date: str | None = None  # ISO or дд.мм.гггг: read by the kernel's parser, so 31.02 is named as such
    sex: str = ""
    email: str = ""
    phone: str = ""
    snils: str = ""
    class_or_course: str = ""
    position: str = ""
    subject: str = ""
    teaching_experience: int | None = None
    company: str = ""
    graduation_year: int | None = None
    roles: list[str] | None = None

    def form(self) -> PersonForm:
        values = {
            k: "" if v is None else (v.isoformat() if isinstance(v, date) else str(v))
            for k, v in asdict(self).items()
            if k != "roles"
        }
        return PersonForm(**values, roles=self.roles or [])


@dataclass
class ConsentIn:
    kind: str
    given_on: str  # ISO or дд.мм.гггг, as the person's birth date
    given_by: str = "self"
    representative_name: str = ""
    representative_relation: str = ""
    representative_document: str = ""
    agreement_number: str = ""  # for `staff_duties`: the employment contract or additional agreement
    agreement_date: str = ""


@dataclass
class WithdrawIn:
    withdrawn_on: str | None = None


def record_json(record: msgspec.Struct, only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A record as the API gives it; `only` names the fields shown of a person without consent."""
    out: dict[str, Any] = {}
    for key, value in msgspec.structs.asdict(record).items():
        if key in ("sort_key", "region_id", "merged_into") or (only is not None and key not in only):
            continue
        if isinstance(value, UUID):
            value = str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out[key] = value
    return out


def card_json(card: bases.PersonCard) -> dict[str, Any]:
    person = record_json(card.person, None if card.consented else PUBLIC_COLUMNS)
    return {**person, "organization_name": card.organization_name}


class PeopleApi(Controller):
    path = "/people"
    tags = ["Базы участников"]

    @get("/", guards=[allow(*READERS)])
    async def index(
        self,
        principal: NamedDependency[Principal],
        base: FromQuery[str] = "all",
        q: FromQuery[str] = "",
        category: FromQuery[str] = "",
        consent: FromQuery[str] = "",
        tag: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page")] = 1,
    ) -> dict[str, Any]:
        """People of the scope; without consent only `id`, names and organization are given."""
        result = await bases.list_persons(_filters(principal, base, q, category, consent, page_number, tag))
        return {
            "items": [record_json(r, None if r.consented else ROW_PUBLIC_FIELDS) for r in result.rows],
            "total": result.total,
            "page": result.page,
            "pages": result.pages,
        }

    @post("/", guards=[allow(Role.curator)])
    async def create(
        self, principal: NamedDependency[Principal], actor: NamedDependency[Actor], data: JSONBody[PersonIn]
    ) -> Response[dict[str, Any]]:
        person_id, linked = await people.create_person(actor, principal.scope, data.form())
        card = await bases.person_card(actor, person_id)
        return Response({**card_json(card), "linked_existing": linked}, status_code=200 if linked else 201)

    @get("/{person_id:uuid}", guards=[allow(*READERS)])
    async def show(self, actor: NamedDependency[Actor], person_id: FromPath[UUID]) -> dict[str, Any]:
        card = await bases.person_card(actor, person_id)
        missing = await consents.missing_consents(actor.organization_id, person_id)
        return {
            **card_json(card),
            "consented": card.consented,
            "participations": [record_json(p) for p in card.participations],
            "missing_before_pair": missing.before_pair,  # consents missing before a pair
            "missing_before_order": missing.before_order,  # a staff mentor's agreement before the pairs order
        }

    @patch("/{person_id:uuid}", guards=[allow(Role.curator)])
    async def update(
        self, actor: NamedDependency[Actor], person_id: FromPath[UUID], data: JSONBody[dict[str, Any]]
    ) -> dict[str, Any]:
        """The fields sent change, the others stay; refused without an active consent, as on the page."""
        await people.patch_person(actor, person_id, data)
        return card_json(await bases.person_card(actor, person_id))

    @get("/{person_id:uuid}/consents", guards=[allow(*READERS)])
    async def consents(self, actor: NamedDependency[Actor], person_id: FromPath[UUID]) -> list[dict[str, Any]]:
        card = await bases.person_card(actor, person_id)
        return [record_json(c) for c in card.consents]

    @post("/{person_id:uuid}/consents", guards=[allow(Role.curator)])
    async def give_consent(
        self,
        actor: NamedDependency[Actor],
        person_id: FromPath[UUID],
        data: JSONBody[ConsentIn],
    ) -> dict[str, Any]:
        form = ConsentForm(**asdict(data))
        consent_id = await consents.give_consent(actor, person_id, form)
        return {"id": str(consent_id)}

    @post("/{person_id:uuid}/consents/{consent_id:uuid}/withdraw", guards=[allow(Role.curator)], status_code=200)
    async def withdraw(
        self,
        actor: NamedDependency[Actor],
        person_id: FromPath[UUID],
        consent_id: FromPath[UUID],
        data: JSONBody[WithdrawIn],
    ) -> dict[str, str]:
        await consents.withdraw_consent(actor, person_id, consent_id, data.withdrawn_on or "")
        return {"status": "withdrawn"}


# Imports --------------------------------------------------------------------------------------------

IMPORT_UPLOAD = upload(UploadKind.spreadsheet, "file", "Файл")


async def _upload(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    """The import's file, within `import_max_bytes` (the route's request limit refuses far larger ones unread)."""
    uploaded = await read_upload(request)
    if uploaded is None:
        raise ValidationFailed({"file": "Выберите файл XLSX или CSV"})
    if not uploaded[0]:
        raise ValidationFailed({"file": "Файл пуст"})
    return uploaded


class ImportPages(Controller):
    path = "/people/import"
    guards = [allow(Role.curator)]

    @get("/")
    async def form(self) -> Template:
        return page("registry/import.html", errors={}, columns=importer.FIELD_TITLES.values())

    @post("/", opt=IMPORT_UPLOAD)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
    ) -> Template | Redirect:
        try:
            content, filename = await _upload(request)
        except ValidationFailed as exc:
            status = 413 if isinstance(exc, UploadTooLarge) else 422
            return page("registry/import.html", status, errors=exc.errors, columns=importer.FIELD_TITLES.values())
        import_id = await jobs.start_import(actor, principal.scope.municipality_id, content, filename)
        return see_other(f"/people/import/{import_id}")

    @get("/{import_id:uuid}")
    async def status(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        import_id: FromPath[UUID],
    ) -> Template | Response[str]:
        meta = await jobs.import_status(import_id, principal.scope.organization_id)
        if meta is None:
            raise NotFound()
        if request.headers.get("HX-Request"):
            return fragment(request, "registry/import_status.html", "status", meta=meta, import_id=import_id)
        return Template(
            "registry/import_status.html",
            context={"meta": meta, "import_id": import_id},
            headers={"Vary": "HX-Request"},
        )

    @post("/{import_id:uuid}/commit")
    async def commit(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], import_id: FromPath[UUID]
    ) -> Redirect:
        return await _import_action(request, principal, import_id, jobs.request_commit)

    @post("/{import_id:uuid}/retry")
    async def retry(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], import_id: FromPath[UUID]
    ) -> Redirect:
        return await _import_action(request, principal, import_id, jobs.retry_import)


async def _import_action(
    request: Request[Any, Any, Any],
    principal: Principal,
    import_id: UUID,
    action: Callable[[UUID, UUID | None], Awaitable[None]],
) -> Redirect:
    """The commit and the retry: refused ones say why on the import's page."""
    if await jobs.import_status(import_id, principal.scope.organization_id) is None:
        raise NotFound()
    try:
        await action(import_id, principal.scope.organization_id)
    except ValidationFailed as exc:
        flash_problem(request, exc)
    return see_other(f"/people/import/{import_id}")


@dataclass
class QuestionnaireIn:
    template: str


class QuestionnaireApi(Controller):
    path = "/people/{person_id:uuid}/questionnaires"
    tags = ["Анкеты"]

    @get("/", guards=[allow(*READERS)])
    async def answers(self, actor: NamedDependency[Actor], person_id: FromPath[UUID]) -> list[dict[str, Any]]:
        card = await bases.person_card(actor, person_id)
        if not card.consented:
            return []
        return [
            {
                "title": a.title,
                "version": a.version,
                "answers": a.answers,
                "tags": a.tags,
                "submitted_at": a.submitted_at.isoformat(),
            }
            for a in await questionnaire_answers.person_answers(person_id)
        ]

    @post("/", guards=[allow(Role.curator)])
    async def send(
        self,
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        person_id: FromPath[UUID],
        data: JSONBody[QuestionnaireIn],
    ) -> dict[str, str]:
        sent = await _send_questionnaire(actor, settings, person_id, data.template)
        return {"link": f"{settings.base_url}/q/{sent.token}", "mailed_to": sent.email}

    @get("/links", guards=[allow(*READERS)])
    async def links(self, actor: NamedDependency[Actor], person_id: FromPath[UUID]) -> list[dict[str, Any]]:
        """The personal links sent to the person, newest first, with their state."""
        card = await bases.person_card(actor, person_id)
        if not card.consented:
            return []
        return [
            {
                "id": str(link.id),
                "title": link.title,
                "state": link.state.value,
                "sent_at": link.sent_at.isoformat(),
                "expires_at": link.expires_at.isoformat(),
            }
            for link in await questionnaire_requests.person_links(person_id)
        ]

    @post("/{request_id:uuid}/resend", guards=[allow(Role.curator)])
    async def resend(
        self,
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        person_id: FromPath[UUID],
        request_id: FromPath[UUID],
    ) -> dict[str, str]:
        """A new link to the same questionnaire; the old one stops working."""
        sent = await questionnaire_requests.resend_questionnaire(actor, person_id, request_id, settings.secret_key)
        if sent.email:
            await jobs.enqueue_questionnaire_mail(actor.region_id, sent.request_id)
        return {"link": f"{settings.base_url}/q/{sent.token}", "mailed_to": sent.email}


class ImportApi(Controller):
    path = "/imports"
    tags = ["Импорт"]
    guards = [allow(Role.curator)]

    @post("/", opt=IMPORT_UPLOAD, status_code=202)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
    ) -> dict[str, str]:
        """multipart/form-data with a `file` (XLSX or CSV) and the `X-CSRFToken` header; the check runs in the
        background. A file over the import limit answers 413 naming the field."""
        content, filename = await _upload(request)
        import_id = await jobs.start_import(actor, principal.scope.municipality_id, content, filename)
        return {"id": str(import_id), "status": "checking"}

    @get("/{import_id:uuid}")
    async def status(self, principal: NamedDependency[Principal], import_id: FromPath[UUID]) -> dict[str, Any]:
        meta = await jobs.import_status(import_id, principal.scope.organization_id)
        if meta is None:
            raise NotFound()
        return meta.as_api()

    @post("/{import_id:uuid}/commit", status_code=202)
    async def commit(self, principal: NamedDependency[Principal], import_id: FromPath[UUID]) -> dict[str, str]:
        if await jobs.import_status(import_id, principal.scope.organization_id) is None:
            raise NotFound()
        await jobs.request_commit(import_id, principal.scope.organization_id)
        return {"id": str(import_id), "status": "importing"}

    @post("/{import_id:uuid}/retry", status_code=202)
    async def retry(self, principal: NamedDependency[Principal], import_id: FromPath[UUID]) -> dict[str, str]:
        """Runs a failed check or commit again on the kept file."""
        if await jobs.import_status(import_id, principal.scope.organization_id) is None:
            raise NotFound()
        await jobs.retry_import(import_id, principal.scope.organization_id)
        state = await jobs.import_status(import_id, principal.scope.organization_id)
        return {"id": str(import_id), "status": state.status if state else "failed"}


page_router = Router(
    path="/",
    route_handlers=[ImportPages, PeoplePages, RegionalBasePages, QuestionnairePages, audit_page, retention_page],
    include_in_schema=False,
)
api_router = Router(path="/api/v1", route_handlers=[PeopleApi, QuestionnaireApi, ImportApi])
