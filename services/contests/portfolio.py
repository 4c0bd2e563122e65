"""The portfolio of an application, assembled from the platform's own data: the nominee's pairs and groups with
their meetings, outcome and the mentees' results before and after, the mentor school's training, the certificates
and the incentives decided by order. It is frozen into the application when sent, so the jury judges what was sent."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from services import mentoring
from services.certificates import certificates_of
from services.incentives import incentives_of
from services.monitoring import score_change
from services.school import training_of


class PortfolioPair(msgspec.Struct, frozen=True, kw_only=True):
    mentees: str
    form: str
    starts_on: date
    ends_on: date
    status: str
    meetings: int
    outcome: str  # the end reason or the completion, as the curator wrote it
    nominated: bool  # the pair the application is about
    before: float | None = None  # the mentees' mean influence score at the start, 1–10
    after: float | None = None  # and at the end, over the same parameters


class PortfolioTraining(msgspec.Struct, frozen=True, kw_only=True):
    programme: str
    school: str
    hours: str
    completed_on: date | None


class PortfolioCertificate(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    title: str
    issued_on: date


class Portfolio(msgspec.Struct, frozen=True, kw_only=True):
    assembled_on: date
    pairs: list[PortfolioPair] = []
    training: list[PortfolioTraining] = []
    certificates: list[PortfolioCertificate] = []
    incentives: list[str] = []  # «Почётная грамота: за … (приказ № 47-п от 19.11.2026)», never the sums

    @property
    def meetings(self) -> int:
        return sum(p.meetings for p in self.pairs)


async def assemble(person_id: UUID, mentorship_id: UUID | None, day: date) -> Portfolio:
    pairs = []
    for pair in await mentoring.list_pairs(person_id=person_id):
        if pair.mentor_id != person_id or pair.status == "draft":
            continue
        results = await score_change([m.id for m in pair.mentees])
        pairs.append(
            PortfolioPair(
                mentees=", ".join(m.full_name for m in pair.mentees),
                form=pair.form_title,
                starts_on=pair.starts_on,
                ends_on=pair.finished_on or pair.extended_to or pair.ends_on,
                status=mentoring.STATUS_LABELS[pair.status],
                meetings=pair.meetings,
                outcome=pair.end_reason,
                nominated=pair.id == mentorship_id,
                before=results.before if results else None,
                after=results.after if results else None,
            )
        )
    training = [
        PortfolioTraining(
            programme=t.programme_title,
            school=t.school_name,
            hours=f"{t.hours_attended.normalize():f}",
            completed_on=t.completed_on,
        )
        for t in await training_of([person_id])
        if t.outcome == "completed"
    ]
    certificates = [
        PortfolioCertificate(number=c.number, title=c.title, issued_on=c.issued_on)
        for c in await certificates_of([person_id])
        if c.revoked_at is None
    ]
    incentives = [i.public_line for i in await incentives_of([person_id], day)]
    return Portfolio(assembled_on=day, pairs=pairs, training=training, certificates=certificates, incentives=incentives)


def frozen(value: object) -> Portfolio | None:
    """The portfolio stored at sending, or None for a draft."""
    raw = value if isinstance(value, (str, bytes)) else msgspec.json.encode(value)
    if not value or raw in ("{}", b"{}"):
        return None
    return msgspec.json.decode(raw, type=Portfolio)
