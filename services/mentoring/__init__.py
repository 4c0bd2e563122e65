"""Pairs and groups: their lifecycle and orders, development plans, meetings, the rhythm and the pulse.

Other domains use only the names below; the routes are composed by app/, the rest is the domain's own.
"""

from services.mentoring import pulse, requests
from services.mentoring.access import cabinet_person, person_of
from services.mentoring.attention import at_risk
from services.mentoring.forgetting import forget_people
from services.mentoring.lifecycle import complete, end_early, request_approval
from services.mentoring.meetings import MEETINGS, MeetingForm, record_meeting, save_plan
from services.mentoring.overview import completed_pairs, count_pairs, pairs_completed_by
from services.mentoring.pairs import (
    OPEN,
    STATUS_LABELS,
    PairForm,
    Pool,
    PoolOrganization,
    create_pair,
    eligible,
    list_pairs,
    open_load,
    pair_card,
    pool,
    pool_participating,
)
from services.mentoring.records import Attention, FormCount, Lapse, Member, Pair, PairCard, Risk, ScoreDetails
from services.mentoring.rhythm import find_lapses
from services.mentoring.rules import MIN_MONTHS, couples, earliest_end, participating
from services.mentoring.tables import MeetingFormat, MeetingKind

__all__ = [
    "MEETINGS",
    "MIN_MONTHS",
    "OPEN",
    "STATUS_LABELS",
    "Attention",
    "FormCount",
    "Lapse",
    "MeetingForm",
    "MeetingFormat",
    "MeetingKind",
    "Member",
    "Pair",
    "PairCard",
    "PairForm",
    "Pool",
    "PoolOrganization",
    "Risk",
    "ScoreDetails",
    "at_risk",
    "cabinet_person",
    "complete",
    "completed_pairs",
    "count_pairs",
    "couples",
    "create_pair",
    "earliest_end",
    "eligible",
    "end_early",
    "find_lapses",
    "forget_people",
    "list_pairs",
    "open_load",
    "pair_card",
    "pairs_completed_by",
    "participating",
    "person_of",
    "pool",
    "pool_participating",
    "pulse",
    "record_meeting",
    "request_approval",
    "requests",
    "save_plan",
]
