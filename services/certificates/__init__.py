"""Certificates: numbering, issuing, revoking, the PDF and the public verification of every certificate the region's
services issue (the mentor school's and the curator certification's). Other domains use only the names below."""

from services.certificates.issuing import (
    STATUS_LABELS,
    CertificateDraft,
    CertificateRecord,
    Status,
    certificates_of,
    forget_holders,
    get_certificate,
    issue_certificate,
    issued_sources,
    revoke_certificate,
    valid_on,
)
from services.certificates.tables import CertificateKind

__all__ = [
    "STATUS_LABELS",
    "CertificateDraft",
    "CertificateKind",
    "CertificateRecord",
    "Status",
    "certificates_of",
    "forget_holders",
    "get_certificate",
    "issue_certificate",
    "issued_sources",
    "revoke_certificate",
    "valid_on",
]
