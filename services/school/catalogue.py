"""The school's catalogue: schools, programmes with their completion rules, modules, materials and the test's
questions. The pages and the API share these rules; every change is audited."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from uuid import UUID

import msgspec

from services.school.access import SchoolAccess
from services.school.records import (
    ModuleRecord,
    ProgrammeRecord,
    SchoolRecord,
    get_programme,
    get_school,
    list_programmes,
    list_schools,
    modules_of,
    record,
)
from services.school.tables import Assessment, Audience, ModuleFormat, Training
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound
from tenants import Role


class ProgrammeStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


STATUS_LABELS = {
    ProgrammeStatus.draft: "Черновик",
    ProgrammeStatus.published: "Опубликована",
    ProgrammeStatus.archived: "В архиве",
}


def hours_text(value: Decimal | float | int) -> str:
    """«18», «4,5»: hours as a Russian reader writes them, without a trailing «,0»."""
    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace(".", ",")


def status_of(programme: ProgrammeRecord) -> ProgrammeStatus:
    if programme.archived_at is not None:
        return ProgrammeStatus.archived
    return ProgrammeStatus.published if programme.published else ProgrammeStatus.draft


def _text(errors: Errors, name: str, value: str, message: str, *, limit: int = 300) -> str:
    text = " ".join(value.split())
    if not text:
        errors.add(name, message)
    elif len(text) > limit:
        errors.add(name, f"Не длиннее {limit} символов")
    return text


def _int(errors: Errors, name: str, value: str, low: int, high: int, message: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        errors.add(name, message)
        return low
    if not low <= number <= high:
        errors.add(name, message)
    return number


def _decimal(errors: Errors, name: str, value: str, low: Decimal, high: Decimal, message: str) -> Decimal:
    try:
        number = Decimal(value.strip().replace(",", ".") or "x")
    except InvalidOperation:
        errors.add(name, message)
        return low
    if not number.is_finite() or not low <= number <= high:
        errors.add(name, message)
        return low
    return number.quantize(Decimal("0.1"))


# Schools ------------------------------------------------------------------------------------------------------


@dataclass
class SchoolForm:
    name: str = ""
    signatory_name: str = ""
    signatory_position: str = ""


def _school_values(form: SchoolForm) -> dict[str, str]:
    errors = Errors()
    values = {
        "name": _text(errors, "name", form.name, "Укажите название школы"),
        "signatory_name": _text(errors, "signatory_name", form.signatory_name, "Укажите, кто подписывает документы"),
        "signatory_position": _text(errors, "signatory_position", form.signatory_position, "Укажите должность"),
    }
    errors.raise_if_any()
    return values


def may_open_school(access: SchoolAccess) -> bool:
    return access.role in (Role.regional_coordinator, Role.municipal_coordinator, Role.curator, Role.head)


async def create_school(actor: Actor, access: SchoolAccess, form: SchoolForm) -> UUID:
    """The school of the asker's level: the region's, their municipality's, or their (base) organization's."""
    if not may_open_school(access):
        raise Forbidden()
    values = _school_values(form)
    municipality_id = access.municipality_id if access.role == Role.municipal_coordinator else None
    organization_id = access.organization_id if access.role in (Role.curator, Role.head) else None
    school_id: UUID = await current_connection().fetchval(
        """INSERT INTO mentor_school (region_id, organization_id, municipality_id, name, signatory_name,
               signatory_position) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""",
        actor.region_id,
        organization_id,
        municipality_id,
        values["name"],
        values["signatory_name"],
        values["signatory_position"],
    )
    await audit(actor, "create", None, "школа наставников")
    return school_id


async def update_school(actor: Actor, access: SchoolAccess, school_id: UUID, form: SchoolForm) -> None:
    school = await get_school(school_id)
    access.require_runner(school)
    values = _school_values(form)
    await current_connection().execute(
        "UPDATE mentor_school SET name = $2, signatory_name = $3, signatory_position = $4 WHERE id = $1",
        school_id,
        values["name"],
        values["signatory_name"],
        values["signatory_position"],
    )
    await audit(actor, "change", None, "школа наставников: название, подписант")


async def schools_run_by(access: SchoolAccess) -> list[SchoolRecord]:
    return [s for s in await list_schools() if access.runs(s)]


# Programmes ---------------------------------------------------------------------------------------------------


@dataclass
class ProgrammeForm:
    title: str = ""
    description: str = ""
    training: str = Training.primary.value
    audience: list[str] = field(default_factory=list)
    offered_to_all: bool = True
    municipality_ids: list[str] = field(default_factory=list)
    min_attendance_pct: str = "75"
    min_hours: str = "0"
    assessment: str = Assessment.none.value
    pass_mark_pct: str = "70"  # noqa: S105 - a percentage, not a secret
    max_attempts: str = "3"
    assignment_text: str = ""
    status: str = ProgrammeStatus.draft.value

    @classmethod
    def of(cls, programme: ProgrammeRecord) -> ProgrammeForm:
        return cls(
            title=programme.title,
            description=programme.description,
            training=programme.training,
            audience=list(programme.audience),
            offered_to_all=programme.offered_to_all,
            municipality_ids=[str(m) for m in programme.municipality_ids],
            min_attendance_pct=str(programme.min_attendance_pct),
            min_hours=hours_text(programme.min_hours),
            assessment=programme.assessment,
            pass_mark_pct=str(programme.pass_mark_pct),
            max_attempts=str(programme.max_attempts),
            assignment_text=programme.assignment_text,
            status=status_of(programme).value,
        )


class ProgrammeValues(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    description: str
    training: str
    audience: list[str]
    offered_to_all: bool
    municipality_ids: list[UUID]
    min_attendance_pct: int
    min_hours: Decimal
    assessment: str
    pass_mark_pct: int
    max_attempts: int
    assignment_text: str
    status: ProgrammeStatus


async def _programme_values(form: ProgrammeForm) -> ProgrammeValues:
    errors = Errors()
    title = _text(errors, "title", form.title, "Укажите название программы")
    if form.training not in Training.__members__:
        errors.add("training", "Выберите вид обучения")
    audience = [a for a in dict.fromkeys(form.audience) if a]
    if not audience or any(a not in Audience.__members__ for a in audience):
        errors.add("audience", "Выберите, для кого программа")
    municipality_ids: list[UUID] = []
    if not form.offered_to_all:
        try:
            municipality_ids = list(dict.fromkeys(UUID(str(m)) for m in form.municipality_ids if m))
        except ValueError:
            errors.add("municipality_ids", "Выберите муниципалитеты из списка")
        if not municipality_ids:
            errors.add("municipality_ids", "Выберите муниципалитеты, которым предлагается программа")
        else:
            known = await current_connection().fetchval(
                "SELECT count(*) FROM municipality WHERE id = ANY($1::uuid[])", municipality_ids
            )
            if known != len(municipality_ids):
                errors.add("municipality_ids", "Выберите муниципалитеты из списка")
    attendance = _int(errors, "min_attendance_pct", form.min_attendance_pct, 0, 100, "Доля посещения — от 0 до 100 %")
    hours = _decimal(errors, "min_hours", form.min_hours, Decimal(0), Decimal(9999), "Часы — число от 0")
    if form.assessment not in Assessment.__members__:
        errors.add("assessment", "Выберите форму итоговой аттестации")
    pass_mark = _int(errors, "pass_mark_pct", form.pass_mark_pct, 1, 100, "Проходной балл — от 1 до 100 %")
    attempts = _int(errors, "max_attempts", form.max_attempts, 1, 20, "Попыток — от 1 до 20")
    assignment = form.assignment_text.strip()
    if form.assessment == Assessment.assignment and not assignment:
        errors.add("assignment_text", "Сформулируйте итоговое задание")
    try:
        status = ProgrammeStatus(form.status)
    except ValueError:
        errors.add("status", "Выберите состояние программы")
        status = ProgrammeStatus.draft
    errors.raise_if_any()
    return ProgrammeValues(
        title=title,
        description=form.description.strip(),
        training=form.training,
        audience=audience,
        offered_to_all=form.offered_to_all,
        municipality_ids=municipality_ids,
        min_attendance_pct=attendance,
        min_hours=hours,
        assessment=form.assessment,
        pass_mark_pct=pass_mark,
        max_attempts=attempts,
        assignment_text=assignment,
        status=status,
    )


async def create_programme(actor: Actor, access: SchoolAccess, school_id: UUID, form: ProgrammeForm) -> UUID:
    school = await get_school(school_id)
    access.require_runner(school)
    v = await _programme_values(form)
    programme_id: UUID = await current_connection().fetchval(
        """INSERT INTO school_programme (region_id, school_id, title, description, training, audience, offered_to_all,
               municipality_ids, min_attendance_pct, min_hours, assessment, pass_mark_pct, max_attempts,
               assignment_text, published, archived_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id""",
        school.region_id,
        school.id,
        v.title,
        v.description,
        v.training,
        v.audience,
        v.offered_to_all,
        v.municipality_ids,
        v.min_attendance_pct,
        v.min_hours,
        v.assessment,
        v.pass_mark_pct,
        v.max_attempts,
        v.assignment_text,
        v.status == ProgrammeStatus.published,
        now() if v.status == ProgrammeStatus.archived else None,
    )
    await audit(actor, "create", None, "школа наставников: программа")
    return programme_id


async def programme_to_edit(access: SchoolAccess, programme_id: UUID) -> ProgrammeRecord:
    """404 for a programme out of sight, 403 for one the asker sees but does not run."""
    programme = await visible_programme(access, programme_id)
    access.require_runner(await get_school(programme.school_id))
    return programme


async def update_programme(actor: Actor, access: SchoolAccess, programme_id: UUID, form: ProgrammeForm) -> None:
    programme = await programme_to_edit(access, programme_id)
    v = await _programme_values(form)
    archived = None
    if v.status == ProgrammeStatus.archived:
        archived = programme.archived_at or now()
    await current_connection().execute(
        """UPDATE school_programme SET title = $2, description = $3, training = $4, audience = $5,
               offered_to_all = $6, municipality_ids = $7, min_attendance_pct = $8, min_hours = $9, assessment = $10,
               pass_mark_pct = $11, max_attempts = $12, assignment_text = $13, published = $14, archived_at = $15
           WHERE id = $1""",
        programme_id,
        v.title,
        v.description,
        v.training,
        v.audience,
        v.offered_to_all,
        v.municipality_ids,
        v.min_attendance_pct,
        v.min_hours,
        v.assessment,
        v.pass_mark_pct,
        v.max_attempts,
        v.assignment_text,
        v.status == ProgrammeStatus.published,
        archived,
    )
    await audit(actor, "change", None, f"школа наставников: программа, состояние {v.status.value}")


def offered_to(access: SchoolAccess, programme: ProgrammeRecord, municipality_id: UUID | None) -> bool:
    """A published programme is offered region-wide, or to the chosen municipalities only."""
    if programme.archived_at is not None or not programme.published:
        return False
    if programme.offered_to_all or access.role in (Role.regional_coordinator, Role.trainer):
        return True
    return municipality_id is not None and municipality_id in programme.municipality_ids


async def may_see(access: SchoolAccess, programme: ProgrammeRecord) -> bool:
    """Runners see their drafts and archive; others the offer of their municipality (a trainer: what they teach)."""
    if access.runs(await get_school(programme.school_id)):
        return True
    return offered_to(access, programme, access.municipality_id)


async def visible_programme(access: SchoolAccess, programme_id: UUID) -> ProgrammeRecord:
    programme = await get_programme(programme_id)
    if not await may_see(access, programme):
        raise NotFound()
    return programme


async def visible_programmes(access: SchoolAccess) -> list[ProgrammeRecord]:
    return [p for p in await list_programmes() if await may_see(access, p)]


# Modules ------------------------------------------------------------------------------------------------------


@dataclass
class ModuleForm:
    topic: str = ""
    hours: str = ""
    format: str = ""
    training: str = Training.primary.value
    description: str = ""


def _module_values(form: ModuleForm) -> tuple[str, Decimal, str, str, str]:
    errors = Errors()
    topic = _text(errors, "topic", form.topic, "Укажите тему модуля")
    hours = _decimal(errors, "hours", form.hours, Decimal("0.5"), Decimal(500), "Часы — число от 0,5 до 500")
    if form.format not in ModuleFormat.__members__:
        errors.add("format", "Выберите формат занятия")
    if form.training not in Training.__members__:
        errors.add("training", "Выберите вид обучения")
    errors.raise_if_any()
    return topic, hours, form.format, form.training, form.description.strip()


async def add_module(actor: Actor, access: SchoolAccess, programme_id: UUID, form: ModuleForm) -> UUID:
    programme = await programme_to_edit(access, programme_id)
    topic, hours, format_, training, description = _module_values(form)
    module_id: UUID = await current_connection().fetchval(
        """INSERT INTO school_module (region_id, school_id, programme_id, position, topic, hours, format, training,
               description)
           VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 1 FROM school_module WHERE programme_id = $3),
                   $4, $5, $6, $7, $8) RETURNING id""",
        programme.region_id,
        programme.school_id,
        programme.id,
        topic,
        hours,
        format_,
        training,
        description,
    )
    await audit(actor, "create", None, "школа наставников: модуль программы")
    return module_id


async def module_of(programme_id: UUID, module_id: UUID) -> ModuleRecord:
    found = next((m for m in await modules_of(programme_id) if m.id == module_id), None)
    if found is None:
        raise NotFound()
    return found


async def update_module(
    actor: Actor, access: SchoolAccess, programme_id: UUID, module_id: UUID, form: ModuleForm
) -> None:
    await programme_to_edit(access, programme_id)
    await module_of(programme_id, module_id)
    topic, hours, format_, training, description = _module_values(form)
    await current_connection().execute(
        """UPDATE school_module SET topic = $2, hours = $3, format = $4, training = $5, description = $6
           WHERE id = $1""",
        module_id,
        topic,
        hours,
        format_,
        training,
        description,
    )
    await audit(actor, "change", None, "школа наставников: модуль программы")


async def move_module(actor: Actor, access: SchoolAccess, programme_id: UUID, module_id: UUID, up: bool) -> None:
    """Swap with the neighbour above or below; positions are renumbered 1..n so gaps never confuse the order."""
    await programme_to_edit(access, programme_id)
    modules = await modules_of(programme_id)
    index = next((i for i, m in enumerate(modules) if m.id == module_id), None)
    if index is None:
        raise NotFound()
    other = index - 1 if up else index + 1
    if 0 <= other < len(modules):
        modules[index], modules[other] = modules[other], modules[index]
    await current_connection().execute(
        """UPDATE school_module m SET position = o.n FROM unnest($1::uuid[]) WITH ORDINALITY AS o (id, n)
           WHERE m.id = o.id""",
        [m.id for m in modules],
    )
    await audit(actor, "change", None, "школа наставников: порядок модулей")


async def delete_module(actor: Actor, access: SchoolAccess, programme_id: UUID, module_id: UUID) -> None:
    await programme_to_edit(access, programme_id)
    await module_of(programme_id, module_id)
    await current_connection().execute("DELETE FROM school_module WHERE id = $1", module_id)
    await audit(actor, "change", None, "школа наставников: модуль удалён")


# Materials ----------------------------------------------------------------------------------------------------

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".mp4": "video/mp4",
    ".zip": "application/zip",
}


class MaterialRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    programme_id: UUID
    module_id: UUID | None
    title: str
    url: str
    filename: str
    content_type: str
    size: int

    @property
    def is_file(self) -> bool:
        return not self.url


class MaterialFile(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str
    data: bytes


@dataclass
class MaterialForm:
    title: str = ""
    url: str = ""
    module_id: str = ""


async def materials_of(programme_id: UUID) -> list[MaterialRecord]:
    rows = await current_connection().fetch(
        """SELECT id, programme_id, module_id, title, url, filename, content_type,
                  coalesce(octet_length(data), 0) AS size
           FROM school_material WHERE programme_id = $1 ORDER BY created_at, title""",
        programme_id,
    )
    return [record(r, MaterialRecord) for r in rows]


async def add_material(
    actor: Actor,
    access: SchoolAccess,
    programme_id: UUID,
    form: MaterialForm,
    upload: tuple[bytes, str] | None = None,
) -> UUID:
    """A link, or an uploaded file (its size was checked where it was received): exactly one of them."""
    programme = await programme_to_edit(access, programme_id)
    errors = Errors()
    url = form.url.strip()
    data, filename = upload if upload and upload[0] else (b"", "")
    title = " ".join(form.title.split()) or PurePath(filename).stem
    if not title:
        errors.add("title", "Укажите название материала")
    if url and data:
        errors.add("url", "Укажите ссылку или приложите файл, но не то и другое")
    elif not url and not data:
        errors.add("url", "Укажите ссылку или приложите файл")
    elif url and not url.startswith(("https://", "http://")):
        errors.add("url", "Ссылка начинается с https:// или http://")
    module_id: UUID | None = None
    if form.module_id:
        try:
            module_id = (await module_of(programme_id, UUID(form.module_id))).id
        except (ValueError, NotFound):
            errors.add("module_id", "Выберите модуль из списка")
    errors.raise_if_any()
    name = PurePath(filename.replace("\\", "/")).name[-200:] if data else ""
    content_type = CONTENT_TYPES.get(PurePath(name).suffix.lower(), "application/octet-stream") if data else ""
    material_id: UUID = await current_connection().fetchval(
        """INSERT INTO school_material (region_id, school_id, programme_id, module_id, title, url, filename,
               content_type, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
        programme.region_id,
        programme.school_id,
        programme.id,
        module_id,
        title[:300],
        url,
        name,
        content_type,
        data or None,
    )
    await audit(actor, "create", None, "школа наставников: материал " + ("файл" if data else "ссылка"))
    return material_id


