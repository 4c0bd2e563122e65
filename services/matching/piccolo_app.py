from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.matching.tables import MatchingChoice, MatchingExclusion, MatchingRun

APP_CONFIG = AppConfig(
    app_name="matching",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[MatchingRun, MatchingExclusion, MatchingChoice],
    migration_dependencies=["services.mentoring.piccolo_app"],
    commands=[],
)
