"""Cross-institution exports: the regional base, pairs and meetings, as XLSX, CSV (UTF-8 with BOM, `;`) or JSON.

Rows come from a server-side cursor and go straight to a file, so memory stays flat whatever the size; only
people with an active consent are exported, and the viewer's scope (RLS) bounds every row.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from services.registry import CONSENTED
from services.reports.indicators import COUNTERS
from shared.clock import ZONE
from shared.db import current_connection
from shared.downloads import download_name
from shared.spreadsheets import CsvWriter, csv_cell_sql, workbook

FORMATS = ("xlsx", "csv", "json")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def _name(alias: str) -> str:
    """A name in a pairs or meetings export only with its person's consent."""
    consented = CONSENTED.replace("p.region_id", f"{alias}.region_id").replace("p.id", f"{alias}.id")
    return f"CASE WHEN {consented} THEN {alias}.full_name ELSE '— (нет согласия)' END"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    kind: str = "text"  # text, date, number
    missing: str = ""  # what a spreadsheet shows for no value


@dataclass(frozen=True)
class Filters:
    municipality_id: UUID | None = None
    organization_id: UUID | None = None
    form_id: UUID | None = None
    starts_on: date | None = None
    ends_on: date | None = None


# $1 municipality, $2 organization, $3 form, $4 period start, $5 period end
IN_REACH = "($1::uuid IS NULL OR o.municipality_id = $1) AND ($2::uuid IS NULL OR o.id = $2)"
PAIRS_FILTER = f"""{IN_REACH} AND ($3::uuid IS NULL OR m.form_id = $3)
    AND ($5::date IS NULL OR m.starts_on <= $5)
    AND ($4::date IS NULL OR coalesce(m.finished_on, m.extended_to, m.ends_on) >= $4)"""

NO_CONTINGENT = "нет данных о контингенте"
INDICATOR_COLUMNS = [
    Column("municipality", "Муниципалитет", 30),
    Column("organization", "Организация", 40),
    Column("kind", "Вид организации", 24),
    Column("target", "Цель 70 % (общеобразовательные)", 12),
    Column("school_year", "Учебный год контингента", 12),
    Column("learners_contingent", "Обучающихся по контингенту (школы: 10–18 лет)", 16, "number", NO_CONTINGENT),
    Column("contingent_learners_involved", "Из них в наставничестве", 14, "number"),
    Column("learners_share", "Доля обучающихся от контингента, %", 14, "number", NO_CONTINGENT),
    Column("teachers_contingent", "Педагогов по контингенту", 14, "number", NO_CONTINGENT),
    Column("contingent_teachers_involved", "Из них в наставничестве", 14, "number"),
    Column("teachers_share", "Доля педагогов от контингента, %", 14, "number", NO_CONTINGENT),
    Column("learners", "Обучающихся 10–18 лет в базе с согласием", 14, "number"),
    Column("learners_involved", "Из них в наставничестве", 14, "number"),
    Column("base_learners_share", "Доля базы обучающихся в наставничестве, %", 14, "number"),
    Column("teachers", "Педагогов в базе с согласием", 14, "number"),
    Column("teachers_involved", "Из них в наставничестве", 14, "number"),
    Column("base_teachers_share", "Доля базы педагогов в наставничестве, %", 14, "number"),
    Column("pairs", "Пар и групп в работе", 12, "number"),
    Column("groups", "Из них групп", 10, "number"),
    Column("meetings", "Встреч", 10, "number"),
    Column("meetings_per_pair_month", "Встреч на пару в месяц", 12, "number"),
    Column("rhythm_share", "Пар со встречами не реже раза в две недели, %", 16, "number"),
    Column("completed", "Завершено пар", 10, "number"),
    Column("ended_early", "Завершено досрочно", 12, "number"),
    Column("events_held", "Мероприятий проведено", 12, "number"),
    Column("mentors", "Наставников в реестре", 12, "number"),
    Column("mentor_candidates", "Желающих стать наставниками", 14, "number"),
    Column("trained_mentors", "Обученных наставников", 12, "number"),
    Column("certified_curators", "Сертифицированных кураторов", 14, "number"),
    Column("programme", "Программа утверждена", 12),
    Column("computed_at", "Рассчитано", 17),
]
# The columns read as they are from the counters; the others are computed from them.
COUNTED = [c for c in INDICATOR_COLUMNS if c.key in COUNTERS]