async def delete_material(actor: Actor, access: SchoolAccess, programme_id: UUID, material_id: UUID) -> None:
    await programme_to_edit(access, programme_id)
    deleted = await current_connection().fetchval(
        "DELETE FROM school_material WHERE id = $1 AND programme_id = $2 RETURNING id", material_id, programme_id
    )
    if deleted is None:
        raise NotFound()
    await audit(actor, "change", None, "школа наставников: материал удалён")


async def material_file(access: SchoolAccess, programme_id: UUID, material_id: UUID) -> MaterialFile:
    await visible_programme(access, programme_id)
    row = await current_connection().fetchrow(
        """SELECT filename, content_type, data FROM school_material
           WHERE id = $1 AND programme_id = $2 AND data IS NOT NULL""",
        material_id,
        programme_id,
    )
    if row is None:
        raise NotFound()
    return record(row, MaterialFile)


# The test's questions -----------------------------------------------------------------------------------------


class QuestionRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    programme_id: UUID
    position: int
    text: str
    multiple: bool
    options: list[str]
    correct: list[int]


@dataclass
class QuestionForm:
    text: str = ""
    multiple: bool = False
    options: list[str] = field(default_factory=list)
    correct: list[str] = field(default_factory=list)  # indexes into options, from 0


def _question_values(form: QuestionForm) -> tuple[str, bool, list[str], list[int]]:
    errors = Errors()
    text = _text(errors, "text", form.text, "Сформулируйте вопрос", limit=1000)
    indexed = [(i, " ".join(o.split())) for i, o in enumerate(form.options)]
    kept = [(i, o) for i, o in indexed if o]
    options = [o for _, o in kept]
    if len(options) < 2:
        errors.add("options", "Нужно не меньше двух вариантов ответа")
    if len(set(options)) != len(options):
        errors.add("options", "Варианты ответа повторяются")
    new_index = {old: new for new, (old, _) in enumerate(kept)}
    try:
        chosen = sorted({int(c) for c in form.correct if str(c).strip() != ""})
    except ValueError:
        chosen = [-1]
    correct = [new_index[c] for c in chosen if c in new_index]
    if not correct or len(correct) != len(chosen):
        errors.add("correct", "Отметьте верный ответ среди заполненных вариантов")
    elif not form.multiple and len(correct) > 1:
        errors.add("correct", "В вопросе с одним ответом верный вариант — один")
    errors.raise_if_any()
    return text, form.multiple, options, correct


