"""Piccolo's engine and app registry.

The app connects as the non-owner role (RLS applies); `nastavnik migrate` sets PICCOLO_DSN to the owner role.
"""

import os

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

DB = PostgresEngine(
    config={"dsn": os.environ.get("PICCOLO_DSN") or os.environ.get("DATABASE_URL", "postgresql:///nastavnik")},
    log_queries=False,
)

APP_REGISTRY = AppRegistry(apps=["tenants.piccolo_app"])
