"""Typed records of the contests' rows and the reads every part of the domain shares. Row-Level Security decides
what a scope sees; a row it does not see is NotFound (404)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import msgspec
from piccolo.table import Table

from services.contests.tables import (
    ApplicationState,
    Contest,
    ContestApplication,
    ContestCriterion,
    ContestEntry,
    ContestJuror,
    ContestNomination,
    ContestPanel,
    ContestStage,
    ContestStatus,
    EntryState,
    Level,
    NominationKind,
    PanelStatus,
    VotingMode,
)
from shared.errors import NotFound

LEVEL_LABELS = {Level.organization: "организации", Level.municipality: "муниципальный", Level.region: "региональный"}
STAGE_LABELS = {
    Level.organization: "Этап организации",
    Level.municipality: "Муниципальный этап",
    Level.region: "Региональный этап",
}
STATUS_LABELS = {
    ContestStatus.draft: "черновик",
    ContestStatus.announced: "объявлен",
    ContestStatus.finished: "завершён",
}
KIND_LABELS = {
    NominationKind.mentor_of_year: "Наставник года",
    NominationKind.curator_of_year: "Куратор года",
    NominationKind.best_pair: "Лучшая пара «Наставник+»",
    NominationKind.best_practice: "Лучшие практики наставничества",
    NominationKind.custom: "Своя номинация",
}
VOTING_LABELS = {
    VotingMode.none: "без народного голосования",
    VotingMode.audience_prize: "приз зрительских симпатий",
    VotingMode.weighted: "голоса — доля итоговой оценки",
}
APPLICATION_LABELS = {
    ApplicationState.draft: "черновик",
    ApplicationState.prepared: "на подтверждении у руководителя",
    ApplicationState.submitted: "подана",
    ApplicationState.withdrawn: "отозвана",
}
ENTRY_LABELS = {
    EntryState.in_review: "на экспертизе",
    EntryState.advanced: "прошла в следующий этап",
    EntryState.not_advanced: "не прошла в следующий этап",
    EntryState.winner: "победитель",
    EntryState.participant: "участник",
    EntryState.withdrawn: "отозвана",
}


class ContestRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    level: Level
    municipality_id: UUID | None
    organization_id: UUID | None
    title: str
    year: int
    description: str
    rules_url: str
    status: ContestStatus
    created_at: datetime

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class NominationRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    contest_id: UUID
    position: int
    kind: NominationKind
    title: str
    description: str
    roles: list[str]
    min_experience_years: int | None
    pair_completed_in_year: bool
    approved_programme: bool
    min_age: int | None
    max_age: int | None
    self_nomination: bool
    min_rating_points: Decimal | None
    voting_mode: VotingMode
    voting_weight: Decimal
    voting_from: datetime | None
    voting_until: datetime | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def voting_open(self, moment: datetime) -> bool:
        return (
            self.voting_mode != VotingMode.none
            and self.voting_from is not None
            and self.voting_until is not None
            and self.voting_from <= moment < self.voting_until
        )


class StageRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    contest_id: UUID
    position: int
    level: Level
    title: str
    applications_from: date
    applications_until: date
    review_from: date
    review_until: date
    results_on: date
    advance_count: int | None

    @property
    def label(self) -> str:
        return self.title or STAGE_LABELS[self.level]

    def accepts(self, day: date) -> bool:
        return self.applications_from <= day <= self.applications_until


class CriterionRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    stage_id: UUID
    nomination_id: UUID
    position: int
    title: str
    descriptors: str
    max_points: Decimal
    weight: Decimal
    tie_break: bool


class PanelRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    contest_id: UUID
    stage_id: UUID
    nomination_id: UUID
    level: Level
    municipality_id: UUID | None
    organization_id: UUID | None
    status: PanelStatus
    finished_at: datetime | None
    results_published_at: datetime | None
    protocol_order_id: UUID | None


class JurorRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    panel_id: UUID
    user_id: UUID
    full_name: str
    position: str
    organization_id: UUID | None
    municipality_id: UUID | None
    is_chair: bool
    reminded_at: datetime | None


class ApplicationRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    contest_id: UUID
    nomination_id: UUID
    organization_id: UUID
    municipality_id: UUID
    person_id: UUID
    mentee_person_id: UUID | None
    mentorship_id: UUID | None
    user_id: UUID | None
    self_nominated: bool
    full_name: str
    title: str
    state: ApplicationState
    participation_consent_on: date | None
    publication_consent: bool
    representative_name: str
    representative_consent_on: date | None
    essay: str
    video_url: str
    portfolio: Any
    eligibility: Any
    submitted_at: datetime | None
    withdrawn_at: datetime | None
    withdrawn_reason: str
    created_at: datetime

    @property
    def state_label(self) -> str:
        return APPLICATION_LABELS[self.state]

    @property
    def in_preparation(self) -> bool:
        """Still the organization's to change: not sent, not withdrawn."""
        return self.state in (ApplicationState.draft, ApplicationState.prepared)


class EntryRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    contest_id: UUID
    panel_id: UUID
    stage_id: UUID
    nomination_id: UUID
    application_id: UUID
    organization_id: UUID
    municipality_id: UUID
    from_entry_id: UUID | None
    state: EntryState
    finalist: bool
    jury_score: Decimal | None
    votes: int
    total: Decimal | None
    place: int | None
    rank: int | None
    tie_note: str
    audience_prize: bool
    certificate_id: UUID | None
    chair_order: int | None = None

    @property
    def state_label(self) -> str:
        return ENTRY_LABELS[self.state]


R = TypeVar("R", bound=msgspec.Struct)


def _convert(row: dict[str, Any], record: type[R]) -> R:
    values = dict(row)
    for key in ("portfolio", "eligibility"):  # Piccolo returns JSONB as text
        if isinstance(values.get(key), str):
            values[key] = json.loads(values[key])
    return msgspec.convert(values, record, strict=False)


async def _one(table: type[Table], record: type[R], row_id: UUID) -> R:
    row = await table.select().where(table._meta.primary_key == row_id).first().run()
    if row is None:
        raise NotFound()
    return _convert(row, record)


async def get_contest(contest_id: UUID) -> ContestRecord:
    return await _one(Contest, ContestRecord, contest_id)


async def list_contests() -> list[ContestRecord]:
    rows = await Contest.select().order_by(Contest.year, ascending=False).order_by(Contest.created_at).run()
    return [_convert(r, ContestRecord) for r in rows]


async def get_nomination(nomination_id: UUID) -> NominationRecord:
    return await _one(ContestNomination, NominationRecord, nomination_id)


async def nominations_of(contest_id: UUID) -> list[NominationRecord]:
    rows = (
        await ContestNomination.select()
        .where(ContestNomination.contest_id == contest_id)
        .order_by(ContestNomination.position)
        .run()
    )
    return [_convert(r, NominationRecord) for r in rows]


async def get_stage(stage_id: UUID) -> StageRecord:
    return await _one(ContestStage, StageRecord, stage_id)


async def stages_of(contest_id: UUID) -> list[StageRecord]:
    query = ContestStage.select().where(ContestStage.contest_id == contest_id)
    rows = await query.order_by(ContestStage.position).run()
    return [_convert(r, StageRecord) for r in rows]


async def criteria_of(stage_id: UUID, nomination_id: UUID) -> list[CriterionRecord]:
    rows = (
        await ContestCriterion.select()
        .where((ContestCriterion.stage_id == stage_id) & (ContestCriterion.nomination_id == nomination_id))
        .order_by(ContestCriterion.position)
        .run()
    )
    return [_convert(r, CriterionRecord) for r in rows]


async def get_panel(panel_id: UUID) -> PanelRecord:
    return await _one(ContestPanel, PanelRecord, panel_id)


async def panels_of(contest_id: UUID) -> list[PanelRecord]:
    rows = await ContestPanel.select().where(ContestPanel.contest_id == contest_id).run()
    return [_convert(r, PanelRecord) for r in rows]


