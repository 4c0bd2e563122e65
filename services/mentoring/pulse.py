"""The pair pulse: «Насколько полезны встречи?» and «Хотите продолжать?» to both sides of a pair 30 days after it
starts and every 60 days after; with the meeting rhythm it makes a health score; weak pairs join the at-risk list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from services.mentoring.records import Pair
from services.mentoring.rhythm import RHYTHM_DAYS
from services.registry import SentQuestionnaire, enqueue_questionnaire_mail, send_questionnaire
from shared.actor import Actor
from shared.db import current_connection
from shared.errors import NotFound, ValidationFailed

FIRST, EVERY = 30, 60
TEMPLATE = "pair_pulse"


def due_round(starts_on: date, day: date) -> int | None:
    days = (day - starts_on).days
    return None if days < FIRST else 1 + (days - FIRST) // EVERY


@dataclass(frozen=True)
class Due:
    mentorship_id: UUID
    organization_id: UUID
    round: int
    person_id: UUID


async def due(day: date) -> list[Due]:
    """Each person of each active pair is due each round once."""
    rows = await current_connection().fetch(
        """SELECT m.id, m.organization_id, m.starts_on, m.mentor_id,
                  ARRAY(SELECT mm.mentee_id FROM mentorship_mentee mm
                        WHERE mm.region_id = m.region_id AND mm.mentorship_id = m.id) AS mentee_ids,
                  ARRAY(SELECT DISTINCT pp.person_id::text || ':' || pp.round FROM pair_pulse pp
                        WHERE pp.region_id = m.region_id AND pp.mentorship_id = m.id) AS sent
           FROM mentorship m WHERE m.status = 'active' AND m.starts_on <= $1::date - $2::integer""",
        day,
        FIRST,
    )
    found = []
    for pair in rows:
        round_number = due_round(pair["starts_on"], day)
        for person_id in (pair["mentor_id"], *pair["mentee_ids"]):
            if round_number is not None and f"{person_id}:{round_number}" not in pair["sent"]:
                found.append(Due(pair["id"], pair["organization_id"], round_number, person_id))
    return found


async def send(region_id: UUID, item: Due, secret_key: str) -> SentQuestionnaire | None:
    """The personal link of one round; None for a person without consent or a record merged into another."""
    actor = Actor(None, region_id, item.organization_id, "pulse")
    try:
        request = await send_questionnaire(actor, item.person_id, TEMPLATE, secret_key)
    except (ValidationFailed, NotFound):
        return None
    await current_connection().execute(
        """INSERT INTO pair_pulse (region_id, organization_id, mentorship_id, round, person_id, request_id)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        region_id,
        item.organization_id,
        item.mentorship_id,
        item.round,
        item.person_id,
        request.request_id,
    )
    return request


async def send_due(region_id: UUID, day: date, secret_key: str) -> int:
    sent = 0
    for item in await due(day):
        request = await send(region_id, item, secret_key)
        if request is None:
            continue
        if request.email:
            await enqueue_questionnaire_mail(region_id, request.request_id)
        sent += 1
    return sent


@dataclass
class Health:
    score: int
    reasons: list[str] = field(default_factory=list)


async def health(pairs: list[Pair], day: date) -> dict[UUID, Health]:
    """100 minus: 40 for no meeting in over 14 days, 20 for short in-person meetings in the last month,
    30 when the latest pulse rates the meetings below 5 of 10, 50 when someone does not want to continue."""
    ids = [p.id for p in pairs]
    answers = await current_connection().fetch(
        """SELECT DISTINCT ON (pp.mentorship_id, pp.person_id) pp.mentorship_id, pp.round, qa.answers
           FROM pair_pulse pp
           JOIN questionnaire_answer qa ON qa.region_id = pp.region_id AND qa.request_id = pp.request_id
           WHERE pp.mentorship_id = ANY($1::uuid[]) ORDER BY pp.mentorship_id, pp.person_id, pp.round DESC""",
        ids,
    )
    short = await current_connection().fetch(
        """SELECT DISTINCT mentorship_id FROM meeting WHERE mentorship_id = ANY($1::uuid[]) AND format = 'in_person'
           AND minutes < 60 AND kind IN ('regular', 'final') AND held_on > $2""",
        ids,
        day - timedelta(days=30),
    )
    short_ids = {r["mentorship_id"] for r in short}
    result = {}
    for pair in pairs:
        reasons = []
        score = 100
        last = pair.rhythm_since
        if (day - last).days > RHYTHM_DAYS:
            score -= 40
            reasons.append(f"нет встреч {(day - last).days} дн.")
        if pair.id in short_ids:
            score -= 20
            reasons.append("очные встречи короче часа")
        latest = [a["answers"] for a in answers if a["mentorship_id"] == pair.id]
        useful = [a["useful"] for a in latest if isinstance(a.get("useful"), int)]
        if useful and sum(useful) / len(useful) < 5:
            score -= 30
            reasons.append(f"встречи оценены как малополезные ({sum(useful) / len(useful):.0f} из 10)")
        if any(a.get("continue") == ["нет"] or a.get("continue") == "нет" for a in latest):
            score -= 50
            reasons.append("участник не хочет продолжать")
        result[pair.id] = Health(max(score, 0), reasons)
    return result
