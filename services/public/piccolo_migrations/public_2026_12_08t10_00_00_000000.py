"""The organizations' public «Наставничество» pages: the page itself (its address, introduction, the indicators
it shows, the site allowed to frame it), partners, announcements, public documents and the portfolios the mentors
and curators chose to show.

Who sees what, in the database: the organization, its municipality and its region everything of the organization's
page; a public visitor only the published page, and of it the partners, the documents, the published announcements
and the portfolios marked shown. A person's name reaches the public only through the service, with an active
consent to publication (the registry's), checked when the page is read."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-08T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Public pages"

PUBLIC = f"{rls.PUBLIC} AND {rls.IN_REGION}"
OF_PUBLISHED_SITE = "organization_id IN (SELECT s.organization_id FROM public_site s)"  # the site's policy decides
WRITES = rls.within_region(rls.IN_OWN_ORGANIZATION)

SQL = f"""
CREATE TABLE public_site (
    region_id uuid NOT NULL REFERENCES region (id),
    organization_id uuid NOT NULL,
    slug varchar(60) NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    intro text NOT NULL DEFAULT '' CHECK (length(intro) <= 20000),
    frame_origin varchar(200) NOT NULL DEFAULT '',
    indicators varchar(40)[] NOT NULL DEFAULT '{{}}',
    published_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, organization_id),
    UNIQUE (region_id, slug),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id) ON DELETE CASCADE
);

CREATE TABLE public_partner (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    position integer NOT NULL DEFAULT 0,
    kind varchar(12) NOT NULL CHECK (kind IN ('employer', 'education', 'culture', 'public', 'other')),
    name text NOT NULL CHECK (btrim(name) <> ''),
    subject text NOT NULL DEFAULT '',
    agreement text NOT NULL DEFAULT '',
    website varchar(300) NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES public_site (region_id, organization_id) ON DELETE CASCADE
);

CREATE TABLE public_post (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    title text NOT NULL CHECK (btrim(title) <> ''),
    body text NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
    event_on date,
    place text NOT NULL DEFAULT '',
    published_at timestamptz,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES public_site (region_id, organization_id) ON DELETE CASCADE
);
CREATE INDEX public_post_site_idx ON public_post (region_id, organization_id, published_at DESC);

CREATE TABLE public_document (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    position integer NOT NULL DEFAULT 0,
    title text NOT NULL CHECK (btrim(title) <> ''),
    order_id uuid,
    filename varchar(200) NOT NULL DEFAULT '',
    content_type varchar(100) NOT NULL DEFAULT '',
    data bytea CHECK (octet_length(data) <= 104857600),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    CHECK ((order_id IS NULL) <> (data IS NULL)),
    UNIQUE (region_id, organization_id, order_id),
    FOREIGN KEY (region_id, organization_id) REFERENCES public_site (region_id, organization_id) ON DELETE CASCADE
);

CREATE TABLE public_profile (
    region_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    person_id uuid NOT NULL,
    about text NOT NULL DEFAULT '' CHECK (length(about) <= 5000),
    achievements text NOT NULL DEFAULT '' CHECK (length(achievements) <= 5000),
    shown boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, organization_id, person_id),
    FOREIGN KEY (region_id, organization_id) REFERENCES public_site (region_id, organization_id) ON DELETE CASCADE
);

{rls.enable("public_site", rls.organization_rows() + f" OR ({PUBLIC} AND published_at IS NOT NULL)", check=WRITES)}
{rls.enable("public_partner", rls.organization_rows() + f" OR ({PUBLIC} AND {OF_PUBLISHED_SITE})", check=WRITES)}
{rls.enable("public_post", rls.organization_rows() + f" OR ({PUBLIC} AND published_at IS NOT NULL AND {OF_PUBLISHED_SITE})", check=WRITES)}
{rls.enable("public_document", rls.organization_rows() + f" OR ({PUBLIC} AND {OF_PUBLISHED_SITE})", check=WRITES)}
{rls.enable("public_profile", rls.organization_rows() + f" OR ({PUBLIC} AND shown AND {OF_PUBLISHED_SITE})", check=WRITES)}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "public", DESCRIPTION, SQL)
