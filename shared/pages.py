"""Small helpers for server-rendered forms."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from litestar import MediaType, Request, Response
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from shared.errors import ValidationFailed

T = TypeVar("T")


async def form_into(request: Request[Any, Any, Any], cls: type[T]) -> T:
    """Fill a dataclass of string fields from the posted form; unknown fields are ignored."""
    form = await request.form()
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{name: str(form.get(name, "")) for name in names})


def page(template: str, status_code: int = 200, **context: Any) -> Template:
    return Template(template, context=context, status_code=status_code)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths, so the login form cannot be used as an open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def flash_problem(request: Request[Any, Any, Any], exc: ValidationFailed) -> None:
    """For actions that redirect back: the first problem becomes an error message on the next page."""
    flash(request, next(iter(exc.errors.values())), category="error")


@contextmanager
def flashed(request: Request[Any, Any, Any], success: str) -> Iterator[None]:
    """An action that redirects back: its first problem, or else `success`, is the message on the next page.
    A `return` inside would still flash `success`: an action that may leave early keeps its own try."""
    try:
        yield
    except ValidationFailed as exc:
        flash_problem(request, exc)
    else:
        flash(request, success, category="success")


def see_other(path: str) -> Redirect:
    """303: after a POST the browser follows with a GET."""
    return Redirect(path, status_code=303)


def fragment(request: Request[Any, Any, Any], template: str, block: str, **context: Any) -> Response[str]:
    """One block of a page template, for htmx: the page and its fragment cannot drift apart."""
    from litestar.utils.scope.state import ScopeState

    token = ScopeState.from_scope(request.scope).csrf_token
    csrf_input = f'<input type="hidden" name="_csrf_token" value="{token}" />' if isinstance(token, str) else ""
    jinja = request.app.template_engine.engine  # type: ignore[union-attr]
    compiled = jinja.get_template(template)
    html = "".join(
        compiled.blocks[block](compiled.new_context({**context, "request": request, "csrf_input": csrf_input}))
    )
    return Response(html, media_type=MediaType.HTML, headers={"Vary": "HX-Request"})
