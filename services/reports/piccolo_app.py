from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.reports.tables import IndicatorFact, IndicatorUnitFact, MentorRating, RatingRule

APP_CONFIG = AppConfig(
    app_name="reports",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[IndicatorFact, IndicatorUnitFact, RatingRule, MentorRating],
    migration_dependencies=["services.monitoring.piccolo_app"],
    commands=[],
)
