"""Effectiveness monitoring twice a year (004 §7.2: by 30 September and by 30 March): a period opens a month
before its deadline, curators are reminded a week and a day before, it closes after the deadline; each
organization submits a report with its indicators for the half-year; coordinators see who has not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import msgspec

from services import reports as read_model
from services.monitoring import quality
from shared.actor import Actor
from shared.clock import ZONE, now, today
from shared.db import current_connection
from shared.errors import Errors, NotFound
from shared.i18n import format_date
from tenants import curator_emails

OPENS_BEFORE = timedelta(days=30)
REMINDERS = (timedelta(days=7), timedelta(days=1))


def deadlines_near(day: date) -> list[date]:
    return [date(day.year - 1, 9, 30), date(day.year, 3, 30), date(day.year, 9, 30), date(day.year + 1, 3, 30)]


def covers_from(deadline: date) -> date:
    """A half-year: from the day after the previous deadline."""
    previous = date(deadline.year - 1, 9, 30) if deadline.month == 3 else date(deadline.year, 3, 30)
    return previous + timedelta(days=1)


def title(deadline: date) -> str:
    return f"Мониторинг эффективности внедрения целевой модели наставничества (срок — {format_date(deadline)})"


async def open_due(region_id: UUID, day: date) -> list[dict[str, Any]]:
    """Periods whose month before the deadline has begun; each gets a pending report per organization."""
    opened = []
    for deadline in deadlines_near(day):
        if not deadline - OPENS_BEFORE <= day <= deadline:
            continue
        row = await current_connection().fetchrow(
            """INSERT INTO monitoring_period (region_id, title, covers_from, deadline, opened_on)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (region_id, deadline) DO NOTHING RETURNING *""",
            region_id,
            title(deadline),
            covers_from(deadline),
            deadline,
            day,
        )
        if row is None:
            continue
        await current_connection().execute(
            """INSERT INTO monitoring_report (region_id, organization_id, period_id)
               SELECT o.region_id, o.id, $2 FROM organization o
               WHERE o.region_id = $1 AND o.kind <> 'municipal_body'""",
            region_id,
            row["id"],
        )
        opened.append(dict(row))
    return opened


async def due_reminders(day: date) -> list[dict[str, Any]]:
    """Pending reports whose reminder (a week, then a day before the deadline) has come and not yet been sent."""
    rows = await current_connection().fetch(
        """SELECT r.id, r.organization_id, p.id AS period_id, p.title, p.deadline, r.reminded_on
           FROM monitoring_report r JOIN monitoring_period p ON p.region_id = r.region_id AND p.id = r.period_id
           WHERE p.closed_on IS NULL AND r.submitted_at IS NULL AND p.deadline >= $1""",
        day,
    )
    due = []
    for row in rows:
        milestones = [row["deadline"] - before for before in REMINDERS if row["deadline"] - before <= day]
        if milestones and (row["reminded_on"] is None or row["reminded_on"] < max(milestones)):
            due.append(dict(row))
    if due:
        await current_connection().execute(
            "UPDATE monitoring_report SET reminded_on = $2 WHERE id = ANY($1::uuid[])", [r["id"] for r in due], day
        )
    return due


async def close_due(day: date) -> int:
    result: str = await current_connection().execute(
        "UPDATE monitoring_period SET closed_on = $1 WHERE closed_on IS NULL AND deadline < $1", day
    )
    return int(result.split()[-1])


async def periods() -> list[dict[str, Any]]:
    """Periods the scope sees, newest first, with how many of its organizations have submitted."""
    rows = await current_connection().fetch(
        """SELECT p.*, count(r.id) AS reports, count(r.submitted_at) AS submitted
           FROM monitoring_period p
           LEFT JOIN monitoring_report r ON r.region_id = p.region_id AND r.period_id = p.id
           GROUP BY p.region_id, p.id ORDER BY p.deadline DESC"""
    )
    return [dict(r) for r in rows]


async def get_period(period_id: UUID) -> dict[str, Any]:
    row = await current_connection().fetchrow("SELECT * FROM monitoring_period WHERE id = $1", period_id)
    if row is None:
        raise NotFound()
    return dict(row)


async def reports(period_id: UUID, municipality_id: UUID | None = None) -> list[dict[str, Any]]:
    """Each organization's report of a period: submitted or not."""
    rows = await current_connection().fetch(
        """SELECT r.*, coalesce(nullif(o.short_name, ''), o.name) AS organization, m.name AS municipality
           FROM monitoring_report r
           JOIN organization o ON o.region_id = r.region_id AND o.id = r.organization_id
           JOIN municipality m ON m.region_id = o.region_id AND m.id = o.municipality_id
           WHERE r.period_id = $1 AND ($2::uuid IS NULL OR o.municipality_id = $2)
           ORDER BY r.submitted_at IS NOT NULL, m.sort_key, o.sort_key""",
        period_id,
        municipality_id,
    )
    result = []
    for row in rows:
        item = dict(row)
        item["conformity"] = quality.conformity(item["quality"])
        result.append(item)
    return result


