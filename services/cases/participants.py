"""Who a case shows, worked out each time it is shown: never copied into the case's text. Anonymised, a case names
nobody; otherwise a participant's name appears only while their consent to publication holds (a minor's given by
a legal representative), so withdrawing it removes the name at once; of a minor only the first name."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from services.cases.records import CaseRecord, participant_ids
from services.registry import contest_profile, people_brief, publication_consented
from shared.clock import today
from shared.db import Scope, widened

ADULT = 18
ROLE_LABELS = {"mentor": "Наставник", "mentee": "Наставляемый"}


class Shown(msgspec.Struct, frozen=True, kw_only=True):
    role: str
    label: str  # «Наставник», «Наставляемый 2»
    name: str  # empty: not published


def _age(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


async def shown_participants(case: CaseRecord) -> list[Shown]:
    """The case's participants as the public sees them, whoever reads: the names are read in the region's scope
    (a visitor's scope holds no person) and only for those whose consent to publication holds now."""
    people = await participant_ids(case.id)
    names: dict[UUID, str] = {}
    if people and not case.anonymised:
        async with widened(Scope.for_region(case.region_id)):
            consented = await publication_consented([p for p, _ in people])
            briefs = await people_brief(list(consented))
            for person_id in consented:
                brief = briefs.get(person_id)
                if brief is None:
                    continue
                profile = await contest_profile(person_id)
                age = _age(profile.birth_date, today())
                minor = age < ADULT if age is not None else brief.category == "learner"
                parts = brief.full_name.split()
                names[person_id] = (parts[1] if len(parts) > 1 else "") if minor else brief.full_name
    shown, mentees = [], [p for p, r in people if r == "mentee"]
    for person_id, role in people:
        label = ROLE_LABELS[role]
        if role == "mentee" and len(mentees) > 1:
            label += f" {mentees.index(person_id) + 1}"
        shown.append(Shown(role=role, label=label, name=names.get(person_id, "")))
    return shown
