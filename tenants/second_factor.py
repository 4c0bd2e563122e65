"""The second factor on the web: its set-up at /profile/second-factor, and the code step of signing in.

Signing in with the factor on takes two steps on the pages: the password, then the code at /login/second-factor;
between them the session holds only a short-lived pending state, never the user, so nothing is open until the code
is right. The API takes both at once (`code` beside the password). Wrong codes count as failed logins.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from arq import ArqRedis
from litestar import Controller, MediaType, Request, Response, Router, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from shared.actor import Actor
from shared.audit import audit
from shared.auth import LoginLimiter, mark_guard, public, start_session
from shared.db import Scope, rescope
from shared.errors import Forbidden, ValidationFailed
from shared.pages import safe_next, see_other
from shared.settings import Settings
from tenants import totp
from tenants.access import Principal
from tenants.guards import BEFORE_SECOND_FACTOR, SecondFactorSetupRequired, principal_of, signed_in
from tenants.roles import Role

SETUP_PATH = "/profile/second-factor"
CODE_PATH = "/login/second-factor"
PENDING = "second_factor_pending"
PENDING_SECONDS = 5 * 60
# Who may turn a factor on: the roles that see more than one organization's people.
ELIGIBLE = (Role.platform_admin, Role.regional_coordinator, Role.municipal_coordinator)
NO_STORE = {"Cache-Control": "no-store"}  # pages with the key or the recovery codes stay out of every cache

ASK_FOR_CODE = "Введите код из приложения-аутентификатора"


# Signing in -------------------------------------------------------------------------------------------------------


class SecondFactorNeeded(Exception):
    """The password was right, but the account's factor is on and the code is missing or wrong."""

    def __init__(self, user_id: UUID, message: str) -> None:
        super().__init__(message)
        self.user_id = user_id
        self.message = message

    def api_error(self) -> HTTPException:
        return HTTPException(
            status_code=401,
            detail=self.message,
            extra={"errors": {"code": self.message}, "second_factor_required": True},
        )


async def complete_sign_in(
    request: Request[Any, Any, Any],
    guard: LoginLimiter,
    settings: Settings,
    email: str,
    ip: str,
    user_id: UUID,
    code: str | None,
) -> None:
    """After a correct password: the session becomes the user's, unless their factor is on and the code is missing
    or wrong. A wrong code counts as a failed login, and a right password alone does not clear the account's count
    (it would let a thief with the password try codes forever)."""
    if await totp.is_enabled(user_id):
        if not (code or "").strip():
            raise SecondFactorNeeded(user_id, ASK_FOR_CODE)
        used, problem = await totp.verify(user_id, settings.secret_key, code or "")
        if used is None:
            await guard.failed(email, ip)
            raise SecondFactorNeeded(user_id, problem)
        await guard.succeeded(email, ip)
        start_session(request, user_id)
        if used == "recovery":  # after start_session, which replaces the session and its messages
            left = (await totp.state(user_id)).recovery_left
            flash(request, f"Вы вошли по коду восстановления. Осталось кодов: {left}.", category="warning")
        return
    await guard.succeeded(email, ip)
    start_session(request, user_id)


@dataclass(frozen=True)
class Pending:
    user_id: UUID
    email: str
    next: str
    until: float


def ask_for_code(request: Request[Any, Any, Any], needed: SecondFactorNeeded, email: str, target: str) -> Redirect:
    """The password step of the pages is done: remember whose code is awaited, for a few minutes, and ask for it."""
    session = {k: v for k, v in _session(request).items() if k != PENDING}
    session[PENDING] = {
        "user_id": str(needed.user_id),
        "email": email,
        "next": safe_next(target),
        "until": time.time() + PENDING_SECONDS,
    }
    request.set_session(session)
    return see_other(CODE_PATH)


def _session(request: Request[Any, Any, Any]) -> dict[str, Any]:
    session = request.scope.get("session")
    return session if isinstance(session, dict) else {}  # Empty before anything was stored


def pending_of(request: Request[Any, Any, Any]) -> Pending | None:
    value = _session(request).get(PENDING)
    if not isinstance(value, dict) or float(value.get("until", 0)) < time.time():
        return None
    return Pending(UUID(value["user_id"]), str(value["email"]), str(value["next"]), float(value["until"]))


def _code_page(status: int = 200, errors: dict[str, str] | None = None) -> Template:
    return Template(
        "tenants/second_factor_login.html", context={"errors": errors or {}}, status_code=status, headers=NO_STORE
    )


