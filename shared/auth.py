"""Sessions, the guard marker and the failed-login limit.

Every route handler must carry a marked guard (`public` here, or the principal's guards of tenants.guards): the
app refuses to start otherwise, so a forgotten guard cannot ship.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items
from redis.asyncio import Redis

from shared.sessions import ENDED, FRESH_SESSION_ID, LOADED_USER, ROTATE_SESSION, SessionStore, new_session

if TYPE_CHECKING:
    from litestar import Litestar

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a fresh session id when privileges change (login), so a planted session id is worthless; keeps each
    user's index of sessions (shared.sessions.SessionStore) as sessions are written and deleted."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        if connection.scope.get(ROTATE_SESSION):
            scope = cast("dict[str, Any]", connection.scope)
            fresh: str = scope.setdefault(FRESH_SESSION_ID, self.generate_session_id())
            return fresh
        return super().get_session_id(connection)

    async def load_from_connection(self, connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        if not session_id or session_id == "null":  # "null": the cookie a sign-out leaves
            return {}
        store = self.config.get_store_from_app(connection.scope["app"])
        data = await self.get(session_id, store=store)
        scope = cast("dict[str, Any]", connection.scope)
        if data is None:
            scope[ROTATE_SESSION] = True  # an id Redis does not know is never reused: anything new gets a fresh one
            if isinstance(store, SessionStore) and (note := await store.ended_note(session_id)):
                scope[ENDED] = note
            return {}
        session = self.deserialize_data(data)
        scope[LOADED_USER] = str(session.get("user_id") or "")
        return session

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        cookie_id = connection.cookies.get(self.config.key)
        cookie_id = None if cookie_id == "null" else cookie_id
        empty = scope_session is Empty or scope_session == {}
        if empty and not cookie_id:
            return  # no session before or after: nothing to keep in Redis (a public page opens while Redis is down)
        scope = connection.scope
        store = self.config.get_store_from_app(scope["app"])
        if not isinstance(store, SessionStore):
            await super().store_in_message(scope_session, message, connection)
            return
        rotating = bool(scope.get(ROTATE_SESSION))
        loaded_user: str | None = scope.get(LOADED_USER)  # type: ignore[assignment]
        headers = MutableScopeHeaders.from_message(message)
        cookie = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        if cookie_id and (rotating or empty):
            await store.forget(cookie_id, loaded_user)
        if empty:
            null = Cookie(value="null", key=self.config.key, expires=0, **cookie)
            headers.add("Set-Cookie", null.to_header(header=""))
            return
        assert isinstance(scope_session, dict)
        session_id = self.get_session_id(connection)
        data = self.serialize_data(scope_session, scope)
        user_id = str(scope_session.get("user_id") or "")
        existing = not rotating and loaded_user is not None
        await store.save(session_id, data, int(self.config.max_age), user_id, existing)
        headers.add("Set-Cookie", Cookie(value=session_id, key=self.config.key, **cookie).to_header(header=""))


class SessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def start_session(request: ASGIConnection[Any, Any, Any, Any], user_id: UUID) -> None:
    """Signs the user in under a fresh session id, recording when, from where and from which browser."""
    cast("dict[str, Any]", request.scope)[ROTATE_SESSION] = True
    request.set_session(new_session(request, str(user_id)))


def mark_guard(guard: Guard) -> Guard:
    """Says that a guard decides who may call a route; `unguarded_routes` looks for the mark."""
    setattr(guard, "nastavnik_guard", True)  # noqa: B010
    return guard


def scope_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Any:
    """Whoever the tenant middleware signed in, untyped here: the kernel knows no principal (tenants.guards does)."""
    return connection.scope.get("state", {}).get("principal")


@mark_guard
def public(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Open to anyone; stated explicitly so that every route says who may call it."""


def unguarded_routes(app: Litestar) -> list[str]:
    """Routes whose handlers carry none of our guards."""
    missing = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if _is_automatic_options(handler):
                continue
            guards: Iterable[Any] = handler.resolve_guards()
            if not any(getattr(getattr(g, "func", g), "nastavnik_guard", False) for g in guards):
                missing.append(f"{route.path} ({handler.handler_name})")
    return sorted(missing)


def _is_automatic_options(handler: Any) -> bool:
    """Litestar answers OPTIONS by itself with the allowed methods; that handler runs no code of ours."""
    return set(getattr(handler, "http_methods", ())) == {"OPTIONS"} and handler.fn.__module__ == "litestar.routes.http"


class LoginLimiter:
    """Counts failed logins per account and per IP in Redis; a locked key refuses even a correct password.
    Another `prefix` counts other attempts the same way (password reset requests)."""

    def __init__(
        self, redis: Redis, per_account: int, per_ip: int, window_seconds: int, prefix: str = "login-fail"
    ) -> None:
        self.redis = redis
        self.per_account = per_account
        self.per_ip = per_ip
        self.window = window_seconds
        self.prefix = prefix

    def _keys(self, email: str, ip: str) -> tuple[str, str]:
        return f"{self.prefix}:account:{email.strip().lower()}", f"{self.prefix}:ip:{ip}"

    async def retry_after(self, email: str, ip: str) -> int:
        """Seconds until another attempt is allowed, or 0."""
        account_key, ip_key = self._keys(email, ip)
        account, by_ip = await self.redis.mget(account_key, ip_key)
        waits = []
        if account and int(account) >= self.per_account:
            waits.append(await self.redis.ttl(account_key))
        if by_ip and int(by_ip) >= self.per_ip:
            waits.append(await self.redis.ttl(ip_key))
        return max([w for w in waits if w > 0], default=0)

    async def failed(self, email: str, ip: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in self._keys(email, ip):
                pipe.incr(key)
                pipe.expire(key, self.window, nx=True)
            await pipe.execute()

    async def succeeded(self, email: str, ip: str) -> None:
        await self.redis.delete(self._keys(email, ip)[0])
