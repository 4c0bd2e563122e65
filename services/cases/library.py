"""Writing up a case and taking it through its workflow: the curator drafts it (from a finished pair or group, with
the pair's own numbers, or from the organization's practice) and sends it once reviewed; the municipal coordinator
of the organization's municipality or the regional coordinator approves it or returns it with a comment, then
publishes it; a published case can be withdrawn. A material of the «методическая копилка» is published by the
region or municipality that keeps it. Every step is audited (details name ids and states, never personal data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec

from services import mentoring, monitoring
from services.cases.access import approves, may_edit, may_publish, may_review, may_send, may_withdraw, owns
from services.cases.records import CaseRecord, PairNumbers, get_case
from services.cases.tables import CaseKind, CaseStatus, MaterialKind
from services.programmes import catalogue_choices
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from tenants import Principal, get_organization

# Markers ts_headline puts around a match (search.py); nobody types them, and none may be stored.
MARKERS = ("\ue000", "\ue001")
MAX_TITLE, MAX_TEXT, MAX_TAGS = 300, 20_000, 12
FINISHED = ("completed", "ended_early")
TEXT_FIELDS = ("problem", "goals", "activities", "results", "quotes")


@dataclass
class CaseForm:
    title: str = ""
    mentorship_id: str = ""  # a finished pair or group of the organization, or empty for its practice
    form_id: str = ""  # for a practice without a pair; a pair's own form wins
    role_model_id: str = ""
    problem: str = ""
    goals: str = ""
    activities: str = ""
    results: str = ""
    quotes: str = ""
    tags: str = ""  # comma-separated
    year: str = ""
    anonymised: str = "on"  # "on": no names at all; otherwise names of those who consented to publication


@dataclass
class MaterialForm:
    title: str = ""
    material_kind: str = ""
    problem: str = ""  # what the material is for
    tags: str = ""
    year: str = ""


def clean(text: str, limit: int = MAX_TEXT) -> str:
    for marker in MARKERS:
        text = text.replace(marker, "")
    return text.replace("\r\n", "\n").strip()[:limit]


def parse_tags(text: str) -> list[str]:
    found: list[str] = []
    for part in clean(text, 2000).replace(";", ",").split(","):
        tag = " ".join(part.split()).lower()[:40]
        if tag and tag not in found:
            found.append(tag)
    return found


def checked_year(errors: Errors, text: str) -> int:
    if not text.strip():
        return today().year
    try:
        year = int(text.strip())
    except ValueError:
        errors.add("year", "Укажите год числом, например 2026")
        return today().year
    if not 2000 <= year <= today().year + 1:
        errors.add("year", f"Год — от 2000 до {today().year + 1}")
    return year


def _uuid(errors: Errors, field: str, text: str, message: str) -> UUID | None:
    if not text.strip():
        return None
    try:
        return UUID(text.strip())
    except ValueError:
        errors.add(field, message)
        return None


@dataclass
class _Values:
    columns: dict[str, Any]
    participants: list[tuple[UUID, str]]


async def finished_pairs(organization_id: UUID) -> list[mentoring.Pair]:
    """The organization's pairs and groups whose work is over: what a case may be written up from."""
    return [p for p in await mentoring.list_pairs(organization_id=organization_id) if p.status in FINISHED]


async def _pair_values(errors: Errors, organization_id: UUID, mentorship_id: UUID | None) -> _Values | None:
    if mentorship_id is None:
        return None
    pair = next((p for p in await finished_pairs(organization_id) if p.id == mentorship_id), None)
    if pair is None:
        errors.add("mentorship_id", "Выберите завершённую пару или группу организации")
        return None
    change = await monitoring.score_change(pair.mentee_ids) if pair.mentee_ids else None
    numbers = PairNumbers(
        meetings=pair.meetings,
        starts_on=pair.starts_on,
        finished_on=pair.finished_on or pair.end,
        mentees=len(pair.mentee_ids),
        form=pair.form_title,
        role_model=pair.role_model_title or "",
        score_before=change.before if change else None,
        score_after=change.after if change else None,
    )
    participants = [(pair.mentor_id, "mentor"), *((i, "mentee") for i in pair.mentee_ids)]
    return _Values(
        {
            "mentorship_id": pair.id,
            "form_id": pair.form_id,
            "form_title": pair.form_title,
            "role_model_id": pair.role_model_id,
            "role_model_title": pair.role_model_title or "",
            "pair_numbers": msgspec.json.encode(numbers).decode(),
        },
        participants,
    )


