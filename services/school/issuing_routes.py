"""The cohort's certificates page: who completed, their certificates, and the bulk issue the runner starts."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.certificates import STATUS_LABELS
from services.school import issuing
from services.school.access import RUNNER_ROLES, SchoolAccess
from shared.actor import Actor
from shared.pages import flashed, fragment, see_other
from tenants import Principal, allow


def _context(data: issuing.CohortCertificates) -> dict[str, Any]:
    return {"data": data, "status_labels": STATUS_LABELS}


@get("/school/cohorts/{cohort_id:uuid}/certificates", guards=[allow(*RUNNER_ROLES)])
async def cohort_certificates_page(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], cohort_id: FromPath[UUID]
) -> Template | Response[str]:
    data = await issuing.cohort_certificates(SchoolAccess.of(principal), cohort_id)
    if request.headers.get("HX-Request"):
        return fragment(request, "school/cohort_certificates.html", "status", **_context(data))
    return Template("school/cohort_certificates.html", context=_context(data), headers={"Vary": "HX-Request"})


@post("/school/cohorts/{cohort_id:uuid}/certificates", guards=[allow(*RUNNER_ROLES)])
async def issue_certificates(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    cohort_id: FromPath[UUID],
) -> Redirect:
    with flashed(request, "Выдача свидетельств запущена"):
        await issuing.start_issue(SchoolAccess.of(principal), actor, principal.scope, cohort_id)
    return see_other(f"/school/cohorts/{cohort_id}/certificates")


@post("/school/cohorts/{cohort_id:uuid}/certificates/retry", guards=[allow(*RUNNER_ROLES)])
async def retry_certificates(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], cohort_id: FromPath[UUID]
) -> Redirect:
    with flashed(request, "Выдача свидетельств запущена снова"):
        await issuing.retry_issue(SchoolAccess.of(principal), cohort_id)
    return see_other(f"/school/cohorts/{cohort_id}/certificates")


def _job_json(job: Any) -> dict[str, Any] | None:
    if job is None:
        return None
    return {
        "id": str(job.id),
        "status": job.status.value,
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "result": job.result,
    }


@get("/api/v1/school/cohorts/{cohort_id:uuid}/certificates", guards=[allow(*RUNNER_ROLES)], tags=["Школа наставников"])
async def cohort_certificates_api(principal: NamedDependency[Principal], cohort_id: FromPath[UUID]) -> dict[str, Any]:
    """The completed participants with their certificate numbers and statuses, and the last bulk issue."""
    data = await issuing.cohort_certificates(SchoolAccess.of(principal), cohort_id)
    return {
        "participants": [
            {
                "enrolment_id": str(row.completion.enrolment_id),
                "full_name": row.completion.full_name,
                "certificate_id": str(row.certificate.id) if row.certificate else None,
                "number": row.certificate.number if row.certificate else None,
                "status": row.certificate.status().value if row.certificate else None,
            }
            for row in data.rows
        ],
        "job": _job_json(data.job),
    }


@post(
    "/api/v1/school/cohorts/{cohort_id:uuid}/certificates",
    guards=[allow(*RUNNER_ROLES)],
    tags=["Школа наставников"],
    status_code=202,
)
async def issue_certificates_api(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], cohort_id: FromPath[UUID]
) -> dict[str, Any]:
    """Starts the bulk issue (a job); a participant who holds a certificate gets none a second time."""
    job_id = await issuing.start_issue(SchoolAccess.of(principal), actor, principal.scope, cohort_id)
    return {"job_id": str(job_id), "status": "queued"}


page_router = Router(
    path="/",
    route_handlers=[cohort_certificates_page, issue_certificates, retry_certificates],
    include_in_schema=False,
)
api_router = Router(path="/", route_handlers=[cohort_certificates_api, issue_certificates_api])
