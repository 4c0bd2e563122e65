"""The certificates of the caller's scope, filtered and paginated, for the list page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.certificates.issuing import COLUMNS, CertificateRecord, Status, _record
from shared.clock import today
from shared.db import current_connection
from shared.errors import ValidationFailed
from shared.i18n import sorted_ru

PER_PAGE = 50
MAX_PER_PAGE = 200
STATUS_SQL = {
    Status.valid: "revoked_at IS NULL AND (valid_until IS NULL OR valid_until >= $1)",
    Status.expired: "revoked_at IS NULL AND valid_until < $1",
    Status.revoked: "revoked_at IS NOT NULL",
}
EXPIRY_NOTICE_DAYS = 60  # the list flags a certificate this close to its end, as the reminders do


@dataclass(frozen=True)
class Filters:
    status: Status | None = None
    title: str = ""
    user_id: UUID | None = None  # a cabinet's own certificates


@dataclass(frozen=True)
class CertificatePage:
    items: list[CertificateRecord]
    total: int
    page: int
    per_page: int
    on: date

    @property
    def pages(self) -> int:
        return max(1, (self.total + self.per_page - 1) // self.per_page)

    def expires_soon(self, certificate: CertificateRecord) -> bool:
        until = certificate.valid_until
        return (
            certificate.status(self.on) == Status.valid
            and until is not None
            and (until - self.on).days <= EXPIRY_NOTICE_DAYS
        )


def clean_filters(status: str, title: str, user_id: UUID | None) -> Filters:
    if status and status not in Status.__members__:
        raise ValidationFailed({"status": "Выберите статус: valid, expired или revoked"})
    return Filters(Status(status) if status else None, " ".join(title.split()), user_id)


def clean_page(page: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    if page < 1:
        raise ValidationFailed({"page": "Номер страницы начинается с 1"})
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationFailed({"per_page": f"На странице от 1 до {MAX_PER_PAGE} свидетельств"})
    return page, per_page


def _where(filters: Filters, on: date) -> tuple[str, list[object]]:
    """$1 is always the day the status is decided on."""
    clauses: list[str] = ["$1::date IS NOT NULL"]
    args: list[object] = [on]
    if filters.status is not None:
        clauses.append(STATUS_SQL[filters.status])
    if filters.title:
        args.append(filters.title)
        clauses.append(f"title = ${len(args)}")
    if filters.user_id is not None:
        args.append(filters.user_id)
        clauses.append(f"user_id = ${len(args)}")
    return " AND ".join(clauses), args


async def list_certificates(filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> CertificatePage:
    on = today()
    where, args = _where(filters, on)
    connection = current_connection()
    total = await connection.fetchval(f"SELECT count(*) FROM certificate WHERE {where}", *args)
    rows = await connection.fetch(
        f"""SELECT {COLUMNS} FROM certificate WHERE {where}
            ORDER BY issued_on DESC, number DESC LIMIT {per_page} OFFSET {(page - 1) * per_page}""",
        *args,
    )
    return CertificatePage([_record(r) for r in rows], total, page, per_page, on)


async def titles(user_id: UUID | None = None) -> list[str]:
    """The programmes and certifications the scope's certificates name, for the filter, in Russian order."""
    rows = await current_connection().fetch(
        "SELECT DISTINCT title FROM certificate WHERE ($1::uuid IS NULL OR user_id = $1)", user_id
    )
    return sorted_ru([r["title"] for r in rows])
