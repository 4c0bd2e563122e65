"""Public verification of a certificate by its number: what anyone may learn of it, and how often they may ask.

The lookup runs in the public scope with the number set: the certificate policy shows that one row in any region
and nothing else, so a visitor can neither list certificates nor read a field the answer leaves out.
"""

from __future__ import annotations

from datetime import date

import msgspec
from redis.asyncio import Redis

from services.certificates.issuing import STATUS_LABELS, find_by_number
from shared.actor import Actor
from shared.audit import audit
from shared.auth import LoginLimiter
from shared.clock import ZONE, today
from shared.db import Scope, rescope
from shared.errors import NotFound
from shared.i18n import plural

PER_IP_PER_MINUTE = 30
PER_NUMBER_PER_MINUTE = 600  # high: only the address limit stands against walking the numbers
MAX_NUMBER_LENGTH = 32  # the column's


class PublicCertificate(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the public answer holds: the holder, the programme or certification, the dates, the validity and
    the status; never the organization, the hours, the issuer's staff or a revocation's reason."""

    number: str
    holder_name: str
    title: str
    starts_on: date | None
    ends_on: date | None
    issued_on: date
    valid_until: date | None
    status: str
    status_label: str
    revoked_on: date | None


class TooManyChecks(Exception):
    def __init__(self, seconds: int) -> None:
        minutes = max(1, (seconds + 59) // 60)
        super().__init__(
            f"Слишком много проверок с вашего адреса. Попробуйте через {minutes} "
            f"{plural(minutes, 'минуту', 'минуты', 'минут')}."
        )
        self.seconds = seconds


def limiter(redis: Redis) -> LoginLimiter:
    """The login limiter's counters, per address and per number, counting every check."""
    return LoginLimiter(redis, PER_NUMBER_PER_MINUTE, PER_IP_PER_MINUTE, 60, prefix="certificate-check")


# A series typed on a Latin keyboard: «CK-2026-00003» with Latin C and K is the same number as «СК-2026-00003».
LOOKALIKES = str.maketrans({"C": "С", "K": "К", "H": "Н"})


def normalised(number: str) -> str:
    text = "".join(number.split()).upper()
    series, dash, rest = text.partition("-")
    return series.translate(LOOKALIKES) + dash + rest


async def check_rate(redis: Redis, number: str, ip: str) -> None:
    guard = limiter(redis)
    if wait := await guard.retry_after(number, ip):
        raise TooManyChecks(wait)
    await guard.failed(number, ip)


async def verify(number: str, ip: str) -> PublicCertificate:
    """The certificate with this number in any region, or NotFound; the read is in the holder's region's audit
    log (a visitor learnt a person's name)."""
    number = normalised(number)
    if not number or len(number) > MAX_NUMBER_LENGTH:
        raise NotFound()
    await rescope(Scope.public_region(None, certificate_number=number))
    found = await find_by_number(number)
    if found is None:
        raise NotFound()
    await rescope(Scope.public_region(found.region_id, certificate_number=number))
    await audit(
        Actor(None, found.region_id, None, ip),
        "verify",
        found.person_id,
        f"проверка свидетельства {found.number}",
        organization_id=found.organization_id,
    )
    status = found.status(today())
    return PublicCertificate(
        number=found.number,
        holder_name=found.holder_name,
        title=found.title,
        starts_on=found.starts_on,
        ends_on=found.ends_on,
        issued_on=found.issued_on,
        valid_until=found.valid_until,
        status=status.value,
        status_label=STATUS_LABELS[status],
        revoked_on=found.revoked_at.astimezone(ZONE).date() if found.revoked_at else None,
    )