async def _catalogue_values(errors: Errors, form: CaseForm) -> dict[str, Any]:
    forms, models = await catalogue_choices()
    form_id = _uuid(errors, "form_id", form.form_id, "Выберите форму наставничества")
    model_id = _uuid(errors, "role_model_id", form.role_model_id, "Выберите ролевую модель")
    chosen = next((f for f in forms if f.id == form_id), None)
    if form_id is not None and chosen is None:
        errors.add("form_id", "Выберите форму наставничества из каталога")
    model = next((m for m in models if m.id == model_id), None)
    if model_id is not None and model is None:
        errors.add("role_model_id", "Выберите ролевую модель из каталога")
    return {
        "mentorship_id": None,
        "form_id": chosen.id if chosen else None,
        "form_title": chosen.title if chosen else "",
        "role_model_id": model.id if model else None,
        "role_model_title": model.title if model else "",
        "pair_numbers": "{}",
    }


async def _case_values(actor: Actor, form: CaseForm) -> _Values:
    assert actor.organization_id is not None
    errors = Errors()
    title = " ".join(clean(form.title, 1000).split())
    if not title:
        errors.add("title", "Укажите название кейса")
    elif len(title) > MAX_TITLE:
        errors.add("title", f"Название — до {MAX_TITLE} знаков")
    texts = {name: clean(getattr(form, name)) for name in TEXT_FIELDS}
    tags = parse_tags(form.tags)
    if len(tags) > MAX_TAGS:
        errors.add("tags", f"Не больше {MAX_TAGS} тегов")
    year = checked_year(errors, form.year)
    mentorship_id = _uuid(errors, "mentorship_id", form.mentorship_id, "Выберите завершённую пару или группу")
    pair = await _pair_values(errors, actor.organization_id, mentorship_id)
    columns = pair.columns if pair else await _catalogue_values(errors, form)
    errors.raise_if_any()
    columns.update(texts)
    columns.update(title=title, tags=tags, year=year, anonymised=form.anonymised.strip().lower() in ("on", "true", "1"))
    return _Values(columns, pair.participants if pair else [])


async def _write_participants(actor: Actor, case: CaseRecord, participants: list[tuple[UUID, str]]) -> None:
    db = current_connection()
    await db.execute("DELETE FROM practice_case_participant WHERE case_id = $1", case.id)
    if participants:
        await db.execute(
            """INSERT INTO practice_case_participant (region_id, case_id, organization_id, municipality_id, person_id,
                   role, position)
               SELECT $1, $2, $3, $4, p.person_id, p.role, p.position
               FROM unnest($5::uuid[], $6::text[], $7::int[]) AS p (person_id, role, position)""",
            actor.region_id,
            case.id,
            case.organization_id,
            case.municipality_id,
            [p for p, _ in participants],
            [r for _, r in participants],
            list(range(len(participants))),
        )


async def create_case(actor: Actor, form: CaseForm) -> UUID:
    """A draft of the curator's organization."""
    if actor.organization_id is None:
        raise Forbidden()
    values = await _case_values(actor, form)
    organization = await get_organization(actor.organization_id)
    columns = {
        **values.columns,
        "region_id": actor.region_id,
        "kind": CaseKind.case.value,
        "organization_id": organization.id,
        "municipality_id": organization.municipality_id,
        "organization_kind": organization.kind.value,
        "created_by": actor.user_id,
    }
    case_id = await _insert(columns)
    case = await get_case(case_id)
    await _write_participants(actor, case, values.participants)
    await audit(actor, "case.create", None, f"case={case_id} pair={case.mentorship_id or '—'}")
    return case_id


