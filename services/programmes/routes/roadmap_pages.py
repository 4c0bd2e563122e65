"""Pages of the roadmap: stages and the year's timeline, templates, events, their progress and evidence."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.programmes import roadmap, roadmap_templates
from services.programmes.access import READERS, Access, programme_to_edit
from services.programmes.records import EventRecord
from services.programmes.roadmap import EventForm, ProgressForm
from services.programmes.routes.common import DOCUMENT_UPLOAD, download, programme_context, upload
from shared.errors import ValidationFailed
from shared.pages import flash_problem, flashed, form_into, page, see_other
from tenants import allow


class RoadmapPages(Controller):
    path = "/programmes/{programme_id:uuid}"
    guards = [allow(*READERS)]

    @get("/roadmap")
    async def roadmap(
        self, access: NamedDependency[Access], programme_id: FromPath[UUID], view: FromQuery[str] = "stages"
    ) -> Template:
        context = await programme_context(access, programme_id)
        stages = await roadmap.roadmap(programme_id)
        return page(
            "programmes/roadmap.html",
            stages=stages,
            view=view,
            timeline=roadmap.timeline(context["programme"], stages),
            form=EventForm(),
            errors={},
            **context,
        )

    @post("/roadmap/template")
    async def apply_template(
        self, request: Request[Any, Any, Any], access: NamedDependency[Access], programme_id: FromPath[UUID]
    ) -> Redirect:
        programme = await programme_to_edit(access, programme_id)
        code = str((await request.form()).get("template", ""))
        try:
            roadmap_templates.template(code)
            added = await roadmap.apply_template(programme, code)
        except KeyError:
            flash(request, "Выберите шаблон дорожной карты", category="error")
        except ValidationFailed as exc:
            flash_problem(request, exc)
        else:
            flash(request, f"Добавлено мероприятий: {added}", category="success")
        return see_other(f"/programmes/{programme_id}/roadmap")

    @post("/events")
    async def add_event(
        self, request: Request[Any, Any, Any], access: NamedDependency[Access], programme_id: FromPath[UUID]
    ) -> Template | Redirect:
        programme = await programme_to_edit(access, programme_id)
        form = await form_into(request, EventForm)
        try:
            await roadmap.add_event(programme, form)
        except ValidationFailed as exc:
            context = await programme_context(access, programme_id)
            stages = await roadmap.roadmap(programme_id)
            return page(
                "programmes/roadmap.html",
                422,
                stages=stages,
                view="stages",
                timeline=roadmap.timeline(programme, stages),
                form=form,
                errors=exc.errors,
                **context,
            )
        flash(request, "Мероприятие добавлено", category="success")
        return see_other(f"/programmes/{programme_id}/roadmap#stage-{form.stage}")

    @get("/events/{event_id:uuid}")
    async def event(
        self, access: NamedDependency[Access], programme_id: FromPath[UUID], event_id: FromPath[UUID]
    ) -> Template:
        context = await programme_context(access, programme_id)
        event = await roadmap.get_event(programme_id, event_id)
        return page("programmes/event.html", **await _event_context(context, event, None, {}))

    @post("/events/{event_id:uuid}")
    async def update_event(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
    ) -> Template | Redirect:
        programme = await programme_to_edit(access, programme_id)
        form = await form_into(request, EventForm)
        try:
            await roadmap.update_event(programme, event_id, form)
        except ValidationFailed as exc:
            context = await programme_context(access, programme_id)
            event = await roadmap.get_event(programme_id, event_id)
            return page("programmes/event.html", 422, **await _event_context(context, event, form, exc.errors))
        flash(request, "Мероприятие сохранено", category="success")
        return see_other(f"/programmes/{programme_id}/events/{event_id}")

    @post("/events/{event_id:uuid}/progress")
    async def progress(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
    ) -> Redirect:
        await programme_to_edit(access, programme_id)
        with flashed(request, "Состояние мероприятия сохранено"):
            await roadmap.set_progress(programme_id, event_id, await form_into(request, ProgressForm))
        return see_other(f"/programmes/{programme_id}/events/{event_id}")

    @post("/events/{event_id:uuid}/evidence", opt=DOCUMENT_UPLOAD)
    async def evidence(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
    ) -> Redirect:
        await programme_to_edit(access, programme_id)
        with flashed(request, "Файл приложен"):
            data, filename = await upload(request)
            await roadmap.attach_evidence(programme_id, event_id, data, filename)
        return see_other(f"/programmes/{programme_id}/events/{event_id}")

    @get("/events/{event_id:uuid}/evidence/{evidence_id:uuid}")
    async def evidence_file(
        self, programme_id: FromPath[UUID], event_id: FromPath[UUID], evidence_id: FromPath[UUID]
    ) -> Response[bytes]:
        file = await roadmap.evidence_file(programme_id, event_id, evidence_id)
        return download(file.data, file.content_type, file.filename or "file")

    @post("/events/{event_id:uuid}/delete")
    async def delete_event(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        programme_id: FromPath[UUID],
        event_id: FromPath[UUID],
    ) -> Redirect:
        await programme_to_edit(access, programme_id)
        await roadmap.delete_event(programme_id, event_id)
        flash(request, "Мероприятие удалено", category="success")
        return see_other(f"/programmes/{programme_id}/roadmap")


async def _event_context(
    context: dict[str, Any], event: EventRecord, form: EventForm | None, errors: dict[str, str]
) -> dict[str, Any]:
    if form is None:
        form = EventForm(
            stage=str(event.stage),
            title=event.title,
            period_label=event.period_label,
            starts_on="" if event.period_label else event.starts_on.strftime("%d.%m.%Y"),
            ends_on="" if event.period_label else event.ends_on.strftime("%d.%m.%Y"),
            responsible=event.responsible,
            expected_result=event.expected_result,
        )
    files = (await roadmap.evidence_by_event([event.id])).get(event.id, [])
    return {**context, "event": event, "files": files, "form": form, "errors": errors}
