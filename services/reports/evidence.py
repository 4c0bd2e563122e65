"""The evidence pack of a teacher-mentor for the attestation commission (квалификационная категория
«педагог-наставник», приказ Минпросвещения России № 196 от 24.03.2023): the mentoring the platform recorded.

The read model gathers it across domains under the viewer's scope; DOCX and PDF say the same, in the same order.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import msgspec
from docx import Document
from docx.shared import Pt

from services.certificates import STATUS_LABELS, certificates_of
from services.incentives import incentives_of
from services.mentoring import STATUS_LABELS as PAIR_STATUS_LABELS
from services.school import training_of
from shared.clock import today
from shared.db import current_connection
from shared.errors import NotFound, ValidationFailed
from shared.i18n import format_date, plural
from shared.typeset import typeset

# The person's contest results as lines: the contests sit above the read model (they use the monitoring, which
# uses it), so the composition root hands their face in.
ContestLines = Callable[[UUID], Awaitable[list[str]]]
TEMPLATE = Path(__file__).parent / "documents" / "evidence.typ"
TITLE = "Материалы для аттестации педагога-наставника"
BASIS = (
    "Квалификационная категория «педагог-наставник» (приказ Министерства просвещения Российской Федерации "
    "от 24.03.2023 № 196 «Об утверждении Порядка проведения аттестации педагогических работников организаций, "
    "осуществляющих образовательную деятельность»)"
)
NOT_RECORDED = "Сведений в системе нет."
PAIR_STATES = {str(status): label.lower() for status, label in PAIR_STATUS_LABELS.items()}
CERTIFICATE_STATES = {str(status): label for status, label in STATUS_LABELS.items()}


class ResultLine(msgspec.Struct, frozen=True, kw_only=True):
    """One mentee's score on one parameter of the influence monitoring, before and after (of 10)."""

    mentee: str
    parameter: str
    before: int
    after: int | None


class PairLine(msgspec.Struct, frozen=True, kw_only=True):
    organization: str
    form: str
    role_model: str
    mentees: list[str]
    group: bool
    starts_on: date
    ends_on: date
    status: str
    meetings: int
    meeting_dates: list[date]


