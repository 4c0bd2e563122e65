"""Contests «Наставник года», «Куратор года», «Лучшая пара «Наставник+»», «Лучшие практики наставничества» and the
organizers' own, with their stages, juries, public voting, results and festivals. The routes are composed by app/;
other domains use only the names below (results.py and showcase.py import no other domain, so the face makes no
circle; the case library enters a published case into a best-practice nomination)."""

from services.contests.forgetting import forget_people
from services.contests.practices import (
    PracticeNomination,
    PracticeNominee,
    practice_nominations,
    practice_nominees,
    start_practice_application,
)
from services.contests.results import ContestResult, contest_results_of
from services.contests.showcase import RegionContests, public_contests

__all__ = [
    "ContestResult",
    "PracticeNomination",
    "PracticeNominee",
    "RegionContests",
    "contest_results_of",
    "forget_people",
    "practice_nominations",
    "practice_nominees",
    "public_contests",
    "start_practice_application",
]
