"""Questionnaires: versioned templates, personal links and answers."""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from services.registry.questionnaires import BUILTIN
from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Questionnaires"

# The built-in templates as they are at this version; a later wording is a new version in a new migration,
# and a later template (the pair pulse) arrives with its own migration.
FIRST = (
    "mentee_needs",
    "mentor_offer",
    "group_preference",
    "meeting_feedback",
    "satisfaction_mentor",
    "satisfaction_mentee",
)
# RLS is forced even for the owner: templates are written under a platform scope.
TEMPLATES = "SELECT set_config('app.scope', 'platform', true);\n" + "\n".join(
    f"INSERT INTO questionnaire_template (code, version, audience, title, body) VALUES "
    f"('{t['code']}', {t['version']}, '{t['audience']}', $t${t['title']}$t$, $j${json.dumps(t, ensure_ascii=False)}$j$);"
    for t in BUILTIN
    if t["code"] in FIRST
)

SQL = f"""
-- Shared by every tenant: readable by all, written only under a platform scope (a Citus reference table).
CREATE TABLE questionnaire_template (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code varchar(40) NOT NULL,
    version integer NOT NULL,
    audience varchar(16) NOT NULL,
    title text NOT NULL,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (code, version)
);

CREATE TABLE questionnaire_request (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    person_id uuid NOT NULL,
    template_id uuid NOT NULL REFERENCES questionnaire_template (id),
    token_hash varchar(64) NOT NULL,
    expires_at timestamptz NOT NULL,
    answered_at timestamptz,
    sent_by uuid REFERENCES app_user (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, token_hash),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id)
);
CREATE INDEX questionnaire_request_token_idx ON questionnaire_request (token_hash);

CREATE TABLE questionnaire_answer (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    person_id uuid NOT NULL,
    template_id uuid NOT NULL REFERENCES questionnaire_template (id),
    request_id uuid,
    answers jsonb NOT NULL,
    tags text[] NOT NULL DEFAULT '{{}}',
    submitted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id)
);
CREATE INDEX questionnaire_answer_person_idx ON questionnaire_answer (region_id, person_id);
CREATE INDEX questionnaire_answer_tags_idx ON questionnaire_answer USING gin (tags);

{rls.enable("questionnaire_template", "true", check=rls.PLATFORM)}
{
    rls.enable(
        "questionnaire_request",
        f"token_hash = app_text('app.link_token_hash') OR {rls.organization_rows()}",
        check=rls.organization_rows(),
    )
}
{rls.tenant_table("questionnaire_answer")}
"""


async def forwards() -> MigrationManager:
    manager = sql_migration(ID, "registry", DESCRIPTION, SQL)

    async def templates() -> None:
        from shared.migrations import execute

        await execute(TEMPLATES)

    manager.add_raw(templates)
    return manager
