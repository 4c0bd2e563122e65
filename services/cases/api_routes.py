"""The library's JSON API: the public search and a case as published (no sign-in), and the curator's drafting and
the workflow's steps, with typed bodies; errors name the field ({"detail", "errors": {field: message}})."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from services.cases import access, library
from services.cases.pages import FILTER_NAMES, case_context, kind_label, search_context, shown_case
from services.cases.participants import Shown
from services.cases.records import CaseRecord, PairNumbers, get_case
from services.cases.search import Filters
from shared.actor import Actor
from shared.auth import public
from tenants import Principal, Role, allow

TAGS = ["Библиотека кейсов"]


class FileOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    filename: str
    size: int
    url: str


class CaseOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    kind: str
    kind_label: str
    material_kind: str | None
    title: str
    status: str
    status_label: str
    organization: str
    organization_kind: str
    municipality: str
    year: int
    form: str
    role_model: str
    problem: str
    goals: str
    activities: str
    results: str
    quotes: str
    tags: list[str]
    anonymised: bool
    pair_numbers: PairNumbers
    participants: list[Shown]
    files: list[FileOut]
    return_comment: str
    published_at: datetime | None
    url: str


class HitOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    kind: str
    kind_label: str
    title: str
    organization: str
    municipality: str
    year: int
    form: str
    role_model: str
    tags: list[str]
    rank: float
    fragment: str  # HTML: escaped text, the matches in <mark>
    title_fragment: str  # the title, the same way
    published_at: datetime | None
    url: str


class CaseIn(msgspec.Struct, kw_only=True):
    """A case of the curator's organization: `mentorship_id` of a finished pair or group (its form, role model,
    meetings, dates and the mentees' results before and after are taken from it), or `form_id`/`role_model_id` of
    the catalogue for the organization's practice."""

    title: str = ""
    mentorship_id: UUID | None = None
    form_id: UUID | None = None
    role_model_id: UUID | None = None
    problem: str = ""
    goals: str = ""
    activities: str = ""
    results: str = ""
    quotes: str = ""
    tags: list[str] = []
    year: int | None = None
    anonymised: bool = True


class StepIn(msgspec.Struct, kw_only=True):
    """`action`: send, approve, return (with `comment`), publish, withdraw, reopen."""

    action: str = ""
    comment: str = ""


async def _out(case: CaseRecord, principal: Principal | None) -> CaseOut:
    context = await case_context(case, principal)
    places = context["places"]
    return CaseOut(
        id=case.id,
        kind=case.kind,
        kind_label=case.kind_label,
        material_kind=case.material_kind,
        title=case.title,
        status=case.status,
        status_label=case.status_label,
        organization=places.organization(case.organization_id),
        organization_kind=kind_label(case.organization_kind) if case.organization_kind else "",
        municipality=places.municipality(case.municipality_id),
        year=case.year,
        form=case.form_title,
        role_model=case.role_model_title,
        problem=case.problem,
        goals=case.goals,
        activities=case.activities,
        results=case.results,
        quotes=case.quotes,
        tags=case.tags,
        anonymised=case.anonymised,
        pair_numbers=case.pair_numbers,
        participants=context["participants"],
        files=[
            FileOut(id=f.id, title=f.title, filename=f.filename, size=f.size, url=f"/cases/{case.id}/files/{f.id}")
            for f in context["files"]
        ],
        return_comment=case.return_comment if context["working"] else "",
        published_at=case.published_at,
        url=f"/cases/{case.id}",
    )


def _form(data: CaseIn) -> library.CaseForm:
    return library.CaseForm(
        title=data.title,
        mentorship_id=str(data.mentorship_id or ""),
        form_id=str(data.form_id or ""),
        role_model_id=str(data.role_model_id or ""),
        problem=data.problem,
        goals=data.goals,
        activities=data.activities,
        results=data.results,
        quotes=data.quotes,
        tags=", ".join(data.tags),
        year=str(data.year or ""),
        anonymised="on" if data.anonymised else "",
    )


@get("/api/v1/cases", guards=[public], tags=TAGS)
async def search_api(request: Request[Any, Any, Any]) -> list[HitOut]:
    """Published cases and materials: `q` in Russian (morphology, phrases in quotes, «-» to exclude), and the
    filters `kind` (case, material), `form`, `role_model`, `organization_kind`, `municipality_id`, `year`, `tag`."""
    filters = Filters(**{name: str(request.query_params.get(name, ""))[:200] for name in FILTER_NAMES})
    context = await search_context(request, filters)
    places = context["places"]
    return [
        HitOut(
            id=h.case.id,
            kind=h.case.kind,
            kind_label=h.case.kind_label,
            title=h.case.title,
            organization=places.organization(h.case.organization_id),
            municipality=places.municipality(h.case.municipality_id),
            year=h.case.year,
            form=h.case.form_title,
            role_model=h.case.role_model_title,
            tags=h.case.tags,
            rank=round(h.rank, 4),
            fragment=h.fragment,
            title_fragment=h.title_fragment,
            published_at=h.case.published_at,
            url=f"/cases/{h.case.id}",
        )
        for h in context["hits"]
    ]


@get("/api/v1/cases/{case_id:uuid}", guards=[public], tags=TAGS)
async def case_api(request: Request[Any, Any, Any], case_id: FromPath[UUID]) -> CaseOut:
    """A published case for anyone; a draft for whoever works on it."""
    case, principal = await shown_case(request, case_id)
    return await _out(case, principal)


@post("/api/v1/cases", guards=[allow(Role.curator)], tags=TAGS)
async def create_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], data: JSONBody[CaseIn]
) -> CaseOut:
    case_id = await library.create_case(actor, _form(data))
    return await _out(await get_case(case_id), principal)


@put("/api/v1/cases/{case_id:uuid}", guards=[allow(Role.curator)], tags=TAGS)
async def update_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    data: JSONBody[CaseIn],
) -> CaseOut:
    await get_case(case_id)  # another tenant's case: 404 before the body is judged
    await library.update_case(actor, principal, case_id, _form(data))
    return await _out(await get_case(case_id), principal)


@post("/api/v1/cases/{case_id:uuid}/send", guards=[allow(Role.curator)], tags=TAGS, status_code=200)
async def send_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], case_id: FromPath[UUID]
) -> CaseOut:
    """The curator has reviewed the draft: 400 with what is missing, by field."""
    await library.send(actor, principal, case_id)
    return await _out(await get_case(case_id), principal)


@post(
    "/api/v1/cases/{case_id:uuid}/steps",
    guards=[allow(Role.curator, *access.APPROVERS)],
    tags=TAGS,
    status_code=200,
)
async def step_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    case_id: FromPath[UUID],
    data: JSONBody[StepIn],
) -> CaseOut:
    await get_case(case_id)
    await library.act(actor, principal, case_id, data.action.strip(), data.comment)
    return await _out(await get_case(case_id), principal)


API: list[Any] = [search_api, case_api, create_api, update_api, send_api, step_api]
