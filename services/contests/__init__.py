"""Contests «Наставник года», «Куратор года», «Лучшая пара «Наставник+»», «Лучшие практики наставничества» and the
organizers' own, with their stages, juries, public voting, results and festivals. The routes are composed by app/;
other domains use only the names below."""

__all__: list[str] = []
