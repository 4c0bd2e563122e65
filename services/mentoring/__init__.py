"""Pairs and groups: their lifecycle and orders, development plans, meetings, the rhythm and the pulse.

Other domains use only the names below; the routes are composed by app/, the rest is the domain's own.
"""

from services.mentoring import pulse
from services.mentoring.logic import (
    MEETINGS,
    OPEN,
    STATUS_LABELS,
    MeetingForm,
    PairForm,
    at_risk,
    complete,
    count_pairs,
    create_pair,
    eligible,
    end_early,
    find_lapses,
    list_pairs,
    open_load,
    pair_card,
    person_of,
    record_meeting,
    request_approval,
    save_plan,
)
from services.mentoring.tables import MeetingFormat, MeetingKind

__all__ = [
    "MEETINGS",
    "OPEN",
    "STATUS_LABELS",
    "MeetingForm",
    "MeetingFormat",
    "MeetingKind",
    "PairForm",
    "at_risk",
    "complete",
    "count_pairs",
    "create_pair",
    "eligible",
    "end_early",
    "find_lapses",
    "list_pairs",
    "open_load",
    "pair_card",
    "person_of",
    "pulse",
    "record_meeting",
    "request_approval",
    "save_plan",
]
