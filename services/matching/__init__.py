"""Matching: couple scores, the exact assignment, proposals with their reasons, and the mentees' own choices.

Other domains use only the names below; the routes are composed by app/, the rest is the domain's own.
"""

from services.matching.logic import (
    accept,
    available_mentors,
    default_weights,
    latest_run,
    rankings,
    record_choices,
    run,
)

__all__ = ["accept", "available_mentors", "default_weights", "latest_run", "rankings", "record_choices", "run"]
