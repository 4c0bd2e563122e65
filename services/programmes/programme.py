"""A programme itself: its period and title, created at one owner's level, found by id or by the day it runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from dateutil.relativedelta import relativedelta

from services.programmes import roadmap, roadmap_templates
from services.programmes.records import Owner, ProgrammeRecord, record, records
from services.programmes.tables import Programme
from services.programmes.values import read_date, read_text
from shared.actor import Actor
from shared.clock import now, today
from shared.errors import Errors, NotFound, ValidationFailed

DEFAULT_REGULATIONS = (
    "Распоряжение Министерства просвещения Российской Федерации от 25.12.2019 № Р-145 «Об утверждении методологии "
    "(целевой модели) наставничества обучающихся для организаций, осуществляющих образовательную деятельность по "
    "общеобразовательным, дополнительным общеобразовательным и программам среднего профессионального образования»\n"
    "Положение о наставничестве в организации"
)


@dataclass
class ProgrammeForm:
    title: str = ""
    starts_on: str = ""
    ends_on: str = ""
    template: str = ""


@dataclass(frozen=True)
class ProgrammeValues:
    title: str
    starts_on: date
    ends_on: date


def clean_programme(form: ProgrammeForm, owner: Owner) -> ProgrammeValues:
    errors = Errors()
    title = read_text(errors, "title", form.title, "Назовите программу")
    starts_on = read_date(errors, "starts_on", form.starts_on)
    ends_on = read_date(errors, "ends_on", form.ends_on)
    if starts_on and ends_on:
        if ends_on <= starts_on:
            errors.add("ends_on", "Окончание должно быть позже начала")
        elif owner.level == "organization" and ends_on > starts_on + relativedelta(years=1):
            errors.add("ends_on", "Программа организации составляется на учебный год: не дольше года")
    if form.template:
        try:
            roadmap_templates.template(form.template)
        except KeyError:
            errors.add("template", "Такого шаблона дорожной карты нет")
    errors.raise_if_any()
    assert starts_on is not None and ends_on is not None
    return ProgrammeValues(title, starts_on, ends_on)


async def create_programme(actor: Actor, owner: Owner, form: ProgrammeForm) -> UUID:
    values = clean_programme(form, owner)
    if form.template and form.template not in {t.code for t in await roadmap.templates_for(owner)}:
        raise ValidationFailed({"template": "Этот шаблон написан для другого вида организации: выберите из списка"})
    rows = (
        await Programme.insert(
            Programme(
                region_id=actor.region_id,
                **owner.columns(),
                title=values.title,
                starts_on=values.starts_on,
                ends_on=values.ends_on,
                regulations=DEFAULT_REGULATIONS,
                form_ids=[],
                role_model_ids=[],
                max_mentees_per_mentor=2,
                group_work=False,
                max_pair_months=12,
                created_by=actor.user_id,
                created_at=now(),
                updated_at=now(),
            )
        )
        .returning(Programme.id)
        .run()
    )
    programme_id: UUID = rows[0]["id"]
    if form.template:
        await roadmap.apply_template(await get_programme(programme_id), form.template)
    return programme_id


async def get_programme(programme_id: UUID, owner: Owner | None = None) -> ProgrammeRecord:
    """RLS hides other tenants; `owner` narrows to the caller's own level: a region does not edit a school's."""
    row = await Programme.select().where(Programme.id == programme_id).first().run()
    if row is None:
        raise NotFound()
    programme = record(row, ProgrammeRecord)
    if owner is not None and Owner.of(programme) != owner:
        raise NotFound()
    return programme


async def list_programmes(owner: Owner) -> list[ProgrammeRecord]:
    query = Programme.select()
    query = query.where(
        Programme.organization_id.is_null()
        if owner.organization_id is None
        else Programme.organization_id == owner.organization_id
    )
    query = query.where(
        Programme.municipality_id.is_null()
        if owner.municipality_id is None
        else Programme.municipality_id == owner.municipality_id
    )
    return records(await query.order_by(Programme.starts_on, ascending=False).run(), ProgrammeRecord)


async def current_programme(owner: Owner, on: date | None = None) -> ProgrammeRecord | None:
    """The programme running on a day, else the latest one."""
    day = on or today()
    programmes = await list_programmes(owner)
    running = [p for p in programmes if p.starts_on <= day <= p.ends_on]
    found = running or programmes
    return found[0] if found else None
