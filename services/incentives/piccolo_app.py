from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.incentives.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="incentives",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=["services.programmes.piccolo_app", "services.registry.piccolo_app"],
    commands=[],
)
