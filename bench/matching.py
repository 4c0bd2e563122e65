"""Matching benchmarks, both with the product's min-cost flow on the sparse graph of compatible couples:

1. an organization: 2,000 mentees to 600 mentors with capacities (about a third of the couples compatible), next
   to SciPy's linear_sum_assignment on the expanded matrix (one column per mentor place, plus one "no mentor" column
   per mentee). Both must reach the same optimum; the times are printed as a ratio.
2. a municipality: 20,000 mentees to 6,000 mentors with about 500 compatible mentors per mentee (10 million arcs),
   printed next to the SciPy time of case 1 measured in the same run (the expanded matrix of case 2 would take
   20,000 × 32,000 cells, which SciPy cannot hold here); the target is 30 s.

    .venv/bin/python bench/matching.py [MENTEES MENTORS]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.matching.solver import Objective, solve, solve_sparse

MUNICIPAL_MENTEES, MUNICIPAL_MENTORS, PER_MENTEE, TARGET_SECONDS = 20_000, 6_000, 500, 30.0


def instance(mentees: int, mentors: int, seed: int = 7) -> tuple[list[int], dict[tuple[int, int], int]]:
    """About a third of the couples are compatible (form, consent, no "must not"), with scores as the page shows."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    capacities = [rng.choice((1, 2, 2, 3)) for _ in range(mentors)]
    scores = {(i, j): rng.randint(1, 120) for i in range(mentees) for j in range(mentors) if rng.random() < 0.33}
    return capacities, scores


def sparse_instance(
    mentees: int, mentors: int, per_mentee: int, seed: int = 11
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """About `per_mentee` distinct compatible mentors for each mentee, scores 1–120, places 1–3."""
    rng = np.random.default_rng(seed)
    capacities = rng.choice(np.array([1, 2, 2, 3]), size=mentors)
    draws = round(-mentors * np.log1p(-per_mentee / mentors))  # repeats drop out: ~per_mentee distinct remain
    drawn = np.repeat(np.arange(mentees, dtype=np.int64), draws) * mentors + rng.integers(
        0, mentors, size=mentees * draws
    )
    keys = np.unique(drawn)
    return capacities, keys // mentors, keys % mentors, rng.integers(1, 121, size=len(keys))


def with_scipy(mentees: int, capacities: list[int], scores: dict[tuple[int, int], int]) -> int:
    places = [j for j, capacity in enumerate(capacities) for _ in range(capacity)]
    columns: dict[int, list[int]] = {}
    for column, j in enumerate(places):
        columns.setdefault(j, []).append(column)
    forbidden = 10**9
    cost = np.full((mentees, len(places) + mentees), forbidden, dtype=np.int64)
    cost[np.arange(mentees), len(places) + np.arange(mentees)] = 0  # each mentee's own "no mentor" column
    for (i, j), score in scores.items():
        cost[i, columns[j]] = -score
    rows, cols = linear_sum_assignment(cost)
    return int(-cost[rows, cols][cost[rows, cols] < 0].sum())


def main() -> None:
    mentees, mentors = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (2000, 600)
    capacities, scores = instance(mentees, mentors)
    print(f"{mentees} mentees, {mentors} mentors, {sum(capacities)} places, {len(scores):,} compatible couples")

    started = time.perf_counter()
    ours = solve(mentees, capacities, scores, Objective.best_score)
    ours_time = time.perf_counter() - started

    started = time.perf_counter()
    baseline = with_scipy(mentees, capacities, scores)
    scipy_time = time.perf_counter() - started

    print(
        f"min-cost flow (OR-Tools):          {ours_time:7.2f} s   total score {ours.total:,}"
        f"   matched {len(ours.pairs)}"
    )
    print(f"linear_sum_assignment (expanded):  {scipy_time:7.2f} s   total score {baseline:,}")
    print(f"same optimum: {ours.total == baseline}   time ratio (ours / scipy): {ours_time / scipy_time:.2f}")
    if ours.total != baseline:
        raise SystemExit("the two solvers disagree on the optimum")

    places, mentee_of, mentor_of, values = sparse_instance(MUNICIPAL_MENTEES, MUNICIPAL_MENTORS, PER_MENTEE)
    print(
        f"\nmunicipality: {MUNICIPAL_MENTEES:,} mentees, {MUNICIPAL_MENTORS:,} mentors, {int(places.sum()):,} places,"
        f" {len(values):,} compatible couples ({len(values) / MUNICIPAL_MENTEES:.0f} per mentee)"
    )
    for objective in (Objective.best_score, Objective.most_mentees):
        started = time.perf_counter()
        result = solve_sparse(MUNICIPAL_MENTEES, places, mentee_of, mentor_of, values, objective)
        took = time.perf_counter() - started
        print(
            f"min-cost flow ({objective.name}): {took:7.2f} s   total score {result.total:,}"
            f"   matched {len(result.pairs):,}   {took / scipy_time:.1f}× SciPy's 2,000 × 600 above"
            f"   target {TARGET_SECONDS:.0f} s: {'met' if took <= TARGET_SECONDS else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
