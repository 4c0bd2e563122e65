"""The one place that decides a request's client address and scheme.

Forwarded headers are believed only from the proxies the operator names (`TRUSTED_PROXIES`): otherwise anyone could
send a fresh `X-Forwarded-For` with each guess and slip past the per-address login limit, or write any address into
the audit log. Everything downstream (login limits, the actor's address, logs) reads `scope["client"]`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import cast

from litestar.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = {"http": "http", "https": "https"}
WEBSOCKET_SCHEMES = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}


def parse_networks(items: Iterable[str]) -> tuple[Network, ...]:
    """`10.0.0.5`, `172.30.0.0/24` or `::1`; a typo stops the app at start rather than trusting nobody silently."""
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"TRUSTED_PROXIES: not an address or network: {item!r}") from exc
    return tuple(networks)


def parse_address(value: str) -> Address | None:
    """An address as proxies write it: bare, with a port, or IPv6 in brackets; None for anything else."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]  # IPv4 with a port
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


class ForwardedHeaders:
    """ASGI middleware: from a trusted peer, the right-most untrusted address of `X-Forwarded-For` is the client
    and `X-Forwarded-Proto` the scheme; from any other peer both headers are ignored."""

    def __init__(self, app: ASGIApp, trusted: Iterable[str]) -> None:
        self.app = app
        self.trusted = parse_networks(trusted)

    def is_trusted(self, address: Address | None) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted:
            self.rewrite(scope)
        await self.app(scope, receive, send)

    def rewrite(self, scope: Scope) -> None:
        client = scope.get("client")
        if not client or not self.is_trusted(parse_address(client[0])):
            return
        forwarded_for: list[str] = []
        proto = ""
        for name, value in scope["headers"]:
            if name == b"x-forwarded-for":
                forwarded_for += value.decode("latin-1").split(",")
            elif name == b"x-forwarded-proto":
                proto = value.decode("latin-1").split(",")[-1].strip().lower()  # the nearest proxy's word
        host = client[0]
        for item in reversed(forwarded_for):
            address = parse_address(item)
            if address is None:
                break  # garbage in the chain: keep the last hop a trusted proxy vouched for
            host = str(address)
            if not self.is_trusted(address):
                break
        mutable = cast("dict[str, object]", scope)
        mutable["client"] = (host, 0 if host != client[0] else client[1])
        schemes = WEBSOCKET_SCHEMES if scope["type"] == "websocket" else SCHEMES
        if proto in schemes:
            mutable["scheme"] = schemes[proto]


def client_address(scope: Scope, default: str = "") -> str:
    """The client's address as ForwardedHeaders decided it: what login limits count and the audit log records."""
    client = scope.get("client")
    return client[0] if client else default