KINDS: dict[str, tuple[str, list[Column], str]] = {
    "people": (
        "Региональная база участников",
        [
            Column("full_name", "ФИО", 36),
            Column("birth_date", "Дата рождения", 14, "date"),
            Column("category", "Категория", 18),
            Column("position", "Должность / класс", 24),
            Column("roles", "Роли", 30),
            Column("organization", "Организация", 40),
            Column("municipality", "Муниципалитет", 30),
        ],
        f"""SELECT p.full_name, p.birth_date,
                   CASE p.category WHEN 'learner' THEN 'обучающийся' WHEN 'staff' THEN 'педагог/сотрудник'
                        WHEN 'employer' THEN 'работодатель' WHEN 'graduate' THEN 'выпускник'
                        ELSE 'родитель' END AS category,
                   coalesce(nullif(p.position, ''), p.class_or_course) AS position,
                   string_agg(CASE pa.role WHEN 'mentee_candidate' THEN 'наставляемый' WHEN 'mentor_candidate'
                        THEN 'кандидат в наставники' WHEN 'mentor' THEN 'наставник' ELSE 'куратор' END, ', '
                        ORDER BY pa.role) AS roles,
                   coalesce(nullif(o.short_name, ''), o.name) AS organization, mu.name AS municipality
            FROM person p
            JOIN participation pa ON pa.region_id = p.region_id AND pa.person_id = p.id AND pa.archived_at IS NULL
            JOIN organization o ON o.region_id = pa.region_id AND o.id = pa.organization_id
            JOIN municipality mu ON mu.region_id = o.region_id AND mu.id = o.municipality_id
            WHERE p.merged_into IS NULL AND {CONSENTED} AND {IN_REACH}
              AND $3::uuid IS NULL AND ($4::date IS NULL OR $5::date IS NULL OR $4 <= $5)
            GROUP BY p.region_id, p.id, o.region_id, o.id, mu.name, mu.sort_key
            ORDER BY mu.sort_key, o.sort_key, p.sort_key""",
    ),
    "pairs": (
        "Наставнические пары и группы",
        [
            Column("mentor", "Наставник", 32),
            Column("mentees", "Наставляемые", 40),
            Column("form", "Форма", 26),
            Column("role_model", "Ролевая модель", 30),
            Column("status", "Состояние", 16),
            Column("starts_on", "Начало", 12, "date"),
            Column("ends_on", "Окончание", 12, "date"),
            Column("meetings", "Встреч", 9, "number"),
            Column("organization", "Организация", 40),
            Column("municipality", "Муниципалитет", 30),
        ],
        f"""SELECT {_name("mp")} AS mentor,
                   (SELECT string_agg({_name("me")}, ', ' ORDER BY me.sort_key) FROM mentorship_mentee mm
                    JOIN person me ON me.region_id = mm.region_id AND me.id = mm.mentee_id
                    WHERE mm.region_id = m.region_id AND mm.mentorship_id = m.id) AS mentees,
                   f.title AS form, r.title AS role_model,
                   CASE m.status WHEN 'draft' THEN 'проект' WHEN 'approved' THEN 'утверждена'
                        WHEN 'active' THEN 'работает' WHEN 'completed' THEN 'завершена'
                        ELSE 'завершена досрочно' END AS status,
                   m.starts_on, coalesce(m.finished_on, m.extended_to, m.ends_on) AS ends_on,
                   (SELECT count(*) FROM meeting x
                    WHERE x.region_id = m.region_id AND x.mentorship_id = m.id) AS meetings,
                   coalesce(nullif(o.short_name, ''), o.name) AS organization, mu.name AS municipality
            FROM mentorship m
            JOIN person mp ON mp.region_id = m.region_id AND mp.id = m.mentor_id
            JOIN mentorship_form f ON f.id = m.form_id LEFT JOIN role_model r ON r.id = m.role_model_id
            JOIN organization o ON o.region_id = m.region_id AND o.id = m.organization_id
            JOIN municipality mu ON mu.region_id = o.region_id AND mu.id = o.municipality_id
            WHERE {PAIRS_FILTER}
            ORDER BY mu.sort_key, o.sort_key, mp.sort_key""",
    ),
    "meetings": (
        "Встречи наставнических пар",
        [
            Column("held_on", "Дата", 12, "date"),
            Column("kind", "Встреча", 24),
            Column("format", "Формат", 14),
            Column("minutes", "Минут", 8, "number"),
            Column("mentor", "Наставник", 32),
            Column("organization", "Организация", 40),
            Column("municipality", "Муниципалитет", 30),
        ],
        f"""SELECT x.held_on,
                   CASE x.kind WHEN 'acquaintance' THEN 'знакомство' WHEN 'trial' THEN 'пробная'
                        WHEN 'planning' THEN 'планирование' WHEN 'regular' THEN 'регулярная'
                        ELSE 'итоговая' END AS kind,
                   CASE x.format WHEN 'in_person' THEN 'очно' WHEN 'chat' THEN 'переписка' WHEN 'call' THEN 'созвон'
                        ELSE 'видео' END AS format,
                   x.minutes, {_name("mp")} AS mentor,
                   coalesce(nullif(o.short_name, ''), o.name) AS organization, mu.name AS municipality
            FROM meeting x JOIN mentorship m ON m.region_id = x.region_id AND m.id = x.mentorship_id
            JOIN person mp ON mp.region_id = m.region_id AND mp.id = m.mentor_id
            JOIN organization o ON o.region_id = m.region_id AND o.id = m.organization_id
            JOIN municipality mu ON mu.region_id = o.region_id AND mu.id = o.municipality_id
            WHERE {IN_REACH} AND ($3::uuid IS NULL OR m.form_id = $3)
              AND ($4::date IS NULL OR x.held_on >= $4) AND ($5::date IS NULL OR x.held_on <= $5)
            ORDER BY x.held_on, mu.sort_key, o.sort_key""",
    ),
    "indicators": (
        "Показатели по организациям",
        INDICATOR_COLUMNS,
        f"""SELECT mu.name AS municipality, coalesce(nullif(o.short_name, ''), o.name) AS organization,
                   CASE o.kind WHEN 'school' THEN 'общеобразовательная' WHEN 'college' THEN 'профессиональная'
                        WHEN 'additional' THEN 'дополнительного образования' ELSE 'другая' END AS kind,
                   CASE WHEN o.kind = 'school' THEN 'да' ELSE 'нет' END AS target,
                   CASE WHEN c.organization_id IS NOT NULL
                        THEN c.school_year || '/' || lpad(((c.school_year + 1) % 100)::text, 2, '0') END AS school_year,
                   {", ".join(f"(f.counts->>'{c.key}')::integer AS {c.key}" for c in COUNTED)},
                   x.learners_contingent, x.teachers_contingent,
                   CASE WHEN x.learners_contingent IS NOT NULL THEN x.learners_numerator END
                       AS contingent_learners_involved,
                   CASE WHEN x.learners_contingent IS NOT NULL THEN (f.counts->>'teachers_involved')::integer END
                       AS contingent_teachers_involved,
                   round(100.0 * x.learners_numerator / nullif(x.learners_contingent, 0), 1)::float8 AS learners_share,
                   round(100.0 * (f.counts->>'teachers_involved')::integer
                         / nullif(x.teachers_contingent, 0), 1)::float8 AS teachers_share,
                   round(100.0 * (f.counts->>'learners_involved')::integer
                         / nullif((f.counts->>'learners')::integer, 0), 1)::float8 AS base_learners_share,
                   round(100.0 * (f.counts->>'teachers_involved')::integer
                         / nullif((f.counts->>'teachers')::integer, 0), 1)::float8 AS base_teachers_share,
                   round((f.counts->>'meetings')::numeric
                         / nullif((f.counts->>'pair_days')::numeric / 30.44, 0), 2)::float8 AS meetings_per_pair_month,
                   round(100.0 * (f.counts->>'rhythm_ok')::integer
                         / nullif((f.counts->>'rhythm_pairs')::integer, 0), 1)::float8 AS rhythm_share,
                   CASE WHEN (f.counts->>'organizations_with_programme')::integer > 0 THEN 'да' ELSE 'нет' END
                       AS programme,
                   f.computed_at
            FROM indicator_fact f
            JOIN organization o ON o.region_id = f.region_id AND o.id = f.organization_id
            JOIN municipality mu ON mu.region_id = o.region_id AND mu.id = o.municipality_id
            LEFT JOIN organization_contingent c ON c.region_id = o.region_id AND c.organization_id = o.id
                AND c.school_year = extract(year FROM f.ends_on - interval '8 months')::smallint
            CROSS JOIN LATERAL (SELECT
                CASE WHEN o.kind = 'school' THEN c.learners_10_18 ELSE c.learners_total END AS learners_contingent,
                CASE WHEN (CASE WHEN o.kind = 'school' THEN c.learners_10_18 ELSE c.learners_total END) IS NOT NULL
                     THEN c.teachers END AS teachers_contingent,
                CASE WHEN o.kind = 'school' THEN (f.counts->>'learners_involved')::integer
                     ELSE coalesce((f.counts->>'learners_any_involved')::integer, 0) END AS learners_numerator) x
            WHERE {IN_REACH} AND $3::uuid IS NULL AND f.starts_on = $4 AND f.ends_on = $5
            ORDER BY mu.sort_key, o.sort_key""",
    ),
}


