"""Satisfaction questionnaires of mentors and mentees (004 §7.3), sent in bulk at the end of pairs or of the year;
the daily monitoring job reminds once those who have not answered within a week."""

from __future__ import annotations

from datetime import timedelta

from services.mentoring import list_pairs
from services.monitoring.assessments import participants
from services.programmes import ProgrammeRecord
from services.registry import (
    due_questionnaire_reminders,
    enqueue_questionnaire_mail,
    questionnaires_sent,
    send_questionnaire,
)
from shared.actor import Actor
from shared.clock import now
from shared.errors import ValidationFailed

TEMPLATES = {"mentor": "satisfaction_mentor", "mentee": "satisfaction_mentee"}
REMIND_AFTER = timedelta(days=7)


async def send_satisfaction(
    actor: Actor, programme: ProgrammeRecord, secret_key: str, *, finished_only: bool
) -> dict[str, int]:
    """Every consenting participant of the programme's pairs (or of its finished pairs) not yet asked this year."""
    if programme.organization_id != actor.organization_id:
        raise ValidationFailed({"programme": "Анкеты рассылает куратор организации"})
    finished = {p.id for p in await list_pairs(programme_id=programme.id) if p.finished_on}
    people = [p for p in await participants(programme) if not finished_only or p["pair_id"] in finished]
    sent = skipped = 0
    for role, code in TEMPLATES.items():
        group = [p for p in people if p["role"] == role]
        asked = await questionnaires_sent([p["id"] for p in group], code, programme.starts_on)
        for person in group:
            if person["id"] in asked or not person["consented"]:
                skipped += 1
                continue
            request = await send_questionnaire(actor, person["id"], code, secret_key)
            if request.email:
                await enqueue_questionnaire_mail(actor.region_id, request.request_id)
            sent += 1
    return {"sent": sent, "skipped": skipped}


async def remind() -> int:
    due = await due_questionnaire_reminders(list(TEMPLATES.values()), now() - REMIND_AFTER)
    for request in due:
        await enqueue_questionnaire_mail(request.region_id, request.id, reminder=True)
    return len(due)
