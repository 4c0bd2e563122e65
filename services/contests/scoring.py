"""The results' arithmetic, with no database: a juror's sheet total, the jury's score of an entry (the mean, or the
trimmed mean without one highest and one lowest total once five or more jurors scored), the votes' weighted share,
and the ranking with ties broken by the named criterion, then by the chair."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

TRIM_FROM = 5  # jurors: from this many the highest and the lowest totals are dropped
CENT = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def sheet_total(points: Mapping[UUID, Decimal], weights: Mapping[UUID, Decimal]) -> Decimal:
    """Σ points × weight over the sheet's criteria."""
    return sum((value * weights.get(criterion, Decimal(1)) for criterion, value in points.items()), Decimal(0))


@dataclass(frozen=True)
class JuryScore:
    score: Decimal
    trimmed: bool  # the highest and the lowest totals were dropped
    dropped: tuple[Decimal, ...] = ()


def jury_score(totals: Sequence[Decimal]) -> JuryScore | None:
    if not totals:
        return None
    ordered = sorted(totals)
    if len(ordered) >= TRIM_FROM:
        kept = ordered[1:-1]
        return JuryScore(rounded(sum(kept, Decimal(0)) / len(kept)), True, (ordered[0], ordered[-1]))
    return JuryScore(rounded(sum(ordered, Decimal(0)) / len(ordered)), False)


def weighted_total(jury: Decimal, best_jury: Decimal, votes: int, most_votes: int, weight: Decimal) -> Decimal:
    """(1 − w)·jury/best_jury + w·votes/most_votes, on a 100-point scale: both parts normalised to the panel's best."""
    jury_part = jury / best_jury if best_jury > 0 else Decimal(0)
    vote_part = Decimal(votes) / Decimal(most_votes) if most_votes > 0 else Decimal(0)
    return rounded(((1 - weight) * jury_part + weight * vote_part) * 100)


@dataclass(frozen=True)
class Contender:
    entry_id: UUID
    total: Decimal
    tie_break: Decimal | None = None  # the mean points of the tie-break criterion
    chair_order: int | None = None  # the chair's decision among entries still tied


@dataclass
class Ranking:
    order: list[UUID] = field(default_factory=list)
    notes: dict[UUID, str] = field(default_factory=dict)  # how a tie with a neighbour was broken
    unresolved: list[list[UUID]] = field(default_factory=list)  # ties only the chair can break


def rank(contenders: Sequence[Contender], tie_break_title: str = "") -> Ranking:
    result = Ranking()
    by_total: dict[Decimal, list[Contender]] = {}
    for contender in contenders:
        by_total.setdefault(contender.total, []).append(contender)
    for total in sorted(by_total, reverse=True):
        group = by_total[total]
        if len(group) == 1:
            result.order.append(group[0].entry_id)
            continue
        by_criterion: dict[Decimal, list[Contender]] = {}
        for contender in group:
            by_criterion.setdefault(contender.tie_break or Decimal(0), []).append(contender)
        for value in sorted(by_criterion, reverse=True):
            tied = by_criterion[value]
            if len(by_criterion) > 1:
                for contender in tied:
                    result.notes[contender.entry_id] = (
                        f"Равный итог; порядок — по критерию «{tie_break_title}»"
                        if tie_break_title
                        else "Равный итог; порядок — по критерию равенства"
                    )
            if len(tied) == 1:
                result.order.append(tied[0].entry_id)
            elif all(c.chair_order is not None for c in tied):
                for contender in sorted(tied, key=lambda c: c.chair_order or 0):
                    result.order.append(contender.entry_id)
                    result.notes[contender.entry_id] = "Равный итог; порядок определил председатель жюри"
            else:
                result.unresolved.append([c.entry_id for c in tied])
                result.order.extend(c.entry_id for c in tied)
    return result
