"""Sign-in, role switching, municipalities, organizations and invitations: pages and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from arq import ArqRedis
from litestar import Controller, Request, Router, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from shared import csrf
from shared.auth import LoginLimiter, public, start_session
from shared.clock import now
from shared.errors import NotFound, ValidationFailed
from shared.i18n import plural
from shared.links import LinkUnusable
from shared.pages import form_into, page, safe_next, see_other
from shared.proxies import client_address
from shared.settings import Settings
from tenants import logic, second_factor
from tenants.access import Principal, home_for, load_principal
from tenants.contingent import contingents, school_year_choices, school_year_label
from tenants.guards import BEFORE_SECOND_FACTOR, allow, principal_of, signed_in
from tenants.jobs import enqueue_invitation
from tenants.logic import INVITABLE, KIND_LABELS, InvitationForm, OrganizationForm
from tenants.password_reset import PasswordResetPages
from tenants.profile import ProfilePages
from tenants.roles import ROLE_LABELS, OrganizationKind, Role

COORDINATORS = (Role.regional_coordinator, Role.municipal_coordinator)
INVITERS = tuple(INVITABLE)


def limiter(redis: NamedDependency[ArqRedis], settings: NamedDependency[Settings]) -> LoginLimiter:
    return LoginLimiter(
        redis,
        settings.login_fail_limit_account,
        settings.login_fail_limit_ip,
        settings.login_fail_window_seconds,
    )


def client_ip(request: Request[Any, Any, Any]) -> str:
    """Decided once for the whole app by shared.proxies (forwarded headers only from trusted proxies)."""
    return client_address(request.scope, "unknown")


def wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return (
        f"Слишком много неудачных попыток. Попробуйте через {minutes} {plural(minutes, 'минуту', 'минуты', 'минут')}."
    )


async def sign_in(
    request: Request[Any, Any, Any],
    redis: ArqRedis,
    settings: Settings,
    email: str,
    password: str,
    code: str | None = None,
) -> str | None:
    """Returns an error message, or None when the session now belongs to the user; raises SecondFactorNeeded when
    the account's second factor is on and `code` is missing or wrong."""
    ip = client_ip(request)
    guard = limiter(redis, settings)
    if wait := await guard.retry_after(email, ip):
        return wait_message(wait)
    user_id = await logic.authenticate(email, password)
    if user_id is None:
        await guard.failed(email, ip)
        return "Неверный адрес электронной почты или пароль"
    await second_factor.complete_sign_in(request, guard, settings, email, ip, user_id, code)
    return None


# Pages ----------------------------------------------------------------------------------------------


