"""A case or material as the library reads it, in the reader's scope: the database's policies decide which."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from services.cases.tables import CaseKind, CaseStatus, MaterialKind
from shared.db import current_connection
from shared.errors import NotFound

STATUS_LABELS = {
    CaseStatus.draft: "черновик",
    CaseStatus.sent: "на согласовании",
    CaseStatus.approved: "согласован",
    CaseStatus.published: "опубликован",
    CaseStatus.withdrawn: "снят с публикации",
}
MATERIAL_LABELS = {
    MaterialKind.mentor_memo: "Памятка для наставника",
    MaterialKind.mentee_memo: "Памятка для наставляемого",
    MaterialKind.meeting_script: "Сценарий встречи",
    MaterialKind.workbook: "Рабочая тетрадь",
    MaterialKind.other: "Методический материал",
}


class PairNumbers(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The pair's or group's own numbers, taken from mentoring and monitoring when the case was written: no names."""

    meetings: int = 0
    starts_on: date | None = None
    finished_on: date | None = None
    mentees: int = 0
    form: str = ""
    role_model: str = ""
    score_before: float | None = None
    score_after: float | None = None

    @property
    def change(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return round(self.score_after - self.score_before, 2)


class CaseRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    kind: CaseKind
    material_kind: MaterialKind | None
    organization_id: UUID | None
    municipality_id: UUID | None
    organization_kind: str
    mentorship_id: UUID | None
    title: str
    problem: str
    form_id: UUID | None
    form_title: str
    role_model_id: UUID | None
    role_model_title: str
    goals: str
    activities: str
    results: str
    quotes: str
    tags: list[str]
    year: int
    anonymised: bool
    pair_numbers: PairNumbers
    status: CaseStatus
    return_comment: str
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    withdrawn_at: datetime | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_material(self) -> bool:
        return self.kind == CaseKind.material

    @property
    def kind_label(self) -> str:
        if self.material_kind is not None:
            return MATERIAL_LABELS[self.material_kind]
        return "Кейс практики наставничества"


class FileRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    case_id: UUID
    title: str
    filename: str
    content_type: str
    size: int
    created_at: datetime


class FileData(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str
    data: bytes


COLUMNS = """c.id, c.region_id, c.kind, c.material_kind, c.organization_id, c.municipality_id, c.organization_kind,
    c.mentorship_id, c.title, c.problem, c.form_id, c.form_title, c.role_model_id, c.role_model_title, c.goals,
    c.activities, c.results, c.quotes, c.tags, c.year, c.anonymised, c.pair_numbers, c.status, c.return_comment,
    c.created_by, c.created_at, c.updated_at, c.sent_at, c.approved_at, c.published_at, c.withdrawn_at"""


def to_record(row: Any) -> CaseRecord:
    values = {name: value for name, value in dict(row).items() if name in CaseRecord.__struct_fields__}
    numbers = values["pair_numbers"]
    values["pair_numbers"] = msgspec.json.decode(numbers) if isinstance(numbers, str) else (numbers or {})
    return msgspec.convert(values, CaseRecord)


async def get_case(case_id: UUID) -> CaseRecord:
    row = await current_connection().fetchrow(f"SELECT {COLUMNS} FROM practice_case c WHERE c.id = $1", case_id)
    if row is None:
        raise NotFound()
    return to_record(row)


async def cases_where(condition: str, *args: Any) -> list[CaseRecord]:
    """The scope's cases and materials matching a condition on `c`, newest first."""
    rows = await current_connection().fetch(
        f"SELECT {COLUMNS} FROM practice_case c WHERE {condition} ORDER BY c.updated_at DESC", *args
    )
    return [to_record(r) for r in rows]


async def files_of(case_id: UUID) -> list[FileRecord]:
    rows = await current_connection().fetch(
        """SELECT id, case_id, title, filename, content_type, length(data) AS size, created_at
           FROM practice_case_file WHERE case_id = $1 ORDER BY created_at""",
        case_id,
    )
    return [msgspec.convert(dict(r), FileRecord) for r in rows]


async def file_data(case_id: UUID, file_id: UUID) -> FileData:
    row = await current_connection().fetchrow(
        "SELECT filename, content_type, data FROM practice_case_file WHERE case_id = $1 AND id = $2", case_id, file_id
    )
    if row is None:
        raise NotFound()
    return FileData(filename=row["filename"], content_type=row["content_type"], data=bytes(row["data"]))


async def participant_ids(case_id: UUID) -> list[tuple[UUID, str]]:
    """(person, role) of the case's participants, mentor first."""
    rows = await current_connection().fetch(
        "SELECT person_id, role FROM practice_case_participant WHERE case_id = $1 ORDER BY role = 'mentee', position",
        case_id,
    )
    return [(r["person_id"], r["role"]) for r in rows]
