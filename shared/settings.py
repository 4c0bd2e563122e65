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
    invitation_ttl_hours: int = 72
    login_fail_limit_account: int = 5
    login_fail_limit_ip: int = 20
    login_fail_window_seconds: int = 15 * 60
    # «Забыли пароль?»: how long a reset link lives, and how many links an address and an IP may ask for per window.
    password_reset_ttl_minutes: int = 60
    password_reset_limit_account: int = 3
    password_reset_limit_ip: int = 20
    debug: bool = False
    db_pool_max: int = field(default=10)
    export_dir: str = str(ROOT / ".data" / "exports")  # shared by web and worker (a volume in docker-compose)
    # Tracked jobs: a running job whose heartbeat is older than this is taken over; the sweeper looks that often.
    job_stale_seconds: int = 30
    job_sweep_seconds: int = 15
    job_timeouts: tuple[tuple[str, int], ...] = ()  # a kind's limit in seconds, e.g. (("import", 600),)
    # Forwarded headers (X-Forwarded-For, X-Forwarded-Proto) are believed only from these addresses or networks.
    trusted_proxies: tuple[str, ...] = ()
    # Uploads, one limit per kind of file (bytes), and what an import file may expand to.
    import_max_bytes: int = 20 * 1024 * 1024
    scan_max_bytes: int = 10 * 1024 * 1024  # consent and order scans
    document_max_bytes: int = 20 * 1024 * 1024  # roadmap and programme documents
    import_max_rows: int = 100_000
    import_max_unpacked_bytes: int = 200 * 1024 * 1024  # an XLSX's uncompressed size
    # Sessions end after this much idleness and after this absolute lifetime; coordinators' (a region's data) sooner.
    session_idle_seconds: int = 2 * 3600
    session_absolute_seconds: int = 12 * 3600
    coordinator_session_idle_seconds: int = 30 * 60
    coordinator_session_absolute_seconds: int = 8 * 3600
    # 152-ФЗ ст. 21 ч. 5: personal data is destroyed this many days after the processing consent is withdrawn.
    withdrawal_destruction_days: int = 30


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
        password_reset_ttl_minutes=int(env.get("PASSWORD_RESET_TTL_MINUTES", "60")),
        password_reset_limit_account=int(env.get("PASSWORD_RESET_LIMIT_ACCOUNT", "3")),
        password_reset_limit_ip=int(env.get("PASSWORD_RESET_LIMIT_IP", "20")),
        debug=_bool(env.get("DEBUG")),
        db_pool_max=int(env.get("DB_POOL_MAX", "10")),
        export_dir=env.get("EXPORT_DIR", str(ROOT / ".data" / "exports")),
        job_stale_seconds=int(env.get("JOB_STALE_SECONDS", "30")),
        job_sweep_seconds=int(env.get("JOB_SWEEP_SECONDS", "15")),
        job_timeouts=_timeouts(env.get("JOB_TIMEOUTS", "")),
        trusted_proxies=tuple(item.strip() for item in env.get("TRUSTED_PROXIES", "").split(",") if item.strip()),
        import_max_bytes=int(env.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024))),
        scan_max_bytes=int(env.get("SCAN_MAX_BYTES", str(10 * 1024 * 1024))),
        document_max_bytes=int(env.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024))),
        import_max_rows=int(env.get("IMPORT_MAX_ROWS", "100000")),
        import_max_unpacked_bytes=int(env.get("IMPORT_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024))),
        session_idle_seconds=int(env.get("SESSION_IDLE_SECONDS", str(2 * 3600))),
        session_absolute_seconds=int(env.get("SESSION_ABSOLUTE_SECONDS", str(12 * 3600))),
        coordinator_session_idle_seconds=int(env.get("COORDINATOR_SESSION_IDLE_SECONDS", str(30 * 60))),
        coordinator_session_absolute_seconds=int(env.get("COORDINATOR_SESSION_ABSOLUTE_SECONDS", str(8 * 3600))),
        withdrawal_destruction_days=int(env.get("WITHDRAWAL_DESTRUCTION_DAYS", "30")),
    )
