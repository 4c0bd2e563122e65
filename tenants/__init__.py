"""Regions, municipalities, organizations, users, roles and scopes: the floor every domain stands on.

Other domains use only the names below; the routes are composed by app/, the rest is tenants' own.
"""

from tenants.access import Principal, home_for
from tenants.contingent import ContingentRecord, contingents, save_contingent, school_year_label
from tenants.demo import MUNICIPALITIES
from tenants.demo_accounts import ACCOUNTS
from tenants.guards import allow, signed_in
from tenants.logic import (
    KIND_LABELS,
    AccountRole,
    InvitationRecord,
    MunicipalityRecord,
    MunicipalitySummary,
    OrganizationRecord,
    OrganizationSummary,
    curator_emails,
    ensure_user,
    get_municipality,
    get_organization,
    list_municipalities,
    list_organizations,
    list_people,
    organization_names,
    region_ids,
    region_names,
    role_since,
)
from tenants.region_settings import RegionSettings, get_region_settings
from tenants.roles import ORGANIZATION_ROLES, OrganizationKind, Role
from tenants.visitors import each_region, in_public_region, public_regions, visible, visitor

__all__ = [
    "ACCOUNTS",
    "KIND_LABELS",
    "MUNICIPALITIES",
    "ORGANIZATION_ROLES",
    "AccountRole",
    "ContingentRecord",
    "InvitationRecord",
    "MunicipalityRecord",
    "MunicipalitySummary",
    "OrganizationKind",
    "OrganizationRecord",
    "OrganizationSummary",
    "Principal",
    "RegionSettings",
    "Role",
    "allow",
    "contingents",
    "curator_emails",
    "each_region",
    "ensure_user",
    "get_municipality",
    "get_organization",
    "get_region_settings",
    "home_for",
    "in_public_region",
    "list_municipalities",
    "list_organizations",
    "list_people",
    "organization_names",
    "public_regions",
    "region_ids",
    "region_names",
    "role_since",
    "save_contingent",
    "school_year_label",
    "signed_in",
    "visible",
    "visitor",
]
