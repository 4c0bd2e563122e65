"""«Забыли пароль?»: a single-use link by e-mail that expires within the hour and sets a new password.

The answer to a request is the same whether or not the address has an account (nobody learns who is registered),
requests are counted like failed logins, and a new password ends every session of the account.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import msgspec
from arq import ArqRedis, Retry
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from shared.auth import LoginLimiter, public
from shared.clock import now
from shared.db import Scope, current_connection, rescope, tenant_transaction
from shared.errors import Errors, NotFound, ValidationFailed
from shared.i18n import format_datetime, plural
from shared.jobs import JOB_MAX_TRIES, enqueue_after_commit
from shared.links import LinkUnusable, link_token, token_hash
from shared.mail import send_mail
from shared.pages import page, see_other
from shared.passwords import hash_password, password_problem
from shared.proxies import client_address
from shared.sessions import end_all_sessions, session_store
from shared.settings import Settings
from tenants.access import full_name
from tenants.logic import EMAIL_RE, normalise_email

PURPOSE = "password-reset"
SPENT = "Эта ссылка уже использована. Если нужно, запросите новую."
EXPIRED = "Срок действия ссылки истёк. Запросите новую."
AFTER_RESET = "пароль учётной записи изменён. Войдите с новым паролем."


class ResetLink(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    user_id: UUID
    expires_at: datetime
    used_at: datetime | None


def reset_token(secret_key: str, reset_id: UUID) -> str:
    return link_token(secret_key, PURPOSE, reset_id)


def reset_limiter(redis: ArqRedis, settings: Settings) -> LoginLimiter:
    """Every request counts, found account or not, so the limit itself says nothing about who is registered."""
    return LoginLimiter(
        redis,
        settings.password_reset_limit_account,
        settings.password_reset_limit_ip,
        settings.login_fail_window_seconds,
        prefix="password-reset",
    )


async def request_reset(email: str, secret_key: str, ttl_minutes: int) -> UUID | None:
    """A fresh link for the account with this address (earlier unused links stop working), or None when there is
    no active account; the caller answers the same either way."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise ValidationFailed({"email": "Проверьте адрес электронной почты"})
    await rescope(Scope().with_lookup(login_email=email))
    user = await current_connection().fetchrow("SELECT id, is_active FROM app_user WHERE email = $1", email)
    if user is None or not user["is_active"]:
        return None
    user_id: UUID = user["id"]
    await rescope(Scope(user_id=user_id))
    connection = current_connection()
    await connection.execute(
        "UPDATE password_reset SET used_at = now() WHERE user_id = $1 AND used_at IS NULL", user_id
    )
    reset_id = uuid4()
    await connection.execute(
        "INSERT INTO password_reset (user_id, id, token_hash, expires_at) VALUES ($1, $2, $3, $4)",
        user_id,
        reset_id,
        token_hash(reset_token(secret_key, reset_id)),
        now() + timedelta(minutes=ttl_minutes),
    )
    await enqueue_after_commit(send_password_reset, str(user_id), str(reset_id), _job_id=f"password-reset:{reset_id}")
    return reset_id


async def open_reset(token: str) -> ResetLink:
    """The link behind a token; spent, superseded or expired ones say so plainly."""
    hashed = token_hash(token)
    await rescope(Scope().with_lookup(link_token_hash=hashed))
    row = await current_connection().fetchrow(
        "SELECT id, user_id, expires_at, used_at FROM password_reset WHERE token_hash = $1", hashed
    )
    if row is None:
        raise NotFound()  # like an unknown invitation: a guessed token learns nothing more
    link = msgspec.convert(dict(row), ResetLink)
    if link.used_at is not None:
        raise LinkUnusable(SPENT)
    if link.expires_at <= now():
        raise LinkUnusable(EXPIRED)
    return link


async def reset_password(token: str, password: str, password_again: str) -> UUID:
    """Sets the new password and spends the link; two submissions of one link: the second waits and is refused."""
    link = await open_reset(token)
    errors = Errors()
    if problem := password_problem(password):
        errors.add("password", problem)
    elif password != password_again:
        errors.add("password_again", "Пароли не совпадают")
    errors.raise_if_any()
    await rescope(Scope(user_id=link.user_id))
    connection = current_connection()
    locked = await connection.fetchrow(
        "SELECT used_at, expires_at FROM password_reset WHERE user_id = $1 AND id = $2 FOR UPDATE",
        link.user_id,
        link.id,
    )
    if locked is None or locked["used_at"] is not None:
        raise LinkUnusable(SPENT)
    if locked["expires_at"] <= now():
        raise LinkUnusable(EXPIRED)
    await connection.execute(
        "UPDATE app_user SET password_hash = $2 WHERE id = $1", link.user_id, hash_password(password)
    )
    await connection.execute(
        "UPDATE password_reset SET used_at = now() WHERE user_id = $1 AND used_at IS NULL", link.user_id
    )
    return link.user_id


