"""Exact assignment of mentees to mentors with capacities, as a min-cost flow (OR-Tools) on the sparse graph.

Source → each mentee (capacity 1) → each compatible mentor (capacity 1, cost = −score) → sink (capacity = the
mentor's places). Only compatible couples are arcs, so a municipality's 20,000 mentees with ~500 compatible mentors
each is a graph of ~10 million arcs, not a 20,000 × places matrix. The flow polytope is integral, so the optimum is
exact; no greedy step anywhere. Arcs go in as NumPy arrays in one call (no Python loop per couple).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

Indices = npt.NDArray[np.int64]


class Objective(enum.StrEnum):
    best_score = "score"  # the highest total score, even if fewer mentees get a mentor
    most_mentees = "count"  # the most mentees matched, then the highest total score among those


@dataclass(frozen=True)
class Assignment:
    pairs: dict[int, int]  # mentee index → mentor index
    total: int


def solve(
    mentees: int,
    capacities: Sequence[int],
    scores: Mapping[tuple[int, int], int],
    objective: Objective = Objective.best_score,
) -> Assignment:
    """`scores` holds only the compatible couples (mentee, mentor), each with a positive integer score."""
    if not scores:
        return Assignment({}, 0)
    couples = np.fromiter((k for key in scores for k in key), dtype=np.int64, count=2 * len(scores)).reshape(-1, 2)
    values = np.fromiter(scores.values(), dtype=np.int64, count=len(scores))
    return solve_sparse(mentees, capacities, couples[:, 0], couples[:, 1], values, objective)


def solve_sparse(
    mentees: int,
    capacities: Sequence[int] | Indices,
    mentee_of: Indices,
    mentor_of: Indices,
    scores: Indices,
    objective: Objective = Objective.best_score,
) -> Assignment:
    """The same on parallel arrays: couple k is (mentee_of[k], mentor_of[k]) with the positive score scores[k]."""
    if len(scores) == 0:
        return Assignment({}, 0)
    if int(scores.min()) <= 0:
        raise ValueError("scores must be positive")
    places = np.asarray(capacities, dtype=np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    mentee_node, mentor_node = 2, 2 + mentees
    everyone = np.arange(mentees, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.zeros(mentees, dtype=np.int64),
        mentee_node + everyone,
        np.ones(mentees, dtype=np.int64),
        np.zeros_like(everyone),
    )
    couple_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        mentee_node + mentee_of.astype(np.int64),
        mentor_node + mentor_of.astype(np.int64),
        np.ones(len(scores), dtype=np.int64),
        -scores.astype(np.int64),
    )
    open_mentors = np.flatnonzero(places > 0).astype(np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        mentor_node + open_mentors,
        np.full(len(open_mentors), sink, dtype=np.int64),
        places[open_mentors],
        np.zeros(len(open_mentors), dtype=np.int64),
    )
    flow.set_node_supply(source, mentees)
    flow.set_node_supply(sink, -mentees)
    if objective == Objective.most_mentees:
        status = flow.solve_max_flow_with_min_cost()
    else:
        # A free bypass lets a mentee stay unmatched; the cheapest flow then takes only what raises the score.
        flow.add_arc_with_capacity_and_unit_cost(source, sink, mentees, 0)
        status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    used = np.flatnonzero(flow.flows(couple_arcs) > 0)
    pairs = dict(zip(mentee_of[used].tolist(), mentor_of[used].tolist(), strict=True))
    return Assignment(pairs, int(scores[used].sum()))
