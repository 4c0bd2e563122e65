"""The Piccolo engine. The app connects as the non-owner role (RLS applies); `nastavnik migrate` sets
PICCOLO_DSN to the owner role."""

import os

from piccolo.engine.postgres import PostgresEngine

from shared.clock import ZONE

DB = PostgresEngine(
    config={
        "dsn": os.environ.get("PICCOLO_DSN") or os.environ.get("DATABASE_URL", "postgresql:///nastavnik"),
        # SQL's current_date and the app's clock name the same day.
        "server_settings": {"timezone": ZONE.key},
    },
    extensions=(),  # the schema uses gen_random_uuid(), built in; the app role may not create extensions
    log_queries=False,
)
