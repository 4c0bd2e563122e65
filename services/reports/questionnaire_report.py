"""«Отчёт по результатам анкетирования» of a programme: the mentees' requests and the mentors' offers side by side
(themes, meeting times, how many answered of how many were asked) and the mentors' training needs; a page and XLSX.

The people are the programme's organization's bases (the registry's participation roles), their latest answer to
the base's questionnaire, only while their consent to the processing of personal data is active. Nothing personal
is shown: counts only.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from shared.actor import Actor
from shared.audit import audit
from shared.clock import today
from shared.db import current_connection
from shared.downloads import download_headers, download_name
from shared.errors import NotFound
from shared.pages import page
from shared.spreadsheets import workbook as new_workbook
from tenants import Role, allow

VIEWERS = (Role.regional_coordinator, Role.municipal_coordinator, Role.curator, Role.head)
MENTEE_CODE, MENTOR_CODE = "mentee_needs", "mentor_offer"
MENTEE_ROLES, MENTOR_ROLES = ["mentee_candidate"], ["mentor_candidate", "mentor"]


class Side(msgspec.Struct, kw_only=True):
    """One side's response: people in the base, those asked (sent a link or answered), those who answered."""

    in_base: int
    asked: int
    answered: int


class Compared(msgspec.Struct, frozen=True, kw_only=True):
    """A theme or a time: how many mentees ask for it and how many mentors offer it."""

    value: str
    mentees: int
    mentors: int


class Counted(msgspec.Struct, frozen=True, kw_only=True):
    value: str
    count: int


class QuestionnaireReport(msgspec.Struct, kw_only=True):
    programme_id: UUID
    programme_title: str
    organization_name: str
    starts_on: date
    ends_on: date
    mentees: Side
    mentors: Side
    themes: list[Compared]
    times: list[Compared]
    frequency: list[Counted]
    training: list[Counted]
    training_other: int  # mentors who named something else to learn

    @property
    def unmet_themes(self) -> list[str]:
        """Themes mentees ask for that no mentor offers: the curator looks for mentors there."""
        return [row.value for row in self.themes if row.mentees and not row.mentors]


async def _side(organization_id: UUID, roles: list[str], code: str) -> tuple[Side, list[dict[str, Any]]]:
    connection = current_connection()
    rows = await connection.fetch(
        """WITH base AS (
               SELECT DISTINCT pa.person_id FROM participation pa
               JOIN person p ON p.region_id = pa.region_id AND p.id = pa.person_id
               WHERE pa.organization_id = $1 AND pa.role = ANY($2::text[]) AND pa.archived_at IS NULL
                 AND p.merged_into IS NULL AND p.destroyed_at IS NULL
                 AND EXISTS (SELECT 1 FROM consent c WHERE c.region_id = p.region_id AND c.person_id = p.id
                             AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL))
           SELECT b.person_id,
                  EXISTS (SELECT 1 FROM questionnaire_request r JOIN questionnaire_template t ON t.id = r.template_id
                          WHERE r.person_id = b.person_id AND r.organization_id = $1 AND t.code = $3) AS sent,
                  (SELECT a.answers FROM questionnaire_answer a JOIN questionnaire_template t ON t.id = a.template_id
                   WHERE a.person_id = b.person_id AND a.organization_id = $1 AND t.code = $3
                   ORDER BY a.submitted_at DESC LIMIT 1) AS answers
           FROM base b""",
        organization_id,
        roles,
        code,
    )
    answers = [row["answers"] for row in rows if row["answers"] is not None]
    asked = sum(1 for row in rows if row["sent"] or row["answers"] is not None)
    return Side(in_base=len(rows), asked=asked, answered=len(answers)), answers


def _values(answers: list[dict[str, Any]], key: str) -> Counter[str]:
    """How many people chose each value (each person once per value)."""
    found: Counter[str] = Counter()
    for answer in answers:
        value = answer.get(key)
        chosen = value if isinstance(value, list) else [value] if isinstance(value, str) and value else []
        found.update(set(chosen))
    return found


def _compared(mentees: Counter[str], mentors: Counter[str]) -> list[Compared]:
    values = sorted(set(mentees) | set(mentors), key=lambda v: (-mentees[v], -mentors[v], v))
    return [Compared(value=v, mentees=mentees[v], mentors=mentors[v]) for v in values]


def _counted(found: Counter[str]) -> list[Counted]:
    return [Counted(value=v, count=n) for v, n in sorted(found.items(), key=lambda item: (-item[1], item[0]))]


