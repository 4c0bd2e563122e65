"""CSRF for the API's non-JSON writes (multipart uploads): a token kept in the session, sent back in a header.

A cross-site page can post a multipart form with the session cookie but cannot read the token nor set a header,
so an upload without `X-CSRFToken` equal to the session's token is refused. JSON needs none: a cross-site form
cannot send it, and a cross-site script cannot without CORS. Pages keep Litestar's own CSRF (the form field).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from litestar.connection import ASGIConnection
from litestar.types import Scope

HEADER = "X-CSRFToken"
SESSION_KEY = "api_csrf"


def _session(scope: Scope) -> dict[str, Any]:
    session = scope.get("session")
    return session if isinstance(session, dict) else {}


def session_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The signed-in session's token, made on first ask (the login answer and GET /api/v1/me give it)."""
    session = _session(connection.scope)
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        connection.set_session({**session, SESSION_KEY: token})
    return token


def header_matches(scope: Scope) -> bool:
    """The request's header against its session's token; no session, no token: no match."""
    expected = _session(scope).get(SESSION_KEY)
    sent = dict(scope["headers"]).get(HEADER.lower().encode(), b"").decode("latin-1")
    return isinstance(expected, str) and bool(expected) and hmac.compare_digest(sent, expected)
