"""Issuing, reading and revoking certificates: the one place that gives numbers and decides a certificate's status.

The mentor school and the curator certification call it through the domain's face; the PDF and the public
verification read what is stored here.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from services.certificates.tables import Certificate, CertificateKind
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import NotFound, ValidationFailed
from shared.i18n import sort_key

# The number's series by kind: «НШ-2026-00017» for the mentor school, «СК-2026-00003» for a certified curator.
SERIES = {
    CertificateKind.training: "НШ",
    CertificateKind.curator: "СК",
    CertificateKind.diploma: "ДК",
    CertificateKind.participant: "УК",
}


class Status(enum.StrEnum):
    valid = "valid"
    expired = "expired"
    revoked = "revoked"


STATUS_LABELS = {Status.valid: "действителен", Status.expired: "истёк", Status.revoked: "отозван"}


class CertificateDraft(msgspec.Struct, frozen=True, kw_only=True):
    """What the issuing domain knows of a certificate before it has a number."""

    kind: CertificateKind
    organization_id: UUID  # the holder's organization
    person_id: UUID
    holder_name: str
    title: str
    issued_on: date
    source_kind: str  # "school_enrolment" | "certification_application"
    source_id: UUID
    issuer_name: str
    user_id: UUID | None = None
    hours: Decimal | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    valid_until: date | None = None
    issuer_organization_id: UUID | None = None
    issuer_municipality_id: UUID | None = None
    signatory_name: str = ""
    signatory_position: str = ""
    order_id: UUID | None = None


class CertificateRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    number: str
    kind: CertificateKind
    organization_id: UUID
    person_id: UUID
    user_id: UUID | None
    holder_name: str
    title: str
    hours: Decimal | None
    starts_on: date | None
    ends_on: date | None
    issued_on: date
    valid_until: date | None
    issuer_name: str
    signatory_name: str
    signatory_position: str
    source_kind: str
    source_id: UUID
    order_id: UUID | None
    revoked_at: datetime | None
    revoked_reason: str
    issuer_organization_id: UUID | None = None
    issuer_municipality_id: UUID | None = None

    def status(self, on: date | None = None) -> Status:
        if self.revoked_at is not None:
            return Status.revoked
        if self.valid_until is not None and self.valid_until < (on or today()):
            return Status.expired
        return Status.valid


COLUMNS = ", ".join(f.name for f in msgspec.structs.fields(CertificateRecord))


def _record(row: object) -> CertificateRecord:
    return msgspec.convert(dict(row), CertificateRecord)  # type: ignore[call-overload]


async def next_number(kind: CertificateKind, year: int) -> str:
    """The next number of the series, under the counter row's lock: unique across every region (a visitor verifies
    a number before any region is known), no duplicates."""
    series = SERIES[kind]
    last = await current_connection().fetchval(
        """INSERT INTO certificate_sequence (series, year, last) VALUES ($1, $2, 1)
           ON CONFLICT (series, year) DO UPDATE SET last = certificate_sequence.last + 1
           RETURNING last""",
        series,
        year,
    )
    return f"{series}-{year}-{last:05d}"


async def issue_certificate(actor: Actor, draft: CertificateDraft) -> CertificateRecord:
    """A new certificate with the next number; a source already holding a valid certificate gets that one back."""
    existing = await current_connection().fetchrow(
        f"""SELECT {COLUMNS} FROM certificate
            WHERE source_kind = $1 AND source_id = $2 AND revoked_at IS NULL""",
        draft.source_kind,
        draft.source_id,
    )
    if existing is not None:
        return _record(existing)
    if not draft.holder_name.strip() or not draft.title.strip():
        raise ValidationFailed({"certificate": "В свидетельстве нет имени или названия программы"})
    number = await next_number(draft.kind, draft.issued_on.year)
    row = await current_connection().fetchrow(
        f"""INSERT INTO certificate (region_id, number, kind, organization_id, person_id, user_id, holder_name, title,
                hours, starts_on, ends_on, issued_on, valid_until, issuer_organization_id, issuer_municipality_id,
                issuer_name, signatory_name, signatory_position, source_kind, source_id, order_id, created_by,
                created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                $22, $23)
            RETURNING {COLUMNS}""",
        actor.region_id,
        number,
        draft.kind.value,
        draft.organization_id,
        draft.person_id,
        draft.user_id,
        draft.holder_name,
        draft.title,
        draft.hours,
        draft.starts_on,
        draft.ends_on,
        draft.issued_on,
        draft.valid_until,
        draft.issuer_organization_id,
        draft.issuer_municipality_id,
        draft.issuer_name,
        draft.signatory_name,
        draft.signatory_position,
        draft.source_kind,
        draft.source_id,
        draft.order_id,
        actor.user_id,
        now(),
    )
    await audit(actor, "certificate.issue", draft.person_id, number, organization_id=draft.organization_id)
    return _record(row)


async def get_certificate(certificate_id: UUID) -> CertificateRecord:
    row = await current_connection().fetchrow(f"SELECT {COLUMNS} FROM certificate WHERE id = $1", certificate_id)
    if row is None:
        raise NotFound()
    return _record(row)


async def find_by_number(number: str) -> CertificateRecord | None:
    """Under the public scope of `Scope.public_region(…, certificate_number=number)` only that row is visible."""
    row = await current_connection().fetchrow(
        f"SELECT {COLUMNS} FROM certificate WHERE number = $1", " ".join(number.split()).upper()
    )
    return _record(row) if row else None


async def certificates_of(person_ids: list[UUID]) -> list[CertificateRecord]:
    """The certificates of these people (one person may have records in two organizations), newest first."""
    rows = await current_connection().fetch(
        f"SELECT {COLUMNS} FROM certificate WHERE person_id = ANY($1::uuid[]) ORDER BY issued_on DESC, number",
        person_ids,
    )
    return [_record(r) for r in rows]


async def issued_sources(source_kind: str, source_ids: list[UUID]) -> set[UUID]:
    """The sources that hold any certificate, revoked too: a bulk issue never gives a second one by itself, a
    revoked certificate is issued again only on purpose."""
    rows = await current_connection().fetch(
        "SELECT DISTINCT source_id FROM certificate WHERE source_kind = $1 AND source_id = ANY($2::uuid[])",
        source_kind,
        source_ids,
    )
    return {r["source_id"] for r in rows}


async def revoke_certificate(actor: Actor, certificate_id: UUID, reason: str) -> CertificateRecord:
    certificate = await get_certificate(certificate_id)
    text = " ".join(reason.split())
    if not text or len(text) > 1000:
        raise ValidationFailed({"reason": "Укажите причину отзыва (до 1000 знаков)"})
    if certificate.revoked_at is not None:
        raise ValidationFailed({"reason": "Свидетельство уже отозвано"})
    await (
        Certificate.update(
            {Certificate.revoked_at: now(), Certificate.revoked_reason: text, Certificate.revoked_by: actor.user_id}
        )
        .where(Certificate.id == certificate_id)
        .run()
    )
    await audit(
        actor,
        "certificate.revoke",
        certificate.person_id,
        certificate.number,
        organization_id=certificate.organization_id,
    )
    return await get_certificate(certificate_id)


async def forget_holders(person_ids: list[UUID], stub_name: str) -> None:
    """The registry's destruction of a person's data reaches their certificates: the number stays verifiable, the
    name reads as destroyed and no letter goes to the person any more."""
    if not person_ids:
        return
    await current_connection().execute(
        "UPDATE certificate SET holder_name = $2, user_id = NULL WHERE person_id = ANY($1::uuid[])",
        person_ids,
        stub_name,
    )


async def valid_on(kind: CertificateKind, on: date) -> list[CertificateRecord]:
    """The scope's certificates of a kind valid on a day (issued by then, not revoked, not expired), by holder:
    a registry of certified curators, or a count on a date."""
    rows = await current_connection().fetch(
        f"""SELECT {COLUMNS} FROM certificate
            WHERE kind = $1 AND issued_on <= $2 AND (valid_until IS NULL OR valid_until >= $2)
              AND (revoked_at IS NULL OR revoked_at::date > $2)
            ORDER BY issued_on DESC""",
        kind.value,
        on,
    )
    return sorted((_record(r) for r in rows), key=lambda c: sort_key(c.holder_name))
