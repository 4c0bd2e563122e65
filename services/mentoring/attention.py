"""The curator's home: pairs at risk (the rhythm, short meetings, the pulse), final meetings due, pairs near their
one-year end, the mentees' and mentors' requests waiting for an answer."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from dateutil.relativedelta import relativedelta

from services.mentoring.pairs import list_pairs
from services.mentoring.pulse import health
from services.mentoring.records import Attention, Risk
from services.mentoring.requests import requests_of
from services.mentoring.tables import Status
from shared.clock import today
from shared.db import current_connection


async def at_risk(organization_id: UUID, day: date | None = None) -> Attention:
    day = day or today()
    pairs = await list_pairs(organization_id=organization_id, status=Status.active)
    scores = await health(pairs, day)
    risky = [
        Risk(pair, scores[pair.id].score, scores[pair.id].reasons)
        for pair in pairs
        if scores[pair.id].score < 60 or scores[pair.id].reasons
    ]
    finals = await current_connection().fetch(
        "SELECT DISTINCT mentorship_id FROM meeting WHERE kind = 'final' AND mentorship_id = ANY($1::uuid[])",
        [p.id for p in pairs],
    )
    with_final = {r["mentorship_id"] for r in finals}
    ending = [p for p in pairs if p.id not in with_final and (p.end - day).days <= 30]
    near_year = [p for p in pairs if p.starts_on + relativedelta(years=1) - day <= timedelta(days=45)]
    return Attention(risky, ending, near_year, await requests_of(organization_id=organization_id, pending=True))
