"""Issued certificates. DDL lives in piccolo_migrations; these classes are the query side."""

from __future__ import annotations

import enum

from piccolo.columns import UUID, Date, Integer, Numeric, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class CertificateKind(enum.StrEnum):
    training = "training"  # «свидетельство о прохождении обучения» of the mentor school
    curator = "curator"  # the certificate of a certified curator
    diploma = "diploma"  # a contest winner's diploma
    participant = "participant"  # a contest participant's certificate


class Certificate(Table, tablename="certificate", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    number = Varchar(length=32)
    kind = Varchar(length=12, choices=CertificateKind)
    organization_id = UUID()
    person_id = UUID()
    user_id = UUID(null=True, default=None)
    holder_name = Text()
    title = Text()
    hours = Numeric(digits=(6, 1), null=True, default=None)
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)
    issued_on = Date()
    valid_until = Date(null=True, default=None)
    issuer_organization_id = UUID(null=True, default=None)
    issuer_municipality_id = UUID(null=True, default=None)
    issuer_name = Text()
    signatory_name = Text()
    signatory_position = Text()
    source_kind = Varchar(length=40)
    source_id = UUID()
    order_id = UUID(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_reason = Text()
    revoked_by = UUID(null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz()


class CertificateSequence(Table, tablename="certificate_sequence", db=DB):
    """One counter per series and year for the whole platform: a number is verified before its region is known."""

    series = Varchar(length=8, primary_key=True)
    year = SmallInt()
    last = Integer()


class CertificateReminder(Table, tablename="certificate_reminder", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID()
    certificate_id = UUID()
    days_before = SmallInt()
    sent_at = Timestamptz()


TABLES: list[type[Table]] = [Certificate, CertificateSequence, CertificateReminder]
