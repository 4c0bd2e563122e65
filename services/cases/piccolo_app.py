from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.cases.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="cases",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=["services.contests.piccolo_app", "services.registry.piccolo_app"],
    commands=[],
)
