"""Reminders before a certificate expires: 60 and 30 days ahead, to the holder and the holder's curators.

Each (certificate, step) is recorded in `certificate_reminder` before its letter goes, in the same transaction
that found it due, so a step is never sent twice; a certificate that is already within 30 days gets only the
30-day letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

import msgspec

from services.certificates.issuing import COLUMNS, CertificateRecord, _record
from services.certificates.pdf import verification_url
from services.certificates.tables import CertificateKind
from shared.db import current_connection
from shared.i18n import format_date, plural
from tenants import Role, list_people

STEPS = (60, 30)


class DueReminder(msgspec.Struct, frozen=True, kw_only=True):
    certificate: CertificateRecord
    days_before: int


@dataclass(frozen=True)
class Letter:
    to: list[str]
    subject: str
    text: str


async def due_reminders(on: date) -> list[DueReminder]:
    qualified = ", ".join(f"c.{name.strip()}" for name in COLUMNS.split(","))
    rows = await current_connection().fetch(
        f"""SELECT {qualified}, d.days AS days_before
            FROM certificate c CROSS JOIN (VALUES (60), (30)) AS d (days)
            WHERE c.revoked_at IS NULL AND c.valid_until BETWEEN $1 AND $1 + d.days
              AND (d.days = 30 OR c.valid_until > $1 + 30)
              AND NOT EXISTS (SELECT 1 FROM certificate_reminder r WHERE r.region_id = c.region_id
                              AND r.certificate_id = c.id AND r.days_before = d.days)
            ORDER BY c.valid_until, c.number""",
        on,
    )
    return [
        DueReminder(
            certificate=_record({k: v for k, v in dict(r).items() if k != "days_before"}),
            days_before=r["days_before"],
        )
        for r in rows
    ]


async def record_reminder(due: DueReminder) -> bool:
    """False when this step was recorded a moment ago (two workers): only the one that recorded it sends."""
    certificate = due.certificate
    inserted = await current_connection().fetchval(
        """INSERT INTO certificate_reminder (region_id, organization_id, certificate_id, days_before)
           VALUES ($1, $2, $3, $4) ON CONFLICT (region_id, certificate_id, days_before) DO NOTHING RETURNING id""",
        certificate.region_id,
        certificate.organization_id,
        certificate.id,
        due.days_before,
    )
    return inserted is not None


async def recipients(certificate: CertificateRecord) -> list[str]:
    """The holder's own account, if any, and the curators of the holder's organization, each address once."""
    accounts = await list_people(certificate.organization_id)
    holder = [a.email for a in accounts if certificate.user_id is not None and a.id == certificate.user_id]
    curators = [a.email for a in accounts if a.role == Role.curator]
    return list(dict.fromkeys([*holder, *curators]))


def letter(due: DueReminder, to: list[str], on: date, base_url: str) -> Letter:
    certificate = due.certificate
    assert certificate.valid_until is not None
    left = (certificate.valid_until - on).days
    then = (
        "Чтобы квалификация не прерывалась, подайте заявку на повторную сертификацию."
        if certificate.kind == CertificateKind.curator
        else "Чтобы подтвердить подготовку, запишитесь на обучение в сетевой школе наставников."
    )
    text = (
        "Здравствуйте!\n\n"
        f"Срок действия свидетельства № {certificate.number} («{certificate.title}», {certificate.holder_name}) "
        f"истекает {format_date(certificate.valid_until)} — через {left} {plural(left, 'день', 'дня', 'дней')}.\n"
        f"{then}\n\n"
        f"Проверить свидетельство: {verification_url(base_url, certificate.number)}\n"
    )
    return Letter(to, f"Свидетельство № {certificate.number}: срок действия истекает", text)


async def sent_reminders(certificate_id: UUID) -> list[tuple[int, datetime]]:
    """(days before the end, when) of the reminders sent about a certificate, earliest first."""
    rows = await current_connection().fetch(
        "SELECT days_before, sent_at FROM certificate_reminder WHERE certificate_id = $1 ORDER BY sent_at",
        certificate_id,
    )
    return [(r["days_before"], r["sent_at"]) for r in rows]
