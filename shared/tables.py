"""The kernel's tables. The DDL lives in piccolo_migrations (composite keys and RLS); this is the query side."""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, Bytea, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class TrackedJobRow(Table, tablename="tracked_job", db=DB):
    """Long work the user watches (an import, an export): its state outlives the worker and Redis."""

    id = UUID(primary_key=True)
    region_id = UUID()
    kind = Varchar(length=40)
    step = Varchar(length=40)
    scope = Varchar(length=20)
    user_id = UUID(null=True)
    municipality_id = UUID(null=True)
    organization_id = UUID(null=True)
    ip = Varchar(length=64)
    status = Varchar(length=16)
    done = Integer()
    total = Integer()
    label = Text()
    attempt = Integer()
    restarts = Integer()
    params = JSONB()
    checkpoint = JSONB(null=True)
    result = JSONB(null=True)
    error = Text()
    file_name = Varchar(length=200)
    file = Bytea(null=True)
    created_at = Timestamptz()
    queued_at = Timestamptz()
    started_at = Timestamptz(null=True)
    heartbeat_at = Timestamptz(null=True)
    finished_at = Timestamptz(null=True)