class SecondFactorLoginPages(Controller):
    path = CODE_PATH

    @get("/", guards=[public])
    async def form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if pending_of(request) is None:
            return see_other("/login")
        return _code_page()

    @post("/", guards=[public])
    async def submit(
        self, request: Request[Any, Any, Any], redis: NamedDependency[ArqRedis], settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        # The login's own limits and address; imported here because tenants.routes calls into this module.
        from tenants.routes import client_ip, limiter, wait_message

        pending = pending_of(request)
        if pending is None:
            flash(request, "Время на ввод кода истекло. Войдите ещё раз.", category="error")
            return see_other("/login")
        code = str((await request.form()).get("code", ""))
        ip, guard = client_ip(request), limiter(redis, settings)
        if wait := await guard.retry_after(pending.email, ip):
            return _code_page(429, {"code": wait_message(wait)})
        await rescope(Scope(user_id=pending.user_id))
        try:
            await complete_sign_in(request, guard, settings, pending.email, ip, pending.user_id, code)
        except SecondFactorNeeded as needed:
            return _code_page(400, {"code": needed.message})
        return see_other(pending.next)


# Setting it up ----------------------------------------------------------------------------------------------------


@mark_guard
def may_use_second_factor(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    signed_in(connection, handler)
    principal = principal_of(connection)
    if principal is None or not any(r.role in ELIGIBLE for r in principal.roles):
        raise Forbidden()


async def _audit(request: Request[Any, Any, Any], principal: Principal, what: str) -> None:
    """Into the region's log when the active role has a region (the platform admin's has none)."""
    if principal.scope.region_id is None:
        return
    ip = request.client.host if request.client else ""
    actor = Actor(principal.user_id, principal.scope.region_id, principal.scope.organization_id, ip)
    await audit(actor, "second_factor", None, what)


async def _setup_page(
    principal: Principal, settings: Settings, status: int = 200, errors: dict[str, str] | None = None
) -> Template:
    await rescope(Scope(user_id=principal.user_id))
    state = await totp.state(principal.user_id)
    context: dict[str, Any] = {"state": state, "errors": errors or {}, "required": principal.second_factor_missing}
    if state.setting_up and (secret := await totp.pending_secret(principal.user_id, settings.secret_key)):
        uri = totp.provisioning_uri(secret, principal.email)
        context.update(secret=totp.grouped(secret), qr=totp.qr_svg(uri), uri=uri)
    else:
        context["setting_up_lost"] = state.setting_up  # SECRET_KEY changed under an unconfirmed key
    await rescope(principal.scope)
    return Template("tenants/second_factor.html", context=context, status_code=status, headers=NO_STORE)


class SecondFactorPages(Controller):
    path = SETUP_PATH
    guards = [may_use_second_factor]
    opt = {BEFORE_SECOND_FACTOR: True}

    @get("/")
    async def show(self, principal: NamedDependency[Principal], settings: NamedDependency[Settings]) -> Template:
        return await _setup_page(principal, settings)

    @post("/start")
    async def start(self, principal: NamedDependency[Principal], settings: NamedDependency[Settings]) -> Redirect:
        await rescope(Scope(user_id=principal.user_id))
        await totp.begin_setup(principal.user_id, settings.secret_key)
        await rescope(principal.scope)
        return see_other(SETUP_PATH)

    @post("/confirm")
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        settings: NamedDependency[Settings],
    ) -> Template:
        code = str((await request.form()).get("code", ""))
        await rescope(Scope(user_id=principal.user_id))
        try:
            codes = await totp.confirm_setup(principal.user_id, settings.secret_key, code)
        except ValidationFailed as exc:
            return await _setup_page(principal, settings, 422, exc.errors)
        await rescope(principal.scope)
        await _audit(request, principal, "включён")
        return Template("tenants/second_factor_codes.html", context={"codes": codes}, headers=NO_STORE)

    @post("/disable")
    async def disable(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        code = str((await request.form()).get("code", ""))
        await rescope(Scope(user_id=principal.user_id))
        try:
            await totp.disable(principal.user_id, settings.secret_key, code)
        except ValidationFailed as exc:
            return await _setup_page(principal, settings, 422, exc.errors)
        await rescope(principal.scope)
        await _audit(request, principal, "отключён")
        flash(request, "Второй фактор отключён", category="success")
        return see_other(SETUP_PATH)


def setup_required(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The exception handler for SecondFactorSetupRequired: the page of the set-up, or a 403 that says why."""
    message = "Регион требует второй фактор для координаторов: включите его, чтобы продолжить работу"
    if request.url.path.startswith("/api/"):
        body = {"detail": message, "second_factor_setup_required": True, "setup": SETUP_PATH}
        return Response(body, status_code=403, media_type=MediaType.JSON)
    if request.headers.get("HX-Request"):
        return Response(b"", status_code=204, headers={"HX-Redirect": SETUP_PATH})
    return Redirect(SETUP_PATH, status_code=303)


EXCEPTION_HANDLERS: dict[Any, Any] = {SecondFactorSetupRequired: setup_required}

page_router = Router(path="/", route_handlers=[SecondFactorLoginPages, SecondFactorPages], include_in_schema=False)
