"""The optimum of a small matching by trying every choice: what the solver is checked against."""

from __future__ import annotations

import itertools


def brute_force(mentees: int, capacities: list[int], scores: dict[tuple[int, int], int], most: bool) -> tuple[int, ...]:
    best: tuple[int, ...] = (0, 0) if most else (0,)
    for choice in itertools.product([None, *range(len(capacities))], repeat=mentees):
        used: dict[int, int] = {}
        total = matched = 0
        for i, j in enumerate(choice):
            if j is None:
                continue
            if (i, j) not in scores or used.get(j, 0) >= capacities[j]:
                break
            used[j] = used.get(j, 0) + 1
            total, matched = total + scores[(i, j)], matched + 1
        else:
            best = max(best, (matched, total) if most else (total,))
    return best
