"""Row-Level Security policies, written once and applied by each domain's migrations.

Policies read the transaction-local settings that `shared.db.rescope` sets. Helper functions
`app_text`/`app_uuid` are created by the first tenants migration.
"""

from __future__ import annotations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION app_text(name text) RETURNS text
    LANGUAGE sql STABLE AS $$ SELECT COALESCE(current_setting(name, true), '') $$;
CREATE OR REPLACE FUNCTION app_uuid(name text) RETURNS uuid
    LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting(name, true), '')::uuid $$;
"""

PLATFORM = "app_text('app.scope') = 'platform'"
IN_REGION = "region_id = app_uuid('app.region_id')"
REGION_WIDE = "app_text('app.scope') = 'region'"


IN_OWN_ORGANIZATION = "app_text('app.scope') = 'organization' AND organization_id = app_uuid('app.organization_id')"
IN_OWN_MUNICIPALITY = "app_text('app.scope') = 'municipality' AND municipality_id = app_uuid('app.municipality_id')"
# The organization table's own policy decides which organizations a municipal scope holds.
IN_MUNICIPAL_ORGANIZATIONS = (
    "app_text('app.scope') = 'municipality' AND organization_id IN ("
    "SELECT o.id FROM organization o WHERE o.municipality_id = app_uuid('app.municipality_id'))"
)


def within_region(*clauses: str) -> str:
    """Platform sees all; otherwise the row's region must be the scope's, and a region scope sees it all."""
    alternatives = " OR ".join(f"({clause})" for clause in (REGION_WIDE, *clauses))
    return f"{PLATFORM} OR ({IN_REGION} AND ({alternatives}))"


def organization_rows() -> str:
    """A row owned by one organization, seen by that organization, its municipality and its region."""
    return within_region(IN_OWN_ORGANIZATION, IN_MUNICIPAL_ORGANIZATIONS)


def enable(table: str, using: str, *, check: str | None = None, name: str = "tenant_scope") -> str:
    """FORCE applies the policy to the owner too; without a matching policy a table returns nothing."""
    return (
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n"
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;\n"
        f"CREATE POLICY {name} ON {table} USING ({using}) WITH CHECK ({check or using});\n"
    )


def tenant_table(table: str) -> str:
    return enable(table, organization_rows())


SIGNED_IN = "app_text('app.scope') NOT IN ('', 'anonymous', 'public')"
PUBLIC = "app_text('app.scope') = 'public'"


def region_rows(*, public: str | None = None) -> str:
    """A row every signed-in scope of the region reads (a region's catalogue: the mentor school's programmes, a
    certification round); a public visitor reads it only where `public` holds."""
    readers = f"({SIGNED_IN})" + (f" OR ({PUBLIC} AND ({public}))" if public else "")
    return f"{PLATFORM} OR ({IN_REGION} AND ({readers}))"


def runner_of(school_column: str = "school_id") -> str:
    """The scope runs the mentor school of the row: its organization (a base of the network) or its municipality;
    `within_region` adds the region's scope, which runs the regional school and oversees all."""
    return (
        f"{school_column} IN (SELECT s.id FROM mentor_school s WHERE "
        "(app_text('app.scope') = 'organization' AND s.organization_id = app_uuid('app.organization_id')) OR "
        "(app_text('app.scope') = 'municipality' AND s.organization_id IS NULL "
        "AND s.municipality_id = app_uuid('app.municipality_id')))"
    )


def trainer_of(cohort_column: str = "cohort_id") -> str:
    """The scope is a trainer of the row's cohort."""
    return (
        f"app_text('app.scope') = 'trainer' AND {cohort_column} IN "
        "(SELECT t.cohort_id FROM school_cohort_trainer t WHERE t.user_id = app_uuid('app.user_id'))"
    )