def filename(kind: str, fmt: str, day: date) -> str:
    return download_name(KINDS[kind][0], day, extension=fmt)


async def rows(kind: str, filters: Filters, batch: int = 2000) -> AsyncIterator[dict[str, Any]]:
    """The export's rows from a server-side cursor: only `batch` rows in memory at a time."""
    _, _, query = KINDS[kind]
    async for record in current_connection().cursor(query, *_args(filters), prefetch=batch):
        yield dict(record)


async def count(kind: str, filters: Filters) -> int:
    _, _, query = KINDS[kind]
    value = await current_connection().fetchval(f"SELECT count(*) FROM ({query}) q", *_args(filters))
    return int(value)


def _sql_text(column: Column, expression: str, type_name: str) -> str:
    """The cell as `_text` and `CsvWriter` make it, in SQL: дд.мм.гггг, a decimal comma, the column's word for no
    value, a leading «'» before what a spreadsheet would read as a formula; NULL for an empty cell, which COPY
    writes unquoted, as Python's csv does."""
    if type_name == "date":
        shown = f"to_char({expression}, 'DD.MM.YYYY')"
    elif type_name in ("timestamptz", "timestamp"):
        shown = f"to_char({expression} AT TIME ZONE '{ZONE.key}', 'DD.MM.YYYY HH24:MI')"
    elif type_name in ("float4", "float8"):  # Python's str(): 33.0 is «33,0», where PostgreSQL says «33»
        shown = (
            f"CASE WHEN {expression} = trunc({expression}) AND abs({expression}) < 1e15"
            f" THEN trunc({expression})::bigint::text || ',0' ELSE replace({expression}::text, '.', ',') END"
        )
    elif type_name == "numeric":
        shown = f"replace({expression}::text, '.', ',')"
    else:
        shown = f"{expression}::text"
    missing = column.missing.replace("'", "''")
    return f"nullif(coalesce(nullif({shown}, ''), '{missing}'), '')"


