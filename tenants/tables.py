"""Regions, municipalities, organizations, users, memberships and invitations.

The DDL lives in piccolo_migrations (composite keys on region_id and RLS are beyond auto-migrations);
these classes are the query side.
"""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, Array, BigInt, Boolean, Bytea, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB
from tenants.roles import OrganizationKind, Role


class Region(Table, tablename="region", db=DB):
    id = UUID(primary_key=True)
    name = Varchar(length=200)
    sort_key = Bytea()
    created_at = Timestamptz()
    require_second_factor = Boolean()
    archive_retention_days = Integer(default=1095)
    curator_certificate_years = SmallInt(default=3)


class Municipality(Table, tablename="municipality", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    name = Varchar(length=200)
    sort_key = Bytea()
    created_at = Timestamptz()


class Organization(Table, tablename="organization", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    municipality_id = UUID()
    kind = Varchar(length=32, choices=OrganizationKind)
    name = Text()
    short_name = Varchar(length=200)
    sort_key = Bytea()
    inn = Varchar(length=12)
    address = Text()
    head_name = Varchar(length=200)
    phone = Varchar(length=40)
    email = Varchar(length=200)
    website = Varchar(length=200)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class OrganizationContingent(Table, tablename="organization_contingent", db=DB):
    """How many learners and pedagogical workers an organization has in a school year (named by its first year)."""

    region_id = UUID()
    organization_id = UUID(primary_key=True)  # with region_id and school_year: Piccolo knows one-column keys only
    school_year = SmallInt()
    learners_total = Integer()
    learners_10_18 = Integer(null=True, default=None)
    learners_by_grade = JSONB()
    teachers = Integer()
    young_specialists = Integer(null=True, default=None)
    updated_by = UUID(null=True, default=None)
    updated_at = Timestamptz()


class User(Table, tablename="app_user", db=DB):
    id = UUID(primary_key=True)
    email = Varchar(length=254)
    password_hash = Text()
    surname = Varchar(length=100)
    name = Varchar(length=100)
    patronymic = Varchar(length=100)
    sort_key = Bytea()
    is_platform_admin = Boolean()
    is_active = Boolean()
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)


class SecondFactor(Table, tablename="second_factor", db=DB):
    """An account's TOTP key (encrypted), the last step it accepted, and the hashes of its unused recovery codes."""

    user_id = UUID(primary_key=True)
    secret = Text()
    enabled_at = Timestamptz(null=True, default=None)
    last_step = BigInt()
    recovery_codes = Array(base_column=Text())
    created_at = Timestamptz()


class PasswordReset(Table, tablename="password_reset", db=DB):
    """A «Забыли пароль?» link: single-use, expiring; only its token's hash is kept (tenants.password_reset)."""

    user_id = UUID()
    id = UUID(primary_key=True)  # with user_id: Piccolo knows one-column keys only
    token_hash = Varchar(length=64)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Membership(Table, tablename="membership", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    user_id = UUID()
    role = Varchar(length=32, choices=Role)
    municipality_id = UUID(null=True, default=None)
    organization_id = UUID(null=True, default=None)
    created_at = Timestamptz()


class Invitation(Table, tablename="invitation", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    email = Varchar(length=254)
    role = Varchar(length=32, choices=Role)
    municipality_id = UUID(null=True, default=None)
    organization_id = UUID(null=True, default=None)
    surname = Varchar(length=100)
    name = Varchar(length=100)
    patronymic = Varchar(length=100)
    token_hash = Varchar(length=64)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    created_by = UUID()
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
    send_attempts = Integer()
    send_error = Text()
