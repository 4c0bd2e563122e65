"""Contests «Наставник года», «Куратор года», «Лучшая пара «Наставник+»», «Лучшие практики наставничества» and the
organizers' own, with their stages, juries, public voting, results and festivals. The routes are composed by app/;
other domains use only the names below (results.py and showcase.py import no other domain, so the face makes no
circle)."""

from services.contests.forgetting import forget_people
from services.contests.results import ContestResult, contest_results_of
from services.contests.showcase import RegionContests, public_contests

__all__ = ["ContestResult", "RegionContests", "contest_results_of", "forget_people", "public_contests"]
