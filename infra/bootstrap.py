"""PostgreSQL set-up done once per server as a superuser: the owner and app roles, the database, privileges.

Migrations run as the owner; the app connects as `nastavnik_app`, which owns nothing and cannot bypass RLS.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg

if TYPE_CHECKING:
    from infra.embedded import EmbeddedServers

OWNER_ROLE = "nastavnik_owner"
APP_ROLE = "nastavnik_app"


async def bootstrap(admin_dsn: str, database: str, owner_password: str, app_password: str) -> None:
    admin = await asyncpg.connect(admin_dsn)
    try:
        for role, password in ((OWNER_ROLE, owner_password), (APP_ROLE, app_password)):
            exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            verb = "ALTER" if exists else "CREATE"
            literal = await admin.fetchval("SELECT quote_literal($1)", password)
            await admin.execute(
                f"{verb} ROLE {role} LOGIN PASSWORD {literal} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            )
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await admin.execute(f"CREATE DATABASE \"{database}\" OWNER {OWNER_ROLE} ENCODING 'UTF8' TEMPLATE template0")
    finally:
        await admin.close()

    dsn = admin_dsn.rsplit("/", 1)[0] + "/" + database
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            f"""
            ALTER SCHEMA public OWNER TO {OWNER_ROLE};
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
            GRANT USAGE ON SCHEMA public TO {APP_ROLE};
            REVOKE ALL ON DATABASE "{database}" FROM PUBLIC;
            GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {APP_ROLE};
            ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER_ROLE} IN SCHEMA public
                GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};
            ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER_ROLE} IN SCHEMA public
                GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE};
            ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER_ROLE} IN SCHEMA public
                GRANT EXECUTE ON FUNCTIONS TO {APP_ROLE};
            """
        )
    finally:
        await conn.close()


async def revoke_migration_table(dsn_owner: str) -> None:
    """Piccolo's bookkeeping table is the owner's business only."""
    conn = await asyncpg.connect(dsn_owner)
    try:
        await conn.execute(f"REVOKE ALL ON TABLE migration FROM {APP_ROLE}")
    finally:
        await conn.close()


def throwaway(data_dir: Path, database: str) -> EmbeddedServers:
    """Embedded servers with an empty database bootstrapped under fresh passwords, for tests and benchmarks; their
    addresses go into the environment: DATABASE_URL, MIGRATION_DATABASE_URL, REDIS_URL and ADMIN_DATABASE_URL."""
    from infra.embedded import EmbeddedServers

    servers = EmbeddedServers(data_dir)
    services = servers.start()
    owner, app = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    asyncio.run(bootstrap(services.admin_dsn, database, owner, app))
    base = f"127.0.0.1:{services.pg_port}/{database}"
    os.environ.update(
        DATABASE_URL=f"postgresql://{APP_ROLE}:{app}@{base}",
        MIGRATION_DATABASE_URL=f"postgresql://{OWNER_ROLE}:{owner}@{base}",
        REDIS_URL=services.redis_url,
        ADMIN_DATABASE_URL=services.admin_dsn.rsplit("/", 1)[0] + f"/{database}",
    )
    return servers
