"""The school's catalogue pages and API: the school home, schools, programmes with modules, materials and the
test's questions, cohorts with trainers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.school import catalogue, cohorts, sessions
from services.school.access import RUNNER_ROLES, SchoolAccess
from services.school.catalogue import MaterialForm, ModuleForm, ProgrammeForm, QuestionForm, SchoolForm
from services.school.cohorts import STAGE_LABELS, CohortForm
from services.school.records import (
    CohortRecord,
    ModuleRecord,
    ProgrammeRecord,
    SchoolRecord,
    get_programme,
    get_school,
    list_cohorts,
    list_schools,
    modules_of,
    trainers_of,
)
from services.school.tables import (
    ASSESSMENT_LABELS,
    AUDIENCE_LABELS,
    FORMAT_LABELS,
    STATE_LABELS,
    TRAINING_LABELS,
)
from shared import clock
from shared.actor import Actor
from shared.downloads import download_headers
from shared.errors import ValidationFailed
from shared.pages import flashed, page, see_other
from shared.uploads import UploadKind, read_upload, upload
from tenants import Principal, Role, allow, list_municipalities

VIEWERS = (*RUNNER_ROLES, Role.mentor, Role.trainer)
RUNNERS = RUNNER_ROLES
MATERIAL_UPLOAD = upload(UploadKind.document, "file", "Файл материала")
INVITERS = (Role.regional_coordinator, Role.municipal_coordinator)  # who may invite a trainer (tenants' INVITABLE)


def _yes(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "on", "yes")


def labels() -> dict[str, Any]:
    return {
        "training_labels": TRAINING_LABELS,
        "audience_labels": AUDIENCE_LABELS,
        "format_labels": FORMAT_LABELS,
        "assessment_labels": ASSESSMENT_LABELS,
        "state_labels": STATE_LABELS,
        "status_labels": catalogue.STATUS_LABELS,
        "stage_labels": STAGE_LABELS,
        "status_of": catalogue.status_of,
        "hours": catalogue.hours_text,
        "today": clock.today(),
    }


def programme_form(data: Any) -> ProgrammeForm:
    return ProgrammeForm(
        title=str(data.get("title", "")),
        description=str(data.get("description", "")),
        training=str(data.get("training", "")),
        audience=[str(v) for v in data.getall("audience", [])],
        offered_to_all=str(data.get("offered_to", "all")) != "chosen",
        municipality_ids=[str(v) for v in data.getall("municipality_ids", [])],
        min_attendance_pct=str(data.get("min_attendance_pct", "")),
        min_hours=str(data.get("min_hours", "")),
        assessment=str(data.get("assessment", "")),
        pass_mark_pct=str(data.get("pass_mark_pct", "")),
        max_attempts=str(data.get("max_attempts", "")),
        assignment_text=str(data.get("assignment_text", "")),
        status=str(data.get("status", "")),
    )


def module_form(data: Any) -> ModuleForm:
    return ModuleForm(
        topic=str(data.get("topic", "")),
        hours=str(data.get("hours", "")),
        format=str(data.get("format", "")),
        training=str(data.get("training", "")),
        description=str(data.get("description", "")),
    )


def question_form(data: Any) -> QuestionForm:
    return QuestionForm(
        text=str(data.get("text", "")),
        multiple=_yes(data.get("multiple")),
        options=[str(v) for v in data.getall("options", [])],
        correct=[str(v) for v in data.getall("correct", [])],
    )


def cohort_form(data: Any) -> CohortForm:
    return CohortForm(
        title=str(data.get("title", "")),
        starts_on=str(data.get("starts_on", "")),
        ends_on=str(data.get("ends_on", "")),
        place=str(data.get("place", "")),
        online_link=str(data.get("online_link", "")),
        capacity=str(data.get("capacity", "")),
        enrolment_open=_yes(data.get("enrolment_open")),
    )


async def _municipalities() -> list[tuple[str, str]]:
    return [(str(m.id), m.name) for m in await list_municipalities()]


# The school home ----------------------------------------------------------------------------------------------


class HomeRow(msgspec.Struct, frozen=True, kw_only=True):
    cohort: CohortRecord
    programme: ProgrammeRecord
    stage: str
    own_participants: int  # of the asker's organization, for a curator of a school the asker does not run


async def _home(principal: Principal, access: SchoolAccess) -> dict[str, Any]:
    today = clock.today()
    schools = await list_schools()
    run = [s for s in schools if access.runs(s)]
    programmes = await catalogue.visible_programmes(access)
    by_id = {p.id: p for p in programmes}
    own_counts = await cohorts.organization_counts(access.organization_id) if access.organization_id else {}
    rows_: list[HomeRow] = []
    for cohort in await list_cohorts():
        programme = by_id.get(cohort.programme_id)
        if programme is None:
            continue
        stage = cohorts.stage_of(cohort, today)
        rows_.append(
            HomeRow(cohort=cohort, programme=programme, stage=stage, own_participants=own_counts.get(cohort.id, 0))
        )
    grouped: dict[str, list[HomeRow]] = {stage: [] for stage in STAGE_LABELS}
    for row in rows_:
        grouped[row.stage].append(row)
    own_enrolments = await cohorts.own_training(principal.user_id) if principal.role == Role.mentor else []
    return {
        "schools": schools,
        "run": run,
        "runner": bool(run),
        "may_open_school": catalogue.may_open_school(access) and not run,
        "programmes": programmes,
        "grouped": grouped,
        "counts": {stage: len(rows) for stage, rows in grouped.items()},
        "own_enrolments": own_enrolments,
        "organization_view": access.organization_id is not None and not run,
        **labels(),
    }


class SchoolPages(Controller):
    path = "/school"
    include_in_schema = False

    @get("/", guards=[allow(*VIEWERS)])
    async def home(
        self, principal: NamedDependency[Principal], school_access: NamedDependency[SchoolAccess]
    ) -> Template | Redirect:
        """A runner's programmes and cohorts by stage; a curator's offer with the organization's participants; a
        mentor's own training. A trainer's place is the teaching page."""
        return page("school/home.html", **await _home(principal, school_access))

    # Schools

    @get("/new", guards=[allow(*RUNNERS)])
    async def new_school(self) -> Template:
        return page("school/school_form.html", form=SchoolForm(), errors={}, school=None)

    @post("/new", guards=[allow(*RUNNERS)])
    async def create_school(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
    ) -> Template | Redirect:
        data = await request.form()
        form = SchoolForm(
            str(data.get("name", "")), str(data.get("signatory_name", "")), str(data.get("signatory_position", ""))
        )
        try:
            await catalogue.create_school(actor, school_access, form)
        except ValidationFailed as exc:
            return page("school/school_form.html", 422, form=form, errors=exc.errors, school=None)
        flash(request, "Школа наставников создана", category="success")
        return see_other("/school")

    @get("/schools/{school_id:uuid}/edit", guards=[allow(*RUNNERS)])
    async def edit_school(self, school_access: NamedDependency[SchoolAccess], school_id: FromPath[UUID]) -> Template:
        school = await get_school(school_id)
        school_access.require_runner(school)
        form = SchoolForm(school.name, school.signatory_name, school.signatory_position)
        return page("school/school_form.html", form=form, errors={}, school=school)

    @post("/schools/{school_id:uuid}/edit", guards=[allow(*RUNNERS)])
    async def update_school(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_id: FromPath[UUID],
    ) -> Template | Redirect:
        school = await get_school(school_id)
        school_access.require_runner(school)
        data = await request.form()
        form = SchoolForm(
            str(data.get("name", "")), str(data.get("signatory_name", "")), str(data.get("signatory_position", ""))
        )
        try:
            await catalogue.update_school(actor, school_access, school_id, form)
        except ValidationFailed as exc:
            return page("school/school_form.html", 422, form=form, errors=exc.errors, school=school)
        flash(request, "Изменения сохранены", category="success")
        return see_other("/school")

    # Programmes

    @get("/schools/{school_id:uuid}/programmes/new", guards=[allow(*RUNNERS)])
    async def new_programme(self, school_access: NamedDependency[SchoolAccess], school_id: FromPath[UUID]) -> Template:
        school = await get_school(school_id)
        school_access.require_runner(school)
        return await _programme_form_page(school, None, ProgrammeForm(), {})

    @post("/schools/{school_id:uuid}/programmes/new", guards=[allow(*RUNNERS)])
    async def create_programme(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_id: FromPath[UUID],
    ) -> Template | Redirect:
        school = await get_school(school_id)
        school_access.require_runner(school)
        form = programme_form(await request.form())
        try:
            programme_id = await catalogue.create_programme(actor, school_access, school_id, form)
        except ValidationFailed as exc:
            return await _programme_form_page(school, None, form, exc.errors, 422)
        flash(request, "Программа создана: добавьте модули", category="success")
        return see_other(f"/school/programmes/{programme_id}")

    @get("/programmes/{school_programme_id:uuid}", guards=[allow(*VIEWERS)])
    async def programme(
        self, school_access: NamedDependency[SchoolAccess], school_programme_id: FromPath[UUID]
    ) -> Template:
        return page("school/programme.html", **await _programme_context(school_access, school_programme_id))

    @get("/programmes/{school_programme_id:uuid}/edit", guards=[allow(*RUNNERS)])
    async def edit_programme(
        self, school_access: NamedDependency[SchoolAccess], school_programme_id: FromPath[UUID]
    ) -> Template:
        programme = await catalogue.programme_to_edit(school_access, school_programme_id)
        school = await get_school(programme.school_id)
        return await _programme_form_page(school, programme, ProgrammeForm.of(programme), {})

    @post("/programmes/{school_programme_id:uuid}/edit", guards=[allow(*RUNNERS)])
    async def update_programme(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
    ) -> Template | Redirect:
        programme = await catalogue.programme_to_edit(school_access, school_programme_id)
        form = programme_form(await request.form())
        try:
            await catalogue.update_programme(actor, school_access, school_programme_id, form)
        except ValidationFailed as exc:
            school = await get_school(programme.school_id)
            return await _programme_form_page(school, programme, form, exc.errors, 422)
        flash(request, "Программа сохранена", category="success")
        return see_other(f"/school/programmes/{school_programme_id}")

    # Modules

    @post("/programmes/{school_programme_id:uuid}/modules", guards=[allow(*RUNNERS)])
    async def add_module(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
    ) -> Template | Redirect:
        await catalogue.programme_to_edit(school_access, school_programme_id)
        form = module_form(await request.form())
        try:
            await catalogue.add_module(actor, school_access, school_programme_id, form)
        except ValidationFailed as exc:
            context = await _programme_context(school_access, school_programme_id)
            return page("school/programme.html", 422, **{**context, "module_form": form, "module_errors": exc.errors})
        flash(request, "Модуль добавлен", category="success")
        return see_other(f"/school/programmes/{school_programme_id}#modules")

    @get("/programmes/{school_programme_id:uuid}/modules/{module_id:uuid}", guards=[allow(*RUNNERS)])
    async def edit_module(
        self,
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        module_id: FromPath[UUID],
    ) -> Template:
        programme = await catalogue.programme_to_edit(school_access, school_programme_id)
        module = await catalogue.module_of(school_programme_id, module_id)
        form = ModuleForm(
            module.topic, catalogue.hours_text(module.hours), module.format, module.training, module.description
        )
        return page("school/module_form.html", programme=programme, module=module, form=form, errors={}, **labels())

    @post("/programmes/{school_programme_id:uuid}/modules/{module_id:uuid}", guards=[allow(*RUNNERS)])
    async def update_module(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        module_id: FromPath[UUID],
    ) -> Template | Redirect:
        programme = await catalogue.programme_to_edit(school_access, school_programme_id)
        module = await catalogue.module_of(school_programme_id, module_id)
        form = module_form(await request.form())
        try:
            await catalogue.update_module(actor, school_access, school_programme_id, module_id, form)
        except ValidationFailed as exc:
            return page(
                "school/module_form.html",
                422,
                programme=programme,
                module=module,
                form=form,
                errors=exc.errors,
                **labels(),
            )
        flash(request, "Модуль сохранён", category="success")
        return see_other(f"/school/programmes/{school_programme_id}#modules")

    @post("/programmes/{school_programme_id:uuid}/modules/{module_id:uuid}/move", guards=[allow(*RUNNERS)])
    async def move_module(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        module_id: FromPath[UUID],
    ) -> Redirect:
        up = str((await request.form()).get("direction", "up")) != "down"
        await catalogue.move_module(actor, school_access, school_programme_id, module_id, up)
        return see_other(f"/school/programmes/{school_programme_id}#modules")

    @post("/programmes/{school_programme_id:uuid}/modules/{module_id:uuid}/delete", guards=[allow(*RUNNERS)])
    async def delete_module(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        module_id: FromPath[UUID],
    ) -> Redirect:
        await catalogue.delete_module(actor, school_access, school_programme_id, module_id)
        flash(request, "Модуль удалён", category="success")
        return see_other(f"/school/programmes/{school_programme_id}#modules")

    # Materials

    @post("/programmes/{school_programme_id:uuid}/materials", guards=[allow(*RUNNERS)], opt=MATERIAL_UPLOAD)
    async def add_material(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
    ) -> Redirect:
        await catalogue.programme_to_edit(school_access, school_programme_id)
        with flashed(request, "Материал добавлен"):
            file = await read_upload(request)
            data = await request.form()
            form = MaterialForm(
                title=str(data.get("title", "")), url=str(data.get("url", "")), module_id=str(data.get("module_id", ""))
            )
            await catalogue.add_material(actor, school_access, school_programme_id, form, file)
        return see_other(f"/school/programmes/{school_programme_id}#materials")

    @get(
        "/programmes/{school_programme_id:uuid}/materials/{material_id:uuid}",
        guards=[allow(*VIEWERS)],
    )
    async def material(
        self,
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        material_id: FromPath[UUID],
    ) -> Response[bytes]:
        found = await catalogue.material_file(school_access, school_programme_id, material_id)
        return Response(
            found.data,
            media_type=found.content_type or "application/octet-stream",
            headers={**download_headers(found.filename or "material"), "X-Content-Type-Options": "nosniff"},
        )

    @post(
        "/programmes/{school_programme_id:uuid}/materials/{material_id:uuid}/delete",
        guards=[allow(*RUNNERS)],
    )
    async def delete_material(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        material_id: FromPath[UUID],
    ) -> Redirect:
        await catalogue.delete_material(actor, school_access, school_programme_id, material_id)
        flash(request, "Материал удалён", category="success")
        return see_other(f"/school/programmes/{school_programme_id}#materials")

    # The test's questions

    @post("/programmes/{school_programme_id:uuid}/questions", guards=[allow(*RUNNERS)])
    async def add_question(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
    ) -> Template | Redirect:
        await catalogue.programme_to_edit(school_access, school_programme_id)
        form = question_form(await request.form())
        try:
            await catalogue.add_question(actor, school_access, school_programme_id, form)
        except ValidationFailed as exc:
            context = await _programme_context(school_access, school_programme_id)
            return page(
                "school/programme.html", 422, **{**context, "question_form": form, "question_errors": exc.errors}
            )
        flash(request, "Вопрос добавлен", category="success")
        return see_other(f"/school/programmes/{school_programme_id}#questions")

    @get("/programmes/{school_programme_id:uuid}/questions/{question_id:uuid}", guards=[allow(*RUNNERS)])
    async def edit_question(
        self,
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        question_id: FromPath[UUID],
    ) -> Template:
        programme = await catalogue.programme_to_edit(school_access, school_programme_id)
        question = await catalogue.question_of(school_programme_id, question_id)
        form = QuestionForm(
            question.text, question.multiple, [*question.options, "", ""], [str(c) for c in question.correct]
        )
        return page("school/question_form.html", programme=programme, question=question, form=form, errors={})

    @post("/programmes/{school_programme_id:uuid}/questions/{question_id:uuid}", guards=[allow(*RUNNERS)])
    async def update_question(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        question_id: FromPath[UUID],
    ) -> Template | Redirect:
        programme = await catalogue.programme_to_edit(school_access, school_programme_id)
        question = await catalogue.question_of(school_programme_id, question_id)
        form = question_form(await request.form())
        try:
            await catalogue.update_question(actor, school_access, school_programme_id, question_id, form)
        except ValidationFailed as exc:
            return page(
                "school/question_form.html", 422, programme=programme, question=question, form=form, errors=exc.errors
            )
        flash(request, "Вопрос сохранён", category="success")
        return see_other(f"/school/programmes/{school_programme_id}#questions")

    @post("/programmes/{school_programme_id:uuid}/questions/{question_id:uuid}/delete", guards=[allow(*RUNNERS)])
    async def delete_question(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        question_id: FromPath[UUID],
    ) -> Redirect:
        await catalogue.delete_question(actor, school_access, school_programme_id, question_id)
        flash(request, "Вопрос удалён", category="success")
        return see_other(f"/school/programmes/{school_programme_id}#questions")

    # Cohorts

    @get("/programmes/{school_programme_id:uuid}/cohorts/new", guards=[allow(*RUNNERS)])
    async def new_cohort(
        self, school_access: NamedDependency[SchoolAccess], school_programme_id: FromPath[UUID]
    ) -> Template:
        programme = await catalogue.programme_to_edit(school_access, school_programme_id)
        form = CohortForm(capacity="20")
        return page("school/cohort_form.html", programme=programme, cohort=None, form=form, errors={})

    @post("/programmes/{school_programme_id:uuid}/cohorts/new", guards=[allow(*RUNNERS)])
    async def create_cohort(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
    ) -> Template | Redirect:
        programme = await catalogue.programme_to_edit(school_access, school_programme_id)
        form = cohort_form(await request.form())
        try:
            cohort_id = await cohorts.create_cohort(actor, school_access, school_programme_id, form)
        except ValidationFailed as exc:
            return page("school/cohort_form.html", 422, programme=programme, cohort=None, form=form, errors=exc.errors)
        flash(request, "Поток создан: назначьте преподавателей", category="success")
        return see_other(f"/school/cohorts/{cohort_id}")

    @get("/cohorts/{cohort_id:uuid}", guards=[allow(*VIEWERS)])
    async def cohort(
        self,
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        cohort_id: FromPath[UUID],
    ) -> Template:
        return page("school/cohort.html", **await cohort_context(actor, school_access, cohort_id))

    @get("/cohorts/{cohort_id:uuid}/edit", guards=[allow(*RUNNERS)])
    async def edit_cohort(self, school_access: NamedDependency[SchoolAccess], cohort_id: FromPath[UUID]) -> Template:
        cohort = await cohorts.cohort_to_edit(school_access, cohort_id)
        programme = await catalogue.visible_programme(school_access, cohort.programme_id)
        return page(
            "school/cohort_form.html", programme=programme, cohort=cohort, form=CohortForm.of(cohort), errors={}
        )

    @post("/cohorts/{cohort_id:uuid}/edit", guards=[allow(*RUNNERS)])
    async def update_cohort(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        cohort_id: FromPath[UUID],
    ) -> Template | Redirect:
        cohort = await cohorts.cohort_to_edit(school_access, cohort_id)
        form = cohort_form(await request.form())
        try:
            await cohorts.update_cohort(actor, school_access, cohort_id, form)
        except ValidationFailed as exc:
            programme = await catalogue.visible_programme(school_access, cohort.programme_id)
            return page(
                "school/cohort_form.html", 422, programme=programme, cohort=cohort, form=form, errors=exc.errors
            )
        flash(request, "Поток сохранён", category="success")
        return see_other(f"/school/cohorts/{cohort_id}")

    @post("/cohorts/{cohort_id:uuid}/enrolment", guards=[allow(*RUNNERS)])
    async def toggle_enrolment(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        cohort_id: FromPath[UUID],
    ) -> Redirect:
        is_open = _yes((await request.form()).get("open"))
        with flashed(request, "Набор открыт" if is_open else "Набор закрыт"):
            await cohorts.set_enrolment_open(actor, school_access, cohort_id, is_open)
        return see_other(f"/school/cohorts/{cohort_id}")

    @post("/cohorts/{cohort_id:uuid}/cancel", guards=[allow(*RUNNERS)])
    async def cancel_cohort(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        cohort_id: FromPath[UUID],
    ) -> Redirect:
        with flashed(request, "Поток отменён"):
            await cohorts.cancel_cohort(actor, school_access, cohort_id)
        return see_other(f"/school/cohorts/{cohort_id}")

    @post("/cohorts/{cohort_id:uuid}/trainers", guards=[allow(*RUNNERS)])
    async def add_trainer(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        cohort_id: FromPath[UUID],
    ) -> Redirect:
        with flashed(request, "Преподаватель назначен"):
            await cohorts.add_trainer(actor, school_access, cohort_id, str((await request.form()).get("user_id", "")))
        return see_other(f"/school/cohorts/{cohort_id}#trainers")

    @post("/cohorts/{cohort_id:uuid}/trainers/remove", guards=[allow(*RUNNERS)])
    async def remove_trainer(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        cohort_id: FromPath[UUID],
    ) -> Redirect:
        with flashed(request, "Преподаватель снят с потока"):
            await cohorts.remove_trainer(
                actor, school_access, cohort_id, str((await request.form()).get("user_id", ""))
            )
        return see_other(f"/school/cohorts/{cohort_id}#trainers")


async def _programme_form_page(
    school: SchoolRecord,
    programme: ProgrammeRecord | None,
    form: ProgrammeForm,
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    return page(
        "school/programme_form.html",
        status,
        school=school,
        programme=programme,
        form=form,
        errors=errors,
        municipalities=await _municipalities(),
        **labels(),
    )


async def _programme_context(access: SchoolAccess, programme_id: UUID) -> dict[str, Any]:
    programme = await catalogue.visible_programme(access, programme_id)
    school = await get_school(programme.school_id)
    editable = access.runs(school)
    modules = await modules_of(programme_id)
    cohort_list = [c for c in await list_cohorts(programme_id) if editable or c.published or await access.teaches(c.id)]
    municipalities = dict(await _municipalities()) if not programme.offered_to_all else {}
    return {
        "programme": programme,
        "school": school,
        "editable": editable,
        "modules": modules,
        "materials": await catalogue.materials_of(programme_id),
        "questions": await catalogue.questions_of(programme_id) if editable else [],
        "cohorts": cohort_list,
        "offered_names": [municipalities.get(str(m), "") for m in programme.municipality_ids],
        "module_form": ModuleForm(format="seminar", training=programme.training),
        "module_errors": {},
        "question_form": QuestionForm(options=["", "", "", ""]),
        "question_errors": {},
        **labels(),
    }


async def cohort_context(actor: Actor, access: SchoolAccess, cohort_id: UUID) -> dict[str, Any]:
    """The cohort page's context; the enrolment and teaching modules render into its blocks with their own."""
    cohort = await cohorts.visible_cohort(access, cohort_id)
    school = await get_school(cohort.school_id)
    programme = (
        await catalogue.visible_programme(access, cohort.programme_id)
        if not await access.teaches(cohort_id)
        else await _programme_of(cohort)
    )
    editable = access.runs(school)
    teaches = editable or await access.teaches(cohort_id)
    trainers = await trainers_of(cohort_id)
    choices = await cohorts.trainer_choices(cohort.region_id) if editable else []
    taken = {u for u, _ in trainers}
    return {
        "cohort": cohort,
        "school": school,
        "programme": programme,
        "editable": editable,
        "stage": cohorts.stage_of(cohort, clock.today()),
        "trainers": trainers,
        "trainer_choices": [(u, n) for u, n in choices if u not in taken],
        "may_invite": access.role in INVITERS and editable,
        "participants": await cohorts.participants(actor, cohort_id),
        "sessions": await sessions.sessions_of(cohort_id),
        "teaches": teaches,
        "now": clock.now(),
        **labels(),
    }