async def report_of(period_id: UUID, organization_id: UUID) -> dict[str, Any]:
    found = [r for r in await reports(period_id) if r["organization_id"] == organization_id]
    if not found:
        raise NotFound()
    return found[0]


@dataclass
class ReportForm:
    achievements: str = ""
    problems: str = ""
    plans: str = ""


async def submit(actor: Actor, period_id: UUID, form: ReportForm, answers: dict[str, Any]) -> None:
    """The organization's indicators for the half-year are taken as they are at submission, with the curator's
    account of results, problems and plans and the curator's questionnaire; resubmitting while the period is open
    replaces the report."""
    if actor.organization_id is None:
        raise NotFound()
    period = await get_period(period_id)
    report = await report_of(period_id, actor.organization_id)
    errors = Errors()
    if period["closed_on"] is not None:
        errors.add("period", "Период мониторинга закрыт")
    if len(form.achievements.strip()) < 10:
        errors.add("achievements", "Опишите результаты полугодия")
    checked = quality.read(answers, errors)
    errors.raise_if_any()
    values = await half_year_indicators(period, actor.region_id, actor.organization_id)
    await current_connection().execute(
        """UPDATE monitoring_report SET submitted_at = $2, submitted_by = $3, indicators = $4::jsonb,
               achievements = $5, problems = $6, plans = $7, quality = $8::jsonb WHERE id = $1""",
        report["id"],
        now(),
        actor.user_id,
        msgspec.to_builtins(values),
        form.achievements.strip(),
        form.problems.strip(),
        form.plans.strip(),
        checked,
    )


async def half_year_indicators(period: dict[str, Any], region_id: UUID, organization_id: UUID) -> read_model.Indicators:
    reach = read_model.Reach(organization_id=organization_id)
    half_year = read_model.Period(period["covers_from"], min(period["deadline"], today()))
    return await read_model.current(region_id, reach, half_year)


async def suggestions(period: dict[str, Any], region_id: UUID, organization_id: UUID) -> dict[str, tuple[str, str]]:
    """The questionnaire's answers the organization's own data suggests, for the curator to confirm."""
    values = await half_year_indicators(period, region_id, organization_id)
    return quality.suggest(values, bool(await curator_emails(organization_id)))


async def reports_on_time(organization_id: UUID) -> int:
    """Half-year reports the organization submitted by their deadline (a curator's certification counts them)."""
    value = await current_connection().fetchval(
        """SELECT count(*) FROM monitoring_report r
           JOIN monitoring_period p ON p.region_id = r.region_id AND p.id = r.period_id
           WHERE r.organization_id = $1 AND r.submitted_at IS NOT NULL
             AND (r.submitted_at AT TIME ZONE $2)::date <= p.deadline""",
        organization_id,
        ZONE.key,
    )
    return int(value)