async def _insert(columns: dict[str, Any]) -> UUID:
    names = list(columns)
    placeholders = ", ".join(f"${i + 1}" for i in range(len(names)))
    case_id: UUID = await current_connection().fetchval(
        f"INSERT INTO practice_case ({', '.join(names)}) VALUES ({placeholders}) RETURNING id",
        *columns.values(),
    )
    return case_id


async def _update(case_id: UUID, columns: dict[str, Any]) -> None:
    names = list(columns)
    sets = ", ".join(f"{name} = ${i + 2}" for i, name in enumerate(names))
    await current_connection().execute(
        f"UPDATE practice_case SET {sets}, updated_at = now() WHERE id = $1", case_id, *columns.values()
    )


async def update_case(actor: Actor, principal: Principal, case_id: UUID, form: CaseForm) -> None:
    case = await get_case(case_id)
    if case.is_material:
        raise NotFound()
    if not may_edit(principal, case):
        raise ValidationFailed({"status": f"Кейс {case.status_label}: изменить его может куратор, пока это черновик"})
    values = await _case_values(actor, form)
    await _update(case_id, {**values.columns, "status": CaseStatus.draft.value})
    await _write_participants(actor, case, values.participants)
    await audit(actor, "case.update", None, f"case={case_id}", organization_id=case.organization_id)


def _material_values(form: MaterialForm) -> dict[str, Any]:
    errors = Errors()
    title = " ".join(clean(form.title, 1000).split())
    if not title:
        errors.add("title", "Укажите название материала")
    elif len(title) > MAX_TITLE:
        errors.add("title", f"Название — до {MAX_TITLE} знаков")
    try:
        kind = MaterialKind(form.material_kind)
    except ValueError:
        errors.add("material_kind", "Выберите вид материала")
        kind = MaterialKind.other
    tags = parse_tags(form.tags)
    if len(tags) > MAX_TAGS:
        errors.add("tags", f"Не больше {MAX_TAGS} тегов")
    year = checked_year(errors, form.year)
    errors.raise_if_any()
    return {
        "title": title,
        "material_kind": kind.value,
        "problem": clean(form.problem),
        "tags": tags,
        "year": year,
    }


async def create_material(actor: Actor, municipality_id: UUID | None, form: MaterialForm) -> UUID:
    """A material of the region (no municipality) or of the coordinator's municipality, as a draft."""
    columns = {
        **_material_values(form),
        "region_id": actor.region_id,
        "kind": CaseKind.material.value,
        "municipality_id": municipality_id,
        "created_by": actor.user_id,
    }
    case_id = await _insert(columns)
    await audit(actor, "case.material.create", None, f"case={case_id}")
    return case_id


async def update_material(actor: Actor, principal: Principal, case_id: UUID, form: MaterialForm) -> None:
    case = await get_case(case_id)
    if not case.is_material:
        raise NotFound()
    if not may_edit(principal, case):
        raise ValidationFailed({"status": "Опубликованный материал сначала снимите с публикации"})
    await _update(case_id, _material_values(form))
    await audit(actor, "case.material.update", None, f"case={case_id}")


# The workflow ------------------------------------------------------------------------------------------------------


def send_problems(case: CaseRecord) -> dict[str, str]:
    """What keeps a draft from going for approval, by field."""
    errors: dict[str, str] = {}
    if not case.problem.strip():
        errors["problem"] = "Опишите проблему, которую решала практика"
    if not case.activities.strip():
        errors["activities"] = "Опишите, что было сделано"
    if not case.results.strip():
        errors["results"] = "Опишите результаты"
    if not case.form_title:
        errors["form_id"] = "Укажите форму наставничества"
    return errors


