"""What the register reads: an incentive with its labels, and the lines a portfolio prints."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from services.incentives.tables import IncentiveKind, IncentiveLevel, IncentiveStatus
from shared.i18n import format_date

KIND_LABELS: dict[str, str] = {
    IncentiveKind.thanks: "Благодарность",
    IncentiveKind.diploma: "Почётная грамота",
    IncentiveKind.parents_letter: "Благодарственное письмо родителям",
    IncentiveKind.award_petition: "Ходатайство о награждении",
    IncentiveKind.bonus: "Премия",
    IncentiveKind.allowance: "Стимулирующая выплата",
}
LEVEL_LABELS: dict[str, str] = {
    IncentiveLevel.organization: "организация",
    IncentiveLevel.municipality: "муниципалитет",
    IncentiveLevel.region: "регион",
}
STATUS_LABELS: dict[str, str] = {
    IncentiveStatus.proposed: "предложено",
    IncentiveStatus.ordered: "в проекте приказа",
    IncentiveStatus.effective: "по приказу",
}
PAY_KINDS = (IncentiveKind.bonus, IncentiveKind.allowance)
# 002 §6.3: a learner mentor is thanked and given a diploma; pay and petitions are for employees; 004 §8.1 adds
# the letter of thanks to a learner mentor's parents.
LEARNER_KINDS = (IncentiveKind.thanks, IncentiveKind.diploma, IncentiveKind.parents_letter)
STAFF_KINDS = (
    IncentiveKind.thanks,
    IncentiveKind.diploma,
    IncentiveKind.award_petition,
    IncentiveKind.bonus,
    IncentiveKind.allowance,
)


def roubles(amount: Decimal | None) -> str:
    """«12 500 руб.», «1 250,50 руб.»."""
    if amount is None:
        return ""
    whole, _, cents = f"{amount:.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    return f"{grouped}{',' + cents if cents != '00' else ''}\u00a0руб."


class IncentiveRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    organization_id: UUID
    municipality_id: UUID
    person_id: UUID
    level: IncentiveLevel
    kind: IncentiveKind
    reason: str
    amount: Decimal | None
    status: IncentiveStatus
    order_id: UUID | None
    order_number: str
    decided_on: date | None
    created_at: datetime

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def amount_label(self) -> str:
        return roubles(self.amount)

    @property
    def order_label(self) -> str:
        """«Приказ № 12 от 20.05.2026» once registered."""
        if self.status != IncentiveStatus.effective or self.decided_on is None:
            return ""
        return f"приказ № {self.order_number} от {format_date(self.decided_on)}"

    @property
    def line(self) -> str:
        """«Почётная грамота (организация) — за подготовку пары к конкурсу; приказ № 12 от 20.05.2026»."""
        what = self.kind_label + (f" {self.amount_label}" if self.amount is not None else "")
        order = f"; {self.order_label}" if self.order_label else ""
        return f"{what} ({self.level_label}) — {self.reason}{order}"

    @property
    def public_line(self) -> str:
        """What the public page shows: never the sums paid."""
        order = f" ({self.order_label})" if self.order_label else ""
        return f"{self.kind_label}: {self.reason}{order}"


COLUMNS = """id, region_id, organization_id, municipality_id, person_id, level, kind, reason, amount, status, order_id,
             order_number, decided_on, created_at"""


def record(row: object) -> IncentiveRecord:
    return msgspec.convert(dict(row), IncentiveRecord)  # type: ignore[call-overload]