async def jurors_of(panel_id: UUID) -> list[JurorRecord]:
    rows = (
        await ContestJuror.select()
        .where(ContestJuror.panel_id == panel_id)
        .order_by(ContestJuror.is_chair, ascending=False)
        .order_by(ContestJuror.full_name)
        .run()
    )
    return [_convert(r, JurorRecord) for r in rows]


async def juror_seats(user_id: UUID) -> list[JurorRecord]:
    """The panels a user sits on (what their scope shows of them)."""
    rows = await ContestJuror.select().where(ContestJuror.user_id == user_id).run()
    return [_convert(r, JurorRecord) for r in rows]


async def get_application(application_id: UUID) -> ApplicationRecord:
    return await _one(ContestApplication, ApplicationRecord, application_id)


async def applications_of(contest_id: UUID) -> list[ApplicationRecord]:
    """The contest's applications the scope sees (an organization its own), newest first."""
    rows = (
        await ContestApplication.select()
        .where(ContestApplication.contest_id == contest_id)
        .order_by(ContestApplication.created_at, ascending=False)
        .run()
    )
    return [_convert(r, ApplicationRecord) for r in rows]


async def get_entry(entry_id: UUID) -> EntryRecord:
    return await _one(ContestEntry, EntryRecord, entry_id)


async def entries_of(panel_id: UUID) -> list[EntryRecord]:
    rows = await ContestEntry.select().where(ContestEntry.panel_id == panel_id).order_by(ContestEntry.created_at).run()
    return sorted((_convert(r, EntryRecord) for r in rows), key=lambda e: (e.rank is None, e.rank or 0))


async def panel_for(
    stage: StageRecord, nomination_id: UUID, municipality_id: UUID | None, organization_id: UUID | None
) -> PanelRecord:
    """The stage's panel of a nomination for the unit an entry belongs to, made when the first entry arrives."""
    level = stage.level
    unit_municipality = municipality_id if level != Level.region else None
    unit_organization = organization_id if level == Level.organization else None
    query = ContestPanel.select().where(
        (ContestPanel.stage_id == stage.id) & (ContestPanel.nomination_id == nomination_id)
    )
    query = query.where(
        ContestPanel.municipality_id.is_null()
        if unit_municipality is None
        else ContestPanel.municipality_id == unit_municipality
    )
    query = query.where(
        ContestPanel.organization_id.is_null()
        if unit_organization is None
        else ContestPanel.organization_id == unit_organization
    )
    row = await query.first().run()
    if row is None:
        contest = await get_contest(stage.contest_id)
        row = (
            await ContestPanel.insert(
                ContestPanel(
                    region_id=contest.region_id,
                    contest_id=stage.contest_id,
                    stage_id=stage.id,
                    nomination_id=nomination_id,
                    level=level,
                    municipality_id=unit_municipality,
                    organization_id=unit_organization,
                    status=PanelStatus.open,
                )
            )
            .returning(*ContestPanel.all_columns())
            .run()
        )[0]
    return _convert(row, PanelRecord)


async def enter_stage(application: ApplicationRecord, stage: StageRecord, from_entry_id: UUID | None = None) -> UUID:
    """The application's entry in the stage's panel for its unit: at submission (the first stage) or when it
    advances (the next one, pointing back at the entry it came from)."""
    panel = await panel_for(stage, application.nomination_id, application.municipality_id, application.organization_id)
    contest = await get_contest(stage.contest_id)
    rows = (
        await ContestEntry.insert(
            ContestEntry(
                region_id=contest.region_id,
                contest_id=stage.contest_id,
                panel_id=panel.id,
                stage_id=stage.id,
                nomination_id=application.nomination_id,
                application_id=application.id,
                organization_id=application.organization_id,
                municipality_id=application.municipality_id,
                from_entry_id=from_entry_id,
                state=EntryState.in_review,
            )
        )
        .returning(ContestEntry.id)
        .run()
    )
    entry_id: UUID = rows[0]["id"]
    return entry_id
