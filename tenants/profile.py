"""The user's own profile: who they are, their roles, and their active sessions, which they can end."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from shared.i18n import plural
from shared.pages import page, see_other
from shared.sessions import active_sessions, duration, end_sessions, lifetimes
from shared.settings import Settings
from tenants.access import Principal
from tenants.guards import signed_in
from tenants.second_factor import ELIGIBLE as SECOND_FACTOR_ROLES


class ProfilePages(Controller):
    path = "/profile"
    guards = [signed_in]

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        settings: NamedDependency[Settings],
    ) -> Template:
        limits = lifetimes(settings, principal.short_sessions)
        sessions = await active_sessions(request, str(principal.user_id), limits)
        return page(
            "tenants/profile.html",
            sessions=sessions,
            idle=duration(limits.idle),
            absolute=duration(limits.absolute),
            second_factor=any(r.role in SECOND_FACTOR_ROLES for r in principal.roles),
        )

    @post("/sessions/end")
    async def end_one(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> Redirect:
        """Another session of the user's, named by its handle; this request's own session ends by «Выйти»."""
        handle = str((await request.form()).get("session", ""))
        ended = await end_sessions(request, str(principal.user_id), handle=handle) if handle else 0
        if ended:
            flash(request, "Сеанс завершён", category="success")
        else:
            flash(request, "Этот сеанс уже завершён", category="info")
        return see_other("/profile")

    @post("/sessions/end-others")
    async def end_others(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> Redirect:
        ended = await end_sessions(request, str(principal.user_id))
        word = plural(ended, "сеанс", "сеанса", "сеансов")
        flash(request, f"Завершено {ended} {word}" if ended else "Других сеансов нет", category="success")
        return see_other("/profile")
