"""The catalogue page: forms and role models, and the region's own additions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.programmes import catalogue
from services.programmes.access import CATALOGUE_EDITORS, READERS, Access
from services.programmes.regional_catalogue import (
    CatalogueForm,
    add_form,
    add_role_model,
    catalogue_choices,
    models_of_form,
)
from services.programmes.routes.common import labels
from shared.actor import Actor
from shared.errors import ValidationFailed
from shared.pages import flashed, page, see_other
from tenants import Role, allow


class CataloguePages(Controller):
    path = "/catalogue"
    guards = [allow(*READERS, Role.mentor)]

    @get("/")
    async def index(self, access: NamedDependency[Access]) -> Template:
        return page("programmes/catalogue.html", **await _catalogue_context(access, {}))

    @post("/forms", guards=[allow(*CATALOGUE_EDITORS)])
    async def add_form(
        self, request: Request[Any, Any, Any], access: NamedDependency[Access], actor: NamedDependency[Actor]
    ) -> Template | Redirect:
        data = await request.form()
        form = CatalogueForm(
            title=str(data.get("title", "")),
            parent_id=str(data.get("parent_id", "")),
            goal=str(data.get("goal", "")),
            mentor_portrait=str(data.get("mentor_portrait", "")),
            mentee_portrait=str(data.get("mentee_portrait", "")),
            mentor_categories=data.getall("mentor_categories", []),
            mentee_categories=data.getall("mentee_categories", []),
        )
        try:
            await add_form(actor, access, form)
        except ValidationFailed as exc:
            return page("programmes/catalogue.html", 422, **await _catalogue_context(access, exc.errors, form))
        flash(request, "Форма добавлена в каталог региона", category="success")
        return see_other("/catalogue")

    @post("/forms/{form_id:uuid}/role-models", guards=[allow(*CATALOGUE_EDITORS)])
    async def add_role_model(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        actor: NamedDependency[Actor],
        form_id: FromPath[UUID],
    ) -> Redirect:
        data = await request.form()
        with flashed(request, "Ролевая модель добавлена"):
            await add_role_model(actor, access, form_id, str(data.get("title", "")), str(data.get("description", "")))
        return see_other(f"/catalogue#form-{form_id}")


async def _catalogue_context(
    access: Access, errors: dict[str, str], form: CatalogueForm | None = None
) -> dict[str, Any]:
    forms, models = await catalogue_choices()
    return {
        "forms": forms,
        "models_of": lambda f: models_of_form(f, models),
        "by_id": {f.id: f for f in forms},
        "can_edit": access.may_edit_catalogue,
        "form": form or CatalogueForm(),
        "errors": errors,
        "same_subject": catalogue.SAME_SUBJECT,
        **labels(),
    }
