"""Certificates: the scope's list and a certificate's card with its PDF and revocation; the public verification
by number (a page and JSON, no sign-in, rate-limited); the scoped API."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from uuid import UUID

from arq import ArqRedis
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from services.certificates import listing
from services.certificates.access import ISSUERS, VIEWERS, Viewer, revoke_as, visible
from services.certificates.issuing import STATUS_LABELS, CertificateRecord, Status
from services.certificates.pdf import HEADINGS, SERIES_KINDS, filename, render_pdf, verification_path
from services.certificates.reminders import sent_reminders
from services.certificates.tables import CertificateKind
from services.certificates.verification import PublicCertificate, TooManyChecks, check_rate, normalised, verify
from services.mentoring import cabinet_person
from shared.actor import Actor
from shared.audit import audit
from shared.auth import public
from shared.downloads import download_headers
from shared.errors import NotFound, ValidationFailed
from shared.i18n import format_date
from shared.pages import page, see_other
from shared.proxies import client_address
from shared.settings import Settings
from tenants import Principal, allow

KIND_LABELS = {
    CertificateKind.training: "Обучение в школе наставников",
    CertificateKind.curator: "Сертификация",
    CertificateKind.diploma: "Диплом конкурса",
    CertificateKind.participant: "Участие в конкурсе",
}


def _labels() -> dict[str, Any]:
    return {"status_labels": STATUS_LABELS, "statuses": list(Status), "kind_labels": KIND_LABELS}


async def _listing(
    principal: Principal, status: str, title: str, page_number: int, per_page: int = listing.PER_PAGE
) -> tuple[listing.Filters, listing.CertificatePage]:
    viewer = Viewer.of(principal)
    filters = listing.clean_filters(status, title, viewer.own_only)
    page_number, per_page = listing.clean_page(page_number, per_page)
    return filters, await listing.list_certificates(filters, page_number, per_page)


# Pages --------------------------------------------------------------------------------------------------------


@get("/certificates", guards=[allow(*VIEWERS)])
async def certificates_page(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    status: FromQuery[str] = "",
    title: FromQuery[str] = "",
    page_number: Annotated[int, QueryParameter(name="page")] = 1,
) -> Template:
    try:
        filters, found = await _listing(principal, status, title, page_number)
        errors: dict[str, str] = {}
    except ValidationFailed as exc:
        filters, found = await _listing(principal, "", "", 1)
        errors = exc.errors
    await audit(actor, "view", None, f"список свидетельств, строк: {len(found.items)}")
    return page(
        "certificates/list.html",
        400 if errors else 200,
        found=found,
        filters=filters,
        errors=errors,
        titles=await listing.titles(Viewer.of(principal).own_only),
        cabinet=Viewer.of(principal).own_only is not None,
        **_labels(),
    )


def _card(certificate: CertificateRecord, viewer: Viewer, status_code: int = 200, **context: Any) -> Template:
    return page(
        "certificates/card.html",
        status_code,
        certificate=certificate,
        status=certificate.status(),
        heading=HEADINGS[certificate.kind],
        can_revoke=viewer.issued(certificate) and certificate.revoked_at is None,
        verify_path=verification_path(certificate.number),
        errors=context.pop("errors", {}),
        reason=context.pop("reason", ""),
        **_labels(),
        **context,
    )


async def _opener(principal: Principal) -> Viewer:
    """A cabinet opens its own certificates, also those its record in the base got without an account."""
    viewer = Viewer.of(principal)
    if viewer.own_only is None or principal.scope.organization_id is None:
        return viewer
    return replace(viewer, person_id=await cabinet_person(principal))


@get("/certificates/{certificate_id:uuid}", guards=[allow(*VIEWERS)])
async def certificate_card(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], certificate_id: FromPath[UUID]
) -> Template:
    viewer = await _opener(principal)
    certificate = await visible(viewer, certificate_id)
    await audit(actor, "view", certificate.person_id, "свидетельство", organization_id=certificate.organization_id)
    return _card(certificate, viewer, reminders=await sent_reminders(certificate.id))


# «/pdf» is the address the other domains' pages may link; the project's own pages link «/download».
@get(
    ["/certificates/{certificate_id:uuid}/download", "/certificates/{certificate_id:uuid}/pdf"],
    guards=[allow(*VIEWERS)],
)
async def certificate_pdf(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    certificate_id: FromPath[UUID],
) -> Response[bytes]:
    certificate = await visible(await _opener(principal), certificate_id)
    await audit(actor, "view", certificate.person_id, "PDF свидетельства", organization_id=certificate.organization_id)
    return Response(
        render_pdf(certificate, settings.base_url),
        media_type="application/pdf",
        headers=download_headers(filename(certificate), "inline"),
    )


@post("/certificates/{certificate_id:uuid}/revoke", guards=[allow(*ISSUERS)])
async def revoke_page(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    certificate_id: FromPath[UUID],
) -> Template | Redirect:
    viewer = Viewer.of(principal)
    reason = str((await request.form()).get("reason", ""))
    try:
        await revoke_as(viewer, actor, certificate_id, reason)
    except ValidationFailed as exc:
        certificate = await visible(viewer, certificate_id)
        reminders = await sent_reminders(certificate.id)
        return _card(certificate, viewer, 422, errors=exc.errors, reason=reason, reminders=reminders)
    flash(request, "Свидетельство отозвано", category="success")
    return see_other(f"/certificates/{certificate_id}")


# Public verification ------------------------------------------------------------------------------------------


async def _verified(request: Request[Any, Any, Any], redis: ArqRedis, number: str) -> PublicCertificate:
    ip = client_address(request.scope, "unknown")
    try:
        await check_rate(redis, normalised(number), ip)
    except TooManyChecks as exc:
        raise HTTPException(status_code=429, detail=str(exc), extra={"retry_after": exc.seconds}) from exc
    return await verify(number, ip)


@get("/verify", guards=[public])
async def verify_form(number: FromQuery[str] = "") -> Template | Redirect:
    if normalised(number):
        return see_other(verification_path(normalised(number)))
    return page("certificates/verify.html", found=None, number="")


@get("/verify/{number:str}", guards=[public])
async def verify_page(
    request: Request[Any, Any, Any], redis: NamedDependency[ArqRedis], number: FromPath[str]
) -> Template:
    try:
        found = await _verified(request, redis, number)
    except NotFound:
        return page("certificates/verify.html", 404, found=None, number=normalised(number)[:32], unknown=True)
    heading = HEADINGS[SERIES_KINDS.get(found.number[:2], CertificateKind.training)]
    return page("certificates/verify.html", found=found, number=found.number, heading=heading)


@get("/api/v1/certificates/{number:str}", guards=[public], tags=["Свидетельства"])
async def verify_api(
    request: Request[Any, Any, Any], redis: NamedDependency[ArqRedis], number: FromPath[str]
) -> dict[str, Any]:
    """Public, no sign-in: the holder, the programme or certification, the dates, the validity and the status
    (`valid`, `expired`, `revoked`); an unknown number answers 404; at most 30 checks a minute from one address."""
    found = await _verified(request, redis, number)
    return {
        "number": found.number,
        "holder_name": found.holder_name,
        "title": found.title,
        "starts_on": found.starts_on.isoformat() if found.starts_on else None,
        "ends_on": found.ends_on.isoformat() if found.ends_on else None,
        "issued_on": found.issued_on.isoformat(),
        "valid_until": found.valid_until.isoformat() if found.valid_until else None,
        "status": found.status,
        "status_label": found.status_label,
        "revoked_on": found.revoked_on.isoformat() if found.revoked_on else None,
    }


# API ----------------------------------------------------------------------------------------------------------


def certificate_json(certificate: CertificateRecord) -> dict[str, Any]:
    status = certificate.status()
    return {
        "id": str(certificate.id),
        "number": certificate.number,
        "kind": certificate.kind.value,
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "holder_name": certificate.holder_name,
        "person_id": str(certificate.person_id),
        "organization_id": str(certificate.organization_id),
        "title": certificate.title,
        "hours": float(certificate.hours) if certificate.hours is not None else None,
        "starts_on": certificate.starts_on.isoformat() if certificate.starts_on else None,
        "ends_on": certificate.ends_on.isoformat() if certificate.ends_on else None,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "issuer_name": certificate.issuer_name,
        "revoked_on": format_date(certificate.revoked_at) if certificate.revoked_at else None,
        "pdf": f"/certificates/{certificate.id}/download",
    }


@get("/api/v1/certificates", guards=[allow(*VIEWERS)], tags=["Свидетельства"])
async def certificates_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    status: FromQuery[str] = "",
    title: FromQuery[str] = "",
    page_number: Annotated[int, QueryParameter(name="page")] = 1,
    per_page: FromQuery[int] = listing.PER_PAGE,
) -> dict[str, Any]:
    """The certificates of the caller's scope: a coordinator's region or municipality, a curator's or head's
    organization, a mentor's or mentee's own; `status` valid|expired|revoked, `title` a programme; paginated by
    `page` and `per_page` (at most 200), newest first."""
    _, found = await _listing(principal, status, title, page_number, per_page)
    await audit(actor, "view", None, f"список свидетельств (API), строк: {len(found.items)}")
    return {
        "items": [certificate_json(c) for c in found.items],
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "pages": found.pages,
    }


@post(
    "/api/v1/certificates/{certificate_id:uuid}/revoke",
    guards=[allow(*ISSUERS)],
    tags=["Свидетельства"],
    status_code=200,
)
async def revoke_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    certificate_id: FromPath[UUID],
    data: JSONBody[dict[str, Any]],
) -> dict[str, Any]:
    """`{"reason": "..."}` — required; only the issuing service revokes."""
    certificate = await revoke_as(Viewer.of(principal), actor, certificate_id, str(data.get("reason") or ""))
    return certificate_json(certificate)


page_router = Router(
    path="/",
    route_handlers=[certificates_page, certificate_card, certificate_pdf, revoke_page, verify_form, verify_page],
    include_in_schema=False,
)
api_router = Router(path="/", route_handlers=[certificates_api, verify_api, revoke_api])
