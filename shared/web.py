"""The Litestar application: middleware that opens the tenant transaction, error pages, health, static files."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast
from uuid import UUID

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from litestar import Litestar, Request, Response, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.stores.redis import RedisStore
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Send
from litestar.types import Scope as ASGIScope

from shared.auth import SessionConfig, principal_of, public, unguarded_routes
from shared.db import DB, Scope, tenant_transaction
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.settings import ROOT, Settings, get_settings
from shared.templating import template_config
from tenants.access import Principal, load_principal

log = logging.getLogger("nastavnik.web")

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def tenant_middleware(app: ASGIApp) -> ASGIApp:
    """Opens the request's tenant transaction and sets its scope from the session (see tenancy notes).

    The transaction commits just before the response starts when the status is below 400 and rolls back
    otherwise, so a failed request leaves nothing half-written and a redirect never outruns its commit.
    """

    async def middleware(scope: ASGIScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        method = cast("HTTPScope", scope)["method"]
        handler = scope["route_handler"]
        started = time.perf_counter()
        status = 500

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if not handler.opt.get("tenant", True):
                await app(scope, receive, send_logged)
                return
            uploads = handler.opt.get("upload", False)
            if scope["path"].startswith("/api/") and method in UNSAFE and not _is_json(scope, uploads):
                raise HTTPException(
                    status_code=415,
                    detail="Ожидается JSON",
                    extra={"errors": {"body": "Укажите Content-Type: application/json"}},
                )
            await _in_transaction(app, scope, receive, send_logged)
        finally:
            path = getattr(scope.get("route_handler"), "paths", {scope["path"]})
            log.info("%s %s %s %.0fms", method, min(path), status, (time.perf_counter() - started) * 1000)

    return middleware


async def _in_transaction(app: ASGIApp, scope: ASGIScope, receive: Receive, send: Send) -> None:
    session: dict[str, Any] = scope.get("session") or {}  # type: ignore[assignment]
    state = scope.setdefault("state", {})
    async with tenant_transaction(Scope()) as txn:
        principal: Principal | None = None
        if user_id := session.get("user_id"):
            principal = await load_principal(UUID(user_id), session.get("role"))
        state["principal"] = principal

        async def send_after_commit(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] < 400:
                    await txn.commit()
                else:
                    await txn.rollback()
            await send(message)

        await app(scope, receive, send_after_commit)


def _is_json(scope: ASGIScope, uploads: bool = False) -> bool:
    """API writes are JSON (a cross-site form cannot send it); routes marked `upload` also take files."""
    allowed = {b"application/json", b"multipart/form-data"} if uploads else {b"application/json"}
    headers = dict(scope["headers"])
    if b"content-type" not in headers:
        return headers.get(b"content-length", b"0") == b"0"  # a bodiless action, such as a commit
    return headers[b"content-type"].split(b";")[0].strip().lower() in allowed


# Errors ---------------------------------------------------------------------------------------------


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/schema")


def _error(
    request: Request[Any, Any, Any], status: int, title: str, body: dict[str, Any] | None = None
) -> Response[Any]:
    if _wants_json(request):
        return Response({"detail": title, **(body or {})}, status_code=status)
    return Template(
        "error.html",
        context={"status": status, "title": title, "principal": principal_of(request)},
        status_code=status,
    )


def _not_authorized(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if _wants_json(request):
        return _error(request, 401, "Требуется вход в систему")
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return Redirect(f"/login?next={target}" if target not in ("/", "/logout") else "/login")


def _http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    titles = {
        400: "Некорректный запрос",
        403: "Недостаточно прав",
        404: "Страница не найдена",
        405: "Метод не поддерживается",
        413: "Слишком большой запрос",
        429: "Слишком много запросов",
    }
    title = titles.get(exc.status_code, "Ошибка запроса")
    if exc.status_code == 403 and "CSRF" in str(exc.detail):
        title = "Форма устарела. Обновите страницу и отправьте её ещё раз."
    if isinstance(exc, ValidationException):
        errors = {}
        for item in exc.extra or []:
            if isinstance(item, dict):
                errors[str(item.get("key") or item.get("source") or "body")] = str(item.get("message"))
        return _error(request, 400, "Проверьте данные", {"errors": errors})
    extra = exc.extra if isinstance(exc.extra, dict) else {}
    return _error(request, exc.status_code, str(exc.detail) if extra else title, extra)


def _validation_failed(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, ValidationFailed)
    return _error(request, 400, "Проверьте данные", {"errors": exc.errors})


def _server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # The exception type and route only: messages can carry personal data.
    log.error("Unhandled %s on %s %s", type(exc).__name__, request.method, request.scope.get("path_template", ""))
    return _error(request, 500, "Что-то пошло не так. Мы уже разбираемся.")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    NotAuthorizedException: _not_authorized,
    NotFound: lambda r, e: _error(r, 404, "Страница не найдена"),
    NotFoundException: lambda r, e: _error(r, 404, "Страница не найдена"),
    Forbidden: lambda r, e: _error(r, 403, "Недостаточно прав"),
    PermissionDeniedException: _http_error,
    ValidationFailed: _validation_failed,
    HTTPException: _http_error,
    500: _server_error,
}


# Health ---------------------------------------------------------------------------------------------


@get("/healthz", guards=[public], opt={"tenant": False}, include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", guards=[public], opt={"tenant": False}, include_in_schema=False)
async def readyz(state: State) -> Response[dict[str, str]]:
    checks: dict[str, str] = {}
    try:
        async with tenant_transaction(Scope()) as txn:
            await txn.connection.fetchval("SELECT 1")
        checks["postgres"] = "ok"
    except Exception as exc:
        checks["postgres"] = f"недоступен ({type(exc).__name__})"
    try:
        await state.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"недоступен ({type(exc).__name__})"
    ready = all(v == "ok" for v in checks.values())
    return Response({"status": "ok" if ready else "unavailable", **checks}, status_code=200 if ready else 503)


# Application ----------------------------------------------------------------------------------------


def provide_settings(state: State) -> Settings:
    return state.settings


def provide_redis(state: State) -> ArqRedis:
    return state.redis


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    principal = principal_of(request)
    if principal is None:
        raise NotAuthorizedException("Войдите в систему")
    return principal


def route_handlers() -> list[Any]:
    from services.admin.routes import admin_router
    from services.matching import routes as matching
    from services.mentoring import routes as mentoring
    from services.monitoring import routes as monitoring
    from services.programmes import routes as programmes
    from services.registry import routes as registry
    from services.reports import routes as reports
    from services.workspace.routes import workspace_router
    from tenants.routes import api_router, page_router

    static = create_static_files_router(
        path="/static",
        directories=[ROOT / "shared" / "static"],
        guards=[public],
        opt={"tenant": False},
        include_in_schema=False,
    )
    return [
        healthz,
        readyz,
        static,
        page_router,
        api_router,
        workspace_router,
        admin_router,
        registry.page_router,
        registry.api_router,
        programmes.page_router,
        programmes.api_router,
        mentoring.page_router,
        mentoring.api_router,
        matching.page_router,
        matching.api_router,
        reports.page_router,
        reports.api_router,
        monitoring.page_router,
        monitoring.api_router,
    ]


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owns_pool = DB.pool is None  # a second app in one process (tests) shares the first one's pool
        if owns_pool:
            await DB.start_connection_pool(min_size=1, max_size=settings.db_pool_max)
        try:
            yield
        finally:
            if owns_pool:
                await DB.close_connection_pool()

    redis_settings = RedisSettings.from_dsn(settings.redis_url)
    redis_settings.conn_retries = 0
    redis_settings.conn_timeout = 2

    async def open_redis(app: Litestar) -> None:
        app.state.redis = await create_pool(redis_settings)
        app.stores.register("sessions", RedisStore(app.state.redis, namespace="session"), allow_override=True)

    async def close_redis(app: Litestar) -> None:
        await app.state.redis.aclose()

    session_config = SessionConfig(
        key="nastavnik_session",
        max_age=settings.session_max_age,
        renew_on_access=True,
        secure=settings.secure_cookies,
        samesite="lax",
        store="sessions",
        exclude=["^/static/", "^/healthz", "^/readyz"],
    )
    templates = template_config()
    app = Litestar(
        route_handlers=route_handlers(),
        plugins=[FlashPlugin(config=FlashConfig(template_config=templates))],
        lifespan=[lifespan],
        on_startup=[open_redis],
        on_shutdown=[close_redis],
        middleware=[session_config.middleware, tenant_middleware],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="nastavnik_csrf",
            cookie_secure=settings.secure_cookies,
            exclude=["^/api/", "^/static/", "^/healthz", "^/readyz", "^/schema"],
        ),
        template_config=templates,
        openapi_config=OpenAPIConfig(
            title="Наставник API",
            version="1.0.0",
            description="JSON API платформы «Наставник». Вход: POST /api/v1/auth/login.",
            openapi_router=Router(path="/schema", route_handlers=[], guards=[public], opt={"tenant": False}),
            render_plugins=[JsonRenderPlugin()],
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False),
            "redis": Provide(provide_redis, sync_to_thread=False),
            "principal": Provide(provide_principal, sync_to_thread=False),
        },
        state=State({"settings": settings}),
        debug=False,
        request_max_body_size=12 * 1024 * 1024,
    )
    missing = unguarded_routes(app)
    if missing:
        raise RuntimeError("Routes without a guard: " + ", ".join(missing))
    return app
