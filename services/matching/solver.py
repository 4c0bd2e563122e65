"""Exact assignment of mentees to mentors with capacities, as a min-cost flow (OR-Tools).

Source → each mentee (capacity 1) → each compatible mentor (capacity 1, cost = −score) → sink (capacity = the
mentor's places). The flow polytope is integral, so the optimum is exact; no greedy step anywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow


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
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    mentee_node = 2
    mentor_node = 2 + mentees
    edges: list[tuple[int, int, int]] = []  # (arc, mentee, mentor)
    for i in range(mentees):
        flow.add_arc_with_capacity_and_unit_cost(source, mentee_node + i, 1, 0)
    for (i, j), score in scores.items():
        if score <= 0:
            raise ValueError("scores must be positive")
        arc = flow.add_arc_with_capacity_and_unit_cost(mentee_node + i, mentor_node + j, 1, -score)
        edges.append((arc, i, j))
    for j, capacity in enumerate(capacities):
        if capacity > 0:
            flow.add_arc_with_capacity_and_unit_cost(mentor_node + j, sink, capacity, 0)
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
    pairs = {i: j for arc, i, j in edges if flow.flow(arc) > 0}
    return Assignment(pairs, sum(scores[(i, j)] for i, j in pairs.items()))
