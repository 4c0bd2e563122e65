"""The organizer's festival pages: the list, a new festival, and one festival with its awards, photos and
publication. Thin: the rules live in festivals.py."""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.contests import festivals
from services.contests.access import ORGANIZER_ROLES, organizes
from services.contests.festivals import FestivalForm, FestivalRecord
from services.contests.records import ContestRecord, list_contests
from services.contests.tables import FESTIVAL_AUDIENCES
from shared.actor import Actor
from shared.errors import Forbidden, ValidationFailed
from shared.pages import flash, flashed, page, see_other
from shared.uploads import UploadKind, read_upload, upload
from tenants import Principal, allow

PHOTO_UPLOAD = upload(UploadKind.document, "file", "Фотография")


async def _form(request: Request[Any, Any, Any]) -> FestivalForm:
    posted = await request.form()
    values = {f.name: str(posted.get(f.name, "")) for f in fields(FestivalForm) if f.name != "audiences"}
    return FestivalForm(
        **values, audiences=[str(v) for v in posted.getall("audiences")] if "audiences" in posted else []
    )


def _form_of(festival: FestivalRecord) -> FestivalForm:
    return FestivalForm(
        title=festival.title,
        held_on=f"{festival.held_on:%d.%m.%Y}",
        place=festival.place,
        agenda=festival.agenda,
        results=festival.results,
        contest_id=str(festival.contest_id or ""),
        audiences=list(festival.audiences),
    )


async def _contests(principal: Principal) -> list[ContestRecord]:
    """The contests whose results a festival of this organizer may announce: its own."""
    return [c for c in await list_contests() if organizes(principal, c)]


async def _organized(principal: Principal, festival_id: UUID) -> FestivalRecord:
    festival = await festivals.get_festival(festival_id)
    if not festivals.organizes(principal, festival):
        raise Forbidden()
    return festival


@get("/contests/festivals", guards=[allow(*ORGANIZER_ROLES)])
async def festival_list(principal: NamedDependency[Principal]) -> Template:
    found = await festivals.list_festivals()
    shown = [f for f in found if f.published_at is not None or festivals.organizes(principal, f)]
    return page(
        "contests/festivals.html",
        festivals=shown,
        organized={f.id for f in shown if festivals.organizes(principal, f)},
    )


async def _new_page(principal: Principal, form: FestivalForm, errors: dict[str, str], status: int = 200) -> Template:
    return page(
        "contests/festival_new.html",
        status,
        form=form,
        errors=errors,
        contests=[(str(c.id), c.title) for c in await _contests(principal)],
        audiences=FESTIVAL_AUDIENCES,
    )


@get("/contests/festivals/new", guards=[allow(*ORGANIZER_ROLES)])
async def festival_new(principal: NamedDependency[Principal]) -> Template:
    return await _new_page(principal, FestivalForm(audiences=list(FESTIVAL_AUDIENCES)), {})


