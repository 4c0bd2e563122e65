from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar, get

from shared.auth import public, unguarded_routes


def test_every_route_of_the_app_has_a_guard(app: Any) -> None:
    assert unguarded_routes(app) == []


def test_a_route_without_a_guard_is_found() -> None:
    @get("/forgotten")
    async def forgotten() -> str:
        return "oops"

    @get("/open", guards=[public])
    async def open_route() -> str:
        return "fine"

    demo = Litestar(route_handlers=[forgotten, open_route], openapi_config=None)
    assert unguarded_routes(demo) == ["/forgotten (forgotten)"]


def test_the_app_refuses_to_start_with_an_unguarded_route(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.web

    @get("/forgotten")
    async def forgotten() -> str:
        return "oops"

    original = app.web.route_handlers
    monkeypatch.setattr(app.web, "route_handlers", lambda: [*original(), forgotten])
    with pytest.raises(RuntimeError, match="/forgotten"):
        app.web.create_app()
