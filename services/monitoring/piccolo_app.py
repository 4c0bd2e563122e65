from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.monitoring.tables import Assessment, AssessmentParameter, MonitoringPeriod, MonitoringReport

APP_CONFIG = AppConfig(
    app_name="monitoring",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[MonitoringPeriod, MonitoringReport, AssessmentParameter, Assessment],
    migration_dependencies=["services.matching.piccolo_app"],
    commands=[],
)