class AuthPages(Controller):
    @get("/login", guards=[public])
    async def login_form(self, request: Request[Any, Any, Any], next: FromQuery[str] = "") -> Template | Redirect:
        if principal_of(request):
            return see_other(safe_next(next))
        return page("tenants/login.html", next=next, email="", errors={})

    @post("/login", guards=[public])
    async def login(
        self, request: Request[Any, Any, Any], redis: NamedDependency[ArqRedis], settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        form = await request.form()
        email, password, target = (
            str(form.get("email", "")),
            str(form.get("password", "")),
            str(form.get("next", "")),
        )
        try:
            error = await sign_in(request, redis, settings, email, password)
        except second_factor.SecondFactorNeeded as needed:
            return second_factor.ask_for_code(request, needed, email, target)
        if error:
            status = 429 if error.startswith("Слишком") else 400
            return page("tenants/login.html", status, next=target, email=email, errors={"password": error})
        return see_other(safe_next(target))

    @post("/logout", guards=[signed_in], opt={BEFORE_SECOND_FACTOR: True})
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return see_other("/login")

    @get("/no-role", guards=[signed_in])
    async def no_role(self) -> Template:
        return page("tenants/no_role.html")

    @post("/role", guards=[signed_in], opt={BEFORE_SECOND_FACTOR: True})
    async def switch_role(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> Redirect:
        key = str((await request.form()).get("role", ""))
        chosen = next((r for r in principal.roles if r.key == key), None)
        if chosen is None:
            raise NotFound()
        request.session["role"] = chosen.key
        switched = await load_principal(principal.user_id, chosen.key)
        assert switched is not None
        return see_other(home_for(switched))


class RegionPages(Controller):
    path = "/region"
    guards = [allow(Role.regional_coordinator)]

    @get("/")
    async def overview(self, principal: NamedDependency[Principal]) -> Template:
        municipalities = await logic.list_municipalities()
        organizations = await logic.list_organizations()
        by_kind: dict[str, int] = {}
        for org in organizations:
            by_kind[org.kind] = by_kind.get(org.kind, 0) + 1
        return page(
            "tenants/region.html",
            municipalities=municipalities,
            organizations_total=len(organizations),
            by_kind=[(KIND_LABELS[k], by_kind.get(k, 0)) for k in OrganizationKind],
            region_name=principal.active.place if principal.active else "",
        )


class MunicipalityPages(Controller):
    path = "/municipalities"

    @get("/", guards=[allow(*COORDINATORS)])
    async def index(self) -> Template:
        return page("tenants/municipalities.html", municipalities=await logic.list_municipalities())

    @get("/new", guards=[allow(Role.regional_coordinator)])
    async def new(self) -> Template:
        return page("tenants/municipality_form.html", name="", errors={}, municipality=None)

    @post("/new", guards=[allow(Role.regional_coordinator)])
    async def create(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template | Redirect:
        name = str((await request.form()).get("name", ""))
        try:
            await logic.save_municipality(principal, name)
        except ValidationFailed as exc:
            return page("tenants/municipality_form.html", 422, name=name, errors=exc.errors, municipality=None)
        flash(request, f"Муниципалитет «{name.strip()}» добавлен", category="success")
        return see_other("/municipalities")

    @get("/{municipality_id:uuid}/edit", guards=[allow(Role.regional_coordinator)])
    async def edit(self, municipality_id: FromPath[UUID]) -> Template:
        municipality = await logic.get_municipality(municipality_id)
        return page("tenants/municipality_form.html", name=municipality.name, errors={}, municipality=municipality)

    @post("/{municipality_id:uuid}/edit", guards=[allow(Role.regional_coordinator)])
    async def update(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], municipality_id: FromPath[UUID]
    ) -> Template | Redirect:
        municipality = await logic.get_municipality(municipality_id)
        name = str((await request.form()).get("name", ""))
        try:
            await logic.save_municipality(principal, name, municipality_id)
        except ValidationFailed as exc:
            return page("tenants/municipality_form.html", 422, name=name, errors=exc.errors, municipality=municipality)
        flash(request, "Изменения сохранены", category="success")
        return see_other("/municipalities")


async def _organization_form(
    principal: Principal,
    form: OrganizationForm,
    organization: logic.OrganizationRecord | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    municipalities = await logic.list_municipalities()
    if principal.role == Role.municipal_coordinator:
        municipalities = [m for m in municipalities if m.id == principal.scope.municipality_id]
    return page(
        "tenants/organization_form.html",
        422 if errors else 200,
        form=form,
        errors=errors or {},
        organization=organization,
        municipalities=municipalities,
        kinds=KIND_LABELS,
    )


class OrganizationPages(Controller):
    path = "/organizations"
    guards = [allow(*COORDINATORS)]

    @get("/")
    async def index(self, municipality: FromQuery[UUID | None] = None, q: FromQuery[str] = "") -> Template:
        organizations = await logic.list_organizations(municipality, q)
        municipalities = await logic.list_municipalities()
        names = {m.id: m.name for m in municipalities}
        return page(
            "tenants/organizations.html",
            organizations=organizations,
            municipalities=municipalities,
            municipality_names=names,
            selected=municipality,
            q=q,
            kinds=KIND_LABELS,
        )

    @get("/new")
    async def new(self, principal: NamedDependency[Principal], municipality: FromQuery[UUID | None] = None) -> Template:
        form = OrganizationForm(municipality_id=str(municipality or principal.scope.municipality_id or ""))
        return await _organization_form(principal, form)

    @post("/new")
    async def create(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template | Redirect:
        form = await form_into(request, OrganizationForm)
        try:
            organization_id = await logic.save_organization(principal, form)
        except ValidationFailed as exc:
            return await _organization_form(principal, form, errors=exc.errors)
        flash(request, "Организация добавлена", category="success")
        return see_other(f"/organizations/{organization_id}")

    @get("/{organization_id:uuid}")
    async def card(self, organization_id: FromPath[UUID]) -> Template:
        organization = await logic.get_organization(organization_id)
        municipality = await logic.get_municipality(organization.municipality_id)
        people = await logic.list_people(organization_id)
        year = school_year_choices()[0]
        return page(
            "tenants/organization.html",
            organization=organization,
            municipality=municipality,
            kinds=KIND_LABELS,
            people=people,
            contingent=(await contingents(year, [organization_id])).get(organization_id),
            contingent_year=school_year_label(year),
        )

    @get("/{organization_id:uuid}/edit")
    async def edit(self, principal: NamedDependency[Principal], organization_id: FromPath[UUID]) -> Template:
        organization = await logic.get_organization(organization_id)
        return await _organization_form(principal, OrganizationForm.from_record(organization), organization)

    @post("/{organization_id:uuid}/edit")
    async def update(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], organization_id: FromPath[UUID]
    ) -> Template | Redirect:
        organization = await logic.get_organization(organization_id)
        form = await form_into(request, OrganizationForm)
        try:
            await logic.save_organization(principal, form, organization_id)
        except ValidationFailed as exc:
            return await _organization_form(principal, form, organization, exc.errors)
        flash(request, "Изменения сохранены", category="success")
        return see_other(f"/organizations/{organization_id}")


async def _invitation_context(principal: NamedDependency[Principal]) -> dict[str, Any]:
    assert principal.role is not None
    invitable = INVITABLE.get(principal.role, ())
    context: dict[str, Any] = {"roles": [(r.value, ROLE_LABELS[r]) for r in invitable]}
    if principal.role in COORDINATORS:
        context["organizations"] = await logic.list_organizations()
        context["municipalities"] = await logic.list_municipalities()
    return context


class InvitationPages(Controller):
    path = "/invitations"
    guards = [allow(*INVITERS)]

    @get("/")
    async def index(self, settings: NamedDependency[Settings]) -> Template:
        invitations = await logic.list_invitations()
        return page("tenants/invitations.html", invitations=invitations, now=now())

    @get("/new")
    async def new(
        self,
        principal: NamedDependency[Principal],
        organization: FromQuery[UUID | None] = None,
        role: FromQuery[str] = "",
    ) -> Template:
        form = InvitationForm(organization_id=str(organization or ""), role=role)
        return page("tenants/invitation_form.html", form=form, errors={}, **await _invitation_context(principal))

    @post("/new")
    async def create(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        settings: NamedDependency[Settings],
    ) -> Template:
        form = await form_into(request, InvitationForm)
        try:
            invitation_id, token = await logic.create_invitation(
                principal, form, settings.secret_key, settings.invitation_ttl_hours
            )
        except ValidationFailed as exc:
            return page(
                "tenants/invitation_form.html",
                422,
                form=form,
                errors=exc.errors,
                **await _invitation_context(principal),
            )
        invitation = await logic.get_invitation(invitation_id)
        await enqueue_invitation(invitation.region_id, invitation_id)
        return page(
            "tenants/invitation_created.html",
            invitation=invitation,
            link=f"{settings.base_url}/invite/{token}",
        )


class InvitationAcceptPages(Controller):
    path = "/invite"

    @get("/{token:str}", guards=[public])
    async def show(self, token: FromPath[str]) -> Template:
        try:
            _, pending = await logic.open_invitation(token)
        except LinkUnusable as exc:
            return page("tenants/invitation_accept.html", 410, problem=exc.message, pending=None, errors={})
        return page("tenants/invitation_accept.html", pending=pending, errors={}, problem="")

    @post("/{token:str}", guards=[public])
    async def accept(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        try:
            user_id = await logic.accept_invitation(
                token,
                str(form.get("password", "")),
                form.get("password_again") and str(form["password_again"]),
            )
        except LinkUnusable as exc:
            return page("tenants/invitation_accept.html", 410, problem=exc.message, pending=None, errors={})
        except ValidationFailed as exc:
            _, pending = await logic.open_invitation(token)
            return page("tenants/invitation_accept.html", 422, pending=pending, errors=exc.errors, problem="")
        start_session(request, user_id)
        flash(request, "Добро пожаловать! Учётная запись готова.", category="success")
        return see_other("/")


page_router = Router(
    path="/",
    route_handlers=[
        AuthPages,
        RegionPages,
        MunicipalityPages,
        OrganizationPages,
        InvitationPages,
        InvitationAcceptPages,
        ProfilePages,
        PasswordResetPages,
    ],
    include_in_schema=False,
)


# API ------------------------------------------------------------------------------------------------


@dataclass
class LoginIn:
    email: str
    password: str
    code: str = ""  # the second factor's code (or a recovery code), when the account has it on


@dataclass
class RoleOut:
    key: str
    role: str
    label: str
    region_id: str | None
    municipality_id: str | None
    organization_id: str | None


@dataclass
class MeOut:
    user_id: str
    email: str
    full_name: str
    active_role: RoleOut | None
    roles: list[RoleOut]
    csrf_token: str = ""  # the X-CSRFToken header of multipart uploads (POST /api/v1/imports)


@dataclass
class ActiveRoleIn:
    role: str


@dataclass
class MunicipalityIn:
    name: str


@dataclass
class AcceptIn:
    token: str
    password: str


def _me(principal: NamedDependency[Principal], request: Request[Any, Any, Any]) -> MeOut:
    def out(r: Any) -> RoleOut:
        return RoleOut(
            r.key,
            r.role.value,
            r.label,
            *(str(v) if v else None for v in (r.region_id, r.municipality_id, r.organization_id)),
        )

    return MeOut(
        str(principal.user_id),
        principal.email,
        principal.full_name,
        out(principal.active) if principal.active else None,
        [out(r) for r in principal.roles],
        csrf.session_token(request),
    )


def _jsonable(record: msgspec.Struct) -> dict[str, Any]:
    return {
        k: (str(v) if isinstance(v, UUID) else v)
        for k, v in msgspec.structs.asdict(record).items()
        if k not in ("sort_key", "token_hash")
    }


class AuthApi(Controller):
    path = "/auth"
    tags = ["Вход"]

    @post("/login", guards=[public], status_code=200)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginIn],
        redis: NamedDependency[ArqRedis],
        settings: NamedDependency[Settings],
    ) -> MeOut:
        """Sets the same session cookie the pages use; `csrf_token` goes in the X-CSRFToken header of uploads."""
        try:
            error = await sign_in(request, redis, settings, data.email, data.password, data.code)
        except second_factor.SecondFactorNeeded as needed:
            raise needed.api_error() from None
        if error:
            status = 429 if error.startswith("Слишком") else 401
            raise HTTPException(status_code=status, detail=error, extra={"errors": {"password": error}})
        principal = await load_principal(UUID(request.session["user_id"]), None)
        assert principal is not None
        return _me(principal, request)

    @post("/logout", guards=[signed_in], status_code=204, opt={BEFORE_SECOND_FACTOR: True})
    async def logout(self, request: Request[Any, Any, Any]) -> None:
        request.clear_session()


class MeApi(Controller):
    path = "/me"
    tags = ["Вход"]

    @get("/", guards=[signed_in])
    async def me(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> MeOut:
        """Also the session's `csrf_token`, for the `X-CSRFToken` header of uploads."""
        return _me(principal, request)

    @put("/active-role", guards=[signed_in], opt={BEFORE_SECOND_FACTOR: True})
    async def switch(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], data: JSONBody[ActiveRoleIn]
    ) -> MeOut:
        if not any(r.key == data.role for r in principal.roles):
            raise ValidationFailed({"role": "Нет такой роли у пользователя"})
        request.session["role"] = data.role
        switched = await load_principal(principal.user_id, data.role)
        assert switched is not None
        return _me(switched, request)


class MunicipalityApi(Controller):
    path = "/municipalities"
    tags = ["Муниципалитеты"]

    @get("/", guards=[allow(*COORDINATORS)])
    async def index(self) -> list[dict[str, Any]]:
        return [_jsonable(m) for m in await logic.list_municipalities()]

    @post("/", guards=[allow(Role.regional_coordinator)])
    async def create(self, principal: NamedDependency[Principal], data: JSONBody[MunicipalityIn]) -> dict[str, Any]:
        municipality_id = await logic.save_municipality(principal, data.name)
        return _jsonable(await logic.get_municipality(municipality_id))

    @get("/{municipality_id:uuid}", guards=[allow(*COORDINATORS)])
    async def show(self, municipality_id: FromPath[UUID]) -> dict[str, Any]:
        return _jsonable(await logic.get_municipality(municipality_id))

    @put("/{municipality_id:uuid}", guards=[allow(Role.regional_coordinator)])
    async def update(
        self, principal: NamedDependency[Principal], municipality_id: FromPath[UUID], data: JSONBody[MunicipalityIn]
    ) -> dict[str, Any]:
        await logic.save_municipality(principal, data.name, municipality_id)
        return _jsonable(await logic.get_municipality(municipality_id))


class OrganizationApi(Controller):
    path = "/organizations"
    tags = ["Организации"]

    @get("/", guards=[allow(*COORDINATORS)])
    async def index(self, municipality: FromQuery[UUID | None] = None, q: FromQuery[str] = "") -> list[dict[str, Any]]:
        return [_jsonable(o) for o in await logic.list_organizations(municipality, q)]

    @post("/", guards=[allow(*COORDINATORS)])
    async def create(self, principal: NamedDependency[Principal], data: JSONBody[OrganizationForm]) -> dict[str, Any]:
        organization_id = await logic.save_organization(principal, data)
        return _jsonable(await logic.get_organization(organization_id))

    @get("/{organization_id:uuid}", guards=[signed_in])
    async def show(self, organization_id: FromPath[UUID]) -> dict[str, Any]:
        """Any role sees the organizations its scope holds; others answer 404."""
        return _jsonable(await logic.get_organization(organization_id))

    @put("/{organization_id:uuid}", guards=[allow(*COORDINATORS)])
    async def update(
        self, principal: NamedDependency[Principal], organization_id: FromPath[UUID], data: JSONBody[OrganizationForm]
    ) -> dict[str, Any]:
        await logic.save_organization(principal, data, organization_id)
        return _jsonable(await logic.get_organization(organization_id))


class InvitationApi(Controller):
    path = "/invitations"
    tags = ["Приглашения"]

    @get("/", guards=[allow(*INVITERS)])
    async def index(self) -> list[dict[str, Any]]:
        return [_jsonable(i) for i in await logic.list_invitations()]

    @post("/", guards=[allow(*INVITERS)])
    async def create(
        self,
        principal: NamedDependency[Principal],
        data: JSONBody[InvitationForm],
        settings: NamedDependency[Settings],
    ) -> dict[str, Any]:
        invitation_id, token = await logic.create_invitation(
            principal, data, settings.secret_key, settings.invitation_ttl_hours
        )
        invitation = await logic.get_invitation(invitation_id)
        await enqueue_invitation(invitation.region_id, invitation_id)
        return {**_jsonable(invitation), "link": f"{settings.base_url}/invite/{token}"}

    @post("/accept", guards=[public], status_code=200)
    async def accept(self, request: Request[Any, Any, Any], data: JSONBody[AcceptIn]) -> MeOut:
        try:
            user_id = await logic.accept_invitation(data.token, data.password)
        except LinkUnusable as exc:
            raise HTTPException(status_code=410, detail=exc.message, extra={"errors": {"token": exc.message}}) from exc
        start_session(request, user_id)
        principal = await load_principal(user_id, None)
        assert principal is not None
        return _me(principal, request)


api_router = Router(
    path="/api/v1",
    route_handlers=[AuthApi, MeApi, MunicipalityApi, OrganizationApi, InvitationApi],
)
