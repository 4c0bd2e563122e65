"""Regions, municipalities, organizations, users, memberships, invitations; their RLS policies."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-11-23T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Tenancy tables with composite region keys and row-level security"

# Memberships and invitations name their municipality even for organization roles.
PEOPLE_SCOPE = rls.within_region(rls.IN_OWN_MUNICIPALITY, rls.IN_OWN_ORGANIZATION)
# A user always sees the region, municipality and organization of each of their own roles (the role switcher).
MUNICIPALITY_SCOPE = rls.within_region("id = app_uuid('app.municipality_id')")
ORGANIZATION_SCOPE = rls.within_region(
    rls.IN_OWN_MUNICIPALITY, "app_text('app.scope') = 'organization' AND id = app_uuid('app.organization_id')"
)
MINE = "id IN (SELECT m.{column} FROM membership m WHERE m.user_id = app_uuid('app.user_id'))"

SQL = f"""
{rls.FUNCTIONS}

CREATE TABLE region (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name varchar(200) NOT NULL,
    sort_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE municipality (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name varchar(200) NOT NULL,
    sort_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, name)
);

CREATE TABLE organization (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    municipality_id uuid NOT NULL,
    kind varchar(32) NOT NULL
        CHECK (kind IN ('school', 'college', 'additional', 'municipal_body', 'employer')),
    name text NOT NULL CHECK (length(btrim(name)) > 0),
    short_name varchar(200) NOT NULL DEFAULT '',
    sort_key bytea NOT NULL,
    inn varchar(12) NOT NULL DEFAULT '' CHECK (inn ~ '^([0-9]{{10}}|[0-9]{{12}})?$'),
    address text NOT NULL DEFAULT '',
    head_name varchar(200) NOT NULL DEFAULT '',
    phone varchar(40) NOT NULL DEFAULT '',
    email varchar(200) NOT NULL DEFAULT '',
    website varchar(200) NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id)
);
CREATE INDEX organization_municipality_idx ON organization (region_id, municipality_id);

-- A person who signs in. Global (one account across regions), so not distributed: a Citus reference table.
CREATE TABLE app_user (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email varchar(254) NOT NULL CHECK (email = lower(email)),
    password_hash text NOT NULL,
    surname varchar(100) NOT NULL DEFAULT '',
    name varchar(100) NOT NULL DEFAULT '',
    patronymic varchar(100) NOT NULL DEFAULT '',
    sort_key bytea NOT NULL DEFAULT '',
    is_platform_admin boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    UNIQUE (email)
);

CREATE TABLE membership (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES app_user (id),
    role varchar(32) NOT NULL
        CHECK (role IN ('regional_coordinator', 'municipal_coordinator', 'head', 'curator', 'mentor', 'mentee')),
    municipality_id uuid,
    organization_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    CHECK (CASE role
        WHEN 'regional_coordinator' THEN municipality_id IS NULL AND organization_id IS NULL
        WHEN 'municipal_coordinator' THEN municipality_id IS NOT NULL AND organization_id IS NULL
        ELSE municipality_id IS NOT NULL AND organization_id IS NOT NULL END)
);
CREATE UNIQUE INDEX membership_unique_idx ON membership
    (region_id, user_id, role, COALESCE(municipality_id, '00000000-0000-0000-0000-000000000000'),
     COALESCE(organization_id, '00000000-0000-0000-0000-000000000000'));
CREATE INDEX membership_user_idx ON membership (user_id);
CREATE INDEX membership_organization_idx ON membership (region_id, organization_id);

CREATE TABLE invitation (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    email varchar(254) NOT NULL CHECK (email = lower(email)),
    role varchar(32) NOT NULL
        CHECK (role IN ('regional_coordinator', 'municipal_coordinator', 'head', 'curator', 'mentor', 'mentee')),
    municipality_id uuid,
    organization_id uuid,
    surname varchar(100) NOT NULL DEFAULT '',
    name varchar(100) NOT NULL DEFAULT '',
    patronymic varchar(100) NOT NULL DEFAULT '',
    token_hash varchar(64) NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_by uuid NOT NULL REFERENCES app_user (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    send_attempts integer NOT NULL DEFAULT 0,
    send_error text NOT NULL DEFAULT '',
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, token_hash),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id)
);
CREATE INDEX invitation_token_idx ON invitation (token_hash);

{
    rls.enable(
        "region",
        f"{rls.PLATFORM} OR id = app_uuid('app.region_id') OR {MINE.format(column='region_id')}",
        check=rls.PLATFORM,
    )
}
{
    rls.enable(
        "municipality",
        f"{MUNICIPALITY_SCOPE} OR {MINE.format(column='municipality_id')}",
        check=MUNICIPALITY_SCOPE,
    )
}
{
    rls.enable(
        "organization",
        f"{ORGANIZATION_SCOPE} OR {MINE.format(column='organization_id')}",
        check=ORGANIZATION_SCOPE,
    )
}
{rls.enable("membership", f"user_id = app_uuid('app.user_id') OR {PEOPLE_SCOPE}", check=PEOPLE_SCOPE)}
{rls.enable("invitation", f"token_hash = app_text('app.link_token_hash') OR {PEOPLE_SCOPE}")}
{
    rls.enable(
        "app_user",
        f"{rls.PLATFORM} OR id = app_uuid('app.user_id') OR email = app_text('app.login_email')"
        " OR id IN (SELECT m.user_id FROM membership m)",
    )
}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "tenants", DESCRIPTION, SQL)