async def _programme_of(cohort: CohortRecord) -> ProgrammeRecord:
    return await get_programme(cohort.programme_id)


# The JSON API -------------------------------------------------------------------------------------------------


class SchoolIn(msgspec.Struct, kw_only=True):
    name: str = ""
    signatory_name: str = ""
    signatory_position: str = ""

    def form(self) -> SchoolForm:
        return SchoolForm(self.name, self.signatory_name, self.signatory_position)


class ProgrammeIn(msgspec.Struct, kw_only=True):
    """A programme; `status`: draft, published or archived; `municipality_ids` when not `offered_to_all`."""

    title: str = ""
    description: str = ""
    training: str = "primary"
    audience: list[str] = msgspec.field(default_factory=list)
    offered_to_all: bool = True
    municipality_ids: list[str] = msgspec.field(default_factory=list)
    min_attendance_pct: int = 75
    min_hours: float = 0
    assessment: str = "none"
    pass_mark_pct: int = 70
    max_attempts: int = 3
    assignment_text: str = ""
    status: str = "draft"

    def form(self) -> ProgrammeForm:
        return ProgrammeForm(
            title=self.title,
            description=self.description,
            training=self.training,
            audience=self.audience,
            offered_to_all=self.offered_to_all,
            municipality_ids=self.municipality_ids,
            min_attendance_pct=str(self.min_attendance_pct),
            min_hours=str(self.min_hours),
            assessment=self.assessment,
            pass_mark_pct=str(self.pass_mark_pct),
            max_attempts=str(self.max_attempts),
            assignment_text=self.assignment_text,
            status=self.status,
        )


