"""Who may do what with a case, by the active role and the case's place; which cases the scope sees at all is the
database's business (a case outside it is NotFound before any of this is asked)."""

from __future__ import annotations

from services.cases.records import CaseRecord
from services.cases.tables import CaseStatus
from tenants import Principal, Role

WRITERS = (Role.curator,)
APPROVERS = (Role.municipal_coordinator, Role.regional_coordinator)
MANAGERS = (Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)


def approves(principal: Principal, case: CaseRecord) -> bool:
    """The municipal coordinator of the case's municipality, or the regional coordinator."""
    if principal.role == Role.regional_coordinator:
        return True
    return principal.role == Role.municipal_coordinator and principal.scope.municipality_id == case.municipality_id


def owns(principal: Principal, case: CaseRecord) -> bool:
    """A case is written by its organization's curator; a material by the municipality or region that keeps it."""
    if case.is_material:
        if principal.role == Role.regional_coordinator:
            return True
        return (
            principal.role == Role.municipal_coordinator
            and case.municipality_id is not None
            and principal.scope.municipality_id == case.municipality_id
        )
    return principal.role == Role.curator and principal.scope.organization_id == case.organization_id


def may_edit(principal: Principal, case: CaseRecord) -> bool:
    return owns(principal, case) and case.status in (CaseStatus.draft, CaseStatus.withdrawn)


def may_send(principal: Principal, case: CaseRecord) -> bool:
    return not case.is_material and owns(principal, case) and case.status == CaseStatus.draft


def may_review(principal: Principal, case: CaseRecord) -> bool:
    """Approve or return a case sent for approval."""
    return not case.is_material and case.status == CaseStatus.sent and approves(principal, case)


def may_publish(principal: Principal, case: CaseRecord) -> bool:
    if case.is_material:
        return owns(principal, case) and case.status in (CaseStatus.draft, CaseStatus.withdrawn)
    return case.status == CaseStatus.approved and approves(principal, case)


def may_withdraw(principal: Principal, case: CaseRecord) -> bool:
    if case.status not in (CaseStatus.published, CaseStatus.approved):
        return False
    return owns(principal, case) or (not case.is_material and approves(principal, case))


def sees_unpublished(principal: Principal | None, case: CaseRecord) -> bool:
    """Whoever works on the case: its organization's curator and head, its approvers, a material's keeper."""
    if principal is None:
        return False
    if owns(principal, case) or (not case.is_material and approves(principal, case)):
        return True
    return principal.role == Role.head and principal.scope.organization_id == case.organization_id
