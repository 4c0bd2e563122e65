"""The rules a pair must keep beyond its form and period: the consents that gate the work (004 §2.11, ст. 351.8 ТК
РФ), a learner mentor older than the mentee, three months of joint work at least (002 §8.6.4), no second pair of
the same couple in a programme."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from dateutil.relativedelta import relativedelta

from services.mentoring.records import Member
from services.registry import Category, WorkConsents, work_consents
from shared.db import current_connection

MIN_MONTHS = 3  # at least three months of joint work
GROUP_LIMIT = 2  # more mentees only in group work agreed by the mentor and the mentees (004 §2.6)


def earliest_end(starts_on: date) -> date:
    """The last day of three months of joint work."""
    return starts_on + relativedelta(months=MIN_MONTHS, days=-1)


async def without_participation(organization_id: UUID, people: list[Member]) -> list[Member]:
    """Who has no active consent to take part in the programme (a minor's given by a representative)."""
    consents = await work_consents(organization_id, [p.id for p in people])
    return [p for p in people if not (consents.get(p.id) and consents[p.id].participation)]


async def participating(organization_id: UUID, person_ids: list[UUID]) -> set[UUID]:
    """Who of them has an active consent to take part in the programme."""
    consents = await work_consents(organization_id, person_ids)
    return {i for i, c in consents.items() if c.participation}


async def agreements(organization_id: UUID, person_ids: list[UUID]) -> dict[UUID, WorkConsents]:
    return await work_consents(organization_id, person_ids)


def agreement_text(consent: WorkConsents | None) -> str:
    """As the orders and the accounts office print it: «доп. соглашение № 12 от 01.09.2026», or «—»."""
    if consent is None or not consent.is_staff or not consent.has_agreement or consent.agreement_date is None:
        return "—"
    return f"доп. соглашение № {consent.agreement_number} от {consent.agreement_date:%d.%m.%Y}"


def _grade(text: str) -> int | None:
    found = re.match(r"\s*(\d{1,2})", text or "")
    return int(found.group(1)) if found else None


async def not_older(mentor: Member, mentees: list[Member]) -> list[Member] | None:
    """A learner mentor must be older than each mentee: by birth date, else by class or course. None when the
    mentor's age cannot be told at all."""
    if mentor.category != Category.learner:
        return []
    rows = await current_connection().fetch(
        "SELECT id, birth_date, class_or_course FROM person WHERE id = ANY($1::uuid[])",
        [mentor.id, *(m.id for m in mentees)],
    )
    facts = {r["id"]: (r["birth_date"], _grade(r["class_or_course"])) for r in rows}
    born, grade = facts.get(mentor.id, (None, None))
    if born is None and grade is None:
        return None
    younger_or_same = []
    for mentee in mentees:
        their_born, their_grade = facts.get(mentee.id, (None, None))
        if born is not None and their_born is not None:
            older = born < their_born
        elif grade is not None and their_grade is not None:
            older = grade > their_grade
        else:
            older = False
        if not older:
            younger_or_same.append(mentee)
    return younger_or_same


async def paired_before(programme_id: UUID, mentor_id: UUID, mentee_ids: list[UUID]) -> set[UUID]:
    """Mentees who already had a pair with this mentor in the programme, whatever became of it."""
    rows = await current_connection().fetch(
        """SELECT DISTINCT mm.mentee_id FROM mentorship m
           JOIN mentorship_mentee mm ON mm.region_id = m.region_id AND mm.mentorship_id = m.id
           WHERE m.programme_id = $1 AND mm.mentee_id = ANY($3::uuid[])
             AND (m.mentor_id = $2 OR EXISTS (SELECT 1 FROM mentor_change c WHERE c.region_id = m.region_id
                  AND c.mentorship_id = m.id AND c.mentor_id = $2))""",
        programme_id,
        mentor_id,
        mentee_ids,
    )
    return {r["mentee_id"] for r in rows}


async def couples(programme_id: UUID) -> set[tuple[UUID, UUID]]:
    """Every (mentor, mentee) couple that has had a pair in the programme: matching proposes none of them again."""
    rows = await current_connection().fetch(
        """SELECT DISTINCT c.mentor_id, mm.mentee_id FROM mentorship m
           JOIN mentorship_mentee mm ON mm.region_id = m.region_id AND mm.mentorship_id = m.id
           JOIN mentor_change c ON c.region_id = m.region_id AND c.mentorship_id = m.id
           WHERE m.programme_id = $1
           UNION SELECT m.mentor_id, mm.mentee_id FROM mentorship m
           JOIN mentorship_mentee mm ON mm.region_id = m.region_id AND mm.mentorship_id = m.id
           WHERE m.programme_id = $1""",
        programme_id,
    )
    return {(r["mentor_id"], r["mentee_id"]) for r in rows}
