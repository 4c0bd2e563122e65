from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.mentoring.tables import (
    Meeting,
    MentorChange,
    Mentorship,
    MentorshipMentee,
    PairPulse,
    PairRequest,
    PlanRow,
    RhythmAlert,
)

APP_CONFIG = AppConfig(
    app_name="mentoring",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Mentorship, MentorshipMentee, MentorChange, PlanRow, Meeting, RhythmAlert, PairPulse, PairRequest],
    migration_dependencies=["services.programmes.piccolo_app"],
    commands=[],
)
