"""A finished panel's documents: the protocol (DOCX, the jury's names with lines for signature), the scores (XLSX,
every juror's points per criterion), and the diplomas and participants' certificates of the final stage."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import msgspec
from docx import Document
from docx.shared import Pt

from services.certificates import CertificateDraft, CertificateKind, issue_certificate
from services.contests.records import (
    ENTRY_LABELS,
    ContestRecord,
    EntryRecord,
    criteria_of,
    entries_of,
    get_application,
    get_contest,
    get_nomination,
    get_panel,
    get_stage,
    jurors_of,
    stages_of,
)
from services.contests.scoring import TRIM_FROM
from services.contests.tables import ContestEntry, EntryState, Level, PanelStatus, VotingMode
from shared.actor import Actor
from shared.audit import audit
from shared.db import current_connection
from shared.errors import ValidationFailed
from shared.i18n import format_date, format_number
from shared.spreadsheets import workbook
from tenants import get_municipality, get_organization, organization_names

DEGREES = {1: "I", 2: "II", 3: "III"}


@dataclass(frozen=True)
class Line:
    entry: EntryRecord
    nominee: str
    organization: str


async def _lines(panel_id: UUID) -> list[Line]:
    entries = [e for e in await entries_of(panel_id) if e.state != EntryState.withdrawn]
    names = await organization_names(list({e.organization_id for e in entries}))
    lines = []
    for entry in entries:
        application = await get_application(entry.application_id)
        lines.append(Line(entry, application.full_name, names.get(entry.organization_id, "")))
    return lines


async def _finished(panel_id: UUID) -> None:
    if (await get_panel(panel_id)).status != PanelStatus.finished:
        raise ValidationFailed({"panel": "Документы готовятся после завершения этапа"})


async def organizer_name(contest: ContestRecord) -> str:
    if contest.level == Level.organization and contest.organization_id:
        return (await get_organization(contest.organization_id)).name
    if contest.level == Level.municipality and contest.municipality_id:
        return (await get_municipality(contest.municipality_id)).name
    row = await current_connection().fetchval("SELECT name FROM region WHERE id = $1", contest.region_id)
    return str(row or "")


def _number(value: object) -> str:
    return "—" if value is None else format_number(float(value))  # type: ignore[arg-type]


async def protocol_docx(panel_id: UUID) -> bytes:
    await _finished(panel_id)
    panel = await get_panel(panel_id)
    contest, stage = await get_contest(panel.contest_id), await get_stage(panel.stage_id)
    nomination = await get_nomination(panel.nomination_id)
    jurors = await jurors_of(panel_id)
    lines = await _lines(panel_id)
    unit = ""
    if panel.municipality_id and panel.level == Level.municipality:
        unit = (await get_municipality(panel.municipality_id)).name
    document = Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(12)
    document.add_heading("ПРОТОКОЛ", level=1)
    document.add_paragraph(
        f"заседания жюри конкурса «{contest.title}», номинация «{nomination.title}», {stage.label.lower()}"
        + (f" ({unit})" if unit else "")
    )
    document.add_paragraph(f"Организатор: {await organizer_name(contest)}")
    document.add_paragraph(
        f"Экспертиза: {format_date(stage.review_from)} — {format_date(stage.review_until)}; "
        f"дата протокола: {format_date(panel.finished_at.date()) if panel.finished_at else ''}"
    )
    document.add_heading("Состав жюри", level=2)
    for juror in jurors:
        role = "председатель" if juror.is_chair else "член жюри"
        document.add_paragraph(f"{juror.full_name}{', ' + juror.position if juror.position else ''} — {role}")
    method = (
        f"Оценка жюри — среднее итогов оценочных листов (сумма баллов по критериям с весами); при {TRIM_FROM} и более "
        "членах жюри наивысший и наименьший итоги не учитываются. При равенстве — по критерию равенства, затем решение "
        "председателя."
    )
    if nomination.voting_mode == VotingMode.weighted:
        method += f" Доля народного голосования в итоге — {format_number(float(nomination.voting_weight) * 100)} %."
    document.add_paragraph(method)
    document.add_heading("Результаты", level=2)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells, ("Место", "Участник", "Организация", "Оценка жюри", "Итог", "Решение"), strict=True
    ):
        cell.text = title
    for line in lines:
        e = line.entry
        row = table.add_row().cells
        row[0].text = str(e.place or e.rank or "")
        row[1].text = line.nominee + (" (приз зрительских симпатий)" if e.audience_prize else "")
        row[2].text = line.organization
        row[3].text = _number(e.jury_score)
        row[4].text = _number(e.total)
        row[5].text = ENTRY_LABELS[e.state] + (f"; {e.tie_note}" if e.tie_note else "")
    document.add_heading("Подписи", level=2)
    for juror in jurors:
        document.add_paragraph(f"{juror.full_name} ____________________")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


async def scores_xlsx(panel_id: UUID) -> bytes:
    await _finished(panel_id)
    panel = await get_panel(panel_id)
    criteria = await criteria_of(panel.stage_id, panel.nomination_id)
    jurors = {j.id: j.full_name for j in await jurors_of(panel_id)}
    lines = {line.entry.id: line for line in await _lines(panel_id)}
    rows = await current_connection().fetch(
        """SELECT s.entry_id, s.juror_id, c.criterion_id, c.points FROM contest_sheet s
           JOIN contest_score c ON c.region_id = s.region_id AND c.sheet_id = s.id
           WHERE s.panel_id = $1 AND s.submitted_at IS NOT NULL""",
        panel_id,
    )
    points: dict[tuple[UUID, UUID], dict[UUID, object]] = {}
    for r in rows:
        points.setdefault((r["entry_id"], r["juror_id"]), {})[r["criterion_id"]] = r["points"]
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Оценки")
    header = ["Участник", "Организация", "Член жюри", *(c.title for c in criteria), "Итог листа"]
    for col, title in enumerate(header):
        sheet.write_string(0, col, title)
    weights = {c.id: c.weight for c in criteria}
    row_no = 1
    for (entry_id, juror_id), values in sorted(
        points.items(), key=lambda kv: (str(lines[kv[0][0]].nominee), str(kv[0][1]))
    ):
        line = lines.get(entry_id)
        if line is None:
            continue
        sheet.write_string(row_no, 0, line.nominee)
        sheet.write_string(row_no, 1, line.organization)
        sheet.write_string(row_no, 2, jurors.get(juror_id, ""))
        total = 0.0
        for offset, criterion in enumerate(criteria):
            value = values.get(criterion.id)
            if value is not None:
                sheet.write_number(row_no, 3 + offset, float(value))  # type: ignore[arg-type]
                total += float(value) * float(weights[criterion.id])  # type: ignore[arg-type]
        sheet.write_number(row_no, 3 + len(criteria), round(total, 2))
        row_no += 1
    book.close()
    return buffer.getvalue()


NO_SIGNATORY = "Укажите, кто подписывает дипломы"
NO_POSITION = "Укажите должность того, кто подписывает дипломы"


async def check_diplomas(panel_id: UUID, signatory: tuple[str, str]) -> None:
    """What the diplomas need before any is issued: asked before the job is queued, so the page says it at once."""
    await _finished(panel_id)
    panel = await get_panel(panel_id)
    stage = await get_stage(panel.stage_id)
    if stage.position != max(s.position for s in await stages_of(panel.contest_id)):
        raise ValidationFailed({"panel": "Дипломы выдаются по итогам заключительного этапа"})
    errors = {}
    if not signatory[0].strip():
        errors["signatory_name"] = NO_SIGNATORY
    if not signatory[1].strip():
        errors["signatory_position"] = NO_POSITION
    if errors:
        raise ValidationFailed(errors)


class Issued(msgspec.Struct, frozen=True, kw_only=True):
    issued: int  # documents issued by this run
    already: int  # entries that held theirs before it
    entries: int


async def issue_diplomas(
    actor: Actor,
    panel_id: UUID,
    issued_on: date,
    signatory: tuple[str, str],
    progress: Callable[[int, int], None] | None = None,
) -> Issued:
    """Diplomas of places 1–3 and the audience prize, participants' certificates of the rest, at the final stage;
    each entry keeps its document's id, so issuing again issues nothing twice. Counts of issued, already held and
    entries. Two runs for one panel take turns: the second sees what the first committed."""
    await current_connection().execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('contest-diplomas:' || $1::text, 0))", str(panel_id)
    )
    await check_diplomas(panel_id, signatory)
    panel = await get_panel(panel_id)
    contest = await get_contest(panel.contest_id)
    nomination = await get_nomination(panel.nomination_id)
    issuer = await organizer_name(contest)
    lines = await _lines(panel_id)
    issued = already = 0
    for n, line in enumerate(lines, start=1):
        entry = line.entry
        if entry.certificate_id is not None:
            already += 1
        else:
            await _issue_one(actor, entry, contest, nomination.title, issuer, issued_on, signatory)
            issued += 1
        if progress is not None:
            progress(n, len(lines))
    await audit(actor, "contest.diplomas", None, f"panel={panel_id}; issued={issued}")
    return Issued(issued=issued, already=already, entries=len(lines))


async def _issue_one(
    actor: Actor,
    entry: EntryRecord,
    contest: ContestRecord,
    nomination: str,
    issuer: str,
    issued_on: date,
    signatory: tuple[str, str],
) -> None:
    application = await get_application(entry.application_id)
    if entry.place:
        kind = CertificateKind.diploma
        title = f"Диплом {DEGREES[entry.place]} степени в номинации «{nomination}» конкурса «{contest.title}»"
    elif entry.audience_prize:
        kind = CertificateKind.diploma
        title = f"Приз зрительских симпатий в номинации «{nomination}» конкурса «{contest.title}»"
    else:
        kind, title = CertificateKind.participant, f"«{contest.title}», номинация «{nomination}»"
    certificate = await issue_certificate(
        actor,
        CertificateDraft(
            kind=kind,
            organization_id=entry.organization_id,
            person_id=application.person_id,
            holder_name=application.full_name,
            title=title,
            issued_on=issued_on,
            source_kind="contest_entry",
            source_id=entry.id,
            issuer_name=issuer,
            issuer_organization_id=contest.organization_id,
            issuer_municipality_id=contest.municipality_id,
            signatory_name=signatory[0].strip(),
            signatory_position=signatory[1].strip(),
        ),
    )
    await ContestEntry.update({ContestEntry.certificate_id: certificate.id}).where(ContestEntry.id == entry.id).run()
