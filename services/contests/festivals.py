"""The closing festival of a programme or a contest (002 §8.7.3): date, place, its programme, the invited audiences,
the awards announced and the photos, published on the public pages when the organizer says so."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

import msgspec

from services.contests import setup
from services.contests.records import ContestRecord, get_contest, get_stage, panels_of, stages_of
from services.contests.tables import (
    FESTIVAL_AUDIENCES,
    ContestAward,
    ContestFestival,
    ContestPhoto,
    Level,
)
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import parse_date
from shared.uploads import PHOTO_TYPES, checked_type
from tenants import Principal

MAX_PHOTOS = 30
DEGREES = {1: "I", 2: "II", 3: "III"}


class FestivalRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    contest_id: UUID | None
    level: Level
    municipality_id: UUID | None
    organization_id: UUID | None
    title: str
    held_on: date
    place: str
    agenda: str
    audiences: list[str]
    results: str
    published_at: datetime | None

    @property
    def audience_labels(self) -> list[str]:
        return [FESTIVAL_AUDIENCES[a] for a in self.audiences if a in FESTIVAL_AUDIENCES]


class AwardRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    position: int
    title: str
    winner_name: str
    entry_id: UUID | None
    certificate_id: UUID | None


class PhotoRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    caption: str
    filename: str
    content_type: str


class PhotoFile(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str
    data: bytes


@dataclass
class FestivalForm:
    title: str = ""
    held_on: str = ""
    place: str = ""
    agenda: str = ""
    results: str = ""
    contest_id: str = ""
    audiences: list[str] = field(default_factory=list)


class FestivalValues(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    held_on: date
    place: str
    agenda: str
    results: str
    contest_id: UUID | None
    audiences: list[str]


def organizes(principal: Principal, festival: FestivalRecord) -> bool:
    """The same unit that may organize a contest of the festival's level organizes the festival."""
    try:
        unit = setup.organizer_unit(principal)
    except Forbidden:
        return False
    if principal.scope.region_id != festival.region_id:
        return False
    if unit[0] == Level.region:
        return True
    return unit == (festival.level, festival.municipality_id, festival.organization_id)


def clean_festival(form: FestivalForm, contests: list[ContestRecord]) -> FestivalValues:
    errors = Errors()
    title = " ".join(form.title.split())
    if not title or len(title) > setup.MAX_TITLE:
        errors.add("title", "Назовите фестиваль (до 300 знаков)")
    held_on: date | None = None
    if not form.held_on.strip():
        errors.add("held_on", "Укажите дату фестиваля")
    else:
        try:
            held_on = parse_date(form.held_on)
        except ValueError as exc:
            errors.add("held_on", str(exc) or "Дата в виде дд.мм.гггг")
    place = " ".join(form.place.split())
    if len(place) > 500:
        errors.add("place", "Место — до 500 знаков")
    for name in ("agenda", "results"):
        if len(getattr(form, name)) > setup.MAX_TEXT:
            errors.add(name, "Текст — до 10 000 знаков")
    contest_id: UUID | None = None
    if form.contest_id.strip():
        chosen = {str(c.id): c.id for c in contests}
        if form.contest_id.strip() not in chosen:
            errors.add("contest_id", "Выберите конкурс из списка")
        else:
            contest_id = chosen[form.contest_id.strip()]
    unknown = [a for a in form.audiences if a not in FESTIVAL_AUDIENCES]
    if unknown:
        errors.add("audiences", "Выберите приглашённых из списка")
    errors.raise_if_any()
    assert held_on is not None
    return FestivalValues(
        title=title,
        held_on=held_on,
        place=place,
        agenda=form.agenda.strip(),
        results=form.results.strip(),
        contest_id=contest_id,
        audiences=[a for a in FESTIVAL_AUDIENCES if a in form.audiences],
    )


async def get_festival(festival_id: UUID) -> FestivalRecord:
    row = await ContestFestival.select().where(ContestFestival.id == festival_id).first().run()
    if row is None:
        raise NotFound()
    return msgspec.convert(row, FestivalRecord, strict=False)


