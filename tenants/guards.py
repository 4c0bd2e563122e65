"""Who may call a route, and the principal and actor every handler gets by dependency injection."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

from shared.actor import Actor
from shared.auth import Guard, mark_guard, scope_principal
from shared.errors import Forbidden
from tenants.access import Principal
from tenants.roles import Role

# A handler with this opt stays open to an account whose region requires a second factor it has not turned on yet:
# the factor's set-up, signing out, switching to another role.
BEFORE_SECOND_FACTOR = "before_second_factor"


class SecondFactorSetupRequired(Exception):
    """The active role's region requires a second factor: pages send the user to set it up, the API answers 403."""


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    principal = scope_principal(connection)
    return principal if isinstance(principal, Principal) else None


@mark_guard
def signed_in(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    principal = principal_of(connection)
    if principal is None:
        raise NotAuthorizedException("Войдите в систему")
    if principal.second_factor_missing and not handler.opt.get(BEFORE_SECOND_FACTOR, False):
        raise SecondFactorSetupRequired()


def allow(*allowed: Role) -> Guard:
    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        signed_in(connection, handler)
        principal = principal_of(connection)
        if principal is None or principal.role not in allowed:
            raise Forbidden()

    guard.__name__ = "allow_" + "_".join(allowed)
    guard.__qualname__ = guard.__name__
    return mark_guard(guard)


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    principal = principal_of(request)
    if principal is None:
        raise NotAuthorizedException("Войдите в систему")
    return principal


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """The acting user in their active role's region and workspace; routes outside a region have no actor."""
    principal = provide_principal(request)
    if principal.scope.region_id is None:
        raise Forbidden()
    return Actor(
        principal.user_id,
        principal.scope.region_id,
        principal.scope.organization_id,
        request.client.host if request.client else "",
    )
