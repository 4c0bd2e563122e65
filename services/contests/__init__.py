"""Contests «Наставник года», «Куратор года», «Лучшая пара «Наставник+»», «Лучшие практики наставничества» and the
organizers' own, with their stages, juries, public voting, results and festivals. The routes are composed by app/;
other domains use only the names below."""

from services.contests.showcase import RegionContests, public_contests

__all__ = ["RegionContests", "public_contests"]
