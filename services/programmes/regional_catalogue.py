"""The catalogue as a scope sees it (the built-in forms and role models, and the region's own), and the
region's additions to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from services.programmes.access import Access
from services.programmes.records import FormRecord, RoleModelRecord, records
from services.programmes.tables import MentorshipForm, RoleModel
from services.programmes.values import read_text
from services.registry import CATEGORY_LABELS
from shared.actor import Actor
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed


async def catalogue_choices() -> tuple[list[FormRecord], list[RoleModelRecord]]:
    """Forms and role models the scope sees: the built-in catalogue and the region's own additions."""
    forms = await MentorshipForm.select().order_by(MentorshipForm.position).order_by(MentorshipForm.title).run()
    models = await RoleModel.select().order_by(RoleModel.position).order_by(RoleModel.title).run()
    return records(forms, FormRecord), records(models, RoleModelRecord)


def models_of_form(form: FormRecord, models: list[RoleModelRecord]) -> list[RoleModelRecord]:
    """A variant (ученик – ученик) has no role models of its own: those of its general form apply."""
    owner_ids = {form.id, form.parent_id}
    return [m for m in models if m.form_id in owner_ids]


@dataclass
class CatalogueForm:
    title: str = ""
    parent_id: str = ""
    goal: str = ""
    mentor_portrait: str = ""
    mentee_portrait: str = ""
    mentor_categories: list[str] = field(default_factory=list)
    mentee_categories: list[str] = field(default_factory=list)


async def add_form(actor: Actor, access: Access, form: CatalogueForm) -> UUID:
    """A region's own form, beside the built-in ones."""
    if not access.may_edit_catalogue:
        raise Forbidden()
    errors = Errors()
    title = read_text(errors, "title", form.title, "Назовите форму, например «студент – студент»")
    categories = {str(c) for c in CATEGORY_LABELS}
    mentor = [c for c in form.mentor_categories if c in categories]
    mentee = [c for c in form.mentee_categories if c in categories]
    if not mentor:
        errors.add("mentor_categories", "Кто может быть наставником в этой форме?")
    if not mentee:
        errors.add("mentee_categories", "Кто может быть наставляемым в этой форме?")
    parent = None
    if form.parent_id:
        forms, _ = await catalogue_choices()
        parent = next((f.id for f in forms if str(f.id) == form.parent_id and f.parent_id is None), None)
        if parent is None:
            errors.add("parent_id", "Выберите общую форму из каталога")
    errors.raise_if_any()
    row = await current_connection().fetchrow(
        """INSERT INTO mentorship_form (region_id, code, parent_id, title, goal, mentor_portrait, mentee_portrait,
                                        mentor_categories, mentee_categories)
           VALUES ($1, 'region-' || gen_random_uuid(), $2, $3, $4, $5, $6, $7, $8) RETURNING id""",
        actor.region_id,
        parent,
        title,
        form.goal.strip(),
        form.mentor_portrait.strip(),
        form.mentee_portrait.strip(),
        mentor,
        mentee,
    )
    form_id: UUID = row["id"]
    return form_id


async def add_role_model(actor: Actor, access: Access, form_id: UUID, title: str, description: str) -> UUID:
    if not access.may_edit_catalogue:
        raise Forbidden()
    forms, _ = await catalogue_choices()
    if not any(f.id == form_id for f in forms):
        raise NotFound()
    if not title.strip():
        raise ValidationFailed({"title": "Назовите ролевую модель, например «равный – равному»"})
    row = await current_connection().fetchrow(
        """INSERT INTO role_model (region_id, form_id, code, title, description)
           VALUES ($1, $2, 'region-' || gen_random_uuid(), $3, $4) RETURNING id""",
        actor.region_id,
        form_id,
        title.strip(),
        description.strip(),
    )
    model_id: UUID = row["id"]
    return model_id
