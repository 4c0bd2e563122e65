"""The kernel's own tables (tracked jobs). Its policies name the tenancy tables, so it migrates after them."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from shared.tables import TrackedJobRow

APP_CONFIG = AppConfig(
    app_name="shared",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[TrackedJobRow],
    migration_dependencies=["tenants.piccolo_app"],
    commands=[],
)
