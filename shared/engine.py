"""The Piccolo engine. The app connects as the non-owner role (RLS applies); `nastavnik migrate` sets
PICCOLO_DSN to the owner role.

Every connection, pooled or not, decodes json and jsonb into Python values and encodes them back, so no code
decodes them by hand. Piccolo serialises a JSON column's value itself before it reaches asyncpg (a string passes
through the codec as it is); never ask it for `.output(load_json=True)`: the values are decoded already."""

import json
import os
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine

from shared.clock import ZONE


def _encode_json(value: Any) -> str:
    """A string is JSON text already (Piccolo dumps its JSON columns' values); anything else is dumped as Piccolo
    dumps it (`default=str`), keeping Cyrillic readable."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


async def register_json_codecs(connection: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await connection.set_type_codec(type_name, encoder=_encode_json, decoder=json.loads, schema="pg_catalog")


class Engine(PostgresEngine):
    """Piccolo's engine with the json codecs on the pool's connections and on those opened without the pool (the
    CLI, migrations, `DB.batch`)."""

    async def start_connection_pool(self, **kwargs: Any) -> None:
        await super().start_connection_pool(init=register_json_codecs, **kwargs)

    async def get_new_connection(self) -> asyncpg.Connection:
        connection = await super().get_new_connection()
        await register_json_codecs(connection)
        return connection


DB = Engine(
    config={
        "dsn": os.environ.get("PICCOLO_DSN") or os.environ.get("DATABASE_URL", "postgresql:///nastavnik"),
        # SQL's current_date and the app's clock name the same day.
        "server_settings": {"timezone": ZONE.key},
    },
    extensions=(),  # the schema uses gen_random_uuid(), built in; the app role may not create extensions
    log_queries=False,
)
