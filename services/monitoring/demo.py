"""The demo region's last half-year monitoring: closed, with some organizations' reports submitted and some not."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from services.mentoring import list_pairs
from services.monitoring import assessments, logic, quality
from services.programmes import get_programme
from shared.actor import Actor
from shared.clock import today
from shared.db import Level, Scope, current_connection, rescope

# The curator's own answers where the system's data cannot tell.
CURATORS_VIEW = {
    "training": ("partly", "Школа наставников начнёт работу во втором полугодии"),
    "openness": ("meets", ""),
    "motivation": ("partly", "Поощрения запланированы по итогам учебного года"),
}

REPORTING = (
    "МБОУ «СОШ № 1»",
    "МОУ «Озёрская СШ»",
    "МОУ «Берёзовская ОШ»",
    "ГПОУ «Светлогорский политехнический колледж»",
)


async def seed_monitoring(region_id: UUID) -> None:
    """Idempotent: the period of the last passed deadline is created only once."""
    day = today()
    deadline = max(d for d in logic.deadlines_near(day) if d < day)
    await rescope(Scope.for_region(region_id))
    opened = await logic.open_due(region_id, deadline - timedelta(days=20))
    if opened:
        period_id = opened[0]["id"]
        organizations = await current_connection().fetch(
            """SELECT id, municipality_id, short_name FROM organization
               WHERE region_id = $1 AND short_name = ANY($2::text[])""",
            region_id,
            list(REPORTING),
        )
        period = await logic.get_period(period_id)
        for organization in organizations:
            scope = Scope(Level.organization, None, region_id, organization["municipality_id"], organization["id"])
            await rescope(scope)
            suggested = await logic.suggestions(period, region_id, organization["id"])
            answers = {}
            for condition in quality.CONDITIONS:
                level, why = suggested.get(condition.code) or CURATORS_VIEW[condition.code]
                answers[condition.code] = {"level": level, "comment": "" if level == "meets" else why}
            await logic.submit(
                Actor(None, region_id, organization["id"], "seed-demo"),
                period_id,
                logic.ReportForm(
                    achievements="Утверждены Положение и программа, сформированы базы наставников и наставляемых, "
                    "проведён отбор наставников",
                    problems="Не все родители сдали согласия на обработку персональных данных",
                    plans="Сформировать пары, провести групповую встречу, запустить школу наставников",
                ),
                answers,
            )
        await rescope(Scope.for_region(region_id))
        await current_connection().execute(  # sent in the last days before the deadline, as curators do
            "UPDATE monitoring_report SET submitted_at = $2::date - 3 + time '15:30' WHERE period_id = $1 "
            "AND submitted_at IS NOT NULL",
            period_id,
            deadline,
        )
        await logic.close_due(deadline + timedelta(days=1))
    await _assessments(region_id)
    await rescope(Scope(Level.platform))


async def _assessments(region_id: UUID) -> None:
    """The demo curator's school has scored its participants at the start, and the finished pairs at the end."""
    row = await current_connection().fetchrow(
        """SELECT p.id, o.id AS organization_id, o.municipality_id FROM programme p
           JOIN organization o ON o.region_id = p.region_id AND o.id = p.organization_id
           WHERE p.region_id = $1 AND o.short_name = $2 AND NOT EXISTS (
               SELECT 1 FROM assessment_parameter ap WHERE ap.programme_id = p.id)""",
        region_id,
        REPORTING[0],
    )
    if row is None:
        return
    await rescope(Scope(Level.organization, None, region_id, row["municipality_id"], row["organization_id"]))
    programme = await get_programme(row["id"])
    parameters = await assessments.parameters(programme)
    people = await assessments.participants(programme)
    finished = {p.id for p in await list_pairs(programme_id=programme.id) if p.finished_on}
    scores = []
    for n, person in enumerate(people):
        for m, parameter in enumerate(parameters):
            before = 3 + (n + m) % 4
            scores.append(assessments.Score(str(person["id"]), str(parameter["id"]), "before", str(before)))
            if person["pair_id"] in finished:
                after = min(10, before + (n + 2 * m) % 4)  # most grow, some stay where they were
                scores.append(assessments.Score(str(person["id"]), str(parameter["id"]), "after", str(after)))
    await assessments.save_scores(Actor(None, region_id, row["organization_id"], "seed-demo"), programme, scores)
