from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.certification.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="certification",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=["services.certificates.piccolo_app"],
    commands=[],
)
