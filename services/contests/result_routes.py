"""Contest routes: a person's results, a fragment the registry's person card loads by htmx (the registry sits below
the contests and may not import them, so the contests serve it)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from services.contests.results import contest_results_of
from services.registry import people_brief
from shared.actor import Actor
from shared.audit import audit
from shared.errors import NotFound
from shared.pages import page
from tenants import Role, allow

READERS = (Role.curator, Role.head, Role.municipal_coordinator, Role.regional_coordinator)


@get("/contests/people/{person_id:uuid}/results", guards=[allow(*READERS)])
async def person_results(actor: NamedDependency[Actor], person_id: FromPath[UUID]) -> Template:
    """Only for a person the scope sees and with an active consent: without it nothing about them is processed."""
    brief = (await people_brief([person_id])).get(person_id)
    if brief is None or not brief.consented:
        raise NotFound()
    await audit(actor, "view", person_id, "результаты конкурсов")
    return page("contests/results.html", contest_results=await contest_results_of([person_id]))


PAGES: list[Any] = [person_results]
API: list[Any] = []
