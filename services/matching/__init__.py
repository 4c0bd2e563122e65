"""Matching: couple scores, the exact assignment, proposals with their reasons, and the mentees' own choices.

Other domains use only the names below; the routes are composed by app/, the rest is the domain's own.
"""

from services.matching.choices import available_mentors, rankings, record_choices
from services.matching.forgetting import forget_people
from services.matching.logic import accept, default_weights, latest_run, run
from services.matching.records import AvailableMentor, Proposal, Ranking, Run, Unmatched

__all__ = [
    "AvailableMentor",
    "Proposal",
    "Ranking",
    "Run",
    "Unmatched",
    "accept",
    "available_mentors",
    "default_weights",
    "forget_people",
    "latest_run",
    "rankings",
    "record_choices",
    "run",
]
