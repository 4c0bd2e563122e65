from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.school.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="school",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=["services.monitoring.piccolo_app"],
    commands=[],
)
