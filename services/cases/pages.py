"""What the library's pages and API show of a case: its record with the names of its places, the participants as
the public sees them, its files, and for whoever works on it the steps open to them."""

from __future__ import annotations

from typing import Any

from litestar import Request

from services.cases import access, search
from services.cases.participants import shown_participants
from services.cases.records import CaseRecord, files_of, get_case
from services.cases.tables import CaseStatus
from services.cases.visitors import places
from shared.errors import NotFound
from tenants import KIND_LABELS, OrganizationKind, Principal, each_region, visible

FILTER_NAMES = ("q", "kind", "form", "role_model", "organization_kind", "municipality_id", "year", "tag")


def kind_label(kind: str) -> str:
    try:
        return KIND_LABELS[OrganizationKind(kind)]
    except ValueError:
        return kind


async def shown_case(request: Request[Any, Any, Any], case_id: Any) -> tuple[CaseRecord, Principal | None]:
    """A published case for anyone; an unpublished one only for whoever works on it."""
    case, principal = await visible(request, lambda: get_case(case_id))
    if case.status != CaseStatus.published and not access.sees_unpublished(principal, case):
        raise NotFound()
    return case, principal


async def case_context(case: CaseRecord, principal: Principal | None) -> dict[str, Any]:
    where = await places({case.region_id}, {case.organization_id} if case.organization_id else set())
    steps = {
        "edit": principal is not None and access.may_edit(principal, case),
        "send": principal is not None and access.may_send(principal, case),
        "review": principal is not None and access.may_review(principal, case),
        "publish": principal is not None and access.may_publish(principal, case),
        "withdraw": principal is not None and access.may_withdraw(principal, case),
        "reopen": principal is not None
        and case.status == CaseStatus.withdrawn
        and not case.is_material
        and access.owns(principal, case),
    }
    return {
        "case": case,
        "places": where,
        "participants": await shown_participants(case),
        "files": await files_of(case.id),
        "steps": steps,
        "working": access.sees_unpublished(principal, case),
        "organization_kind": kind_label(case.organization_kind),
    }


async def search_context(request: Request[Any, Any, Any], filters: search.Filters) -> dict[str, Any]:
    hits = await each_region(request, lambda: search.search(filters))
    hits.sort(key=lambda h: (-h.rank, -(h.case.published_at.timestamp() if h.case.published_at else 0)))
    found = await each_region(request, _facets)
    regions = {h.case.region_id for h in hits} | {f.region_id for f in found if f.region_id}
    where = await places(regions, {h.case.organization_id for h in hits if h.case.organization_id})
    return {
        "hits": hits,
        "filters": filters,
        "facets": _merged(found),
        "places": where,
        "kind_label": kind_label,
        "filtered": filters.any,
    }


async def _facets() -> list[search.Facets]:
    return [await search.facets()]


def _merged(found: list[search.Facets]) -> search.Facets:
    return search.Facets(
        region_id=None,
        forms=sorted({v for f in found for v in f.forms}),
        role_models=sorted({v for f in found for v in f.role_models}),
        organization_kinds=sorted({v for f in found for v in f.organization_kinds}),
        municipality_ids=[*dict.fromkeys(v for f in found for v in f.municipality_ids)],
        years=sorted({v for f in found for v in f.years}, reverse=True),
        tags=sorted({v for f in found for v in f.tags}),
    )