async def questions_of(programme_id: UUID) -> list[QuestionRecord]:
    rows = await current_connection().fetch(
        """SELECT id, programme_id, position, text, multiple, options, correct FROM school_question
           WHERE programme_id = $1 ORDER BY position, text""",
        programme_id,
    )
    return [
        msgspec.convert(
            {**dict(r), "options": json.loads(r["options"]) if isinstance(r["options"], str) else r["options"]},
            QuestionRecord,
        )
        for r in rows
    ]


async def add_question(actor: Actor, access: SchoolAccess, programme_id: UUID, form: QuestionForm) -> UUID:
    programme = await programme_to_edit(access, programme_id)
    text, multiple, options, correct = _question_values(form)
    question_id: UUID = await current_connection().fetchval(
        """INSERT INTO school_question (region_id, school_id, programme_id, position, text, multiple, options, correct)
           VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 1 FROM school_question WHERE programme_id = $3),
                   $4, $5, $6::jsonb, $7) RETURNING id""",
        programme.region_id,
        programme.school_id,
        programme.id,
        text,
        multiple,
        json.dumps(options, ensure_ascii=False),
        correct,
    )
    await audit(actor, "create", None, "школа наставников: вопрос теста")
    return question_id


async def question_of(programme_id: UUID, question_id: UUID) -> QuestionRecord:
    found = next((q for q in await questions_of(programme_id) if q.id == question_id), None)
    if found is None:
        raise NotFound()
    return found


async def update_question(
    actor: Actor, access: SchoolAccess, programme_id: UUID, question_id: UUID, form: QuestionForm
) -> None:
    await programme_to_edit(access, programme_id)
    await question_of(programme_id, question_id)
    text, multiple, options, correct = _question_values(form)
    await current_connection().execute(
        "UPDATE school_question SET text = $2, multiple = $3, options = $4::jsonb, correct = $5 WHERE id = $1",
        question_id,
        text,
        multiple,
        json.dumps(options, ensure_ascii=False),
        correct,
    )
    await audit(actor, "change", None, "школа наставников: вопрос теста")


async def delete_question(actor: Actor, access: SchoolAccess, programme_id: UUID, question_id: UUID) -> None:
    await programme_to_edit(access, programme_id)
    await question_of(programme_id, question_id)
    await current_connection().execute("DELETE FROM school_question WHERE id = $1", question_id)
    await audit(actor, "change", None, "школа наставников: вопрос теста удалён")
