"""The curator's portfolio, assembled from the platform's own data at the moment of assembling: each criterion's
count, its points (count × points per item, at most the criterion's maximum) and the uploads that back it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec
from dateutil.relativedelta import relativedelta

from services.cases import published_cases
from services.certification.rounds import CriterionRecord, RoundRecord
from services.certification.tables import CriterionSource
from services.contests import contest_results_of
from services.mentoring import completed_pairs
from services.monitoring import reports_on_time
from services.programmes import Owner, current_programme, workspace_summary
from services.school import completed_hours
from shared.clock import now
from shared.i18n import format_number


class PortfolioItem(msgspec.Struct, frozen=True, kw_only=True):
    criterion_id: UUID
    source: str
    title: str
    count: Decimal
    points: Decimal
    max_points: Decimal
    required: bool
    uploads: int = 0
    note: str = ""  # what was counted


class Portfolio(msgspec.Struct, frozen=True, kw_only=True):
    assembled_at: datetime | None = None
    items: list[PortfolioItem] = msgspec.field(default_factory=list)
    school_hours: Decimal = Decimal(0)
    curator_since: date | None = None
    curator_months: int = 0

    @property
    def auto_points(self) -> Decimal:
        return sum((i.points for i in self.items if i.source != CriterionSource.manual), Decimal(0))


def encode(portfolio: Portfolio) -> str:
    return msgspec.json.encode(portfolio).decode()


def decode(value: object) -> Portfolio:
    """The stored JSONB (text, or already parsed); an empty one is a portfolio not assembled yet."""
    if isinstance(value, str):
        return msgspec.json.decode(value or "{}", type=Portfolio)
    return msgspec.convert(value or {}, Portfolio)


def months_between(start: date, end: date) -> int:
    delta = relativedelta(end, start)
    return max(delta.years * 12 + delta.months, 0)


def contest_note(count: int) -> str:
    """What the contest results criterion counted, worded once for the live portfolio and the demo's."""
    return f"призовых мест и выходов в следующий этап: {count}"


def points(count: Decimal, criterion: CriterionRecord) -> Decimal:
    return min(count * criterion.points_per_item, criterion.max_points).quantize(Decimal("0.1"))


async def _count(
    source: CriterionSource, organization_id: UUID, person_ids: list[UUID], day: date
) -> tuple[Decimal, str]:
    owner = Owner(organization_id=organization_id)
    if source == CriterionSource.approved_programme:
        programme = await current_programme(owner, day)
        if programme is not None and programme.approved_order_id is not None:
            return Decimal(1), f"«{programme.title}»"
        return Decimal(0), "программа не утверждена приказом"
    if source == CriterionSource.pairs_completed:
        count = await completed_pairs(organization_id, day)
        return Decimal(count), f"завершено: {count}"
    if source == CriterionSource.monitoring_on_time:
        count = await reports_on_time(organization_id)
        return Decimal(count), f"в срок: {count}"
    if source == CriterionSource.roadmap_held:
        summary = await workspace_summary(owner, day)
        if summary is None:
            return Decimal(0), "дорожной карты нет"
        return Decimal(summary.done), f"выполнено {summary.done} из {summary.total}"
    if source == CriterionSource.school_hours:
        hours = await completed_hours(person_ids, day) if person_ids else Decimal(0)
        return hours, f"{format_number(float(hours))} ч"
    if source == CriterionSource.contest_results:
        results = await contest_results_of(person_ids, day) if person_ids else []
        count = sum(1 for r in results if r.distinguished)
        return Decimal(count), contest_note(count)
    if source == CriterionSource.cases_published:
        count = await published_cases(organization_id)
        return Decimal(count), f"опубликовано: {count}"
    return Decimal(0), "оценивает комиссия"


async def assemble(
    round_: RoundRecord,
    criteria: list[CriterionRecord],
    organization_id: UUID,
    person_ids: list[UUID],
    curator_since: date | None,
    uploads: dict[UUID, int],
    day: date,
) -> Portfolio:
    items = []
    for criterion in criteria:
        count, note = await _count(criterion.source, organization_id, person_ids, day)
        items.append(
            PortfolioItem(
                criterion_id=criterion.id,
                source=criterion.source.value,
                title=criterion.title,
                count=count,
                points=Decimal(0) if criterion.source == CriterionSource.manual else points(count, criterion),
                max_points=criterion.max_points,
                required=criterion.required,
                uploads=uploads.get(criterion.id, 0),
                note=note,
            )
        )
    hours = await completed_hours(person_ids, day) if person_ids else Decimal(0)
    return Portfolio(
        assembled_at=now(),
        items=items,
        school_hours=hours,
        curator_since=curator_since,
        curator_months=months_between(curator_since, day) if curator_since else 0,
    )


def problems(round_: RoundRecord, portfolio: Portfolio) -> dict[str, str]:
    """Why the application cannot be sent yet: each named by its criterion or requirement, in Russian."""
    found: dict[str, str] = {}
    for item in portfolio.items:
        if item.required and item.count <= 0 and item.uploads == 0:
            found[f"criterion_{item.criterion_id}"] = (
                f"«{item.title}»: обязательный критерий — нет ни данных платформы, ни загруженных материалов"
            )
    if portfolio.school_hours < round_.min_school_hours:
        found["school_hours"] = (
            f"Обучение в сетевой школе наставников: {format_number(float(portfolio.school_hours))} ч "
            f"из {format_number(float(round_.min_school_hours))} необходимых"
        )
    if portfolio.curator_months < round_.min_curator_months:
        found["curator_months"] = (
            f"Стаж куратора: {portfolio.curator_months} мес. из {round_.min_curator_months} необходимых"
        )
    return found