async def _formatted(kind: str, *, typed: bool) -> str:
    """The kind's query with its cells as text, formatted in SQL; `typed` keeps dates and numbers as they are, for
    a spreadsheet's own cells, and the rest needs no neutralising there (its strings are never formulas)."""
    _, columns, query = KINDS[kind]
    statement = await current_connection().prepare(query)
    types = {a.name: a.type.name for a in statement.get_attributes()}
    cells = []
    for c in columns:
        if typed and c.kind in ("date", "number"):
            cells.append(f"q.{c.key}")
        elif typed:
            cells.append(_sql_text(c, f"q.{c.key}", types[c.key]))
        else:
            cells.append(csv_cell_sql(_sql_text(c, f"q.{c.key}", types[c.key])))
    return f"SELECT {', '.join(cells)} FROM ({query}) q"


def _args(filters: Filters) -> tuple[Any, ...]:
    return (filters.municipality_id, filters.organization_id, filters.form_id, filters.starts_on, filters.ends_on)


async def copy_csv(kind: str, filters: Filters, path: Path, progress: Callable[[int], None] | None = None) -> int:
    """The CSV as PostgreSQL's COPY writes it, every cell formatted in SQL (the header and the BOM from here),
    the scope still bounded by RLS; `progress` hears the lines written so far (a name with a line break in it
    counts twice, until the COPY's own count at the end)."""
    _, columns, _ = KINDS[kind]
    query = await _formatted(kind, typed=False)
    with path.open("w", encoding="utf-8-sig", newline="") as header:
        CsvWriter(header, delimiter=";", lineterminator="\n").writerow([c.title for c in columns])
    lines = 0
    with path.open("ab") as body:

        async def output(chunk: bytes) -> None:
            nonlocal lines
            body.write(chunk)
            lines += chunk.count(b"\n")
            if progress is not None:
                progress(lines)

        status = await current_connection().copy_from_query(
            query, *_args(filters), output=output, format="csv", delimiter=";"
        )
    return int(status.split()[-1])