async def send_password_reset(ctx: dict[str, Any], user_id: str, reset_id: str) -> str:
    """The letter with the link, rebuilt from the id (the database keeps only the token's hash)."""
    settings: Settings = ctx["settings"]
    scope = Scope(user_id=UUID(user_id))
    async with tenant_transaction(scope):
        row = await current_connection().fetchrow(
            "SELECT r.expires_at, r.used_at, r.sent_at, u.email, u.name, u.patronymic, u.surname"
            " FROM password_reset r JOIN app_user u ON u.id = r.user_id WHERE r.user_id = $1 AND r.id = $2",
            UUID(user_id),
            UUID(reset_id),
        )
    if row is None:
        return "not found"
    if row["sent_at"] is not None:
        return "already sent"
    if row["used_at"] is not None or row["expires_at"] <= now():
        return "no longer valid"
    link = f"{settings.base_url}/password/reset/{reset_token(settings.secret_key, UUID(reset_id))}"
    minutes = settings.password_reset_ttl_minutes
    name = full_name(row["name"], row["patronymic"]) or row["surname"]
    text = (
        f"Здравствуйте{', ' + name if name else ''}!\n\n"
        "Для вашей учётной записи в платформе «Наставник» запрошена смена пароля.\n"
        f"Чтобы задать новый пароль, откройте ссылку:\n{link}\n\n"
        f"Ссылка действует {minutes} {plural(minutes, 'минуту', 'минуты', 'минут')}, до "
        f"{format_datetime(row['expires_at'])} (мск), и работает один раз.\n"
        "Если вы не запрашивали смену пароля, просто удалите это письмо: пароль останется прежним.\n"
    )
    try:
        await send_mail(settings, row["email"], "Смена пароля в платформе «Наставник»", text)
    except Exception as exc:
        if ctx["job_try"] >= JOB_MAX_TRIES:
            raise
        raise Retry(defer=min(300, ctx.get("retry_delay", 10) * ctx["job_try"] ** 2)) from exc
    async with tenant_transaction(scope):
        await current_connection().execute(
            "UPDATE password_reset SET sent_at = now() WHERE user_id = $1 AND id = $2", UUID(user_id), UUID(reset_id)
        )
    return "sent"


class PasswordResetPages(Controller):
    path = "/password"
    guards = [public]

    @get("/forgot")
    async def forgot_form(self) -> Template:
        return page("tenants/password_forgot.html", email="", errors={}, sent=False)

    @post("/forgot")
    async def forgot(
        self, request: Request[Any, Any, Any], redis: NamedDependency[ArqRedis], settings: NamedDependency[Settings]
    ) -> Template:
        email = str((await request.form()).get("email", ""))
        limiter = reset_limiter(redis, settings)
        ip = client_address(request.scope, "unknown")
        if wait := await limiter.retry_after(email, ip):
            minutes = max(1, (wait + 59) // 60)
            message = (
                f"Слишком много запросов. Попробуйте через {minutes} {plural(minutes, 'минуту', 'минуты', 'минут')}."
            )
            return page("tenants/password_forgot.html", 429, email=email, errors={"email": message}, sent=False)
        try:
            await request_reset(email, settings.secret_key, settings.password_reset_ttl_minutes)
        except ValidationFailed as exc:
            return page("tenants/password_forgot.html", 422, email=email, errors=exc.errors, sent=False)
        await limiter.failed(email, ip)
        minutes = settings.password_reset_ttl_minutes
        return page(
            "tenants/password_forgot.html",
            email=normalise_email(email),
            errors={},
            sent=True,
            lifetime=f"{minutes} {plural(minutes, 'минуту', 'минуты', 'минут')}",
        )

    @get("/reset/{token:str}")
    async def reset_form(self, token: FromPath[str]) -> Template:
        try:
            await open_reset(token)
        except LinkUnusable as exc:
            return page("tenants/password_reset.html", 410, problem=exc.message, errors={})
        return page("tenants/password_reset.html", problem="", errors={})

    @post("/reset/{token:str}")
    async def reset(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        try:
            user_id = await reset_password(token, str(form.get("password", "")), str(form.get("password_again", "")))
        except LinkUnusable as exc:
            return page("tenants/password_reset.html", 410, problem=exc.message, errors={})
        except ValidationFailed as exc:
            return page("tenants/password_reset.html", 422, problem="", errors=exc.errors)
        await end_all_sessions(session_store(request), str(user_id), AFTER_RESET)
        flash(request, "Пароль изменён. Войдите с новым паролем.", category="success")
        return see_other("/login")
