"""Contests «Наставник года», «Куратор года», «Лучшая пара «Наставник+»», «Лучшие практики наставничества» and the
organizers' own, with their stages, juries, public voting, results and festivals. The routes are composed by app/;
other domains use only the names below (the case library enters a published case into a best-practice nomination)."""

from services.contests.practices import (
    PracticeNomination,
    PracticeNominee,
    practice_nominations,
    practice_nominees,
    start_practice_application,
)

__all__ = [
    "PracticeNomination",
    "PracticeNominee",
    "practice_nominations",
    "practice_nominees",
    "start_practice_application",
]
