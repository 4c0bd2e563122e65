"""The exact assignment: against a greedy choice, both objectives, and brute force under capacities."""

from __future__ import annotations

import random

import numpy as np
import pytest

from services.matching.solver import Objective, solve, solve_sparse
from tests.matching.brute import brute_force


def test_the_solver_finds_the_optimum_a_greedy_choice_misses() -> None:
    # Greedy takes the best couple first (A–1: 10) and leaves B with nobody: 10. The optimum is A–2 + B–1 = 9 + 8.
    scores = {(0, 0): 10, (0, 1): 9, (1, 0): 8}
    result = solve(2, [1, 1], scores)
    assert result.pairs == {0: 1, 1: 0} and result.total == 17


def test_the_two_objectives_differ_and_both_are_exact() -> None:
    # Mentee 1 can only go to mentor 0. The best score keeps mentor 0 for mentee 0 (10, one pair);
    # "most mentees" gives both a mentor (1 + 3) at a lower total.
    scores = {(0, 0): 10, (1, 0): 3, (0, 1): 1}
    best = solve(2, [1, 1], scores, Objective.best_score)
    most = solve(2, [1, 1], scores, Objective.most_mentees)
    assert best.pairs == {0: 0} and best.total == 10
    assert most.pairs == {0: 1, 1: 0} and most.total == 4


@pytest.mark.parametrize("seed", range(40))
def test_the_solver_agrees_with_brute_force_under_capacities(seed: int) -> None:
    rng = random.Random(seed)
    mentees, mentors = rng.randint(1, 5), rng.randint(1, 3)
    capacities = [rng.randint(0, 2) for _ in range(mentors)]
    scores = {(i, j): rng.randint(1, 30) for i in range(mentees) for j in range(mentors) if rng.random() < 0.7}
    best = solve(mentees, capacities, scores, Objective.best_score)
    most = solve(mentees, capacities, scores, Objective.most_mentees)
    assert (best.total,) == brute_force(mentees, capacities, scores, most=False)
    assert (len(most.pairs), most.total) == brute_force(mentees, capacities, scores, most=True)
    for j, capacity in enumerate(capacities):
        assert sum(1 for m in best.pairs.values() if m == j) <= capacity


@pytest.mark.parametrize("seed", range(20))
def test_the_sparse_arrays_reach_the_brute_force_optimum_with_larger_capacities(seed: int) -> None:
    # The municipal path hands the couples in as arrays; few arcs per mentee, capacities up to 3.
    rng = random.Random(1000 + seed)
    mentees, mentors = rng.randint(2, 6), rng.randint(1, 4)
    capacities = [rng.randint(0, 3) for _ in range(mentors)]
    scores = {(i, j): rng.randint(1, 50) for i in range(mentees) for j in range(mentors) if rng.random() < 0.4}
    keys = sorted(scores)
    arrays = (
        np.array([i for i, _ in keys], dtype=np.int64),
        np.array([j for _, j in keys], dtype=np.int64),
        np.array([scores[k] for k in keys], dtype=np.int64),
    )
    for objective, most in ((Objective.best_score, False), (Objective.most_mentees, True)):
        result = solve_sparse(mentees, capacities, *arrays, objective)
        value = (len(result.pairs), result.total) if most else (result.total,)
        assert value == brute_force(mentees, capacities, scores, most=most)
        assert all((i, j) in scores for i, j in result.pairs.items())
