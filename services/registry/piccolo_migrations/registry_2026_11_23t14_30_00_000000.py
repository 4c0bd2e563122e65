"""The pair pulse: two questions to both sides of a pair, a month after it starts and every two months after."""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from services.registry.questionnaires import BUILTIN
from shared.migrations import sql_migration

ID = "2026-11-23T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Pair pulse questionnaire"

PULSE = next(t for t in BUILTIN if t["code"] == "pair_pulse")
SQL = (
    "SELECT set_config('app.scope', 'platform', true);\n"
    f"INSERT INTO questionnaire_template (code, version, audience, title, body) VALUES "
    f"('{PULSE['code']}', {PULSE['version']}, '{PULSE['audience']}', $t${PULSE['title']}$t$, "
    f"$j${json.dumps(PULSE, ensure_ascii=False)}$j$);"
)


async def forwards() -> MigrationManager:
    return sql_migration(ID, "registry", DESCRIPTION, SQL)
