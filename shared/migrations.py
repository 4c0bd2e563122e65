"""Helpers for Piccolo migrations written as SQL: RLS, composite keys and grants are beyond auto-migrations."""

from __future__ import annotations

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared.engine import DB


async def execute(sql: str) -> None:
    txn = DB.current_transaction.get()
    if txn is not None:
        await txn.connection.execute(sql)
        return
    connection = await DB.get_new_connection()
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def sql_migration(migration_id: str, app_name: str, description: str, sql: str) -> MigrationManager:
    manager = MigrationManager(migration_id=migration_id, app_name=app_name, description=description)

    async def run() -> None:  # Piccolo awaits only coroutine functions
        await execute(sql)

    manager.add_raw(run)
    return manager
