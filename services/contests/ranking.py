"""Finishing a panel: the sent sheets become each entry's jury score, with the votes where the nomination has them,
then the ranking, the places at the final stage, and the top N advancing as entries of the next stage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from services.contests import scoring
from services.contests.records import (
    EntryRecord,
    JurorRecord,
    PanelRecord,
    criteria_of,
    enter_stage,
    entries_of,
    get_application,
    get_nomination,
    get_panel,
    get_stage,
    jurors_of,
    stages_of,
)
from services.contests.tables import ContestEntry, ContestPanel, EntryState, Level, PanelStatus, VotingMode
from services.contests.voting import counted_votes
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import ValidationFailed

PLACES = 3


@dataclass(frozen=True)
class JurorTotal:
    juror_id: UUID
    juror_name: str
    total: Decimal


@dataclass(frozen=True)
class Line:
    entry: EntryRecord
    totals: list[JurorTotal]
    score: scoring.JuryScore | None
    tie_value: Decimal | None


def may_judge(juror: JurorRecord, entry: EntryRecord, panel: PanelRecord, declared: set[tuple[UUID, UUID]]) -> bool:
    """The same rule as the database's: not the juror's organization, at the municipal stage not their
    municipality, not a declared conflict."""
    if juror.organization_id is not None and juror.organization_id == entry.organization_id:
        return False
    if panel.level == Level.municipality and juror.municipality_id and juror.municipality_id == entry.municipality_id:
        return False
    return (juror.id, entry.application_id) not in declared


async def declared_conflicts(panel_id: UUID) -> set[tuple[UUID, UUID]]:
    """(juror, application) pairs a juror declared a conflict of interest on, for `may_judge`."""
    rows = await current_connection().fetch(
        "SELECT juror_id, application_id FROM contest_conflict WHERE panel_id = $1", panel_id
    )
    return {(r["juror_id"], r["application_id"]) for r in rows}


async def lines_of(panel: PanelRecord) -> tuple[list[Line], dict[str, str]]:
    """Every live entry with its jurors' sent totals, and what is missing (juror → unsent sheets) for finishing."""
    entries = [e for e in await entries_of(panel.id) if e.state != EntryState.withdrawn]
    jurors = await jurors_of(panel.id)
    criteria = await criteria_of(panel.stage_id, panel.nomination_id)
    weights = {c.id: c.weight for c in criteria}
    tie_criterion = next((c.id for c in criteria if c.tie_break), None)
    db = current_connection()
    declared = await declared_conflicts(panel.id)
    sent: dict[tuple[UUID, UUID], dict[UUID, Decimal]] = {}
    for row in await db.fetch(
        """SELECT s.entry_id, s.juror_id, c.criterion_id, c.points FROM contest_sheet s
           JOIN contest_score c ON c.region_id = s.region_id AND c.sheet_id = s.id
           WHERE s.panel_id = $1 AND s.submitted_at IS NOT NULL""",
        panel.id,
    ):
        sent.setdefault((row["entry_id"], row["juror_id"]), {})[row["criterion_id"]] = row["points"]
    missing: dict[str, int] = {}
    lines = []
    for entry in entries:
        totals, tie_points = [], []
        for juror in jurors:
            if not may_judge(juror, entry, panel, declared):
                continue
            points = sent.get((entry.id, juror.id))
            if points is None:
                missing[juror.full_name] = missing.get(juror.full_name, 0) + 1
                continue
            totals.append(JurorTotal(juror.id, juror.full_name, scoring.sheet_total(points, weights)))
            if tie_criterion in points:
                tie_points.append(points[tie_criterion])
        tie_value = scoring.rounded(sum(tie_points, Decimal(0)) / len(tie_points)) if tie_points else None
        lines.append(Line(entry, totals, scoring.jury_score([t.total for t in totals]), tie_value))
    problems = {name: f"не отправлено оценок: {count}" for name, count in missing.items()}
    return lines, problems


