"""A second factor: TOTP keys (RFC 6238) kept encrypted, codes that work once, and single-use recovery codes.

The key is sealed with AES-GCM under a key derived from SECRET_KEY, bound to the account's id: a copy of the
database alone (a backup, a replica) yields no usable key. Whoever also holds SECRET_KEY can read the keys, just as
they can forge CSRF tokens and invitation links: it stays the one secret of the deployment. Changing SECRET_KEY
makes every stored key unreadable; those users sign in with a recovery code and set the factor up again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode
from datetime import datetime
from functools import lru_cache
from typing import Literal
from uuid import UUID

import msgspec
import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.clock import now
from shared.db import current_connection
from shared.errors import ValidationFailed

ISSUER = "Наставник"
STEP_SECONDS = 30  # what every authenticator app uses
WINDOW = 1  # steps either side of now: a phone's clock may be half a minute off
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: they are read off paper
RECOVERY_LENGTH = 16  # about 79 bits: a salted SHA-256 of it cannot be reversed by trying

WRONG_CODE = "Код не подошёл. Проверьте время на телефоне и введите новый код."
REUSED_CODE = "Этот код уже использован: дождитесь следующего кода в приложении"
NO_CODE = "Введите код из приложения"

Used = Literal["totp", "recovery"]


class SecondFactorState(msgspec.Struct, kw_only=True):
    """What the account's owner sees of their factor; never the key."""

    enabled: bool
    enabled_at: datetime | None
    setting_up: bool  # a key was issued and waits for its first code
    recovery_left: int