async def write(
    kind: str, fmt: str, filters: Filters, path: Path, progress: Callable[[int], None] | None = None
) -> int:
    """Writes the file and answers the number of rows; `progress` hears the count every thousand rows."""
    title, columns, _ = KINDS[kind]
    written = 0

    def tick(done: int) -> None:
        if progress and done % 1000 == 0:
            progress(done)

    if fmt == "xlsx":
        book = workbook(str(path), {"constant_memory": True, "default_date_format": "dd.mm.yyyy"})
        sheet = book.add_worksheet(title[:31])
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        dated = book.add_format({"num_format": "dd.mm.yyyy"})
        for n, column in enumerate(columns):
            sheet.set_column(n, n, column.width)
            sheet.write_string(0, n, column.title, header)
        sheet.freeze_panes(1, 0)
        # Text comes formatted from SQL; only dates and numbers are typed here, each column's writer chosen once.
        plan = [(n, c.kind, c.missing) for n, c in enumerate(columns)]
        write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
        query = await _formatted(kind, typed=True)
        async for row in current_connection().cursor(query, *_args(filters), prefetch=5000):
            written += 1
            for n, cell_kind, missing in plan:
                value = row[n]
                if value is None:
                    write_string(written, n, missing)
                elif cell_kind == "date":
                    write_datetime(written, n, value, dated)
                elif cell_kind == "number":
                    write_number(written, n, value)
                else:
                    write_string(written, n, value)
            tick(written)
        sheet.autofilter(0, 0, max(written, 1), len(columns) - 1)
        book.close()
        return written
    if fmt == "csv":
        return await copy_csv(kind, filters, path, progress)
    with path.open("w", encoding="utf-8", newline="") as handle:
        written = await _json(kind, filters, columns, handle, tick)
    return written


async def _json(
    kind: str, filters: Filters, columns: list[Column], handle: IO[str], tick: Callable[[int], None]
) -> int:
    written = 0
    handle.write("[")
    async for row in rows(kind, filters):
        item = {c.key: (row[c.key].isoformat() if isinstance(row[c.key], date) else row[c.key]) for c in columns}
        handle.write(("," if written else "") + "\n" + json.dumps(item, ensure_ascii=False, default=str))
        written += 1
        tick(written)
    handle.write("\n]\n")
    return written
