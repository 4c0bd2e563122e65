"""A person's contest results, for the other domains: the person card, the cabinet, the curator certification.

It imports nothing of the domains the contests use (certificates, school, registry…), only the contests' tables and
the kernel, so any domain may import it through the face without a circle."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from services.contests.records import STAGE_LABELS
from services.contests.tables import EntryState, Level
from shared.db import current_connection
from shared.i18n import format_date

# How a result reads in a portfolio (the entry's own labels speak of the application: «прошла…»).
OUTCOME_LABELS = {
    EntryState.advanced: "выход в следующий этап",
    EntryState.not_advanced: "участник этапа",
    EntryState.winner: "победитель",
    EntryState.participant: "участник",
}


class ContestResult(msgspec.Struct, frozen=True, kw_only=True):
    entry_id: UUID
    contest_id: UUID
    person_id: UUID  # the nominee, or the mentee of «Лучшая пара», whichever of the asked ids it is
    contest_title: str
    year: int
    nomination_title: str
    stage_title: str
    level: Level
    place: int | None
    state: EntryState
    audience_prize: bool
    certificate_id: UUID | None
    published_at: datetime

    @property
    def stage_label(self) -> str:
        return self.stage_title or STAGE_LABELS[self.level]

    @property
    def state_label(self) -> str:
        """«победитель» for the first place, «призёр» for the next ones, as Russian contests name them."""
        if self.place is not None:
            return "победитель" if self.place == 1 else "призёр"
        return OUTCOME_LABELS.get(self.state, "участник")

    @property
    def distinguished(self) -> bool:
        """A place or the next stage, by the jury: what the curator certification counts (an audience prize alone
        is the public's, not an expert assessment)."""
        return self.place is not None or self.state == EntryState.advanced

    @property
    def contest_name(self) -> str:
        """«Наставник года — 2026»: the year once, whether or not the organizer put it in the title."""
        return self.contest_title if str(self.year) in self.contest_title else f"{self.contest_title} — {self.year}"

    @property
    def outcome(self) -> str:
        text = f"{self.place} место ({self.state_label})" if self.place is not None else self.state_label
        return f"{text}, приз зрительских симпатий" if self.audience_prize else text

    @property
    def line(self) -> str:
        """«Наставник года — 2026, номинация «…», муниципальный этап: 1 место (победитель)»."""
        stage = self.stage_label[:1].lower() + self.stage_label[1:]
        return f"{self.contest_name}, номинация «{self.nomination_title}», {stage}: {self.outcome}"

    @property
    def published_on(self) -> str:
        return format_date(self.published_at)


async def contest_results_of(person_ids: list[UUID], on: date | None = None) -> list[ContestResult]:
    """The people's results as the scope sees them: entries of finished panels whose results were published (a
    place is official once announced), of applications not withdrawn; newest first. `on`: published by that day."""
    if not person_ids:
        return []
    rows = await current_connection().fetch(
        """SELECT e.id AS entry_id, e.contest_id,
                  CASE WHEN a.person_id = ANY($1::uuid[]) THEN a.person_id ELSE a.mentee_person_id END AS person_id,
                  c.title AS contest_title, c.year, n.title AS nomination_title, s.title AS stage_title, s.level,
                  e.place, e.state, e.audience_prize, e.certificate_id, p.results_published_at AS published_at
           FROM contest_entry e
           JOIN contest_panel p ON p.region_id = e.region_id AND p.id = e.panel_id
           JOIN contest_application a ON a.region_id = e.region_id AND a.id = e.application_id
           JOIN contest c ON c.region_id = e.region_id AND c.id = e.contest_id
           JOIN contest_nomination n ON n.region_id = e.region_id AND n.id = e.nomination_id
           JOIN contest_stage s ON s.region_id = e.region_id AND s.id = e.stage_id
           WHERE (a.person_id = ANY($1::uuid[]) OR a.mentee_person_id = ANY($1::uuid[]))
             AND a.state = 'submitted' AND e.state <> 'withdrawn'
             AND p.status = 'finished' AND p.results_published_at IS NOT NULL
             AND ($2::date IS NULL OR p.results_published_at::date <= $2::date)
           ORDER BY c.year DESC, p.results_published_at DESC, s.position DESC""",
        person_ids,
        on,
    )
    return [msgspec.convert(dict(row), ContestResult) for row in rows]