class TrainingLine(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    school: str
    starts_on: date
    ends_on: date
    hours: Decimal
    outcome: str


class CertificateLine(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    title: str
    issued_on: date
    valid_until: date | None
    status: str


class EvidencePack(msgspec.Struct, frozen=True, kw_only=True):
    person_id: UUID
    full_name: str
    position: str
    organizations: list[str]
    made_on: date
    pairs: list[PairLine]
    results: list[ResultLine]
    training: list[TrainingLine]
    certificates: list[CertificateLine]
    contests: list[str]  # «Наставник года — 2026, номинация «…», муниципальный этап: 1 место (победитель)…»
    incentives: list[str] = []  # «Почётная грамота (организация) — за …; приказ № 12 от 20.05.2026»

    @property
    def meetings(self) -> int:
        return sum(p.meetings for p in self.pairs)


async def evidence_pack(person_id: UUID, contest_lines: ContestLines) -> EvidencePack:
    """Everything the viewer's scope holds of the person's mentoring; 404 for a person out of reach."""
    db = current_connection()
    person = await db.fetchrow(
        """SELECT p.id, p.full_name, p.position,
                  coalesce((SELECT array_agg(DISTINCT coalesce(nullif(o.short_name, ''), o.name))
                            FROM participation pa JOIN organization o ON o.region_id = pa.region_id
                                AND o.id = pa.organization_id
                            WHERE pa.region_id = p.region_id AND pa.person_id = p.id AND pa.archived_at IS NULL),
                           '{}') AS organizations,
                  EXISTS (SELECT 1 FROM consent c WHERE c.region_id = p.region_id AND c.person_id = p.id
                          AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL) AS consented
           FROM person p WHERE p.id = $1 AND p.merged_into IS NULL AND p.destroyed_at IS NULL""",
        person_id,
    )
    if person is None:
        raise NotFound()
    if not person["consented"]:
        raise ValidationFailed({"person_id": "Нет действующего согласия на обработку персональных данных"})
    pairs = await db.fetch(
        """SELECT m.id, coalesce(nullif(o.short_name, ''), o.name) AS organization, f.title AS form,
                  coalesce(r.title, '') AS role_model, m.starts_on,
                  coalesce(m.finished_on, m.extended_to, m.ends_on) AS ends_on, m.status,
                  coalesce((SELECT array_agg(CASE WHEN EXISTS (SELECT 1 FROM consent c WHERE c.region_id = p.region_id
                                  AND c.person_id = p.id AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL)
                                THEN p.full_name ELSE 'наставляемый (без согласия на обработку данных)' END
                                ORDER BY p.sort_key)
                            FROM mentorship_mentee mm JOIN person p ON p.region_id = mm.region_id
                                AND p.id = mm.mentee_id
                            WHERE mm.region_id = m.region_id AND mm.mentorship_id = m.id), '{}') AS mentees,
                  coalesce((SELECT array_agg(x.held_on ORDER BY x.held_on) FROM meeting x
                            WHERE x.region_id = m.region_id AND x.mentorship_id = m.id), '{}') AS meeting_dates
           FROM mentorship m
           JOIN organization o ON o.region_id = m.region_id AND o.id = m.organization_id
           JOIN mentorship_form f ON f.id = m.form_id LEFT JOIN role_model r ON r.id = m.role_model_id
           WHERE m.mentor_id = $1 AND m.status <> 'draft'
           ORDER BY m.starts_on, m.id""",
        person_id,
    )
    results = await db.fetch(
        """SELECT p.full_name AS mentee, ap.title AS parameter, b.score AS before, a.score AS after
           FROM mentorship m
           JOIN mentorship_mentee mm ON mm.region_id = m.region_id AND mm.mentorship_id = m.id
           JOIN person p ON p.region_id = mm.region_id AND p.id = mm.mentee_id
           JOIN assessment b ON b.region_id = p.region_id AND b.person_id = p.id AND b.stage = 'before'
           JOIN assessment_parameter ap ON ap.region_id = b.region_id AND ap.id = b.parameter_id
           LEFT JOIN assessment a ON a.region_id = b.region_id AND a.person_id = b.person_id
                AND a.parameter_id = b.parameter_id AND a.stage = 'after'
           WHERE m.mentor_id = $1 AND m.status <> 'draft'
             AND EXISTS (SELECT 1 FROM consent c WHERE c.region_id = p.region_id AND c.person_id = p.id
                         AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL)
           GROUP BY p.sort_key, p.full_name, ap.position, ap.title, b.score, a.score
           ORDER BY p.sort_key, ap.position""",
        person_id,
    )
    training = [
        TrainingLine(
            title=t.programme_title,
            school=t.school_name,
            starts_on=t.starts_on,
            ends_on=t.ends_on,
            hours=t.hours_attended,
            outcome={"completed": "завершено", "not_completed": "не завершено"}.get(t.outcome or "", "идёт обучение"),
        )
        for t in await training_of([person_id])
    ]
    certificates = [
        CertificateLine(
            number=c.number, title=c.title, issued_on=c.issued_on, valid_until=c.valid_until, status=c.status()
        )
        for c in await certificates_of([person_id])
    ]
    contests = await contest_lines(person_id)
    return EvidencePack(
        person_id=person_id,
        full_name=person["full_name"],
        position=person["position"],
        organizations=sorted(person["organizations"]),
        made_on=today(),
        pairs=[
            PairLine(
                organization=r["organization"],
                form=r["form"],
                role_model=r["role_model"],
                mentees=list(r["mentees"]),
                group=len(r["mentees"]) > 1,
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                status=r["status"],
                meetings=len(r["meeting_dates"]),
                meeting_dates=list(r["meeting_dates"]),
            )
            for r in pairs
        ],
        results=[msgspec.convert(dict(r), ResultLine) for r in results],
        training=training,
        certificates=certificates,
        contests=contests,
        incentives=[i.line for i in await incentives_of([person_id], today())],
    )


# What both documents say, line by line -------------------------------------------------------------------------


def pair_title(pair: PairLine) -> str:
    kind = "Группа" if pair.group else "Пара"
    return f"{kind}: {', '.join(pair.mentees) or '—'}"


def pair_details(pair: PairLine) -> str:
    model = f", ролевая модель «{pair.role_model}»" if pair.role_model else ""
    return (
        f"{pair.organization}. Форма «{pair.form}»{model}. Период: {format_date(pair.starts_on)} — "
        f"{format_date(pair.ends_on)} ({PAIR_STATES.get(pair.status, pair.status)})."
    )


def meetings_text(pair: PairLine) -> str:
    if not pair.meetings:
        return "Встреч не записано."
    dates = ", ".join(format_date(d) for d in pair.meeting_dates)
    return f"Проведено {pair.meetings} {plural(pair.meetings, 'встреча', 'встречи', 'встреч')}: {dates}."


def summary(pack: EvidencePack) -> str:
    pairs = len(pack.pairs)
    return (
        f"Наставнических пар и групп: {pairs}; проведено встреч: {pack.meetings}; "
        f"обучение в школе наставников: {len(pack.training)}; свидетельств и сертификатов: {len(pack.certificates)}."
    )


def result_cells(line: ResultLine) -> list[str]:
    change = "" if line.after is None else f"{line.after - line.before:+d}"
    return [line.mentee, line.parameter, str(line.before), "" if line.after is None else str(line.after), change]


def training_cells(line: TrainingLine) -> list[str]:
    return [
        f"{line.title} ({line.school})",
        f"{format_date(line.starts_on)} — {format_date(line.ends_on)}",
        str(line.hours).replace(".", ","),
        line.outcome,
    ]


def certificate_cells(line: CertificateLine) -> list[str]:
    return [
        line.number,
        line.title,
        format_date(line.issued_on),
        format_date(line.valid_until) if line.valid_until else "бессрочно",
        CERTIFICATE_STATES.get(line.status, line.status),
    ]


RESULT_COLUMNS = ["Наставляемый", "Параметр", "До", "После", "Изменение"]
TRAINING_COLUMNS = ["Программа", "Даты", "Часов", "Итог"]
CERTIFICATE_COLUMNS = ["Номер", "Документ", "Выдан", "Действует до", "Статус"]


def docx_bytes(pack: EvidencePack) -> bytes:
    document = Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(12)
    document.add_heading(TITLE, level=1)
    document.add_paragraph(BASIS)
    document.add_paragraph(f"{pack.full_name}{', ' + pack.position if pack.position else ''}")
    document.add_paragraph(", ".join(pack.organizations))
    document.add_paragraph(f"Сформировано {format_date(pack.made_on)} по данным платформы «Наставник».")
    document.add_paragraph(summary(pack))

    document.add_heading("1. Наставнические пары и группы", level=2)
    if not pack.pairs:
        document.add_paragraph(NOT_RECORDED)
    for pair in pack.pairs:
        document.add_paragraph(pair_title(pair), style="List Bullet")
        document.add_paragraph(pair_details(pair))
        document.add_paragraph(meetings_text(pair))

    def table(columns: list[str], rows: list[list[str]]) -> None:
        grid = document.add_table(rows=1, cols=len(columns))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, columns, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = text

    document.add_heading("2. Результаты наставляемых (мониторинг «до — после», баллы из 10)", level=2)
    if pack.results:
        table(RESULT_COLUMNS, [result_cells(r) for r in pack.results])
    else:
        document.add_paragraph(NOT_RECORDED)
    document.add_heading("3. Обучение в школе наставников", level=2)
    if pack.training:
        table(TRAINING_COLUMNS, [training_cells(t) for t in pack.training])
    else:
        document.add_paragraph(NOT_RECORDED)
    document.add_heading("4. Свидетельства и сертификаты", level=2)
    if pack.certificates:
        table(CERTIFICATE_COLUMNS, [certificate_cells(c) for c in pack.certificates])
    else:
        document.add_paragraph(NOT_RECORDED)
    document.add_heading("5. Участие в конкурсах", level=2)
    if not pack.contests:
        document.add_paragraph(NOT_RECORDED)
    for line in pack.contests:
        document.add_paragraph(line, style="List Bullet")
    document.add_heading("6. Опубликованные кейсы наставнических практик", level=2)
    document.add_paragraph(NOT_RECORDED)
    document.add_heading("7. Поощрения", level=2)
    if not pack.incentives:
        document.add_paragraph(NOT_RECORDED)
    for line in pack.incentives:
        document.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(pack: EvidencePack) -> bytes:
    data = {
        "title": TITLE,
        "basis": BASIS,
        "holder": f"{pack.full_name}{', ' + pack.position if pack.position else ''}",
        "organizations": ", ".join(pack.organizations),
        "made": f"Сформировано {format_date(pack.made_on)} по данным платформы «Наставник».",
        "summary": summary(pack),
        "none": NOT_RECORDED,
        "pairs": [
            {"title": pair_title(p), "details": pair_details(p), "meetings": meetings_text(p)} for p in pack.pairs
        ],
        "results": {"columns": RESULT_COLUMNS, "rows": [result_cells(r) for r in pack.results]},
        "training": {"columns": TRAINING_COLUMNS, "rows": [training_cells(t) for t in pack.training]},
        "certificates": {"columns": CERTIFICATE_COLUMNS, "rows": [certificate_cells(c) for c in pack.certificates]},
        "contests": pack.contests,
        "incentives": pack.incentives,
    }
    return typeset(TEMPLATE, data)
