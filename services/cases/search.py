"""Russian full-text search of the published library: PostgreSQL's `russian` configuration stems both the cases and
the query («наставника» finds «наставник»), `websearch_to_tsquery` reads what people type (phrases in quotes, «-»
to exclude, «or»), `ts_rank_cd` orders by weight (title A, problem and results B, the rest C), and `ts_headline`
gives the fragment, marked with characters nobody types so that the text is escaped first and the marks turned into
<mark> after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from uuid import UUID

import msgspec
from markupsafe import Markup

from services.cases.library import MARKERS
from services.cases.records import COLUMNS, CaseRecord, to_record
from shared.db import current_connection

START, STOP = MARKERS
HEADLINE = f'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
TITLE_HEADLINE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
LIMIT = 100


@dataclass
class Filters:
    q: str = ""
    kind: str = ""  # "case", "material" or both
    form: str = ""  # a form's title, as the cases keep it
    role_model: str = ""
    organization_kind: str = ""
    municipality_id: str = ""
    year: str = ""
    tag: str = ""

    @property
    def any(self) -> bool:
        return any(getattr(self, name).strip() for name in self.__dataclass_fields__)


class Hit(msgspec.Struct, frozen=True, kw_only=True):
    case: CaseRecord
    rank: float
    fragment: str  # safe HTML: the escaped text with <mark> around the matches
    title_fragment: str  # the title, the same way

    @property
    def fragment_html(self) -> Markup:
        return Markup(self.fragment)  # noqa: S704 - escaped in `highlight`, only our <mark> added

    @property
    def title_html(self) -> Markup:
        return Markup(self.title_fragment)  # noqa: S704 - escaped in `highlight`


class Facets(msgspec.Struct, frozen=True, kw_only=True):
    region_id: UUID | None
    forms: list[str]
    role_models: list[str]
    organization_kinds: list[str]
    municipality_ids: list[UUID]
    years: list[int]
    tags: list[str]


def highlight(fragment: str) -> str:
    return escape(fragment).replace(START, "<mark>").replace(STOP, "</mark>")


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text.strip())
    except ValueError:
        return None


def _year(text: str) -> int | None:
    return int(text) if text.strip().isdigit() and len(text.strip()) == 4 else None


async def search(filters: Filters, limit: int = LIMIT) -> list[Hit]:
    """Published cases and materials the scope sees, best match first (newest first without a query)."""
    q = " ".join(filters.q.split())[:200]
    for marker in MARKERS:
        q = q.replace(marker, "")
    args: list[Any] = [
        q,
        filters.kind.strip(),
        filters.form.strip(),
        filters.role_model.strip(),
        filters.organization_kind.strip(),
        _uuid(filters.municipality_id),
        _year(filters.year),
        filters.tag.strip().lower(),
        limit,
    ]
    rows = await current_connection().fetch(
        f"""SELECT {COLUMNS},
                   CASE WHEN $1 = '' THEN 0 ELSE ts_rank_cd(c.search, query) END AS rank,
                   CASE WHEN $1 = '' THEN left(coalesce(nullif(c.problem, ''), c.results), 300)
                        ELSE ts_headline('russian', concat_ws(' ', c.problem, c.results, c.activities, c.goals,
                                 c.quotes), query, '{HEADLINE}') END AS fragment,
                   CASE WHEN $1 = '' THEN c.title
                        ELSE ts_headline('russian', c.title, query, '{TITLE_HEADLINE}') END AS title_fragment
            FROM practice_case c, websearch_to_tsquery('russian', $1) AS query
            WHERE c.status = 'published' AND ($1 = '' OR c.search @@ query)
              AND ($2 = '' OR c.kind = $2) AND ($3 = '' OR c.form_title = $3) AND ($4 = '' OR c.role_model_title = $4)
              AND ($5 = '' OR c.organization_kind = $5) AND ($6::uuid IS NULL OR c.municipality_id = $6)
              AND ($7::int IS NULL OR c.year = $7) AND ($8 = '' OR $8 = ANY(c.tags))
            ORDER BY rank DESC, c.published_at DESC, c.id
            LIMIT $9""",
        *args,
    )
    return [
        Hit(
            case=to_record(r),
            rank=float(r["rank"]),
            fragment=highlight(r["fragment"] or ""),
            title_fragment=highlight(r["title_fragment"] or ""),
        )
        for r in rows
    ]


async def facets() -> Facets:
    """What the filters offer: the values the published library actually has."""
    row = await current_connection().fetchrow(
        """SELECT array(SELECT DISTINCT form_title FROM practice_case WHERE status = 'published' AND form_title <> ''
                        ORDER BY 1) AS forms,
                  array(SELECT DISTINCT role_model_title FROM practice_case
                        WHERE status = 'published' AND role_model_title <> '' ORDER BY 1) AS role_models,
                  array(SELECT DISTINCT organization_kind FROM practice_case
                        WHERE status = 'published' AND organization_kind <> '' ORDER BY 1) AS organization_kinds,
                  array(SELECT DISTINCT municipality_id FROM practice_case
                        WHERE status = 'published' AND municipality_id IS NOT NULL) AS municipality_ids,
                  array(SELECT DISTINCT year FROM practice_case WHERE status = 'published' ORDER BY 1 DESC) AS years,
                  array(SELECT DISTINCT t FROM practice_case, unnest(tags) AS t WHERE status = 'published'
                        ORDER BY 1) AS tags,
                  app_uuid('app.region_id') AS region_id"""
    )
    return Facets(
        region_id=row["region_id"],
        forms=list(row["forms"]),
        role_models=list(row["role_models"]),
        organization_kinds=list(row["organization_kinds"]),
        municipality_ids=list(row["municipality_ids"]),
        years=[int(y) for y in row["years"]],
        tags=list(row["tags"]),
    )


async def published_cases(organization_id: UUID, since: datetime | None = None) -> int:
    """How many of the organization's cases are published now (a curator's certification counts them)."""
    count: int = await current_connection().fetchval(
        """SELECT count(*) FROM practice_case WHERE kind = 'case' AND status = 'published' AND organization_id = $1
             AND ($2::timestamptz IS NULL OR published_at >= $2)""",
        organization_id,
        since,
    )
    return count


class CaseBrief(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    year: int
    form_title: str


async def published_of(organization_id: UUID) -> list[CaseBrief]:
    """The organization's published cases, newest first: its public page lists them."""
    rows = await current_connection().fetch(
        """SELECT id, title, year, form_title FROM practice_case
           WHERE kind = 'case' AND status = 'published' AND organization_id = $1
           ORDER BY published_at DESC, id""",
        organization_id,
    )
    return [CaseBrief(id=r["id"], title=r["title"], year=r["year"], form_title=r["form_title"] or "") for r in rows]
