"""The target's arithmetic against a hand-computed contingent: what the dashboards, exports and API show is these
sums, whatever the size of the region."""

from __future__ import annotations

import uuid
from typing import Any

from services.reports.indicators import kind_shares
from shared.i18n import format_number
from tenants import ContingentRecord


def fact(kind: str, **counts: int) -> dict[str, Any]:
    return {"organization_id": uuid.uuid4(), "kind": kind, "counts": counts}


def test_the_school_target_divides_by_the_contingent_and_keeps_other_kinds_beside() -> None:
    school = fact("school", learners_involved=63, learners_any_involved=70, teachers_involved=12)
    unknown = fact("school", learners_involved=5, learners_any_involved=5, teachers_involved=1)
    college = fact("college", learners_involved=4, learners_any_involved=10, teachers_involved=3)
    contingent = {
        school["organization_id"]: ContingentRecord(
            organization_id=school["organization_id"],
            school_year=2026,
            learners_total=420,
            learners_10_18=300,
            teachers=40,
        ),
        college["organization_id"]: ContingentRecord(
            organization_id=college["organization_id"], school_year=2026, learners_total=200, teachers=20
        ),
    }
    shares = {k.kind: k for k in kind_shares([school, unknown, college], contingent)}
    # 63 of the school's 300 learners aged 10–18; the school without a contingent is in neither side.
    target = shares["school"]
    assert (target.learners_involved, target.learners_contingent) == (63, 300)
    assert format_number(target.learners_share, " %") == "21,0 %"
    assert format_number(target.teachers_share, " %") == "30,0 %"  # 12 of 40
    assert (target.target, target.organizations, target.without_contingent) == (True, 2, 1)
    # The college: all its involved students of all its students, never in the school target.
    assert (shares["college"].target, shares["college"].learners_share, shares["college"].teachers_share) == (
        False,
        5.0,
        15.0,
    )


def test_without_any_contingent_there_is_no_share() -> None:
    shares = kind_shares([fact("school", learners_involved=3, teachers_involved=1)], {})
    assert [(k.learners_contingent, k.learners_share, k.teachers_share, k.without_contingent) for k in shares] == [
        (None, None, None, 1)
    ]
