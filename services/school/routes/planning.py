"""The school's planning page and its API: the mentors' training needs and who lacks primary training."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from services.school.access import RUNNER_ROLES, SchoolAccess
from services.school.planning import planning
from shared.pages import page
from tenants import Principal, allow


@get("/school/planning", guards=[allow(*RUNNER_ROLES)])
async def planning_page(principal: NamedDependency[Principal]) -> Template:
    return page("school/planning.html", planning=await planning(SchoolAccess.of(principal)))


@get("/school/planning", guards=[allow(*RUNNER_ROLES)], tags=["Школа наставников"])
async def planning_api(principal: NamedDependency[Principal]) -> dict[str, Any]:
    """The mentors' training needs by municipality (`total` counts each person once): mentors and candidates with
    consent, who answered the questionnaire, who has no completed primary training, and the wanted topics."""
    result: dict[str, Any] = msgspec.to_builtins(await planning(SchoolAccess.of(principal)))
    return result


page_handlers = [planning_page]
api_handlers = [planning_api]
