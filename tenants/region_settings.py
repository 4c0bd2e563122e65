"""A region's own rules, set by its regional coordinator: a second factor for coordinators, how long the data
of archived participants is kept, and how long a curator's certificate is valid.
Page at /region/settings, API at /api/v1/region/settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from shared.actor import Actor
from shared.audit import audit
from shared.db import Scope, rescope
from shared.errors import Errors, NotFound, ValidationFailed
from shared.pages import form_into, page, see_other
from tenants import totp
from tenants.access import Principal
from tenants.guards import allow
from tenants.roles import Role
from tenants.tables import Region

MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 30, 3650  # the table's CHECK says the same
MIN_CERTIFICATE_YEARS, MAX_CERTIFICATE_YEARS = 1, 10


class RegionSettings(msgspec.Struct, kw_only=True):
    region_id: UUID
    name: str
    require_second_factor: bool
    archive_retention_days: int
    curator_certificate_years: int


@dataclass
class RegionSettingsForm:
    """As posted: a checkbox sends "on" or nothing; the days come as typed."""

    require_second_factor: str = ""
    archive_retention_days: str = ""
    curator_certificate_years: str = ""  # left empty: the current term stays

    @classmethod
    def from_settings(cls, settings: RegionSettings) -> RegionSettingsForm:
        return cls(
            "on" if settings.require_second_factor else "",
            str(settings.archive_retention_days),
            str(settings.curator_certificate_years),
        )


class RegionSettingsIn(msgspec.Struct, kw_only=True):
    require_second_factor: bool
    archive_retention_days: int
    curator_certificate_years: int | None = None  # omitted: the current term stays


async def get_region_settings(region_id: UUID) -> RegionSettings:
    row = (
        await Region.select(
            Region.id,
            Region.name,
            Region.require_second_factor,
            Region.archive_retention_days,
            Region.curator_certificate_years,
        )
        .where(Region.id == region_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return RegionSettings(
        region_id=row["id"],
        name=row["name"],
        require_second_factor=row["require_second_factor"],
        archive_retention_days=row["archive_retention_days"],
        curator_certificate_years=row["curator_certificate_years"],
    )


def _retention_days(errors: Errors, value: str) -> int:
    text = value.strip()
    if not text:
        errors.add("archive_retention_days", "Укажите срок хранения в днях")
        return 0
    try:
        days = int(text)
    except ValueError:
        errors.add("archive_retention_days", "Укажите целое число дней, например 1095")
        return 0
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        errors.add("archive_retention_days", f"Срок хранения — от {MIN_RETENTION_DAYS} до {MAX_RETENTION_DAYS} дней")
    return days


def _certificate_years(errors: Errors, value: str, current: int) -> int:
    text = value.strip()
    if not text:
        return current
    try:
        years = int(text)
    except ValueError:
        errors.add("curator_certificate_years", "Укажите целое число лет, например 3")
        return current
    if not MIN_CERTIFICATE_YEARS <= years <= MAX_CERTIFICATE_YEARS:
        errors.add(
            "curator_certificate_years",
            f"Срок действия сертификата — от {MIN_CERTIFICATE_YEARS} до {MAX_CERTIFICATE_YEARS} лет",
        )
    return years


async def save_region_settings(actor: Actor, principal: Principal, form: RegionSettingsForm) -> RegionSettings:
    """Writes what changed and logs it; requiring the factor needs it on for the coordinator who requires it, so
    nobody locks the region's coordinators out with a rule they have not tried themselves."""
    current = await get_region_settings(actor.region_id)
    errors = Errors()
    require = form.require_second_factor.strip().lower() in {"on", "true", "1", "yes"}
    days = _retention_days(errors, form.archive_retention_days)
    years = _certificate_years(errors, form.curator_certificate_years, current.curator_certificate_years)
    if require and not current.require_second_factor:
        await rescope(Scope(user_id=principal.user_id))
        own = await totp.is_enabled(principal.user_id)
        await rescope(principal.scope)
        if not own:
            errors.add("require_second_factor", "Сначала включите второй фактор для своей учётной записи")
    errors.raise_if_any()
    changes = []
    if require != current.require_second_factor:
        changes.append(f"второй фактор для координаторов: {'требуется' if require else 'не требуется'}")
    if days != current.archive_retention_days:
        changes.append(f"срок хранения данных архивных участников: {current.archive_retention_days} → {days} дн.")
    if years != current.curator_certificate_years:
        changes.append(f"срок действия сертификата куратора: {current.curator_certificate_years} → {years} лет")
    if changes:
        await (
            Region.update(
                {
                    Region.require_second_factor: require,
                    Region.archive_retention_days: days,
                    Region.curator_certificate_years: years,
                }
            )
            .where(Region.id == actor.region_id)
            .run()
        )
        await audit(actor, "settings", None, "; ".join(changes))
    return await get_region_settings(actor.region_id)


# Pages and API ----------------------------------------------------------------------------------------------------


def _form_page(region: RegionSettings, form: RegionSettingsForm, errors: dict[str, str] | None = None) -> Template:
    return page(
        "tenants/region_settings.html",
        422 if errors else 200,
        region=region,
        form=form,
        errors=errors or {},
        min_days=MIN_RETENTION_DAYS,
        max_days=MAX_RETENTION_DAYS,
        min_years=MIN_CERTIFICATE_YEARS,
        max_years=MAX_CERTIFICATE_YEARS,
    )


class RegionSettingsPages(Controller):
    path = "/region/settings"
    guards = [allow(Role.regional_coordinator)]

    @get("/")
    async def show(self, actor: NamedDependency[Actor]) -> Template:
        region = await get_region_settings(actor.region_id)
        return _form_page(region, RegionSettingsForm.from_settings(region))

    @post("/")
    async def save(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor], principal: NamedDependency[Principal]
    ) -> Template | Redirect:
        form = await form_into(request, RegionSettingsForm)
        try:
            await save_region_settings(actor, principal, form)
        except ValidationFailed as exc:
            return _form_page(await get_region_settings(actor.region_id), form, exc.errors)
        flash(request, "Настройки региона сохранены", category="success")
        return see_other("/region/settings")


class RegionSettingsApi(Controller):
    path = "/region/settings"
    tags = ["Регион"]
    guards = [allow(Role.regional_coordinator)]

    @get("/")
    async def show(self, actor: NamedDependency[Actor]) -> RegionSettings:
        return await get_region_settings(actor.region_id)

    @put("/")
    async def save(
        self, actor: NamedDependency[Actor], principal: NamedDependency[Principal], data: JSONBody[RegionSettingsIn]
    ) -> RegionSettings:
        years = "" if data.curator_certificate_years is None else str(data.curator_certificate_years)
        form = RegionSettingsForm("on" if data.require_second_factor else "", str(data.archive_retention_days), years)
        return await save_region_settings(actor, principal, form)


page_router = Router(path="/", route_handlers=[RegionSettingsPages], include_in_schema=False)
api_router = Router(path="/api/v1", route_handlers=[RegionSettingsApi])
