"""Session lifetimes and each user's active sessions.

A session records when it started and when it was last used. It ends after `session_idle_seconds` of idleness and
`session_absolute_seconds` after sign-in; anyone who holds a role that sees a whole municipality or region (or the
platform) gets the shorter `coordinator_session_*` limits, whatever role is active, since switching needs no new
sign-in. Each user's session ids are indexed in Redis next to the sessions themselves, so the profile lists them and
a user ends the others (or a changed password ends them all).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.plugins.flash import flash
from litestar.stores.redis import RedisStore
from litestar.types import Scope

from shared import clock
from shared.i18n import plural
from shared.proxies import client_address
from shared.settings import Settings

SESSION_COOKIE = "nastavnik_session"
STORE_NAME = "sessions"
ROTATE_SESSION = "nastavnik.rotate_session"  # scope key: store the session under a fresh id (sign-in, an ended one)
FRESH_SESSION_ID = "nastavnik.fresh_session_id"
LOADED_USER = "nastavnik.session_user"  # scope key: whose stored session the cookie named on the way in
ENDED = "nastavnik.session_ended"  # scope key: why this request's session has just ended
ENDED_NOTE_SECONDS = 24 * 3600  # how long a session ended from elsewhere can still say why
ENDED_ELSEWHERE = "его завершили на странице профиля. Войдите снова."
USER_AGENT_MAX = 300


@dataclass(frozen=True)
class Lifetimes:
    idle: int
    absolute: int


def lifetimes(settings: Settings, short: bool) -> Lifetimes:
    if short:
        return Lifetimes(settings.coordinator_session_idle_seconds, settings.coordinator_session_absolute_seconds)
    return Lifetimes(settings.session_idle_seconds, settings.session_absolute_seconds)


def store_seconds(settings: Settings) -> int:
    """How long Redis keeps a session after its last use: the longest lifetime, so that an expired session is still
    there to say why it ended (the lifetimes themselves are checked on every request)."""
    return max(settings.session_absolute_seconds, settings.coordinator_session_absolute_seconds)


def duration(seconds: int) -> str:
    """«30 минут», «8 часов»: a lifetime as the messages and the profile say it."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} {plural(hours, 'час', 'часа', 'часов')}"
    minutes = max(1, (seconds + 59) // 60)
    return f"{minutes} {plural(minutes, 'минуту', 'минуты', 'минут')}"


def expiry(session: dict[str, Any], limits: Lifetimes, now: float) -> str | None:
    """Why the session has ended by now, or None while it lives."""
    started, seen = session.get("started"), session.get("seen")
    if not isinstance(started, int | float) or not isinstance(seen, int | float):
        return None  # a session from before lifetimes were recorded: stamped by keep_alive
    if now - started >= limits.absolute:
        return f"с момента входа прошло {duration(limits.absolute)}. Войдите снова."
    if now - seen >= limits.idle:
        return f"вы не работали в системе {duration(limits.idle)}. Войдите снова."
    return None


def user_agent(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    return connection.headers.get("user-agent", "")[:USER_AGENT_MAX]


def new_session(connection: ASGIConnection[Any, Any, Any, Any], user_id: str) -> dict[str, Any]:
    """A signed-in session's data: who, since when, last seen when and where, from which browser."""
    now = clock.now().timestamp()
    return {
        "user_id": user_id,
        "role": None,
        "started": now,
        "seen": now,
        "ip": client_address(connection.scope),
        "ua": user_agent(connection),
    }


def keep_alive(scope: Scope, session: dict[str, Any], short: bool, settings: Settings) -> bool:
    """Marks the request as activity, or ends the session when it outlived a limit (then False)."""
    now = clock.now().timestamp()
    if not isinstance(session.get("started"), int | float):
        session["started"] = now
        session.setdefault("ua", user_agent(ASGIConnection(scope)))
    session.setdefault("seen", now)
    reason = expiry(session, lifetimes(settings, short), now)
    if reason:
        end_in_request(scope, reason)
        return False
    session["seen"] = now
    session["ip"] = client_address(scope)
    return True


def end_in_request(scope: Scope, reason: str) -> None:
    """Empties this request's session; the old id is deleted when the response goes out."""
    mutable = cast("dict[str, Any]", scope)
    mutable["session"] = {}
    mutable[ROTATE_SESSION] = True
    mutable[ENDED] = reason


def announce_end(scope: Scope) -> None:
    """«Сеанс завершён: …» on the next page the browser shows (the login form)."""
    if reason := scope.get(ENDED):
        flash(Request(scope), f"Сеанс завершён: {reason}", category="info")


def handle_of(session_id: str) -> str:
    """What a page may show of a session: never the id itself, which is as good as the password."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:24]


class SessionStore(RedisStore):
    """Sessions by id, each user's index of their session ids, and a note left by a session ended elsewhere."""

    def _index(self, user_id: str) -> str:
        return self._make_key(f"index:{user_id}")

    def _note(self, session_id: str) -> str:
        return self._make_key(f"ended:{session_id}")

    async def save(self, session_id: str, data: bytes, seconds: int, user_id: str, existing: bool) -> None:
        """`existing`: write only if the session is still there, so a request that was under way when the session
        was ended from elsewhere cannot bring it back."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._make_key(session_id), data, ex=seconds, xx=existing)
            if user_id:
                pipe.sadd(self._index(user_id), session_id)
                pipe.expire(self._index(user_id), seconds)
            await pipe.execute()

    async def forget(self, session_id: str, user_id: str | None) -> None:
        """Deletes a session (signed out, rotated at sign-in, expired) and its place in the index."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._make_key(session_id))
            if user_id:
                pipe.srem(self._index(user_id), session_id)
            await pipe.execute()

    async def end(self, session_id: str, user_id: str, note: str = ENDED_ELSEWHERE) -> None:
        """Ends a session from another one: its next request goes to the login form, which says why."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._make_key(session_id))
            pipe.srem(self._index(user_id), session_id)
            pipe.set(self._note(session_id), note.encode(), ex=ENDED_NOTE_SECONDS)
            await pipe.execute()

    async def ended_note(self, session_id: str) -> str | None:
        note = await self._redis.getdel(self._note(session_id))
        return note.decode() if note else None

    async def of_user(self, user_id: str) -> dict[str, dict[str, Any]]:
        """The user's live sessions by id; ids whose session is gone (expired in Redis) leave the index."""
        ids = sorted(i.decode() for i in await self._redis.smembers(self._index(user_id)))  # type: ignore[misc]
        if not ids:
            return {}
        found: dict[str, dict[str, Any]] = {}
        gone = []
        for session_id, data in zip(ids, await self._redis.mget([self._make_key(i) for i in ids]), strict=True):
            session = msgspec.json.decode(data) if data else None
            if isinstance(session, dict) and session.get("user_id") == user_id:
                found[session_id] = session
            else:
                gone.append(session_id)
        if gone:
            await self._redis.srem(self._index(user_id), *gone)  # type: ignore[misc]
        return found


def session_store(connection: ASGIConnection[Any, Any, Any, Any]) -> SessionStore:
    store = connection.app.stores.get(STORE_NAME)
    assert isinstance(store, SessionStore), "the app registers a SessionStore for sessions"
    return store


def current_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    if connection.scope.get(ROTATE_SESSION):
        fresh = connection.scope.get(FRESH_SESSION_ID)
        return str(fresh) if fresh else None
    return connection.cookies.get(SESSION_COOKIE)


class ActiveSession(msgspec.Struct, frozen=True, kw_only=True):
    handle: str
    started: datetime
    seen: datetime
    ip: str
    browser: str
    current: bool


BROWSERS = (
    ("YaBrowser/", "Яндекс Браузер"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_agent(agent: str) -> str:
    """«Firefox, Windows»: enough for a person to tell their devices apart, from the User-Agent alone."""
    browser = next((name for token, name in BROWSERS if token in agent), "")
    system = next((name for token, name in SYSTEMS if token in agent), "")
    if browser or system:
        return ", ".join(part for part in (browser, system) if part)
    product = agent.split("/", 1)[0].strip()[:40]
    return product or "Неизвестный браузер"


def _at(value: Any) -> datetime:
    return datetime.fromtimestamp(float(value) if isinstance(value, int | float) else 0, clock.ZONE)


async def active_sessions(
    connection: ASGIConnection[Any, Any, Any, Any], user_id: str, limits: Lifetimes
) -> list[ActiveSession]:
    """The user's sessions that still live, the most recently used first; the one of this request marked."""
    current = current_session_id(connection)
    now = clock.now().timestamp()
    sessions = await session_store(connection).of_user(user_id)
    listed = [
        ActiveSession(
            handle=handle_of(session_id),
            started=_at(session.get("started")),
            seen=_at(now if session_id == current else session.get("seen")),
            ip=str(session.get("ip", "")) if session_id != current else client_address(connection.scope),
            browser=describe_agent(str(session.get("ua", ""))),
            current=session_id == current,
        )
        for session_id, session in sessions.items()
        if session_id == current or expiry(session, limits, now) is None
    ]
    return sorted(listed, key=lambda s: (not s.current, -s.seen.timestamp()))


async def end_sessions(
    connection: ASGIConnection[Any, Any, Any, Any], user_id: str, handle: str | None = None, keep_current: bool = True
) -> int:
    """Ends the user's session with this handle, or every one of them (but this request's when `keep_current`)."""
    store = session_store(connection)
    current = current_session_id(connection)
    ended = 0
    for session_id in await store.of_user(user_id):
        if keep_current and session_id == current:
            continue
        if handle is None or handle_of(session_id) == handle:
            await store.end(session_id, user_id)
            ended += 1
    return ended


async def end_all_sessions(store: SessionStore, user_id: str, note: str) -> int:
    """Every session of the user, e.g. when the password changes: each says `note` on its next request."""
    sessions = await store.of_user(user_id)
    for session_id in sessions:
        await store.end(session_id, user_id, note)
    return len(sessions)
