"""Real PostgreSQL and Redis for the whole run: embedded servers under .data/, unless DATABASE_URL and
REDIS_URL point at servers already set up (then MIGRATION_DATABASE_URL is the owner role)."""

from __future__ import annotations

import email
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from infra.embedded import free_port
from tests.helpers import Tenant, make_client, make_tenant, running_app

ROOT = Path(__file__).resolve().parent.parent
_servers: Any = None


def pytest_configure(config: pytest.Config) -> None:
    """Servers start before any test module imports the app: settings and the engine read the environment."""
    global _servers
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("BASE_URL", "http://testserver.local")
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        from infra.bootstrap import throwaway

        _servers = throwaway(ROOT / ".data" / f"test-{uuid.uuid4().hex[:8]}", "nastavnik_test")
    subprocess.run([sys.executable, "-m", "app.cli", "migrate"], check=True, cwd=ROOT, capture_output=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _servers is not None:
        _servers.destroy()


@pytest.fixture(scope="session")
async def app() -> AsyncIterator[Any]:
    async with running_app() as application:
        yield application


@pytest.fixture(autouse=True)
async def _clear_login_limits(app: Any) -> None:
    keys = [key async for key in app.state.redis.scan_iter("login-fail:*")]
    keys += [key async for key in app.state.redis.scan_iter("certificate-check:*")]  # public verification's limit
    if keys:
        await app.state.redis.delete(*keys)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app) as c:
        yield c


@pytest.fixture(scope="session")
async def tenant_a(app: Any) -> Tenant:
    return await make_tenant("А")


@pytest.fixture(scope="session")
async def tenant_b(app: Any) -> Tenant:
    return await make_tenant("Б")


@pytest.fixture
async def fresh(app: Any) -> Tenant:
    """Tests that look at a whole organization's bases (matching, counts) get an organization of their own."""
    return await make_tenant("Своя")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp() -> Any:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()