class NewProgrammeIn(ProgrammeIn, kw_only=True):
    school_id: UUID


class ModuleIn(msgspec.Struct, kw_only=True):
    """`format`: opening, seminar, training, webinar, exchange, internship; `training`: primary or in_process."""

    topic: str = ""
    hours: float = 0
    format: str = ""
    training: str = "primary"
    description: str = ""

    def form(self) -> ModuleForm:
        return ModuleForm(self.topic, str(self.hours), self.format, self.training, self.description)


class MoveIn(msgspec.Struct, kw_only=True):
    direction: str = "up"  # up | down


class CohortIn(msgspec.Struct, kw_only=True):
    """ISO dates; `place` or `online_link` (at least one); `trainer_ids`: the region's trainers' accounts."""

    title: str = ""
    starts_on: str = ""
    ends_on: str = ""
    place: str = ""
    online_link: str = ""
    capacity: int = 0
    enrolment_open: bool = True
    trainer_ids: list[str] | None = None

    def form(self) -> CohortForm:
        return CohortForm(
            self.title,
            self.starts_on,
            self.ends_on,
            self.place,
            self.online_link,
            str(self.capacity),
            self.enrolment_open,
        )


class ProgrammeOut(msgspec.Struct, frozen=True, kw_only=True):
    programme: ProgrammeRecord
    status: str
    modules: list[ModuleRecord]


