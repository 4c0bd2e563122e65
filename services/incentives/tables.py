"""The incentives register's table. DDL lives in piccolo_migrations (composite keys, RLS); this class is the query
side.

An incentive is one mentor's: a thanks, a diploma, a petition for an award, a bonus or an allowance (002 §6.3,
004 §8), proposed at a level (the mentor's organization, its municipality or the region), put into that level's
order «О поощрении наставников», and in effect once the order is registered."""

from __future__ import annotations

import enum

from piccolo.columns import UUID, Date, Numeric, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class IncentiveKind(enum.StrEnum):
    thanks = "thanks"
    diploma = "diploma"
    parents_letter = "parents_letter"
    award_petition = "award_petition"
    bonus = "bonus"
    allowance = "allowance"


class IncentiveLevel(enum.StrEnum):
    organization = "organization"
    municipality = "municipality"
    region = "region"


class IncentiveStatus(enum.StrEnum):
    proposed = "proposed"  # waits for an order
    ordered = "ordered"  # in an order not yet registered
    effective = "effective"  # the order is registered


class Incentive(Table, tablename="mentor_incentive", db=DB):
    region_id = UUID()
    id = UUID(primary_key=True)
    organization_id = UUID()
    municipality_id = UUID()
    person_id = UUID()
    level = Varchar(length=12)
    kind = Varchar(length=16)
    reason = Text()
    amount = Numeric(null=True)
    status = Varchar(length=10)
    order_id = UUID(null=True)
    order_number = Varchar(length=30)
    decided_on = Date(null=True)
    created_by = UUID(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


TABLES: list[type[Table]] = [Incentive]