async def questionnaire_report(programme_id: UUID) -> QuestionnaireReport:
    """The report of an organization's programme, as far as the caller's scope sees it."""
    programme = await current_connection().fetchrow(
        """SELECT pr.id, pr.title, pr.organization_id, pr.starts_on, pr.ends_on,
                  coalesce(nullif(o.short_name, ''), o.name) AS organization_name
           FROM programme pr JOIN organization o ON o.region_id = pr.region_id AND o.id = pr.organization_id
           WHERE pr.id = $1""",
        programme_id,
    )
    if programme is None:
        raise NotFound()
    organization_id = programme["organization_id"]
    mentees, asked = await _side(organization_id, MENTEE_ROLES, MENTEE_CODE)
    mentors, offered = await _side(organization_id, MENTOR_ROLES, MENTOR_CODE)
    return QuestionnaireReport(
        programme_id=programme["id"],
        programme_title=programme["title"],
        organization_name=programme["organization_name"],
        starts_on=programme["starts_on"],
        ends_on=programme["ends_on"],
        mentees=mentees,
        mentors=mentors,
        themes=_compared(_values(asked, "tags"), _values(offered, "tags")),
        times=_compared(_values(asked, "time"), _values(offered, "time")),
        frequency=_counted(_values(offered, "frequency")),
        training=_counted(_values(offered, "training")),
        training_other=sum(1 for a in offered if str(a.get("training_other") or "").strip()),
    )


def report_xlsx(report: QuestionnaireReport) -> bytes:
    """The same tables on one sheet each, set up to print on A4 landscape, fit to width, the header repeated."""
    buffer = io.BytesIO()
    book = new_workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True})

    def sheet(name: str, titles: list[str], rows: list[list[str | int]], widths: list[int]) -> None:
        ws = book.add_worksheet(name)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(2)
        ws.write_string(0, 0, f"{report.organization_name}: {report.programme_title}", bold)
        for column, (title, width) in enumerate(zip(titles, widths, strict=True)):
            ws.write_string(2, column, title, header)
            ws.set_column(column, column, width)
        for n, row in enumerate(rows, start=3):
            for column, value in enumerate(row):
                if isinstance(value, str):
                    ws.write_string(n, column, value)
                else:
                    ws.write_number(n, column, value)
        ws.freeze_panes(3, 0)

    sides = [("Наставляемые", report.mentees), ("Наставники и кандидаты", report.mentors)]
    sheet(
        "Охват",
        ["Кто", "В базе", "Получили анкету", "Ответили"],
        [[name, s.in_base, s.asked, s.answered] for name, s in sides],
        [28, 12, 16, 12],
    )
    sheet(
        "Запросы и предложения",
        ["Тема", "Запрашивают наставляемые", "Предлагают наставники"],
        [[row.value, row.mentees, row.mentors] for row in report.themes],
        [32, 18, 18],
    )
    sheet(
        "Время встреч",
        ["Время", "Наставляемым удобно", "Наставникам удобно"],
        [[row.value, row.mentees, row.mentors] for row in report.times],
        [32, 18, 18],
    )
    training: list[list[str | int]] = [[row.value, row.count] for row in report.training]
    if report.training_other:
        training.append(["Другое (своими словами)", report.training_other])
    sheet("Обучение наставников", ["Потребность в обучении", "Наставников"], training, [44, 14])
    book.close()
    return buffer.getvalue()


@get("/reports/questionnaires/{programme_id:uuid}", guards=[allow(*VIEWERS)])
async def report_page(actor: NamedDependency[Actor], programme_id: FromPath[UUID]) -> Template:
    report = await questionnaire_report(programme_id)
    await audit(actor, "view", None, "отчёт по результатам анкетирования")
    return page("reports/questionnaire_report.html", report=report)


@get("/reports/questionnaires/{programme_id:uuid}/xlsx", guards=[allow(*VIEWERS)])
async def report_download(actor: NamedDependency[Actor], programme_id: FromPath[UUID]) -> Response[bytes]:
    report = await questionnaire_report(programme_id)
    await audit(actor, "export", None, "отчёт по результатам анкетирования, XLSX")
    return Response(
        report_xlsx(report),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=download_headers(download_name("Отчёт по анкетированию", today(), extension="xlsx")),
    )


page_router = Router(path="/", route_handlers=[report_page, report_download], include_in_schema=False)