@post("/contests/festivals/new", guards=[allow(*ORGANIZER_ROLES)])
async def festival_create(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    form = await _form(request)
    try:
        values = festivals.clean_festival(form, await _contests(principal))
    except ValidationFailed as exc:
        return await _new_page(principal, form, exc.errors, 400)
    festival_id = await festivals.create_festival(actor, principal, values)
    flash(request, "Фестиваль создан: добавьте награды и фотографии, затем опубликуйте", category="success")
    return see_other(f"/contests/festivals/{festival_id}")


async def _festival_page(
    principal: Principal, festival: FestivalRecord, form: FestivalForm, errors: dict[str, str], status: int = 200
) -> Template:
    return page(
        "contests/festival.html",
        status,
        festival=festival,
        form=form,
        errors=errors,
        contests=[(str(c.id), c.title) for c in await _contests(principal)],
        audiences=FESTIVAL_AUDIENCES,
        awards=await festivals.awards_of(festival.id),
        photos=await festivals.photos_of(festival.id),
    )


@get("/contests/festivals/{festival_id:uuid}", guards=[allow(*ORGANIZER_ROLES)])
async def festival_page(principal: NamedDependency[Principal], festival_id: FromPath[UUID]) -> Template | Redirect:
    festival = await festivals.get_festival(festival_id)
    if not festivals.organizes(principal, festival):
        return see_other(f"/contests/festivals/{festival_id}/public")
    return await _festival_page(principal, festival, _form_of(festival), {})


@post("/contests/festivals/{festival_id:uuid}", guards=[allow(*ORGANIZER_ROLES)])
async def festival_save(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    festival_id: FromPath[UUID],
) -> Template | Redirect:
    festival = await _organized(principal, festival_id)
    form = await _form(request)
    try:
        values = festivals.clean_festival(form, await _contests(principal))
    except ValidationFailed as exc:
        return await _festival_page(principal, festival, form, exc.errors, 400)
    await festivals.update_festival(actor, festival, values)
    flash(request, "Сохранено", category="success")
    return see_other(f"/contests/festivals/{festival_id}")


@post("/contests/festivals/{festival_id:uuid}/publish", guards=[allow(*ORGANIZER_ROLES)])
async def festival_publish(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    festival_id: FromPath[UUID],
) -> Redirect:
    festival = await _organized(principal, festival_id)
    published = str((await request.form()).get("action", "")) == "publish"
    with flashed(request, "Фестиваль опубликован" if published else "Фестиваль снят с публикации"):
        await festivals.set_published(actor, festival, published)
    return see_other(f"/contests/festivals/{festival_id}")


@post("/contests/festivals/{festival_id:uuid}/awards", guards=[allow(*ORGANIZER_ROLES)])
async def award_add(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    festival_id: FromPath[UUID],
) -> Template | Redirect:
    festival = await _organized(principal, festival_id)
    posted = await request.form()
    try:
        if str(posted.get("action", "")) == "from_contest":
            added = await festivals.awards_from_contest(actor, festival)
            flash(request, f"Перенесено наград из итогов конкурса: {added}", category="success")
        else:
            await festivals.add_award(
                actor, festival, str(posted.get("award_title", "")), str(posted.get("winner_name", ""))
            )
            flash(request, "Награда добавлена", category="success")
    except ValidationFailed as exc:
        return await _festival_page(principal, festival, _form_of(festival), exc.errors, 400)
    return see_other(f"/contests/festivals/{festival_id}#awards")


@post("/contests/festivals/{festival_id:uuid}/awards/{award_id:uuid}/remove", guards=[allow(*ORGANIZER_ROLES)])
async def award_remove(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    festival_id: FromPath[UUID],
    award_id: FromPath[UUID],
) -> Redirect:
    festival = await _organized(principal, festival_id)
    await festivals.remove_award(actor, festival, award_id)
    flash(request, "Награда удалена", category="success")
    return see_other(f"/contests/festivals/{festival_id}#awards")


@post("/contests/festivals/{festival_id:uuid}/photos", guards=[allow(*ORGANIZER_ROLES)], opt=PHOTO_UPLOAD)
async def photo_add(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    festival_id: FromPath[UUID],
) -> Template | Redirect:
    festival = await _organized(principal, festival_id)
    try:
        content, filename = await read_upload(request) or (b"", "")
        caption = str((await request.form()).get("caption", ""))
        await festivals.add_photo(actor, festival, caption, content or None, filename)
    except ValidationFailed as exc:
        return await _festival_page(principal, festival, _form_of(festival), exc.errors, 400)
    flash(request, "Фотография добавлена", category="success")
    return see_other(f"/contests/festivals/{festival_id}#photos")


@post("/contests/festivals/{festival_id:uuid}/photos/{photo_id:uuid}/remove", guards=[allow(*ORGANIZER_ROLES)])
async def photo_remove(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    festival_id: FromPath[UUID],
    photo_id: FromPath[UUID],
) -> Redirect:
    festival = await _organized(principal, festival_id)
    await festivals.remove_photo(actor, festival, photo_id)
    flash(request, "Фотография удалена", category="success")
    return see_other(f"/contests/festivals/{festival_id}#photos")


PAGES: list[Any] = [
    festival_list,
    festival_new,
    festival_create,
    festival_page,
    festival_save,
    festival_publish,
    award_add,
    award_remove,
    photo_add,
    photo_remove,
]
API: list[Any] = []
