"""Who sees and who revokes a certificate: the rules the pages and the API share.

RLS already limits the rows to the holder's organization, its municipality and region, and the issuer; a mentor's
or a mentee's cabinet narrows that to the holder's own, and only the issuing service may revoke.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from services.certificates.issuing import CertificateRecord, get_certificate, revoke_certificate
from shared.actor import Actor
from shared.errors import Forbidden, NotFound
from tenants import Principal, Role

VIEWERS = (
    Role.regional_coordinator,
    Role.municipal_coordinator,
    Role.head,
    Role.curator,
    Role.mentor,
    Role.mentee,
)
ISSUERS = (Role.regional_coordinator, Role.municipal_coordinator, Role.head, Role.curator)
HOLDERS = (Role.mentor, Role.mentee)  # a cabinet sees its own certificates only


@dataclass(frozen=True)
class Viewer:
    role: Role | None
    user_id: UUID
    municipality_id: UUID | None
    organization_id: UUID | None
    person_id: UUID | None = None  # a cabinet's own record in the base: its certificates issued without an account

    @classmethod
    def of(cls, principal: Principal) -> Viewer:
        scope = principal.scope
        return cls(principal.role, principal.user_id, scope.municipality_id, scope.organization_id)

    @property
    def own_only(self) -> UUID | None:
        """The account whose certificates alone a cabinet lists (None: the whole scope)."""
        return self.user_id if self.role in HOLDERS else None

    def sees(self, certificate: CertificateRecord) -> bool:
        if self.own_only is None or certificate.user_id == self.user_id:
            return True
        return self.person_id is not None and certificate.person_id == self.person_id

    def require_sees(self, certificate: CertificateRecord) -> None:
        if not self.sees(certificate):
            raise NotFound()

    def issued(self, certificate: CertificateRecord) -> bool:
        """The service that issued it: the region's for the regional school and certification, a municipality's
        or a base organization's for their schools."""
        by_organization = certificate.issuer_organization_id
        by_municipality = certificate.issuer_municipality_id
        if self.role == Role.regional_coordinator:
            return by_organization is None and by_municipality is None
        if self.role == Role.municipal_coordinator:
            return by_organization is None and by_municipality is not None and by_municipality == self.municipality_id
        if self.role in (Role.curator, Role.head):
            return by_organization is not None and by_organization == self.organization_id
        return False

    def require_issuer(self, certificate: CertificateRecord) -> None:
        if not self.issued(certificate):
            raise Forbidden()


async def revoke_as(viewer: Viewer, actor: Actor, certificate_id: UUID, reason: str) -> CertificateRecord:
    """Only the issuing service revokes, with a reason; the page and the API both come here."""
    certificate = await get_certificate(certificate_id)
    viewer.require_sees(certificate)
    viewer.require_issuer(certificate)
    return await revoke_certificate(actor, certificate_id, reason)


async def visible(viewer: Viewer, certificate_id: UUID) -> CertificateRecord:
    """A certificate the viewer may open (RLS, then a cabinet's own only), else NotFound."""
    certificate = await get_certificate(certificate_id)
    viewer.require_sees(certificate)
    return certificate