async def list_festivals() -> list[FestivalRecord]:
    """The festivals the scope reads (a public visitor the published ones), latest first."""
    rows = await ContestFestival.select().order_by(ContestFestival.held_on, ascending=False).run()
    return [msgspec.convert(r, FestivalRecord, strict=False) for r in rows]


async def festivals_of(contest_id: UUID) -> list[FestivalRecord]:
    return [f for f in await list_festivals() if f.contest_id == contest_id]


async def awards_of(festival_id: UUID) -> list[AwardRecord]:
    rows = (
        await ContestAward.select()
        .where(ContestAward.festival_id == festival_id)
        .order_by(ContestAward.position)
        .order_by(ContestAward.title)
        .run()
    )
    return [msgspec.convert(r, AwardRecord, strict=False) for r in rows]


async def photos_of(festival_id: UUID) -> list[PhotoRecord]:
    rows = (
        await ContestPhoto.select(
            ContestPhoto.id, ContestPhoto.caption, ContestPhoto.filename, ContestPhoto.content_type
        )
        .where(ContestPhoto.festival_id == festival_id)
        .order_by(ContestPhoto.created_at)
        .run()
    )
    return [msgspec.convert(r, PhotoRecord, strict=False) for r in rows]


async def photo_file(festival_id: UUID, photo_id: UUID) -> PhotoFile:
    row = (
        await ContestPhoto.select(ContestPhoto.filename, ContestPhoto.content_type, ContestPhoto.data)
        .where((ContestPhoto.id == photo_id) & (ContestPhoto.festival_id == festival_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return PhotoFile(filename=row["filename"], content_type=row["content_type"], data=bytes(row["data"]))


async def create_festival(actor: Actor, principal: Principal, values: FestivalValues) -> UUID:
    level, municipality_id, organization_id = setup.organizer_unit(principal)
    rows = (
        await ContestFestival.insert(
            ContestFestival(
                region_id=actor.region_id,
                contest_id=values.contest_id,
                level=level,
                municipality_id=municipality_id,
                organization_id=organization_id,
                title=values.title,
                held_on=values.held_on,
                place=values.place,
                agenda=values.agenda,
                audiences=values.audiences,
                results=values.results,
                created_by=actor.user_id,
                created_at=now(),
            )
        )
        .returning(ContestFestival.id)
        .run()
    )
    festival_id: UUID = rows[0]["id"]
    await audit(actor, "contest.festival.new", None, f"festival={festival_id}")
    return festival_id


async def update_festival(actor: Actor, festival: FestivalRecord, values: FestivalValues) -> None:
    await (
        ContestFestival.update(
            {
                ContestFestival.title: values.title,
                ContestFestival.held_on: values.held_on,
                ContestFestival.place: values.place,
                ContestFestival.agenda: values.agenda,
                ContestFestival.results: values.results,
                ContestFestival.contest_id: values.contest_id,
                ContestFestival.audiences: values.audiences,
            }
        )
        .where(ContestFestival.id == festival.id)
        .run()
    )
    await audit(actor, "contest.festival.edit", None, f"festival={festival.id}")


async def set_published(actor: Actor, festival: FestivalRecord, published: bool) -> None:
    if published and not festival.place:
        raise ValidationFailed({"publish": "Перед публикацией укажите место проведения"})
    moment = now() if published else None
    await ContestFestival.update({ContestFestival.published_at: moment}).where(ContestFestival.id == festival.id).run()
    await audit(
        actor, "contest.festival.publish" if published else "contest.festival.hide", None, f"festival={festival.id}"
    )


async def add_award(actor: Actor, festival: FestivalRecord, title: str, winner: str) -> UUID:
    errors = Errors()
    title, winner = " ".join(title.split()), " ".join(winner.split())
    if not title or len(title) > 300:
        errors.add("award_title", "Назовите награду (до 300 знаков)")
    if not winner or len(winner) > 300:
        errors.add("winner_name", "Укажите, кому вручена награда (до 300 знаков)")
    errors.raise_if_any()
    position = len(await awards_of(festival.id)) + 1
    rows = (
        await ContestAward.insert(
            ContestAward(
                region_id=festival.region_id,
                festival_id=festival.id,
                position=position,
                title=title,
                winner_name=winner,
            )
        )
        .returning(ContestAward.id)
        .run()
    )
    await audit(actor, "contest.festival.award", None, f"festival={festival.id}")
    award_id: UUID = rows[0]["id"]
    return award_id


async def remove_award(actor: Actor, festival: FestivalRecord, award_id: UUID) -> None:
    await ContestAward.delete().where((ContestAward.id == award_id) & (ContestAward.festival_id == festival.id)).run()
    await audit(actor, "contest.festival.award", None, f"festival={festival.id}; removed")


async def awards_from_contest(actor: Actor, festival: FestivalRecord) -> int:
    """The places of the contest's final stage, as the diplomas name them; an entry already awarded is skipped.
    Names only with the nominee's consent to publication: the awards are published with the festival."""
    if festival.contest_id is None:
        raise ValidationFailed({"contest_id": "Сначала выберите конкурс, итоги которого объявлены на фестивале"})
    contest = await get_contest(festival.contest_id)
    stages = await stages_of(contest.id)
    final = max((s.position for s in stages), default=0)
    panels = [p for p in await panels_of(contest.id) if p.status == "finished"]
    finals = [p for p in panels if (await get_stage(p.stage_id)).position == final]
    if not finals:
        raise ValidationFailed({"contest_id": "Заключительный этап конкурса ещё не завершён"})
    awarded = {a.entry_id for a in await awards_of(festival.id) if a.entry_id is not None}
    rows = await current_connection().fetch(
        """SELECT e.id, e.place, e.audience_prize, e.certificate_id, a.full_name, a.publication_consent, n.title
           FROM contest_entry e
           JOIN contest_application a ON a.region_id = e.region_id AND a.id = e.application_id
           JOIN contest_nomination n ON n.region_id = e.region_id AND n.id = e.nomination_id
           WHERE e.panel_id = ANY($1::uuid[]) AND (e.place IS NOT NULL OR e.audience_prize)
           ORDER BY n.position, e.place NULLS LAST""",
        [p.id for p in finals],
    )
    position = len(awarded)
    added = 0
    for row in rows:
        if row["id"] in awarded:
            continue
        position += 1
        if row["place"]:
            title = f"Диплом {DEGREES.get(row['place'], str(row['place']))} степени, номинация «{row['title']}»"
        else:
            title = f"Приз зрительских симпатий, номинация «{row['title']}»"
        name = row["full_name"] if row["publication_consent"] else "Участник (имя не публикуется)"
        await ContestAward.insert(
            ContestAward(
                region_id=festival.region_id,
                festival_id=festival.id,
                position=position,
                title=title,
                winner_name=name,
                entry_id=row["id"],
                certificate_id=row["certificate_id"],
            )
        ).run()
        added += 1
    await audit(actor, "contest.festival.award", None, f"festival={festival.id}; from contest={added}")
    return added


async def add_photo(actor: Actor, festival: FestivalRecord, caption: str, data: bytes | None, filename: str) -> UUID:
    errors = Errors()
    caption = " ".join(caption.split())
    if len(caption) > 300:
        errors.add("caption", "Подпись — до 300 знаков")
    if len(await photos_of(festival.id)) >= MAX_PHOTOS:
        errors.add("file", f"Не больше {MAX_PHOTOS} фотографий")
    content_type = checked_type(errors, data, PHOTO_TYPES, "Фотография — JPEG или PNG", "Выберите фотографию")
    errors.raise_if_any()
    assert data is not None and content_type is not None
    rows = (
        await ContestPhoto.insert(
            ContestPhoto(
                region_id=festival.region_id,
                festival_id=festival.id,
                caption=caption,
                filename=(filename or "photo")[-200:],
                content_type=content_type,
                data=data,
                created_at=now(),
            )
        )
        .returning(ContestPhoto.id)
        .run()
    )
    await audit(actor, "contest.festival.photo", None, f"festival={festival.id}")
    photo_id: UUID = rows[0]["id"]
    return photo_id


async def remove_photo(actor: Actor, festival: FestivalRecord, photo_id: UUID) -> None:
    await ContestPhoto.delete().where((ContestPhoto.id == photo_id) & (ContestPhoto.festival_id == festival.id)).run()
    await audit(actor, "contest.festival.photo", None, f"festival={festival.id}; removed")