async def finish_panel(actor: Actor, panel_id: UUID) -> None:
    panel = await get_panel(panel_id)
    if panel.status == PanelStatus.finished:
        return
    if not any(j.is_chair for j in await jurors_of(panel.id)):
        raise ValidationFailed({"panel": "В жюри не назначен председатель"})
    lines, problems = await lines_of(panel)
    if not lines:
        raise ValidationFailed({"panel": "На этапе нет заявок"})
    if problems:
        raise ValidationFailed(
            {
                "panel": "Не все члены жюри отправили оценки: "
                + "; ".join(f"{name} — {text}" for name, text in sorted(problems.items()))
            }
        )
    nomination = await get_nomination(panel.nomination_id)
    stage = await get_stage(panel.stage_id)
    criteria = await criteria_of(panel.stage_id, panel.nomination_id)
    tie_title = next((c.title for c in criteria if c.tie_break), "")
    votes = await counted_votes([line.entry.id for line in lines])
    jury = {line.entry.id: line.score.score if line.score else Decimal(0) for line in lines}
    totals = dict(jury)
    if nomination.voting_mode == VotingMode.weighted:
        best, most = max(jury.values(), default=Decimal(0)), max(votes.values(), default=0)
        totals = {e: scoring.weighted_total(jury[e], best, votes[e], most, nomination.voting_weight) for e in jury}
    contenders = [
        scoring.Contender(line.entry.id, totals[line.entry.id], line.tie_value, line.entry.chair_order)
        for line in lines
    ]
    ranking = scoring.rank(contenders, tie_title)
    by_id = {line.entry.id: line.entry for line in lines}
    if ranking.unresolved:
        names = [", ".join(f"№ {list(by_id).index(e) + 1}" for e in group) for group in ranking.unresolved]
        raise ValidationFailed(
            {
                "ties": "Равные результаты и равные баллы по критерию: "
                + "; ".join(names)
                + " — порядок определяет председатель жюри"
            }
        )
    later = [s for s in await stages_of(stage.contest_id) if s.position > stage.position]
    next_stage = later[0] if later else None
    audience_winner = None
    if nomination.voting_mode == VotingMode.audience_prize and any(votes.values()):
        audience_winner = max(ranking.order, key=lambda e: (votes[e], -ranking.order.index(e)))
    for position, entry_id in enumerate(ranking.order, start=1):
        entry = by_id[entry_id]
        place = None
        if next_stage is None:
            state = EntryState.winner if position <= PLACES else EntryState.participant
            place = position if position <= PLACES else None
        elif stage.advance_count and position <= stage.advance_count:
            state = EntryState.advanced
        else:
            state = EntryState.not_advanced
        await (
            ContestEntry.update(
                {
                    ContestEntry.jury_score: jury[entry_id],
                    ContestEntry.votes: votes[entry_id],
                    ContestEntry.total: totals[entry_id],
                    ContestEntry.rank: position,
                    ContestEntry.place: place,
                    ContestEntry.state: state,
                    ContestEntry.tie_note: ranking.notes.get(entry_id, ""),
                    ContestEntry.audience_prize: entry_id == audience_winner,
                }
            )
            .where(ContestEntry.id == entry_id)
            .run()
        )
        if state == EntryState.advanced and next_stage is not None:
            await enter_stage(await get_application(entry.application_id), next_stage, from_entry_id=entry.id)
    await (
        ContestPanel.update(
            {
                ContestPanel.status: PanelStatus.finished,
                ContestPanel.finished_at: now(),
                ContestPanel.finished_by: actor.user_id,
            }
        )
        .where(ContestPanel.id == panel.id)
        .run()
    )
    await audit(actor, "contest.panel.finish", None, f"panel={panel.id}; entries={len(lines)}")


async def set_chair_order(actor: Actor, panel_id: UUID, order: list[UUID]) -> None:
    """The chair's decision among tied entries: their order, 1 first."""
    panel = await get_panel(panel_id)
    if panel.status != PanelStatus.open:
        raise ValidationFailed({"ties": "Этап завершён"})
    live = {e.id for e in await entries_of(panel_id)}
    if not order or any(e not in live for e in order) or len(set(order)) != len(order):
        raise ValidationFailed({"ties": "Укажите порядок заявок с равным результатом"})
    for position, entry_id in enumerate(order, start=1):
        await ContestEntry.update({ContestEntry.chair_order: position}).where(ContestEntry.id == entry_id).run()
    await audit(actor, "contest.tie_order", None, f"panel={panel_id}; entries={len(order)}")


async def publish_results(actor: Actor, panel_id: UUID) -> None:
    panel = await get_panel(panel_id)
    if panel.status != PanelStatus.finished:
        raise ValidationFailed({"panel": "Сначала завершите этап"})
    if panel.results_published_at is None:
        await ContestPanel.update({ContestPanel.results_published_at: now()}).where(ContestPanel.id == panel_id).run()
        await audit(actor, "contest.panel.publish", None, f"panel={panel_id}")
