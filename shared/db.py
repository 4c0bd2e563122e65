"""The tenant-scoped transaction: the only way application code reaches PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

import asyncpg
from piccolo.engine.postgres import PostgresTransaction

from shared.engine import DB

log = logging.getLogger("nastavnik.db")

__all__ = ["DB", "Level", "Scope", "TenantTransaction", "current_connection", "rescope", "tenant_transaction"]


class Level(enum.StrEnum):
    """How far a scope reaches; mirrored by the RLS policies (see shared/rls.py)."""

    anonymous = "anonymous"
    # A visitor reading one region's public pages (the mentor school's offer, a certificate's verification).
    public = "public"
    # A trainer of the network mentor school: sees the cohorts they teach, nothing of the organizations' bases.
    trainer = "trainer"
    # A contest juror: sees the applications of the panels they sit on, never those they are in conflict with.
    juror = "juror"
    organization = "organization"
    municipality = "municipality"
    region = "region"
    platform = "platform"


@dataclass(frozen=True)
class Scope:
    level: Level = Level.anonymous
    user_id: UUID | None = None
    region_id: UUID | None = None
    municipality_id: UUID | None = None
    organization_id: UUID | None = None
    # Narrow lookups beyond the scope: a login by e-mail, a personal link (invitation, questionnaire) by its
    # token hash, people of the regional base by СНИЛС (so two organizations share one record).
    login_email: str = ""
    link_token_hash: str = ""
    snils_lookup: str = ""
    certificate_number: str = ""  # a certificate looked up by its number for public verification

    @classmethod
    def for_region(cls, region_id: UUID) -> Scope:
        """The scope of background jobs and the demo seeding: one whole region."""
        return cls(level=Level.region, region_id=region_id)

    @classmethod
    def public_region(cls, region_id: UUID | None, certificate_number: str = "") -> Scope:
        """What an anonymous visitor may read of one region: its published pages, or one certificate by number."""
        return cls(level=Level.public, region_id=region_id, certificate_number=certificate_number)

    def with_lookup(self, *, login_email: str = "", link_token_hash: str = "", snils: str = "") -> Scope:
        return replace(
            self,
            login_email=login_email.strip().lower(),
            link_token_hash=link_token_hash,
            snils_lookup=snils,
        )

    def settings(self) -> dict[str, str]:
        def text(value: UUID | None) -> str:
            return str(value) if value else ""

        return {
            "app.scope": self.level.value,
            "app.user_id": text(self.user_id),
            "app.region_id": text(self.region_id),
            "app.municipality_id": text(self.municipality_id),
            "app.organization_id": text(self.organization_id),
            "app.login_email": self.login_email,
            "app.link_token_hash": self.link_token_hash,
            "app.snils_lookup": self.snils_lookup,
            "app.certificate_number": self.certificate_number,
        }


_SET_SCOPE = "SELECT " + ", ".join(
    f"set_config(${i * 2 + 1}, ${i * 2 + 2}, true)" for i in range(len(Scope().settings()))
)


# The scope in force and the new one, in one round trip: the materialized CTE is read (the settings saved) before the
# outer row's set_config calls run.
_SAVE_AND_SET = (
    "WITH saved AS MATERIALIZED (SELECT "
    + ", ".join(f"current_setting(${i * 2 + 1}, true) AS s{i}" for i in range(len(Scope().settings())))
    + ") SELECT saved.*, "
    + ", ".join(f"set_config(${i * 2 + 1}, ${i * 2 + 2}, true) AS n{i}" for i in range(len(Scope().settings())))
    + " FROM saved"
)


def current_transaction() -> PostgresTransaction:
    txn = DB.current_transaction.get()
    if txn is None:
        raise RuntimeError("No tenant transaction is open")
    return txn


def current_connection() -> Any:
    """The asyncpg connection of the open tenant transaction, for the few queries Piccolo cannot express."""
    return current_transaction().connection


async def rescope(scope: Scope) -> None:
    """Apply a scope to the open transaction; settings are transaction-local (`set_config(..., true)`)."""
    args: list[str] = []
    for name, value in scope.settings().items():
        args += [name, value]
    await current_connection().execute(_SET_SCOPE, *args)


@asynccontextmanager
async def widened(scope: Scope) -> AsyncIterator[None]:
    """One step of a request under a wider scope (a count the viewer may read but not compute alone); the
    request's own scope is back when the step ends, even if it fails."""
    names = list(Scope().settings())
    args: list[str] = []
    for name, value in scope.settings().items():
        args += [name, value]
    saved = await current_connection().fetchrow(_SAVE_AND_SET, *args)
    try:
        yield
    finally:
        back: list[str] = []
        for i, name in enumerate(names):
            back += [name, saved[f"s{i}"] or ""]
        # After a failed statement the transaction is rolled back, settings with it: its error is the one to see.
        with contextlib.suppress(asyncpg.InFailedSQLTransactionError):
            await current_connection().execute(_SET_SCOPE, *back)


class TenantTransaction(PostgresTransaction):
    """Commit or roll back once: the web middleware ends the transaction before the response goes out.

    Work registered with `after_commit` (queueing a job) runs only once the commit has succeeded, so a job never
    looks for a record that is not committed yet, and a rolled-back request queues nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after_commit: list[Callable[[], Awaitable[None]]] = []

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        self._after_commit.append(callback)

    async def commit(self) -> None:
        if not (self._committed or self._rolled_back):
            await super().commit()
            callbacks, self._after_commit = self._after_commit, []
            for callback in callbacks:
                try:
                    await callback()
                except Exception:  # committed is committed: one failed follow-up must not undo the answer
                    log.exception("An after-commit step failed")

    async def rollback(self) -> None:
        self._after_commit = []
        if not (self._committed or self._rolled_back):
            await super().rollback()

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        """Piccolo's, except that the connection goes back to the pool even when the commit or rollback is cancelled
        (a job's time limit, a heartbeat stopped): otherwise the pool loses it for good and never closes."""
        try:
            if exception is not None:
                await self.rollback()
            else:
                await self.commit()
        finally:
            self.engine.current_transaction.reset(self.context)
            if self.engine.pool:
                await asyncio.shield(self.engine.pool.release(self.connection))
            else:
                await asyncio.shield(self.connection.close())
        return exception is None


@asynccontextmanager
async def tenant_transaction(scope: Scope) -> AsyncIterator[TenantTransaction]:
    if DB.current_transaction.get() is not None:
        raise RuntimeError("A tenant transaction is already open")
    txn = TenantTransaction(DB)
    async with txn:
        await rescope(scope)
        yield txn


async def close_pool(wait_seconds: float = 10.0) -> None:
    """Closes the pool, waiting a bounded time for borrowed connections: a stop must never hang on one."""
    pool = DB.pool
    if pool is None:
        return
    try:
        await asyncio.wait_for(pool.close(), wait_seconds)
    except TimeoutError:
        log.warning("Closing the database pool timed out; connections still borrowed are terminated")
        pool.terminate()
    DB.pool = None