class TrainerOut(msgspec.Struct, frozen=True, kw_only=True):
    user_id: UUID
    full_name: str


class CohortOut(msgspec.Struct, frozen=True, kw_only=True):
    cohort: CohortRecord
    stage: str
    trainers: list[TrainerOut]


async def _programme_out(programme: ProgrammeRecord) -> ProgrammeOut:
    return ProgrammeOut(
        programme=programme, status=catalogue.status_of(programme).value, modules=await modules_of(programme.id)
    )


async def _cohort_out(cohort: CohortRecord) -> CohortOut:
    trainers = [TrainerOut(user_id=u, full_name=n) for u, n in await trainers_of(cohort.id)]
    return CohortOut(cohort=cohort, stage=cohorts.stage_of(cohort, clock.today()), trainers=trainers)


async def _set_trainers(actor: Actor, access: SchoolAccess, cohort_id: UUID, wanted: list[str]) -> None:
    current = {str(u) for u, _ in await trainers_of(cohort_id)}
    for user_id in [w for w in dict.fromkeys(wanted) if w not in current]:
        try:
            await cohorts.add_trainer(actor, access, cohort_id, user_id)
        except ValidationFailed:
            raise ValidationFailed({"trainer_ids": "Выберите преподавателей из списка"}) from None
    for user_id in current - set(wanted):
        await cohorts.remove_trainer(actor, access, cohort_id, user_id)


