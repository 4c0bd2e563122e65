from pathlib import Path

from piccolo.conf.apps import AppConfig

from tenants.tables import (
    Invitation,
    Membership,
    Municipality,
    Organization,
    OrganizationContingent,
    PasswordReset,
    Region,
    SecondFactor,
    User,
)

APP_CONFIG = AppConfig(
    app_name="tenants",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        Region,
        Municipality,
        Organization,
        OrganizationContingent,
        User,
        SecondFactor,
        PasswordReset,
        Membership,
        Invitation,
    ],
    migration_dependencies=[],
    commands=[],
)