async def _transition(actor: Actor, case: CaseRecord, status: CaseStatus, action: str, **columns: Any) -> None:
    await _update(case.id, {"status": status.value, **columns})
    await audit(
        actor, f"case.{action}", None, f"case={case.id} {case.status}→{status}", organization_id=case.organization_id
    )


async def send(actor: Actor, principal: Principal, case_id: UUID) -> None:
    """The curator has reviewed the draft and sends it for approval."""
    case = await get_case(case_id)
    if not owns(principal, case):
        raise Forbidden()
    if not may_send(principal, case):
        raise ValidationFailed({"status": f"Кейс {case.status_label}: отправить на согласование можно черновик"})
    if problems := send_problems(case):
        raise ValidationFailed(problems)
    await _transition(actor, case, CaseStatus.sent, "send", sent_at=now(), sent_by=actor.user_id, return_comment="")


async def approve(actor: Actor, principal: Principal, case_id: UUID) -> None:
    case = await get_case(case_id)
    if case.is_material or not approves(principal, case):
        raise Forbidden()
    if not may_review(principal, case):
        raise ValidationFailed({"status": f"Кейс {case.status_label}: согласовать можно отправленный на согласование"})
    await _transition(actor, case, CaseStatus.approved, "approve", approved_at=now(), approved_by=actor.user_id)


async def return_case(actor: Actor, principal: Principal, case_id: UUID, comment: str) -> None:
    """Back to the curator as a draft, with what to change."""
    case = await get_case(case_id)
    if case.is_material or not approves(principal, case):
        raise Forbidden()
    if not may_review(principal, case):
        raise ValidationFailed({"status": f"Кейс {case.status_label}: вернуть можно отправленный на согласование"})
    comment = clean(comment, 5000)
    if not comment:
        raise ValidationFailed({"comment": "Напишите, что нужно исправить"})
    await _transition(actor, case, CaseStatus.draft, "return", return_comment=comment)


async def publish(actor: Actor, principal: Principal, case_id: UUID) -> None:
    case = await get_case(case_id)
    if not (owns(principal, case) if case.is_material else approves(principal, case)):
        raise Forbidden()
    if not may_publish(principal, case):
        if case.is_material:
            raise ValidationFailed({"status": "Материал уже опубликован"})
        raise ValidationFailed({"status": f"Кейс {case.status_label}: опубликовать можно согласованный кейс"})
    if case.is_material and not await current_connection().fetchval(
        "SELECT count(*) FROM practice_case_file WHERE case_id = $1", case_id
    ):
        raise ValidationFailed({"file": "Прикрепите файл материала: его будут скачивать"})
    await _transition(actor, case, CaseStatus.published, "publish", published_at=now(), withdrawn_at=None)


async def withdraw(actor: Actor, principal: Principal, case_id: UUID) -> None:
    """Off the public library at once; the curator may edit it and send it again."""
    case = await get_case(case_id)
    if not (owns(principal, case) or (not case.is_material and approves(principal, case))):
        raise Forbidden()
    if not may_withdraw(principal, case):
        raise ValidationFailed({"status": f"Кейс {case.status_label}: снять можно опубликованный или согласованный"})
    await _transition(actor, case, CaseStatus.withdrawn, "withdraw", withdrawn_at=now())


async def reopen(actor: Actor, principal: Principal, case_id: UUID) -> None:
    """A withdrawn case back to a draft the curator edits and sends again."""
    case = await get_case(case_id)
    if case.is_material or case.status != CaseStatus.withdrawn or not may_edit(principal, case):
        raise ValidationFailed({"status": "Вернуть в черновик можно снятый с публикации кейс"})
    await _transition(actor, case, CaseStatus.draft, "reopen")


ACTIONS = {"send", "approve", "return", "publish", "withdraw", "reopen"}


