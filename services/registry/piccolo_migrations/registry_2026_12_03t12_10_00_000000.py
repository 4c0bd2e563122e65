"""The questionnaires in one register: new versions of the templates that mixed «вы» and «ты»."""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from services.registry.questionnaires import REWORDED
from shared.migrations import sql_migration

ID = "2026-12-03T12:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Questionnaires reworded in one register"

SQL = "SELECT set_config('app.scope', 'platform', true);\n" + "\n".join(
    f"INSERT INTO questionnaire_template (code, version, audience, title, body) VALUES "
    f"('{t['code']}', {t['version']}, '{t['audience']}', $t${t['title']}$t$, $j${json.dumps(t, ensure_ascii=False)}$j$);"
    for t in REWORDED
)


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
