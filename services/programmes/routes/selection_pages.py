"""Pages of mentor selection: the commission, applications, interviews, decisions and the registry."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.programmes import selection
from services.programmes.access import READERS, Access, programme_to_select
from services.programmes.records import Owner
from services.programmes.routes.common import programme_context
from services.programmes.selection import ApplicationForm, InterviewForm, MemberInput
from shared.actor import Actor
from shared.audit import audit
from shared.errors import ValidationFailed
from shared.pages import flash_problem, flashed, form_into, page, see_other
from tenants import Role, allow, get_organization


class SelectionPages(Controller):
    path = "/programmes/{programme_id:uuid}"
    guards = [allow(*READERS)]

    @get("/selection")
    async def selection_page(self, access: NamedDependency[Access], programme_id: FromPath[UUID]) -> Template:
        context = await _context(access, programme_id)
        return page("programmes/selection.html", **await _selection_context(context, {}, None))

    @post("/commission")
    async def set_commission(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
    ) -> Template | Redirect:
        programme = await programme_to_select(access, programme_id)
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
            context = await _context(access, programme_id)
            return page("programmes/selection.html", 422, **await _selection_context(context, exc.errors, members))
        flash(request, "Состав комиссии сохранён", category="success")
        return see_other(f"/programmes/{programme_id}/selection")

    @post("/applications")
    async def apply(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
    ) -> Redirect:
        programme = await programme_to_select(access, programme_id)
        try:
            application_id = await selection.apply(actor, programme, await form_into(request, ApplicationForm))
        except ValidationFailed as exc:
            flash_problem(request, exc)
            return see_other(f"/programmes/{programme_id}/selection#apply")
        return see_other(f"/programmes/{programme_id}/applications/{application_id}")

    @get("/applications/{application_id:uuid}")
    async def application(
        self,
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
        application_id: FromPath[UUID],
    ) -> Template:
        context = await _context(access, programme_id)
        row = await selection.get_application(programme_id, application_id)
        await audit(actor, "view", row.person_id, "заявление кандидата в наставники")
        return page("programmes/application.html", application=row, errors={}, **context)

    @post("/applications/{application_id:uuid}/interview")
    async def interview(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
        application_id: FromPath[UUID],
    ) -> Template | Redirect:
        await programme_to_select(access, programme_id)
        data = await request.form()
        form = InterviewForm(
            str(data.get("interviewed_on", "")), str(data.get("interview_notes", "")), data.getall("principles", [])
        )
        try:
            await selection.record_interview(actor, programme_id, application_id, form)
        except ValidationFailed as exc:
            context = await _context(access, programme_id)
            row = await selection.get_application(programme_id, application_id)
            return page("programmes/application.html", 422, application=row, errors=exc.errors, **context)
        flash(request, "Собеседование записано", category="success")
        return see_other(f"/programmes/{programme_id}/applications/{application_id}")

    @post("/applications/{application_id:uuid}/decision")
    async def decision(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        programme_id: FromPath[UUID],
        application_id: FromPath[UUID],
    ) -> Redirect:
        programme = await programme_to_select(access, programme_id)
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


async def _context(access: Access, programme_id: UUID) -> dict[str, Any]:
    """The programme's context, editable only for who may run its selection."""
    context = await programme_context(access, programme_id)
    return {**context, "editable": access.may_select(Owner.of(context["programme"]))}


async def _selection_context(
    context: dict[str, Any], errors: dict[str, str], members: list[MemberInput] | None
) -> dict[str, Any]:
    programme = context["programme"]
    organization_id = programme.organization_id
    stored = await selection.commission(programme.id)
    staff = await selection.organization_staff(organization_id) if organization_id else {}
    if members is None:
        members = [m.as_input() for m in stored]
    if not members and organization_id:
        organization = await get_organization(organization_id)
        curator = staff[Role.curator][0] if staff[Role.curator] else None
        members = [
            MemberInput("chair", organization.head_name, "Руководитель организации"),
            MemberInput(
                "curator",
                curator.full_name if curator else "",
                "Куратор наставничества",
                str(curator.user_id) if curator else "",
            ),
        ]
    members = members + [MemberInput() for _ in range(max(0, 5 - len(members)))]
    return {
        **context,
        "members": members,
        "stored": stored,
        "staff": staff,
        "problems": await selection.commission_problems(programme) if organization_id else {},
        "applications": await selection.applications(programme.id),
        "candidates": await selection.candidates(programme),
        "registry": await selection.registry(programme) if organization_id else None,
        "errors": errors,
    }