class SchoolApi(Controller):
    path = "/school"
    tags = ["Школа наставников"]

    @get("/schools", guards=[allow(*VIEWERS)])
    async def schools(self) -> list[SchoolRecord]:
        return await list_schools()

    @post("/schools", guards=[allow(*RUNNERS)])
    async def create_school(
        self, actor: NamedDependency[Actor], school_access: NamedDependency[SchoolAccess], data: JSONBody[SchoolIn]
    ) -> SchoolRecord:
        """The school of the caller's level: the region's, the municipality's, or the organization's."""
        return await get_school(await catalogue.create_school(actor, school_access, data.form()))

    @put("/schools/{school_id:uuid}", guards=[allow(*RUNNERS)])
    async def update_school(
        self,
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_id: FromPath[UUID],
        data: JSONBody[SchoolIn],
    ) -> SchoolRecord:
        await catalogue.update_school(actor, school_access, school_id, data.form())
        return await get_school(school_id)

    @get("/programmes", guards=[allow(*VIEWERS)])
    async def programmes(self, school_access: NamedDependency[SchoolAccess]) -> list[ProgrammeOut]:
        """The programmes the caller sees: a runner's drafts and archive too, others the offer of their
        municipality."""
        return [await _programme_out(p) for p in await catalogue.visible_programmes(school_access)]

    @post("/programmes", guards=[allow(*RUNNERS)])
    async def create_programme(
        self,
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        data: JSONBody[NewProgrammeIn],
    ) -> ProgrammeOut:
        programme_id = await catalogue.create_programme(actor, school_access, data.school_id, data.form())
        return await _programme_out(await catalogue.visible_programme(school_access, programme_id))

    @get("/programmes/{school_programme_id:uuid}", guards=[allow(*VIEWERS)])
    async def programme(
        self, school_access: NamedDependency[SchoolAccess], school_programme_id: FromPath[UUID]
    ) -> ProgrammeOut:
        return await _programme_out(await catalogue.visible_programme(school_access, school_programme_id))

    @put("/programmes/{school_programme_id:uuid}", guards=[allow(*RUNNERS)])
    async def update_programme(
        self,
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        data: JSONBody[ProgrammeIn],
    ) -> ProgrammeOut:
        await catalogue.update_programme(actor, school_access, school_programme_id, data.form())
        return await _programme_out(await catalogue.visible_programme(school_access, school_programme_id))

    @get("/programmes/{school_programme_id:uuid}/modules", guards=[allow(*VIEWERS)])
    async def modules(
        self, school_access: NamedDependency[SchoolAccess], school_programme_id: FromPath[UUID]
    ) -> list[ModuleRecord]:
        await catalogue.visible_programme(school_access, school_programme_id)
        return await modules_of(school_programme_id)

    @post("/programmes/{school_programme_id:uuid}/modules", guards=[allow(*RUNNERS)])
    async def add_module(
        self,
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        data: JSONBody[ModuleIn],
    ) -> ModuleRecord:
        module_id = await catalogue.add_module(actor, school_access, school_programme_id, data.form())
        return await catalogue.module_of(school_programme_id, module_id)

    @put("/programmes/{school_programme_id:uuid}/modules/{module_id:uuid}", guards=[allow(*RUNNERS)])
    async def update_module(
        self,
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        module_id: FromPath[UUID],
        data: JSONBody[ModuleIn],
    ) -> ModuleRecord:
        await catalogue.update_module(actor, school_access, school_programme_id, module_id, data.form())
        return await catalogue.module_of(school_programme_id, module_id)

    @post("/programmes/{school_programme_id:uuid}/modules/{module_id:uuid}/move", guards=[allow(*RUNNERS)])
    async def move_module(
        self,
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        module_id: FromPath[UUID],
        data: JSONBody[MoveIn],
    ) -> list[ModuleRecord]:
        """Up or down by one place; answers the modules in their new order."""
        await catalogue.move_module(actor, school_access, school_programme_id, module_id, data.direction != "down")
        return await modules_of(school_programme_id)

    @get("/cohorts", guards=[allow(*VIEWERS)])
    async def cohorts_list(
        self, school_access: NamedDependency[SchoolAccess], programme_id: FromQuery[UUID | None] = None
    ) -> list[CohortOut]:
        visible = {p.id for p in await catalogue.visible_programmes(school_access)}
        found = []
        for cohort in await list_cohorts(programme_id):
            if cohort.programme_id in visible or await school_access.teaches(cohort.id):
                found.append(await _cohort_out(cohort))
        return found

    @post("/programmes/{school_programme_id:uuid}/cohorts", guards=[allow(*RUNNERS)])
    async def create_cohort(
        self,
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        school_programme_id: FromPath[UUID],
        data: JSONBody[CohortIn],
    ) -> CohortOut:
        cohort_id = await cohorts.create_cohort(actor, school_access, school_programme_id, data.form())
        if data.trainer_ids:
            await _set_trainers(actor, school_access, cohort_id, data.trainer_ids)
        return await _cohort_out(await cohorts.visible_cohort(school_access, cohort_id))

    @get("/cohorts/{cohort_id:uuid}", guards=[allow(*VIEWERS)])
    async def cohort(self, school_access: NamedDependency[SchoolAccess], cohort_id: FromPath[UUID]) -> CohortOut:
        return await _cohort_out(await cohorts.visible_cohort(school_access, cohort_id))

    @put("/cohorts/{cohort_id:uuid}", guards=[allow(*RUNNERS)])
    async def update_cohort(
        self,
        actor: NamedDependency[Actor],
        school_access: NamedDependency[SchoolAccess],
        cohort_id: FromPath[UUID],
        data: JSONBody[CohortIn],
    ) -> CohortOut:
        """Replaces the cohort's fields; `trainer_ids`, when given, the whole list of its trainers."""
        await cohorts.update_cohort(actor, school_access, cohort_id, data.form())
        if data.trainer_ids is not None:
            await _set_trainers(actor, school_access, cohort_id, data.trainer_ids)
        return await _cohort_out(await cohorts.visible_cohort(school_access, cohort_id))

    @post("/cohorts/{cohort_id:uuid}/cancel", guards=[allow(*RUNNERS)])
    async def cancel_cohort(
        self, actor: NamedDependency[Actor], school_access: NamedDependency[SchoolAccess], cohort_id: FromPath[UUID]
    ) -> CohortOut:
        await cohorts.cancel_cohort(actor, school_access, cohort_id)
        return await _cohort_out(await cohorts.visible_cohort(school_access, cohort_id))

    @get("/trainers", guards=[allow(*RUNNERS)])
    async def trainers(self, actor: NamedDependency[Actor]) -> list[TrainerOut]:
        """The region's accounts with the trainer role, to name in `trainer_ids`."""
        return [TrainerOut(user_id=u, full_name=n) for u, n in await cohorts.trainer_choices(actor.region_id)]


PAGES = [SchoolPages]
API = [SchoolApi]
