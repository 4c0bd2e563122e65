"""`make run`: embedded PostgreSQL and Redis, a local SMTP sink, migrations, demo data, the web app and the worker,
all children of one supervisor (infra.supervisor).

A child that dies is restarted with back-off; only Ctrl-C or SIGTERM stops everything. Everything lives under
.data/, and a launcher that was killed outright has its leftover processes stopped by the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import sys
from pathlib import Path

from infra.bootstrap import bootstrap
from infra.embedded import EmbeddedServers
from infra.supervisor import Child, Stopped, Supervisor, stop_pid

CLI_MODULE = "app.cli"  # the product's command line, run as `python -m CLI_MODULE <command>`
SMTP_MODULE = "aiosmtpd"
CHILDREN_FILE = "children.json"
PG_PORT, REDIS_PORT, SMTP_PORT, WEB_PORT = 54329, 63799, 10025, 8000  # preferred; taken ones are moved from

log = logging.getLogger("nastavnik.launcher")


def local_secrets(data_dir: Path) -> dict[str, str]:
    """Generated once per checkout under .data/ (never committed), so sessions and links survive restarts."""
    path = data_dir / "local.env"
    values: dict[str, str] = {}
    if path.exists():
        values = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    for name in ("SECRET_KEY", "OWNER_PASSWORD", "APP_PASSWORD"):
        values.setdefault(name, secrets.token_urlsafe(32))
    data_dir.mkdir(exist_ok=True)
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    path.chmod(0o600)
    return values


def _ours(pid: int) -> bool:
    """Only our own commands: after a reboot the recorded pids may belong to anything."""
    with contextlib.suppress(OSError):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        return CLI_MODULE.encode() in cmdline or SMTP_MODULE.encode() in cmdline
    return False


def _stop_leftovers(data_dir: Path) -> None:
    """The web app, worker and mail sink of a launcher killed outright; its PostgreSQL and Valkey are found by
    their pid files (infra.embedded)."""
    path = data_dir / CHILDREN_FILE
    if not path.exists():
        return
    with contextlib.suppress(ValueError):
        recorded = json.loads(path.read_text())
        pids = recorded.values() if isinstance(recorded, dict) else recorded  # a list before the supervisor
        for pid in pids:
            if isinstance(pid, int) and _ours(pid):
                log.info("stopping pid %s, left behind by a launcher that was killed", pid)
                stop_pid(pid, 10)
    path.unlink()


def cli(command: str, *args: str) -> list[str]:
    return [sys.executable, "-m", CLI_MODULE, command, *args]


def run_local(data_dir: Path, banner: str) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    values = local_secrets(data_dir)
    base = dict(os.environ)
    base.setdefault("SECRET_KEY", values["SECRET_KEY"])
    requested_port = os.environ.get("PORT")
    _stop_leftovers(data_dir)
    supervisor = Supervisor(pid_file=data_dir / CHILDREN_FILE)
    postgres: Child | None = None
    valkey: Child | None = None
    smtp: Child | None = None
    password = ""
    web = Child(
        "web",
        lambda port: cli("serve", "--port", str(port)),
        port=int(requested_port or WEB_PORT),
        fixed_port=bool(requested_port),  # asked for: wait for it rather than serve elsewhere
        keep_port=True,  # once the address is printed, it stays
        env=lambda port: {**app_env(), "PORT": str(port)},  # `serve` reads PORT before --port
    )

    def app_env() -> dict[str, str]:
        """The current addresses of the servers: a child restarted after one of them moved gets the new one."""
        env = dict(base)
        env.setdefault("BASE_URL", f"http://127.0.0.1:{web.port}")
        if postgres and valkey:
            where = f"127.0.0.1:{postgres.port}/nastavnik"
            env["DATABASE_URL"] = f"postgresql://nastavnik_app:{values['APP_PASSWORD']}@{where}"
            env["MIGRATION_DATABASE_URL"] = f"postgresql://nastavnik_owner:{values['OWNER_PASSWORD']}@{where}"
            env["REDIS_URL"] = f"redis://127.0.0.1:{valkey.port}/0"
        if smtp:
            env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port))
        return env

    with supervisor.handling_signals():
        try:
            if not (base.get("DATABASE_URL") and base.get("REDIS_URL")):
                log.info("starting embedded PostgreSQL and Redis under .data/ …")
                servers = EmbeddedServers(data_dir, pg_port=PG_PORT, redis_port=REDIS_PORT)
                password = servers.prepare_pg()
                postgres = supervisor.add(servers.postgres_child())
                valkey = supervisor.add(servers.valkey_child())
            if "SMTP_HOST" not in base:
                mail_dir = data_dir / "mail"
                for part in ("new", "cur", "tmp"):  # a Maildir
                    (mail_dir / part).mkdir(parents=True, exist_ok=True)
                sink = ["-c", "aiosmtpd.handlers.Mailbox", str(mail_dir)]
                smtp = supervisor.add(
                    Child(
                        "smtp",
                        lambda port: [sys.executable, "-m", SMTP_MODULE, "-n", "-l", f"127.0.0.1:{port}", *sink],
                        port=SMTP_PORT,
                    )
                )
            needs = tuple(child.name for child in (postgres, valkey, smtp) if child)
            supervisor.run_until(lambda: all(supervisor.is_up(name) for name in needs))
            if postgres:
                admin_dsn = f"postgresql://postgres:{password}@127.0.0.1:{postgres.port}/postgres"
                asyncio.run(bootstrap(admin_dsn, "nastavnik", values["OWNER_PASSWORD"], values["APP_PASSWORD"]))
            for step in ("migrate", "seed-demo"):  # once, before the web app and the worker
                supervisor.run_once(step, cli(step), app_env())
            web.needs = needs
            supervisor.add(web)
            supervisor.run_until(lambda: supervisor.is_up("web"))
            supervisor.add(Child("worker", lambda port: cli("worker"), env=lambda port: app_env(), needs=needs))
            print(banner.format(port=web.port), flush=True)
            supervisor.run_forever()
        except Stopped:
            pass
        finally:
            supervisor.stop_all()
