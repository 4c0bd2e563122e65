"""The case library: cases written up by a curator from a finished pair or group or from the organization's
practice, and the «методическая копилка» (memos, meeting scripts, workbooks) the region or a municipality publishes;
their participants and their files.

Who sees what, in the database: the organization its own cases in every state, its municipality and the region theirs
too; every signed-in scope of the region and the public only the published ones. The organization never writes a case
as approved or published: that is the municipality's or the region's."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from shared import rls
from shared.migrations import sql_migration

ID = "2026-12-09T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The case library"

PUBLISHED = "status = 'published'"
OF_A_CASE = "case_id IN (SELECT c.id FROM practice_case c)"  # the case's own policy decides
READERS = rls.within_region(
    rls.IN_OWN_ORGANIZATION, rls.IN_OWN_MUNICIPALITY, f"({rls.SIGNED_IN} OR {rls.PUBLIC}) AND {PUBLISHED}"
)
# The organization writes its drafts, sends them and withdraws a published case; approving and publishing is the
# municipality's (its organizations' cases and its own materials) or the region's.
CASE_WRITES = rls.within_region(
    f"{rls.IN_OWN_ORGANIZATION} AND status IN ('draft', 'sent', 'withdrawn')", rls.IN_OWN_MUNICIPALITY
)
PART_READERS = f"{rls.PLATFORM} OR ({rls.IN_REGION} AND {OF_A_CASE})"
PART_WRITES = rls.within_region(
    f"{rls.IN_OWN_ORGANIZATION} AND {OF_A_CASE}", f"{rls.IN_OWN_MUNICIPALITY} AND {OF_A_CASE}"
)

SQL = f"""
-- array_to_string is only STABLE (arrays of any type); for text[] it is immutable, as a generated column needs.
CREATE FUNCTION practice_case_words(tags text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string(tags, ' ') $$;

CREATE TABLE practice_case (
    region_id uuid NOT NULL REFERENCES region (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    kind varchar(10) NOT NULL DEFAULT 'case' CHECK (kind IN ('case', 'material')),
    material_kind varchar(16) CHECK (material_kind IN
        ('mentor_memo', 'mentee_memo', 'meeting_script', 'workbook', 'other')),
    organization_id uuid,
    municipality_id uuid,
    organization_kind varchar(16) NOT NULL DEFAULT '',
    mentorship_id uuid,
    title text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 300),
    problem text NOT NULL DEFAULT '',
    form_id uuid,
    form_title text NOT NULL DEFAULT '',
    role_model_id uuid,
    role_model_title text NOT NULL DEFAULT '',
    goals text NOT NULL DEFAULT '',
    activities text NOT NULL DEFAULT '',
    results text NOT NULL DEFAULT '',
    quotes text NOT NULL DEFAULT '',
    tags text[] NOT NULL DEFAULT '{{}}',
    year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    anonymised boolean NOT NULL DEFAULT true,
    pair_numbers jsonb NOT NULL DEFAULT '{{}}',
    status varchar(10) NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'sent', 'approved', 'published', 'withdrawn')),
    return_comment text NOT NULL DEFAULT '',
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    sent_by uuid,
    approved_at timestamptz,
    approved_by uuid,
    published_at timestamptz,
    withdrawn_at timestamptz,
    -- Title A, problem and results B, the rest C.
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', title), 'A') ||
        setweight(to_tsvector('russian', problem || ' ' || results), 'B') ||
        setweight(to_tsvector('russian', goals || ' ' || activities || ' ' || quotes || ' ' || form_title || ' ' ||
            role_model_title || ' ' || practice_case_words(tags)), 'C')
    ) STORED,
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, organization_id) REFERENCES organization (region_id, id),
    FOREIGN KEY (region_id, municipality_id) REFERENCES municipality (region_id, id),
    -- A case is an organization's; a material is the region's (no municipality) or a municipality's.
    CHECK (CASE kind
        WHEN 'case' THEN organization_id IS NOT NULL AND municipality_id IS NOT NULL AND material_kind IS NULL
        ELSE organization_id IS NULL AND material_kind IS NOT NULL END),
    CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX practice_case_search_idx ON practice_case USING gin (search);
CREATE INDEX practice_case_published_idx ON practice_case (region_id, published_at DESC) WHERE status = 'published';

CREATE TABLE practice_case_participant (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    case_id uuid NOT NULL,
    organization_id uuid,
    municipality_id uuid,
    person_id uuid NOT NULL,
    role varchar(8) NOT NULL CHECK (role IN ('mentor', 'mentee')),
    position smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (region_id, id),
    UNIQUE (region_id, case_id, person_id),
    FOREIGN KEY (region_id, case_id) REFERENCES practice_case (region_id, id) ON DELETE CASCADE,
    FOREIGN KEY (region_id, person_id) REFERENCES person (region_id, id)
);

CREATE TABLE practice_case_file (
    region_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    case_id uuid NOT NULL,
    organization_id uuid,
    municipality_id uuid,
    title text NOT NULL CHECK (btrim(title) <> ''),
    filename varchar(200) NOT NULL,
    content_type varchar(100) NOT NULL,
    data bytea NOT NULL CHECK (length(data) <= 104857600),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region_id, id),
    FOREIGN KEY (region_id, case_id) REFERENCES practice_case (region_id, id) ON DELETE CASCADE
);

{rls.enable("practice_case", READERS, check=CASE_WRITES)}
{rls.enable("practice_case_participant", PART_READERS, check=PART_WRITES)}
{rls.enable("practice_case_file", PART_READERS, check=PART_WRITES)}
"""


async def forwards() -> MigrationManager:
    return sql_migration(ID, "cases", DESCRIPTION, SQL)
