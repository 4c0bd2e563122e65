"""What a person has learned and the certificates they hold: a fragment the registry's person card loads by htmx
(the registry may not import the school or the certificates, so the school serves it)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from services.certificates import STATUS_LABELS, certificates_of
from services.registry import people_brief
from services.school.training import training_of
from shared.actor import Actor
from shared.audit import audit
from shared.errors import NotFound
from shared.pages import page
from tenants import Role, allow

READERS = (Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)


async def training_context(person_id: UUID) -> dict[str, Any]:
    """The section's data for one person, as the viewer's scope sees it: the card and the cabinet share it."""
    return {
        "training": await training_of([person_id]),
        "certificates": await certificates_of([person_id]),
        "certificate_labels": STATUS_LABELS,
    }


@get("/school/people/{person_id:uuid}/training", guards=[allow(*READERS)])
async def person_training(actor: NamedDependency[Actor], person_id: FromPath[UUID]) -> Template:
    if person_id not in await people_brief([person_id]):
        raise NotFound()
    await audit(actor, "view", person_id, "обучение и свидетельства")
    return page("school/training.html", **await training_context(person_id))


page_handlers = [person_training]
