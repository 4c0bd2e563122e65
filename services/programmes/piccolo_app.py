from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.programmes.tables import (
    CommissionMember,
    MentorApplication,
    MentorshipForm,
    Order,
    Programme,
    ProgrammeResult,
    RoadmapEvent,
    RoadmapEvidence,
    RoleModel,
)

APP_CONFIG = AppConfig(
    app_name="programmes",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        MentorshipForm,
        RoleModel,
        Programme,
        ProgrammeResult,
        RoadmapEvent,
        RoadmapEvidence,
        CommissionMember,
        MentorApplication,
        Order,
    ],
    migration_dependencies=["services.registry.piccolo_app"],
    commands=[],
)
