"""`make run`: embedded PostgreSQL and Redis, a local SMTP sink, migrations, demo data, the web app and the worker.

Everything lives under .data/; Ctrl-C or SIGTERM stops it all, and a launcher that was killed outright has its
leftover processes stopped by the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from infra.bootstrap import bootstrap
from infra.embedded import EmbeddedServers, free_port

CHILDREN_FILE = "children.json"


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


def _stop_leftovers(data_dir: Path) -> None:
    path = data_dir / CHILDREN_FILE
    if not path.exists():
        return
    for pid in json.loads(path.read_text()):
        cmdline = Path(f"/proc/{pid}/cmdline")
        with contextlib.suppress(OSError):
            if b"app.cli" in cmdline.read_bytes() or b"aiosmtpd" in cmdline.read_bytes():
                os.kill(pid, signal.SIGTERM)
    path.unlink()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_local(data_dir: Path, banner: str) -> None:
    values = local_secrets(data_dir)
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", values["SECRET_KEY"])
    port = int(env.get("PORT", "8000"))
    env.setdefault("BASE_URL", f"http://127.0.0.1:{port}")
    servers: EmbeddedServers | None = None
    children: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, _raise_interrupt)
    _stop_leftovers(data_dir)

    def spawn(*args: str) -> None:
        children.append(subprocess.Popen([sys.executable, *args], env=env))
        (data_dir / CHILDREN_FILE).write_text(json.dumps([c.pid for c in children]))

    try:
        if not (env.get("DATABASE_URL") and env.get("REDIS_URL")):
            print("Starting embedded PostgreSQL and Redis under .data/ …", flush=True)
            servers = EmbeddedServers(data_dir, pg_port=54329, redis_port=63799)
            services = servers.start()
            asyncio.run(bootstrap(services.admin_dsn, "nastavnik", values["OWNER_PASSWORD"], values["APP_PASSWORD"]))
            base = f"127.0.0.1:{services.pg_port}/nastavnik"
            env["DATABASE_URL"] = f"postgresql://nastavnik_app:{values['APP_PASSWORD']}@{base}"
            env["MIGRATION_DATABASE_URL"] = f"postgresql://nastavnik_owner:{values['OWNER_PASSWORD']}@{base}"
            env["REDIS_URL"] = services.redis_url
        if "SMTP_HOST" not in env:
            mail_dir = data_dir / "mail"
            for part in ("new", "cur", "tmp"):  # a Maildir
                (mail_dir / part).mkdir(parents=True, exist_ok=True)
            smtp_port = free_port(10025)
            spawn(
                "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Mailbox", str(mail_dir)
            )
            env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port))
        subprocess.run([sys.executable, "-m", "app.cli", "migrate"], env=env, check=True)
        subprocess.run([sys.executable, "-m", "app.cli", "seed-demo"], env=env, check=True)
        spawn("-m", "app.cli", "worker")
        spawn("-m", "app.cli", "serve", "--port", str(port))
        print(banner.format(port=port), flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("A process stopped; shutting down.", flush=True)
    except KeyboardInterrupt:
        print("\nStopping …", flush=True)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
        (data_dir / CHILDREN_FILE).unlink(missing_ok=True)
        if servers:
            servers.stop()
