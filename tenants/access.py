"""Who is signed in, which of their roles is active, and the database scope that role grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from shared.db import Level, Scope, rescope
from tenants.roles import ROLE_LABELS, Role
from tenants.tables import Membership, Municipality, Organization, Region, User
from tenants.totp import is_enabled as second_factor_enabled

ROLE_ORDER = list(ROLE_LABELS)
SHORT_SESSION_ROLES = (Role.platform_admin, Role.regional_coordinator, Role.municipal_coordinator)
# Roles that see a municipality's or a region's personal data: a region may require a second factor of them.
SECOND_FACTOR_ROLES = (Role.regional_coordinator, Role.municipal_coordinator)


@dataclass(frozen=True)
class ActiveRole:
    key: str  # the membership id, or "platform" for the platform administrator
    role: Role
    scope: Scope
    place: str  # where the role is held: a region, municipality or organization name

    @property
    def label(self) -> str:
        return f"{ROLE_LABELS[self.role]} — {self.place}" if self.place else ROLE_LABELS[self.role]

    @property
    def region_id(self) -> UUID | None:
        return self.scope.region_id

    @property
    def municipality_id(self) -> UUID | None:
        return self.scope.municipality_id

    @property
    def organization_id(self) -> UUID | None:
        return self.scope.organization_id


@dataclass(frozen=True)
class Principal:
    user_id: UUID
    email: str
    full_name: str
    roles: list[ActiveRole] = field(default_factory=list)
    active: ActiveRole | None = None
    # The active role's region requires a second factor this account has not turned on: only its set-up is open.
    second_factor_missing: bool = False

    @property
    def role(self) -> Role | None:
        return self.active.role if self.active else None

    @property
    def scope(self) -> Scope:
        return self.active.scope if self.active else Scope(user_id=self.user_id)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def short_sessions(self) -> bool:
        """Whoever can act for a whole municipality, region or the platform gets the coordinators' shorter session
        lifetimes, whichever role is active: switching to that role needs no new sign-in."""
        held = [*self.roles, *([self.active] if self.active else [])]
        return any(r.role in SHORT_SESSION_ROLES for r in held)


def full_name(surname: str, name: str, patronymic: str = "") -> str:
    return " ".join(part for part in (surname, name, patronymic) if part)


async def load_principal(user_id: UUID, active_key: str | None) -> Principal | None:
    """Runs inside the request's transaction; narrows the transaction to the chosen role's scope."""
    await rescope(Scope(user_id=user_id))
    user = await User.select().where((User.id == user_id) & (User.is_active.eq(True))).first().run()
    if user is None:
        return None
    memberships = await Membership.select().where(Membership.user_id == user_id).run()
    region_rows = await Region.select(Region.id, Region.name, Region.require_second_factor).run()
    regions = {r["id"]: r["name"] for r in region_rows}
    municipalities = {m["id"]: m["name"] for m in await Municipality.select(Municipality.id, Municipality.name).run()}
    organizations = {
        o["id"]: o["short_name"] or o["name"]
        for o in await Organization.select(Organization.id, Organization.name, Organization.short_name).run()
    }

    roles: list[ActiveRole] = []
    if user["is_platform_admin"]:
        roles.append(ActiveRole("platform", Role.platform_admin, Scope(Level.platform, user_id=user_id), ""))
    for m in memberships:
        role = Role(m["role"])
        if role == Role.regional_coordinator:
            level, place = Level.region, regions.get(m["region_id"], "")
        elif role == Role.municipal_coordinator:
            level, place = Level.municipality, municipalities.get(m["municipality_id"], "")
        elif role == Role.trainer:
            level, place = Level.trainer, regions.get(m["region_id"], "")
        elif role == Role.juror:
            level, place = Level.juror, regions.get(m["region_id"], "")
        else:
            level, place = Level.organization, organizations.get(m["organization_id"], "")
        scope = Scope(level, user_id, m["region_id"], m["municipality_id"], m["organization_id"])
        roles.append(ActiveRole(str(m["id"]), role, scope, place))
    roles.sort(key=lambda r: (ROLE_ORDER.index(r.role), r.place))

    active = next((r for r in roles if r.key == active_key), roles[0] if roles else None)
    requiring = {r["id"] for r in region_rows if r["require_second_factor"]}
    missing = bool(active and active.role in SECOND_FACTOR_ROLES and active.region_id in requiring)
    principal = Principal(
        user_id=user_id,
        email=user["email"],
        full_name=full_name(user["surname"], user["name"], user["patronymic"]) or user["email"],
        roles=roles,
        active=active,
        second_factor_missing=missing and not await second_factor_enabled(user_id),
    )
    await rescope(principal.scope)
    return principal


def home_for(principal: Principal) -> str:
    """Where signing in, «/» and switching role land: mentors and mentees work in their own cabinet."""
    match principal.role:
        case Role.platform_admin:
            return "/admin/jobs"
        case Role.regional_coordinator:
            return "/region"
        case Role.municipal_coordinator:
            return "/organizations"
        case Role.mentor | Role.mentee:
            return "/cabinet"
        case Role.trainer:
            return "/school/teaching"
        case Role.juror:
            return "/contests/jury"
        case None:
            return "/no-role"
        case _:
            return "/workspace"