async def act(actor: Actor, principal: Principal, case_id: UUID, action: str, comment: str = "") -> None:
    """One step of the workflow by its name (pages and the API)."""
    if action == "send":
        await send(actor, principal, case_id)
    elif action == "approve":
        await approve(actor, principal, case_id)
    elif action == "return":
        await return_case(actor, principal, case_id, comment)
    elif action == "publish":
        await publish(actor, principal, case_id)
    elif action == "withdraw":
        await withdraw(actor, principal, case_id)
    elif action == "reopen":
        await reopen(actor, principal, case_id)
    else:
        raise ValidationFailed({"action": "Выберите действие"})


# Files -------------------------------------------------------------------------------------------------------------

FILE_SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"PK\x03\x04": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
}
MAX_FILES = 10


def file_type(data: bytes, filename: str) -> str | None:
    """By content, not by the name: PDF, PNG, JPEG, or an Office Open XML document (.docx, .xlsx, .pptx)."""
    for magic, (kind, _) in FILE_SIGNATURES.items():
        if data.startswith(magic):
            if magic == b"PK\x03\x04":
                types = {
                    ".docx": kind,
                    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                }
                return types.get(filename.lower()[-5:])
            return kind
    return None


async def add_file(
    actor: Actor, principal: Principal, case_id: UUID, title: str, data: bytes | None, filename: str
) -> UUID:
    case = await get_case(case_id)
    if not may_edit(principal, case):
        raise ValidationFailed({"file": "Файлы меняются, пока кейс или материал — черновик"})
    errors = Errors()
    title = " ".join(clean(title, 300).split()) or filename.rsplit("/", 1)[-1][:200]
    content_type = None
    if not data:
        errors.add("file", "Выберите файл")
    elif (content_type := file_type(data, filename)) is None:
        errors.add("file", "Файл — PDF, DOCX, XLSX, PPTX, JPEG или PNG")
    if not title:
        errors.add("title", "Назовите файл")
    count = await current_connection().fetchval("SELECT count(*) FROM practice_case_file WHERE case_id = $1", case_id)
    if count >= MAX_FILES:
        errors.add("file", f"Не больше {MAX_FILES} файлов")
    errors.raise_if_any()
    assert data is not None and content_type is not None
    file_id: UUID = await current_connection().fetchval(
        """INSERT INTO practice_case_file (region_id, case_id, organization_id, municipality_id, title, filename,
               content_type, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""",
        case.region_id,
        case.id,
        case.organization_id,
        case.municipality_id,
        title,
        (filename.rsplit("/", 1)[-1] or "file")[:200],
        content_type,
        data,
    )
    await audit(actor, "case.file.add", None, f"case={case_id} file={file_id}", organization_id=case.organization_id)
    return file_id


async def remove_file(actor: Actor, principal: Principal, case_id: UUID, file_id: UUID) -> None:
    case = await get_case(case_id)
    if not may_edit(principal, case):
        raise ValidationFailed({"file": "Файлы меняются, пока кейс или материал — черновик"})
    deleted = await current_connection().execute(
        "DELETE FROM practice_case_file WHERE case_id = $1 AND id = $2", case_id, file_id
    )
    if deleted == "DELETE 0":
        raise NotFound()
    await audit(actor, "case.file.remove", None, f"case={case_id} file={file_id}", organization_id=case.organization_id)


def form_of(case: CaseRecord) -> CaseForm:
    return CaseForm(
        title=case.title,
        mentorship_id=str(case.mentorship_id or ""),
        form_id=str(case.form_id or ""),
        role_model_id=str(case.role_model_id or ""),
        problem=case.problem,
        goals=case.goals,
        activities=case.activities,
        results=case.results,
        quotes=case.quotes,
        tags=", ".join(case.tags),
        year=str(case.year),
        anonymised="on" if case.anonymised else "",
    )


def material_form_of(case: CaseRecord) -> MaterialForm:
    return MaterialForm(
        title=case.title,
        material_kind=case.material_kind.value if case.material_kind else "",
        problem=case.problem,
        tags=", ".join(case.tags),
        year=str(case.year),
    )