# Sealing the key --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _cipher(secret_key: str) -> AESGCM:
    """A key of its own for this purpose, so SECRET_KEY itself never encrypts anything."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"nastavnik second factor v1").derive(
        secret_key.encode()
    )
    return AESGCM(key)


def seal(secret_key: str, user_id: UUID, secret: str) -> str:
    """The account id is the associated data: a sealed key copied to another account does not open."""
    nonce = os.urandom(12)
    sealed = _cipher(secret_key).encrypt(nonce, secret.encode(), user_id.bytes)
    return "v1:" + urlsafe_b64encode(nonce + sealed).decode()


def unseal(secret_key: str, user_id: UUID, sealed: str) -> str | None:
    """None when the key cannot be opened (SECRET_KEY changed, or the row was tampered with)."""
    version, _, payload = sealed.partition(":")
    if version != "v1":
        return None
    try:
        raw = urlsafe_b64decode(payload)
        return _cipher(secret_key).decrypt(raw[:12], raw[12:], user_id.bytes).decode()
    except (InvalidTag, ValueError):
        return None


# Codes ------------------------------------------------------------------------------------------------------------


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """Inline SVG markup (no image request, no inline style): the page works under a strict CSP."""
    svg: str = segno.make(uri, error="m").svg_inline(
        scale=4, light="#fff", title="QR-код для приложения-аутентификатора"
    )
    return svg


def grouped(secret: str) -> str:
    """The key as it is typed by hand: in groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_step() -> int:
    return int(now().timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, step: int | None = None) -> int | None:
    """The step within the window whose code this is, or None."""
    step = current_step() if step is None else step
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    for candidate in range(step - WINDOW, step + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def new_recovery_codes() -> list[str]:
    codes = ("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH)) for _ in range(RECOVERY_CODES))
    return ["-".join(code[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)) for code in codes]


def _recovery_hash(code: str, salt: bytes) -> str:
    return salt.hex() + ":" + hashlib.sha256(salt + normalise(code).encode()).hexdigest()


def _matches(entry: str, code: str) -> bool:
    salt, _, _ = entry.partition(":")
    try:
        return hmac.compare_digest(_recovery_hash(code, bytes.fromhex(salt)), entry)
    except ValueError:
        return False


# The account's factor (runs in a transaction scoped to the account's user) ----------------------------------------


async def state(user_id: UUID) -> SecondFactorState:
    row = await current_connection().fetchrow(
        "SELECT enabled_at, cardinality(recovery_codes) AS remaining FROM second_factor WHERE user_id = $1", user_id
    )
    if row is None:
        return SecondFactorState(enabled=False, enabled_at=None, setting_up=False, recovery_left=0)
    enabled = row["enabled_at"] is not None
    return SecondFactorState(
        enabled=enabled,
        enabled_at=row["enabled_at"],
        setting_up=not enabled,
        recovery_left=row["remaining"] if enabled else 0,
    )


async def is_enabled(user_id: UUID) -> bool:
    return bool(
        await current_connection().fetchval(
            "SELECT EXISTS (SELECT 1 FROM second_factor WHERE user_id = $1 AND enabled_at IS NOT NULL)", user_id
        )
    )


async def begin_setup(user_id: UUID, secret_key: str) -> None:
    """A fresh key waiting for its first code; replaces an unconfirmed one, never a factor that is on."""
    secret = pyotp.random_base32()
    await current_connection().execute(
        """INSERT INTO second_factor (user_id, secret) VALUES ($1, $2)
           ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = now()
           WHERE second_factor.enabled_at IS NULL""",
        user_id,
        seal(secret_key, user_id, secret),
    )


async def pending_secret(user_id: UUID, secret_key: str) -> str | None:
    """The key being set up, to show as a QR code and text; None once it is on (it is never shown again)."""
    sealed = await current_connection().fetchval(
        "SELECT secret FROM second_factor WHERE user_id = $1 AND enabled_at IS NULL", user_id
    )
    return unseal(secret_key, user_id, sealed) if sealed else None


def _code_problem(code: str) -> str | None:
    if not code:
        return NO_CODE
    if not is_totp_code(code):
        return "Код — шесть цифр из приложения"
    return None


async def confirm_setup(user_id: UUID, secret_key: str, code: str) -> list[str]:
    """Turns the factor on when the code fits the pending key; returns the recovery codes, the only time they exist
    in the clear."""
    code = normalise(code)
    if problem := _code_problem(code):
        raise ValidationFailed({"code": problem})
    secret = await pending_secret(user_id, secret_key)
    if secret is None:
        raise ValidationFailed({"code": "Начните настройку заново: ключ не найден"})
    step = matching_step(secret, code)
    if step is None:
        raise ValidationFailed({"code": WRONG_CODE})
    codes = new_recovery_codes()
    updated = await current_connection().execute(
        """UPDATE second_factor SET enabled_at = now(), last_step = $2, recovery_codes = $3
           WHERE user_id = $1 AND enabled_at IS NULL""",
        user_id,
        step,
        [_recovery_hash(c, os.urandom(16)) for c in codes],
    )
    if updated != "UPDATE 1":
        raise ValidationFailed({"code": "Второй фактор уже включён"})
    return codes


async def verify(user_id: UUID, secret_key: str, code: str) -> tuple[Used | None, str]:
    """Checks a code of an account whose factor is on: a TOTP code of a step later than the last accepted one, or
    an unused recovery code, which is spent. Returns what was used (None when refused) and the refusal's message."""
    code = normalise(code)
    if not code:
        return None, NO_CODE
    row = await current_connection().fetchrow(
        "SELECT secret, last_step, recovery_codes FROM second_factor WHERE user_id = $1 AND enabled_at IS NOT NULL",
        user_id,
    )
    if row is None:
        return None, WRONG_CODE
    if is_totp_code(code):
        secret = unseal(secret_key, user_id, row["secret"])
        step = matching_step(secret, code) if secret else None
        if step is None:
            return None, WRONG_CODE
        # Conditional on the step, so two requests racing with one code cannot both win.
        accepted = await current_connection().execute(
            "UPDATE second_factor SET last_step = $2 WHERE user_id = $1 AND last_step < $2", user_id, step
        )
        return ("totp", "") if accepted == "UPDATE 1" else (None, REUSED_CODE)
    entry = next((e for e in row["recovery_codes"] if _matches(e, code)), None)
    if entry is None:
        return None, WRONG_CODE
    spent = await current_connection().execute(
        """UPDATE second_factor SET recovery_codes = array_remove(recovery_codes, $2)
           WHERE user_id = $1 AND $2 = ANY(recovery_codes)""",
        user_id,
        entry,
    )
    return ("recovery", "") if spent == "UPDATE 1" else (None, WRONG_CODE)


async def disable(user_id: UUID, secret_key: str, code: str) -> None:
    """Needs a current code (or a recovery code: the phone may be what was lost)."""
    used, problem = await verify(user_id, secret_key, code)
    if used is None:
        raise ValidationFailed({"code": problem})
    await current_connection().execute("DELETE FROM second_factor WHERE user_id = $1", user_id)


async def enable_with_secret(user_id: UUID, secret_key: str, secret: str) -> None:
    """The demo's documented account: a factor that is on with a known key, without a code (seeding only)."""
    await current_connection().execute(
        """INSERT INTO second_factor (user_id, secret, enabled_at) VALUES ($1, $2, now())
           ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, enabled_at = now()""",
        user_id,
        seal(secret_key, user_id, secret),
    )


async def opens_with(user_id: UUID, secret_key: str, secret: str) -> bool:
    """Whether the account's factor is on with this very key (the demo's seeding is idempotent)."""
    sealed = await current_connection().fetchval(
        "SELECT secret FROM second_factor WHERE user_id = $1 AND enabled_at IS NOT NULL", user_id
    )
    return bool(sealed) and unseal(secret_key, user_id, sealed) == secret
