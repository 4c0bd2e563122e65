"""Security headers on every response: pages, API, static files, errors and redirects alike.

The policy allows scripts and styles from our own origin only (no inline code, so an injected `<script>` or
`onclick=` does nothing) and no framing. A route that must differ says so in its handler's opt, e.g.
`opt={"csp": {"frame-ancestors": "https://region.example"}}` for a public page that partners embed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

CSP: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HSTS = "max-age=31536000"


def content_security_policy(overrides: Mapping[str, str | None] | None = None) -> str:
    """The default policy with a route's own directives in place of ours (None drops a directive)."""
    directives: dict[str, str | None] = {**CSP, **(overrides or {})}
    return "; ".join(f"{name} {value}" for name, value in directives.items() if value)


class SecurityHeaders:
    """ASGI middleware wrapped around the whole app, so even a 404 of no route or a 500 carries the headers."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts
        self.default = content_security_policy()
        self.by_route: dict[int, str] = {}

    def policy(self, scope: Scope) -> str:
        handler: Any = scope.get("route_handler")
        overrides = getattr(handler, "opt", {}).get("csp") if handler is not None else None
        if not overrides:
            return self.default
        key = id(handler)
        if key not in self.by_route:
            self.by_route[key] = content_security_policy(overrides)
        return self.by_route[key]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                wanted = {
                    "Content-Security-Policy": self.policy(scope),
                    "Referrer-Policy": "strict-origin-when-cross-origin",
                    "X-Content-Type-Options": "nosniff",
                }
                if self.hsts:
                    wanted["Strict-Transport-Security"] = HSTS
                for name, value in wanted.items():
                    if name not in headers:  # a handler that set its own keeps it
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
