"""The homes that gather several domains: the organization workspace, and the mentor's and mentee's cabinet."""

from __future__ import annotations

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.response import Template

import tenants
from services import certificates, contests, incentives, matching, mentoring, programmes, reports, school
from shared.errors import NotFound
from shared.pages import page
from tenants import ORGANIZATION_ROLES, Principal, Role, allow


@get("/workspace", guards=[allow(*ORGANIZATION_ROLES)])
async def workspace_home(principal: NamedDependency[Principal]) -> Template:
    organization_id = principal.scope.organization_id
    if organization_id is None:
        raise NotFound()
    organization = await tenants.get_organization(organization_id)
    municipality = await tenants.get_municipality(organization.municipality_id)
    staff = principal.role in ORGANIZATION_ROLES[:2]
    owner = programmes.Owner(organization_id=organization_id)
    people = await tenants.list_people(organization_id) if staff else []
    return page(
        "workspace/home.html",
        organization=organization,
        municipality=municipality,
        kinds=tenants.KIND_LABELS,
        people=people,
        programme=await programmes.workspace_summary(owner) if staff else None,
        to_sign=await programmes.awaiting_signature(owner) if principal.role == Role.head else [],
        risk=await mentoring.at_risk(organization_id) if staff else None,
    )


@get("/cabinet", guards=[allow(Role.mentor, Role.mentee)])
async def cabinet_home(principal: NamedDependency[Principal]) -> Template:
    """The person's pairs (mentoring), within the current programme the mentees' choices (matching), a mentor's
    own training and certificates (school, certificates) and incentives in effect (incentives), and the person's
    contest results (contests)."""
    organization_id = principal.scope.organization_id
    if organization_id is None:
        raise NotFound()
    is_mentor = principal.role == Role.mentor
    person_id = await mentoring.cabinet_person(principal)
    pairs = await mentoring.list_pairs(person_id=person_id) if person_id else []
    programme = await programmes.current_programme(programmes.Owner(organization_id=organization_id))
    choices: list[matching.Ranking] = []
    available: list[matching.AvailableMentor] = []
    if person_id and programme:
        full = await programmes.get_programme(programme.id)
        if is_mentor:
            choices = await matching.rankings(programme.id, mentor_id=person_id)
        elif not any(p.status in mentoring.OPEN for p in pairs):
            choices = [c for c in await matching.rankings(programme.id) if c.chooser_id == person_id]
            available = await matching.available_mentors(full)
    mine = [person_id] if is_mentor and person_id else []
    return page(
        "workspace/cabinet.html",
        training=await school.training_of(mine) if mine else [],
        certificates=await certificates.certificates_of(mine) if mine else [],
        rating=await reports.rating_of(mine) if mine else [],
        rating_sources=reports.RATING_SOURCES,
        certificate_labels=certificates.STATUS_LABELS,
        contest_results=await contests.contest_results_of([person_id]) if person_id else [],
        incentives=await incentives.incentives_of(mine) if mine else [],
        pairs=pairs,
        person_id=person_id,
        is_mentor=is_mentor,
        choices=choices,
        available=available,
        status_labels=mentoring.STATUS_LABELS,
    )


workspace_router = Router(path="/", route_handlers=[workspace_home, cabinet_home], include_in_schema=False)
