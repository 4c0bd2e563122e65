from pathlib import Path

from piccolo.conf.apps import AppConfig

from services.registry.tables import (
    AuditEntry,
    Consent,
    ConsentScan,
    DestructionRun,
    Participation,
    Person,
    PersonMerge,
    QuestionnaireAnswer,
    QuestionnaireRequest,
    QuestionnaireTemplate,
)

APP_CONFIG = AppConfig(
    app_name="registry",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        Person,
        Participation,
        Consent,
        ConsentScan,
        PersonMerge,
        AuditEntry,
        QuestionnaireTemplate,
        QuestionnaireRequest,
        QuestionnaireAnswer,
        DestructionRun,
    ],
    migration_dependencies=["tenants.piccolo_app"],
    commands=[],
)
