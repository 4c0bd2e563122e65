"""Monitoring periods and reports; DDL lives in piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, Date, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class MonitoringPeriod(Table, tablename="monitoring_period", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    title = Text()
    covers_from = Date()
    deadline = Date()
    opened_on = Date()
    closed_on = Date(null=True, default=None)


class MonitoringReport(Table, tablename="monitoring_report", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    period_id = UUID()
    submitted_at = Timestamptz(null=True, default=None)
    submitted_by = UUID(null=True, default=None)
    indicators = JSONB()
    achievements = Text()
    problems = Text()
    plans = Text()
    reminded_on = Date(null=True, default=None)
    quality = JSONB()


class AssessmentParameter(Table, tablename="assessment_parameter", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    programme_id = UUID()
    position = Integer()
    title = Text()


class Assessment(Table, tablename="assessment", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    parameter_id = UUID()
    person_id = UUID()
    stage = Varchar(length=6)
    score = SmallInt()
    assessed_on = Date()
    assessed_by = UUID(null=True, default=None)
