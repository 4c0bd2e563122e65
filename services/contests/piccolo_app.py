from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.contests.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="contests",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=["services.certification.piccolo_app"],
    commands=[],
)
