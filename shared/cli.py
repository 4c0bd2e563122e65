"""`nastavnik`: run the whole product locally, or one of its parts."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from shared.settings import ROOT

DATA_DIR = ROOT / ".data"


def _load_env_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def local_secrets() -> dict[str, str]:
    """Generated once per checkout under .data/ (never committed), so sessions and links survive restarts."""
    path = DATA_DIR / "local.env"
    values = _load_env_file(path)
    for name in ("SECRET_KEY", "OWNER_PASSWORD", "APP_PASSWORD"):
        values.setdefault(name, secrets.token_urlsafe(32))
    DATA_DIR.mkdir(exist_ok=True)
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    path.chmod(0o600)
    return values


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


# Commands -------------------------------------------------------------------------------------------


def cmd_migrate(_: argparse.Namespace) -> None:
    """Runs as the owner role: the app role cannot change the schema."""
    dsn = os.environ.get("MIGRATION_DATABASE_URL") or os.environ["DATABASE_URL"]
    os.environ["PICCOLO_DSN"] = dsn
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from infra.bootstrap import revoke_migration_table

    result = asyncio.run(run_forwards("all"))
    if not result.success:
        sys.exit(f"Migrations failed: {result.message}")
    asyncio.run(revoke_migration_table(dsn))


def cmd_bootstrap_db(_: argparse.Namespace) -> None:
    from infra.bootstrap import bootstrap

    asyncio.run(
        bootstrap(
            os.environ["DATABASE_ADMIN_URL"],
            os.environ.get("DATABASE_NAME", "nastavnik"),
            os.environ["OWNER_PASSWORD"],
            os.environ["APP_PASSWORD"],
        )
    )


def cmd_seed_demo(_: argparse.Namespace) -> None:
    from shared.db import Level, Scope, tenant_transaction
    from tenants.demo import seed_demo

    async def run() -> None:
        async with tenant_transaction(Scope(Level.platform)):
            await seed_demo()

    asyncio.run(run())
    print("Demo region is ready.")


def cmd_create_admin(args: argparse.Namespace) -> None:
    import getpass

    from shared.db import Level, Scope, tenant_transaction
    from shared.passwords import password_problem
    from tenants.logic import ensure_user

    password = os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Пароль: ")
    if problem := password_problem(password):
        sys.exit(problem)

    async def run() -> None:
        async with tenant_transaction(Scope(Level.platform)):
            await ensure_user(args.email, password, "Администратор", "", platform_admin=True)

    asyncio.run(run())


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    _logging()
    uvicorn.run(
        "shared.asgi:app",
        host=args.host,
        port=int(os.environ.get("PORT", args.port)),
        access_log=False,  # paths can hold invitation tokens; the app logs route templates instead
        proxy_headers=True,
        log_level="info",
    )


def cmd_worker(_: argparse.Namespace) -> None:
    from arq.worker import run_worker

    from shared.jobs import worker_settings

    _logging()
    run_worker(worker_settings())


def cmd_run(args: argparse.Namespace) -> None:
    """Everything for a local demo: embedded PostgreSQL and Redis, migrations, demo data, web, worker, mail sink."""
    from infra.embedded import EmbeddedServers

    values = local_secrets()
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", values["SECRET_KEY"])
    port = int(env.get("PORT", "8000"))
    env.setdefault("BASE_URL", f"http://127.0.0.1:{port}")
    servers: EmbeddedServers | None = None
    children: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
        if servers:
            servers.stop()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        if not (env.get("DATABASE_URL") and env.get("REDIS_URL")):
            print("Starting embedded PostgreSQL and Redis under .data/ …", flush=True)
            servers = EmbeddedServers(DATA_DIR, pg_port=54329, redis_port=63799)
            services = servers.start()
            from infra.bootstrap import bootstrap

            asyncio.run(bootstrap(services.admin_dsn, "nastavnik", values["OWNER_PASSWORD"], values["APP_PASSWORD"]))
            base = f"127.0.0.1:{services.pg_port}/nastavnik"
            env["DATABASE_URL"] = f"postgresql://nastavnik_app:{values['APP_PASSWORD']}@{base}"
            env["MIGRATION_DATABASE_URL"] = f"postgresql://nastavnik_owner:{values['OWNER_PASSWORD']}@{base}"
            env["REDIS_URL"] = services.redis_url
        if "SMTP_HOST" not in env:
            mail_dir = DATA_DIR / "mail"
            for part in ("new", "cur", "tmp"):  # a Maildir
                (mail_dir / part).mkdir(parents=True, exist_ok=True)
            from infra.embedded import free_port

            smtp_port = free_port(10025)
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "aiosmtpd",
                        "-n",
                        "-l",
                        f"127.0.0.1:{smtp_port}",
                        "-c",
                        "aiosmtpd.handlers.Mailbox",
                        str(mail_dir),
                    ],
                )
            )
            env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port))
        os.environ.update(env)
        nastavnik = [sys.executable, "-m", "shared.cli"]
        subprocess.run([*nastavnik, "migrate"], env=env, check=True)
        subprocess.run([*nastavnik, "seed-demo"], env=env, check=True)
        children.append(subprocess.Popen([*nastavnik, "worker"], env=env))
        children.append(subprocess.Popen([*nastavnik, "serve", "--port", str(port)], env=env))
        _banner(port)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("A process stopped; shutting down.", flush=True)
    except KeyboardInterrupt:
        print("\nStopping …", flush=True)
    finally:
        stop()


def _banner(port: int) -> None:
    from tenants.access import ROLE_LABELS
    from tenants.demo import DEMO_LOGINS, PASSWORD

    lines = [f"\n  Наставник: http://127.0.0.1:{port}\n", f"  Demo logins (password {PASSWORD}):"]
    lines += [f"    {email:<28} {ROLE_LABELS[role]}" for email, role in DEMO_LOGINS]
    lines += ["  Outgoing mail is saved to .data/mail/ (Maildir).", "  Ctrl-C stops everything.\n"]
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="nastavnik", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="the product with its demo region on embedded PostgreSQL and Redis").set_defaults(
        func=cmd_run
    )
    serve = sub.add_parser("serve", help="the web app only")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default="8000")
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("worker", help="the arq worker").set_defaults(func=cmd_worker)
    sub.add_parser("migrate", help="apply migrations as the owner role").set_defaults(func=cmd_migrate)
    sub.add_parser("bootstrap-db", help="create roles and database (superuser DATABASE_ADMIN_URL)").set_defaults(
        func=cmd_bootstrap_db
    )
    sub.add_parser("seed-demo", help="create the demo region (idempotent)").set_defaults(func=cmd_seed_demo)
    admin = sub.add_parser("create-admin", help="create a platform administrator")
    admin.add_argument("email")
    admin.set_defaults(func=cmd_create_admin)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
