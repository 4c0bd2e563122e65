"""Settings come from the environment only, so the same code runs under `make run`, tests and compose."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str
    migration_database_url: str
    redis_url: str
    secret_key: str
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "Наставник <noreply@nastavnik.local>"
    secure_cookies: bool = False
    session_max_age: int = 8 * 3600
    invitation_ttl_hours: int = 72
    login_fail_limit_account: int = 5
    login_fail_limit_ip: int = 20
    login_fail_window_seconds: int = 15 * 60
    debug: bool = False
    db_pool_max: int = field(default=10)
    export_dir: str = str(ROOT / ".data" / "exports")  # shared by web and worker (a volume in docker-compose)
    # Tracked jobs: a running job whose heartbeat is older than this is taken over; the sweeper looks that often.
    job_stale_seconds: int = 30
    job_sweep_seconds: int = 15
    job_timeouts: tuple[tuple[str, int], ...] = ()  # a kind's limit in seconds, e.g. (("import", 600),)


def _timeouts(value: str) -> tuple[tuple[str, int], ...]:
    """`import=600,export=7200`: the operator's limits for tracked jobs of those kinds."""
    pairs = (item.split("=", 1) for item in value.split(",") if "=" in item)
    return tuple((kind.strip(), int(seconds)) for kind, seconds in pairs)


@lru_cache
def get_settings() -> Settings:
    env = os.environ
    missing = [name for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY") if not env.get(name)]
    if missing:
        raise RuntimeError(f"Missing environment variables: {', '.join(missing)}")
    return Settings(
        database_url=env["DATABASE_URL"],
        migration_database_url=env.get("MIGRATION_DATABASE_URL", env["DATABASE_URL"]),
        redis_url=env["REDIS_URL"],
        secret_key=env["SECRET_KEY"],
        base_url=env.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        smtp_host=env.get("SMTP_HOST", "127.0.0.1"),
        smtp_port=int(env.get("SMTP_PORT", "1025")),
        smtp_user=env.get("SMTP_USER", ""),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_starttls=_bool(env.get("SMTP_STARTTLS")),
        mail_from=env.get("MAIL_FROM", "Наставник <noreply@nastavnik.local>"),
        secure_cookies=_bool(env.get("SECURE_COOKIES")),
        debug=_bool(env.get("DEBUG")),
        db_pool_max=int(env.get("DB_POOL_MAX", "10")),
        export_dir=env.get("EXPORT_DIR", str(ROOT / ".data" / "exports")),
        job_stale_seconds=int(env.get("JOB_STALE_SECONDS", "30")),
        job_sweep_seconds=int(env.get("JOB_SWEEP_SECONDS", "15")),
        job_timeouts=_timeouts(env.get("JOB_TIMEOUTS", "")),
    )
