"""Who may read, edit or sign what in programmes: the owner and reach rules the pages and the API share.

Row-level security already hides other tenants; these rules narrow further, to the asker's own level and role:
a regional coordinator reads a school's programme but edits only the region's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from services.programmes.programme import get_programme
from services.programmes.records import Owner, ProgrammeRecord
from shared.db import Scope
from shared.errors import Forbidden
from tenants import Role

READERS = (Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)
EDITORS = (Role.curator, Role.municipal_coordinator, Role.regional_coordinator)
COORDINATORS = (Role.municipal_coordinator, Role.regional_coordinator)
ORDER_ROLES = (Role.head, *EDITORS)  # see the orders of their level: the head signs, the others prepare
SIGNERS = (Role.head, *COORDINATORS)  # an organization's orders are its head's, a level's its coordinator's
SELECTORS = (Role.curator,)  # mentor selection is the organization curator's work
CATALOGUE_EDITORS = (Role.regional_coordinator,)


class NotSigner(Forbidden):
    """The order is signed by someone else at this level: the message says whom."""

    def __init__(self, owner: Owner) -> None:
        super().__init__(f"Приказ подписывает и регистрирует {signer_title(owner)}")
        self.message = str(self)


def signer_title(owner: Owner) -> str:
    """Who signs the orders of a level (004 §2.8, §2.13): the head, or the level's coordinator."""
    if owner.organization_id:
        return "руководитель организации"
    return "муниципальный координатор" if owner.municipality_id else "региональный координатор"


def signer_role(owner: Owner) -> Role:
    if owner.organization_id:
        return Role.head
    return Role.municipal_coordinator if owner.municipality_id else Role.regional_coordinator


@dataclass(frozen=True)
class Access:
    """The asker's active role and the level it works at: whose programmes are its own."""

    role: Role | None
    owner: Owner

    @classmethod
    def of(cls, role: Role | None, scope: Scope) -> Access:
        """A curator or a head works at their organization, a municipal coordinator at the municipality, the
        region's coordinator at the region."""
        if role in (Role.curator, Role.head):
            return cls(role, Owner(organization_id=scope.organization_id))
        if role == Role.municipal_coordinator:
            return cls(role, Owner(municipality_id=scope.municipality_id))
        return cls(role, Owner())

    @property
    def may_create(self) -> bool:
        return self.role in EDITORS

    @property
    def is_coordinator(self) -> bool:
        return self.role in COORDINATORS

    @property
    def may_edit_catalogue(self) -> bool:
        return self.role in CATALOGUE_EDITORS

    def may_edit(self, owner: Owner) -> bool:
        """Programmes, roadmaps and orders are edited at one's own level only."""
        return self.role in EDITORS and owner == self.owner

    def may_select(self, owner: Owner) -> bool:
        return self.role in SELECTORS and owner == self.owner and owner.organization_id is not None

    def may_register(self, owner: Owner) -> bool:
        """Only the signer of the order's own level registers it, and so makes it take effect."""
        return owner == self.owner and self.role == signer_role(owner)

    def may_submit(self, owner: Owner) -> bool:
        """Whoever prepares orders at this level sends them for signature."""
        return self.may_edit(owner)

    def editing(self) -> Owner:
        """The level the asker edits at; refused to a role that edits nothing."""
        if not self.may_create:
            raise Forbidden()
        return self.owner

    def ordering(self) -> Owner:
        """The register of orders the asker works in; refused to a role that has no orders."""
        if self.role not in ORDER_ROLES:
            raise Forbidden()
        return self.owner

    def coordinating(self) -> UUID | None:
        """The municipality a coordinator oversees (None: the whole region); refused to everyone else."""
        if not self.is_coordinator:
            raise Forbidden()
        return self.owner.municipality_id


async def programme_to_edit(access: Access, programme_id: UUID) -> ProgrammeRecord:
    """Another level's programme is not found, as if it were another tenant's."""
    return await get_programme(programme_id, access.editing())


async def programme_to_select(access: Access, programme_id: UUID) -> ProgrammeRecord:
    """Mentor selection: the curator of the programme's organization only."""
    if access.role not in SELECTORS:
        raise Forbidden()
    return await get_programme(programme_id, access.owner)
