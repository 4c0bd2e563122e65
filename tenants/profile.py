"""The user's own profile: who they are (name, e-mail, password, changed here), their roles, and their active
sessions, which they can end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from shared.db import Scope, current_connection, widened
from shared.errors import Errors, ValidationFailed
from shared.i18n import plural, sort_key
from shared.pages import form_into, page, see_other
from shared.passwords import hash_password, password_problem, verify_password
from shared.sessions import active_sessions, duration, end_sessions, lifetimes
from shared.settings import Settings
from tenants.access import Principal, full_name
from tenants.guards import signed_in
from tenants.logic import EMAIL_RE, normalise_email
from tenants.second_factor import ELIGIBLE as SECOND_FACTOR_ROLES

WRONG_PASSWORD = "Неверный текущий пароль"  # noqa: S105 - a message, not a password


class AccountNames(msgspec.Struct, frozen=True, kw_only=True):
    surname: str
    name: str
    patronymic: str
    email: str


@dataclass
class NameForm:
    surname: str = ""
    name: str = ""
    patronymic: str = ""


@dataclass
class EmailForm:
    email: str = ""
    email_password: str = ""


@dataclass
class PasswordForm:
    current: str = ""
    password: str = ""
    password_again: str = ""


async def account(user_id: UUID) -> AccountNames:
    async with widened(Scope(user_id=user_id)):
        row = await current_connection().fetchrow(
            "SELECT surname, name, patronymic, email FROM app_user WHERE id = $1", user_id
        )
    assert row is not None, "a signed-in account exists"
    return msgspec.convert(dict(row), AccountNames)


async def _check_password(user_id: UUID, password: str) -> bool:
    stored = await current_connection().fetchval("SELECT password_hash FROM app_user WHERE id = $1", user_id)
    return verify_password(stored, password)


async def change_name(user_id: UUID, form: NameForm) -> None:
    surname, name, patronymic = (" ".join(v.split()) for v in (form.surname, form.name, form.patronymic))
    errors = Errors()
    if not surname:
        errors.add("surname", "Укажите фамилию")
    if not name:
        errors.add("name", "Укажите имя")
    for field, value in (("surname", surname), ("name", name), ("patronymic", patronymic)):
        if len(value) > 100:
            errors.add(field, "Не длиннее 100 символов")
    errors.raise_if_any()
    async with widened(Scope(user_id=user_id)):
        await current_connection().execute(
            "UPDATE app_user SET surname = $2, name = $3, patronymic = $4, sort_key = $5 WHERE id = $1",
            user_id,
            surname,
            name,
            patronymic,
            sort_key(full_name(surname, name, patronymic)),
        )


async def change_email(user_id: UUID, form: EmailForm) -> str:
    """The new sign-in address, once the current password confirms it is the owner asking; one account per address."""
    email = normalise_email(form.email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise ValidationFailed({"email": "Проверьте адрес электронной почты"})
    async with widened(Scope(user_id=user_id).with_lookup(login_email=email)):
        if not await _check_password(user_id, form.email_password):
            raise ValidationFailed({"email_password": WRONG_PASSWORD})
        taken = await current_connection().fetchval(
            "SELECT id FROM app_user WHERE email = $1 AND id <> $2", email, user_id
        )
        if taken:
            raise ValidationFailed({"email": "Этот адрес уже занят другой учётной записью"})
        try:
            await current_connection().execute("UPDATE app_user SET email = $2 WHERE id = $1", user_id, email)
        except asyncpg.UniqueViolationError:  # taken at the same moment by another request
            raise ValidationFailed({"email": "Этот адрес уже занят другой учётной записью"}) from None
    return email


async def change_password(user_id: UUID, form: PasswordForm) -> None:
    async with widened(Scope(user_id=user_id)):
        if not await _check_password(user_id, form.current):
            raise ValidationFailed({"current": WRONG_PASSWORD})
        if problem := password_problem(form.password):
            raise ValidationFailed({"password": problem})
        if form.password != form.password_again:
            raise ValidationFailed({"password_again": "Пароли не совпадают"})
        if form.password == form.current:
            raise ValidationFailed({"password": "Новый пароль совпадает с текущим"})
        await current_connection().execute(
            "UPDATE app_user SET password_hash = $2 WHERE id = $1", user_id, hash_password(form.password)
        )


class ProfilePages(Controller):
    path = "/profile"
    guards = [signed_in]

    async def _page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        settings: Settings,
        status: int = 200,
        errors: dict[str, str] | None = None,
        **forms: Any,
    ) -> Template:
        limits = lifetimes(settings, principal.short_sessions)
        sessions = await active_sessions(request, str(principal.user_id), limits)
        names = await account(principal.user_id)
        return page(
            "tenants/profile.html",
            status,
            sessions=sessions,
            idle=duration(limits.idle),
            absolute=duration(limits.absolute),
            second_factor=any(r.role in SECOND_FACTOR_ROLES for r in principal.roles),
            account=names,
            name_form=forms.get("name_form") or NameForm(names.surname, names.name, names.patronymic),
            email_form=forms.get("email_form") or EmailForm(names.email),
            errors=errors or {},
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        settings: NamedDependency[Settings],
    ) -> Template:
        return await self._page(request, principal, settings)

    @post("/name")
    async def save_name(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        form = await form_into(request, NameForm)
        try:
            await change_name(principal.user_id, form)
        except ValidationFailed as exc:
            return await self._page(request, principal, settings, 422, exc.errors, name_form=form)
        flash(request, "Имя сохранено", category="success")
        return see_other("/profile")

    @post("/email")
    async def save_email(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        form = await form_into(request, EmailForm)
        try:
            email = await change_email(principal.user_id, form)
        except ValidationFailed as exc:
            return await self._page(request, principal, settings, 422, exc.errors, email_form=EmailForm(form.email))
        flash(request, f"Адрес для входа изменён: {email}", category="success")
        return see_other("/profile")

    @post("/password")
    async def save_password(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """A new password ends every other session: whoever knew the old one is signed out everywhere else."""
        form = await form_into(request, PasswordForm)
        try:
            await change_password(principal.user_id, form)
        except ValidationFailed as exc:
            return await self._page(request, principal, settings, 422, exc.errors)
        ended = await end_sessions(request, str(principal.user_id))
        message = "Пароль изменён"
        if ended:
            message += f", завершено других сеансов: {ended}"
        flash(request, message, category="success")
        return see_other("/profile")

    @post("/sessions/end")
    async def end_one(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> Redirect:
        """Another session of the user's, named by its handle; this request's own session ends by «Выйти»."""
        handle = str((await request.form()).get("session", ""))
        ended = await end_sessions(request, str(principal.user_id), handle=handle) if handle else 0
        if ended:
            flash(request, "Сеанс завершён", category="success")
        else:
            flash(request, "Этот сеанс уже завершён", category="info")
        return see_other("/profile")

    @post("/sessions/end-others")
    async def end_others(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> Redirect:
        ended = await end_sessions(request, str(principal.user_id))
        word = plural(ended, "сеанс", "сеанса", "сеансов")
        flash(request, f"Завершено {ended} {word}" if ended else "Других сеансов нет", category="success")
        return see_other("/profile")
