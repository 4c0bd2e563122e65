"""The web kernel: middleware that opens the tenant transaction, error pages and health checks.

The application itself is composed in app/web.py, which knows every domain; this module knows none.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import urlsplit
from uuid import UUID

from arq.connections import ArqRedis
from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    SerializationException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Send
from litestar.types import Scope as ASGIScope
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shared import csrf
from shared.api_errors import field_errors
from shared.auth import public, scope_principal
from shared.db import Scope, rescope, tenant_transaction
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.jobs import using_queue
from shared.sessions import ENDED, announce_end, keep_alive
from shared.settings import Settings
from shared.uploads import UploadTooLarge, route_upload, upload_limit

PrincipalLoader = Callable[[UUID, str | None], Awaitable[Any]]

log = logging.getLogger("nastavnik.web")

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_MISSING = f"Нет CSRF-токена: передайте заголовок {csrf.HEADER} из ответа на вход или GET /api/v1/me"
CSRF_ERRORS = {csrf.HEADER: "Заголовок отсутствует или не совпадает с токеном сессии"}


def tenant_middleware(load_principal: PrincipalLoader) -> Callable[[ASGIApp], ASGIApp]:
    """Opens the request's tenant transaction and sets its scope from the session (see tenancy notes).

    The transaction commits just before the response starts when the status is below 400 and rolls back
    otherwise, so a failed request leaves nothing half-written and a redirect never outruns its commit.
    `load_principal` (tenants') turns the session's user and role into the principal and narrows the scope.
    """

    def wrap(app: ASGIApp) -> ASGIApp:
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
                uploads = bool(handler.opt.get("upload"))
                if scope["path"].startswith("/api/") and method in UNSAFE:
                    if not _is_json(scope, uploads):
                        raise HTTPException(
                            status_code=415,
                            detail="Ожидается JSON",
                            extra={"errors": {"body": "Укажите Content-Type: application/json"}},
                        )
                    if _content_type(scope) not in (b"", b"application/json") and not csrf.header_matches(scope):
                        raise HTTPException(status_code=403, detail=CSRF_MISSING, extra={"errors": CSRF_ERRORS})
                await _in_transaction(app, load_principal, scope, receive, send_logged)
            except HTTPException as exc:  # answered by the exception handlers outside: log what the user gets
                status = exc.status_code
                raise
            finally:
                path = getattr(scope.get("route_handler"), "paths", {scope["path"]})
                log.info("%s %s %s %.0fms", method, min(path), status, (time.perf_counter() - started) * 1000)

        return middleware

    return wrap


async def _in_transaction(
    app: ASGIApp, load_principal: PrincipalLoader, scope: ASGIScope, receive: Receive, send: Send
) -> None:
    session: dict[str, Any] = scope.get("session") or {}  # type: ignore[assignment]
    state = scope.setdefault("state", {})
    # Jobs the request queues go, once it commits, through this app's own Redis.
    with using_queue(scope["litestar_app"].state.redis):
        async with tenant_transaction(Scope()) as txn:
            principal = None
            if user_id := session.get("user_id"):
                principal = await load_principal(UUID(user_id), session.get("role"))
                # Lifetimes are the coordinators' shorter ones for whoever holds such a role (unknown: shorter too).
                short = bool(getattr(principal, "short_sessions", True))
                settings = scope["litestar_app"].state.settings
                if principal is not None and not keep_alive(scope, session, short, settings):
                    principal = None
                    await rescope(Scope())
            announce_end(scope)
            state["principal"] = principal

            async def send_after_commit(message: Message) -> None:
                if message["type"] == "http.response.start":
                    if message["status"] < 400:
                        await txn.commit()
                    else:
                        await txn.rollback()
                await send(message)

            await app(scope, receive, send_after_commit)


def _content_type(scope: ASGIScope) -> bytes:
    return dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()


def _is_json(scope: ASGIScope, uploads: bool = False) -> bool:
    """API writes are JSON (a cross-site form cannot send it); routes marked `upload` also take files."""
    allowed = {b"application/json", b"multipart/form-data"} if uploads else {b"application/json"}
    headers = dict(scope["headers"])
    if b"content-type" not in headers:
        return headers.get(b"content-length", b"0") == b"0"  # a bodiless action, such as a commit
    return _content_type(scope) in allowed


# Errors ---------------------------------------------------------------------------------------------


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/schema")


def _error(
    request: Request[Any, Any, Any],
    status: int,
    title: str,
    body: dict[str, Any] | None = None,
    *,
    explanation: str = "",
) -> Response[Any]:
    if _wants_json(request):
        return Response({"detail": title, **(body or {})}, status_code=status)
    return Template(
        "error.html",
        context={
            "status": status,
            "title": title,
            "explanation": explanation,
            "back": _same_site_referer(request),
            "principal": scope_principal(request),
        },
        status_code=status,
    )


def _same_site_referer(request: Request[Any, Any, Any]) -> str:
    """The page the refused form was on, to go back to; only a path of this site."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/") or referer.path.startswith("//"):
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


