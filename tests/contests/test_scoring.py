"""The results' arithmetic against hand-computed sheets."""

from __future__ import annotations

import uuid
from decimal import Decimal

from services.contests import scoring

D = Decimal


def test_a_sheet_total_weighs_each_criterion() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert scoring.sheet_total({a: D(8), b: D("6.5")}, {a: D(2), b: D("0.5")}) == D("19.25")


def test_four_jurors_give_the_plain_mean() -> None:
    score = scoring.jury_score([D(40), D(42), D(45), D(50)])
    assert score is not None and score.score == D("44.25") and not score.trimmed


def test_five_jurors_drop_the_highest_and_the_lowest() -> None:
    score = scoring.jury_score([D(50), D(40), D(45), D(42), D(47)])
    assert score is not None
    assert score.trimmed and score.dropped == (D(40), D(50))
    assert score.score == D("44.67")  # (42 + 45 + 47) / 3 = 44.666…, rounded half up


def test_no_sheets_no_score() -> None:
    assert scoring.jury_score([]) is None


def test_the_votes_weighted_share() -> None:
    # 0.8 · 40/50 + 0.2 · 30/60 = 0.64 + 0.10 = 0.74 → 74 of 100
    assert scoring.weighted_total(D(40), D(50), 30, 60, D("0.2")) == D("74.00")


def test_ties_are_broken_by_the_criterion_then_by_the_chair() -> None:
    a, b, c, d = (uuid.uuid4() for _ in range(4))
    ranking = scoring.rank(
        [
            scoring.Contender(a, D(40), D(7)),
            scoring.Contender(b, D(45), D(5)),
            scoring.Contender(c, D(40), D(9)),
            scoring.Contender(d, D(30)),
        ],
        "Результативность",
    )
    assert ranking.order == [b, c, a, d]
    assert "Результативность" in ranking.notes[c] and not ranking.unresolved

    tied = scoring.rank([scoring.Contender(a, D(40), D(7)), scoring.Contender(c, D(40), D(7))])
    assert tied.unresolved == [[a, c]]
    decided = scoring.rank(
        [scoring.Contender(a, D(40), D(7), chair_order=2), scoring.Contender(c, D(40), D(7), chair_order=1)]
    )
    assert decided.order == [c, a] and not decided.unresolved
    assert "председател" in decided.notes[a]
