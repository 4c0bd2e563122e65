"""Who may do what at the mentor school: the rules the pages and the API share.

RLS already hides other regions and, for a trainer, every cohort they do not teach; these rules narrow further:
who runs a school (the region's coordinator for the regional school, the municipality's for its school, a base
organization's curator or head for theirs), who teaches a cohort, who nominates from an organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from litestar.di import NamedDependency

from services.school.records import SchoolRecord
from shared.db import current_connection
from shared.errors import Forbidden
from tenants import Principal, Role

RUNNER_ROLES = (Role.regional_coordinator, Role.municipal_coordinator, Role.curator, Role.head)
NOMINATORS = (Role.curator,)  # the curator nominates the organization's mentors and candidates
PARTICIPANTS = (Role.mentor, Role.curator)  # who may apply themselves


@dataclass(frozen=True)
class SchoolAccess:
    """The asker's role and where it works, for the school's rules."""

    role: Role | None
    user_id: UUID
    region_id: UUID | None
    municipality_id: UUID | None
    organization_id: UUID | None

    @classmethod
    def of(cls, principal: Principal) -> SchoolAccess:
        scope = principal.scope
        return cls(principal.role, principal.user_id, scope.region_id, scope.municipality_id, scope.organization_id)

    def runs(self, school: SchoolRecord) -> bool:
        """The school is this role's own: the region's coordinator also runs every school of the region."""
        if self.role == Role.regional_coordinator:
            return True
        if self.role == Role.municipal_coordinator:
            return school.organization_id is None and school.municipality_id == self.municipality_id
        if self.role in (Role.curator, Role.head):
            return school.organization_id is not None and school.organization_id == self.organization_id
        return False

    def require_runner(self, school: SchoolRecord) -> None:
        if not self.runs(school):
            raise Forbidden()

    async def teaches(self, cohort_id: UUID) -> bool:
        if self.role != Role.trainer:
            return False
        found = await current_connection().fetchval(
            "SELECT 1 FROM school_cohort_trainer WHERE cohort_id = $1 AND user_id = $2", cohort_id, self.user_id
        )
        return bool(found)

    async def runs_or_teaches(self, school: SchoolRecord, cohort_id: UUID) -> bool:
        return self.runs(school) or await self.teaches(cohort_id)


def provide_school_access(principal: NamedDependency[Principal]) -> SchoolAccess:
    return SchoolAccess.of(principal)
