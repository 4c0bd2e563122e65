"""The school's planning: what the mentors of the runner's scope ask to learn (their questionnaires), and how many
have no primary training yet, by municipality, so the school knows which cohorts to open."""

from __future__ import annotations

from collections import Counter
from uuid import UUID

import msgspec

from services.registry import MentorNeeds, mentor_training_needs
from services.school.access import SchoolAccess
from services.school.records import list_schools
from shared.db import current_connection
from shared.errors import Forbidden
from tenants import Role


class TopicCount(msgspec.Struct, frozen=True, kw_only=True):
    topic: str
    mentors: int


class PlanningLine(msgspec.Struct, frozen=True, kw_only=True):
    """One municipality (or, with `municipality_id` None, the whole scope, each person once)."""

    municipality_id: UUID | None
    name: str
    mentors: int  # mentors and candidates of the mentor base, with consent
    answered: int  # of them, answered the questionnaire
    without_primary: int  # of them, have not completed any primary training of the school
    topics: list[TopicCount]  # most wanted first
    other: int  # named something else to learn in their own words


class Planning(msgspec.Struct, frozen=True, kw_only=True):
    total: PlanningLine
    municipalities: list[PlanningLine]


async def planning_scope(access: SchoolAccess) -> tuple[UUID | None, UUID | None]:
    """The (organization, municipality) whose mentors the runner plans for; a curator or head only when their
    organization runs a school of the network."""
    if access.role == Role.regional_coordinator:
        return None, None
    if access.role == Role.municipal_coordinator:
        return None, access.municipality_id
    runs_one = access.organization_id and any(s.organization_id == access.organization_id for s in await list_schools())
    if access.role in (Role.curator, Role.head) and runs_one:
        return access.organization_id, None
    raise Forbidden()


async def _trained(person_ids: list[UUID]) -> set[UUID]:
    """Who of these completed a primary training programme, as far as the scope sees the enrolments."""
    rows = await current_connection().fetch(
        """SELECT DISTINCT e.person_id FROM school_enrolment e
           JOIN school_cohort c ON c.region_id = e.region_id AND c.id = e.cohort_id
           JOIN school_programme p ON p.region_id = c.region_id AND p.id = c.programme_id
           WHERE e.person_id = ANY($1::uuid[]) AND e.outcome = 'completed' AND p.training = 'primary'""",
        person_ids,
    )
    return {r["person_id"] for r in rows}


def _line(municipality_id: UUID | None, name: str, needs: list[MentorNeeds], trained: set[UUID]) -> PlanningLine:
    people = {n.person_id: n for n in needs}
    topics: Counter[str] = Counter()
    for n in people.values():
        topics.update(set(n.topics))
    return PlanningLine(
        municipality_id=municipality_id,
        name=name,
        mentors=len(people),
        answered=sum(1 for n in people.values() if n.answered),
        without_primary=sum(1 for p in people if p not in trained),
        topics=[TopicCount(topic=t, mentors=c) for t, c in sorted(topics.items(), key=lambda i: (-i[1], i[0]))],
        other=sum(1 for n in people.values() if n.other),
    )


async def planning(access: SchoolAccess) -> Planning:
    organization_id, municipality_id = await planning_scope(access)
    needs = await mentor_training_needs(organization_id, municipality_id)
    trained = await _trained(sorted({n.person_id for n in needs}))
    by_municipality: dict[UUID, list[MentorNeeds]] = {}
    for n in needs:
        by_municipality.setdefault(n.municipality_id, []).append(n)
    lines = [_line(m, rows[0].municipality_name, rows, trained) for m, rows in by_municipality.items()]
    return Planning(total=_line(None, "Всего", needs, trained), municipalities=lines)
