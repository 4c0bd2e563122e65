"""Who acts: the user, the region and workspace they act in, and the address they act from."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Actor:
    """For the audit log and for rules that depend on the workspace (None for coordinators and jobs)."""

    user_id: UUID | None
    region_id: UUID
    organization_id: UUID | None
    ip: str = ""