def _not_authorized(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if _wants_json(request):
        ended = request.scope.get(ENDED)
        return _error(request, 401, f"Сеанс завершён: {ended}" if ended else "Требуется вход в систему")
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return Redirect(f"/login?next={target}" if target not in ("/", "/logout") else "/login")


def _too_large(request: Request[Any, Any, Any]) -> Response[Any]:
    """Refused by its size before the body was read: the route's file field and its limit, or the app's limit."""
    if (spec := route_upload(request)) is not None:
        message = upload_limit(request.app.state.settings, spec.kind).message
        explanation = f"«{spec.label}»: выберите файл поменьше и отправьте форму ещё раз."
        return _error(request, 413, message, {"errors": {spec.field: message}}, explanation=explanation)
    limit = request.route_handler.resolve_request_max_body_size() or 0
    message = f"Запрос больше {limit // (1024 * 1024)} МБ"
    return _error(request, 413, message, {"errors": {"body": message}})


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
    if exc.status_code == 413 and not exc.extra:
        return _too_large(request)
    if isinstance(exc, ValidationException):
        errors = field_errors(request, exc.extra if isinstance(exc.extra, list) else [], str(exc.detail))
        return _error(request, 400, "Проверьте данные", {"errors": errors})
    if isinstance(exc.__cause__, SerializationException):  # the body is not JSON at all
        return _error(request, 400, "Тело запроса — не JSON", {"errors": {"body": _malformed(exc.__cause__)}})
    extra = exc.extra if isinstance(exc.extra, dict) else {}
    return _error(request, exc.status_code, str(exc.detail) if extra else title, extra)


def _malformed(exc: Exception) -> str:
    if "truncated" in str(exc):
        return "Некорректный JSON: данные обрываются"
    found = re.search(r"\(byte (\d+)\)", str(exc))
    return f"Некорректный JSON (байт {found.group(1)})" if found else "Некорректный JSON"


def _not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A path whose id is not a UUID matches no route; the API says which part of the address is wrong."""
    if _wants_json(request) and isinstance(exc.__cause__, ValueError):
        name = _malformed_path_parameter(request)
        if name:
            message = "Ожидается идентификатор (UUID)"
            return _error(request, 404, "Неверный идентификатор в адресе", {"errors": {name: message}})
    return _error(request, 404, "Страница не найдена")


def _malformed_path_parameter(request: Request[Any, Any, Any]) -> str | None:
    segments = request.url.path.strip("/").split("/")
    for route in request.app.routes:
        parts = route.path.strip("/").split("/")
        if len(parts) != len(segments):
            continue
        wrong = None
        for part, segment in zip(parts, segments, strict=True):
            if part.startswith("{") and part.endswith("}"):
                name, _, kind = part[1:-1].partition(":")
                if kind == "uuid" and wrong is None and not _is_uuid(segment):
                    wrong = name
            elif part != segment:
                break
        else:
            if wrong:
                return wrong
    return None


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def _validation_failed(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, ValidationFailed)
    if isinstance(exc, UploadTooLarge):
        return _error(request, 413, exc.limit.message, {"errors": exc.errors})
    return _error(request, 400, "Проверьте данные", {"errors": exc.errors})


def _unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Redis (sessions, the queue) is away: a page that says so, not a 500; it works again once Redis is back."""
    log.warning("Redis unavailable (%s) on %s %s", type(exc).__name__, request.method, request.url.path)
    title = "Сервис временно недоступен. Попробуйте через минуту."
    if _wants_json(request):
        return Response({"detail": title}, status_code=503, headers={"Retry-After": "30"})
    # The error page itself must not need the session: no principal, no flash messages.
    request.scope.pop("session", None)  # type: ignore[misc]
    return Template(
        "error.html",
        context={"status": 503, "title": title, "principal": None},
        status_code=503,
        headers={"Retry-After": "30"},
    )


def _server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # The exception type and route only: messages can carry personal data.
    log.error("Unhandled %s on %s %s", type(exc).__name__, request.method, request.scope.get("path_template", ""))
    return _error(request, 500, "Что-то пошло не так. Мы уже разбираемся.")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    NotAuthorizedException: _not_authorized,
    NotFound: lambda r, e: _error(r, 404, "Страница не найдена"),
    NotFoundException: _not_found,
    Forbidden: lambda r, e: _error(r, 403, "Недостаточно прав"),
    PermissionDeniedException: _http_error,
    ValidationFailed: _validation_failed,
    HTTPException: _http_error,
    RedisConnectionError: _unavailable,
    RedisTimeoutError: _unavailable,
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


# Dependencies ---------------------------------------------------------------------------------------


def provide_settings(state: State) -> Settings:
    return state.settings


def provide_redis(state: State) -> ArqRedis:
    return state.redis
