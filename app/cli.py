"""`nastavnik`: run the whole product locally, or one of its parts."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from uuid import UUID

from shared.settings import ROOT

DATA_DIR = ROOT / ".data"


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


async def seed_demo_region() -> UUID:
    """Every domain's part of the demo region, in order, in one transaction; running it again adds nothing."""
    from app.retention import SCRUBBERS
    from services.cases.demo import seed_cases
    from services.certification.demo import seed_certification
    from services.contests.demo import seed_contests
    from services.incentives.demo import seed_incentives
    from services.matching.demo import seed_pairs
    from services.monitoring.demo import seed_monitoring
    from services.programmes.demo import seed_programmes
    from services.public.demo import seed_public
    from services.registry import destroy_in_open_transaction
    from services.registry.demo import seed_people, seed_retention
    from services.reports import count_region
    from services.reports.demo import seed_indicators
    from services.school.demo import seed_school
    from services.school.demo_certificates import seed_school_certificates
    from shared.db import Level, Scope, rescope, tenant_transaction
    from shared.settings import get_settings
    from tenants.demo import seed_demo

    async with tenant_transaction(Scope(Level.platform)):
        region_id = await seed_demo()
        await seed_people(region_id)
        await seed_programmes(region_id)
        await seed_pairs(region_id)
        await seed_monitoring(region_id)
        await seed_school(region_id)
        await seed_school_certificates(region_id)
        await seed_certification(region_id)
        await seed_contests(region_id)
        await seed_public(region_id)
        await seed_cases(region_id)
        await seed_incentives(region_id)
        if await seed_retention(region_id):  # something destroyed already, something falling due
            days = get_settings().withdrawal_destruction_days
            await destroy_in_open_transaction(region_id, days=days, scrubbers=SCRUBBERS)
        await rescope(Scope(Level.platform))
        await seed_indicators(region_id)
        await rescope(Scope.for_region(region_id))
        await count_region(region_id)  # the mentor rating, as the nightly job counts it
    return region_id


def cmd_seed_demo(_: argparse.Namespace) -> None:
    from tenants.demo_accounts import SECOND_FACTOR_NOTE

    asyncio.run(seed_demo_region())
    print("Demo region is ready.")
    print(SECOND_FACTOR_NOTE)


def cmd_seed_bench(args: argparse.Namespace) -> None:
    from services.reports.synthetic import seed_bench

    dsn = args.dsn or os.environ.get("ADMIN_DATABASE_URL", "")
    from infra.embedded import running_pg_port

    password_file = DATA_DIR / "pg-superuser-password"
    port = running_pg_port(DATA_DIR)
    if not dsn and password_file.is_file() and port:  # the embedded server of `make run`, wherever it listens
        dsn = f"postgresql://postgres:{password_file.read_text().strip()}@127.0.0.1:{port}/nastavnik"
    if not dsn:
        raise SystemExit("Set ADMIN_DATABASE_URL or --dsn: a role that bypasses row-level security, used only here")
    counts = asyncio.run(seed_bench(dsn, args.participants))
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))


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


def cmd_import_people(args: argparse.Namespace) -> None:
    """Prints the report; exits 1 and imports nothing when any row is invalid."""
    from services.registry.importer import ImportLimits, import_file
    from shared.actor import Actor
    from shared.db import Level, Scope, rescope, tenant_transaction
    from shared.settings import get_settings
    from tenants.logic import find_organization

    content = Path(args.file).read_bytes()

    async def run() -> bool:
        async with tenant_transaction(Scope(Level.platform)) as txn:
            organization = await find_organization(args.organization)
            if organization is None:
                sys.exit(f"Организация не найдена: {args.organization}")
            scope = Scope(
                Level.organization, None, organization["region_id"], organization["municipality_id"], organization["id"]
            )
            await rescope(scope)
            actor = Actor(None, organization["region_id"], organization["id"], "cli")
            limits = ImportLimits.of(get_settings())
            report = await import_file(actor, scope, content, args.file, dry_run=args.dry_run, limits=limits)
            for error in report.errors:
                print(f"строка {error.row}, {error.column}: {error.message}" if error.row else error.message)
            if not report.ok:
                await txn.rollback()
                print(f"Ошибок: {len(report.errors)}. Ничего не импортировано.")
                return False
            verb = "Проверено" if args.dry_run else "Импортировано"
            print(f"{verb} строк: {report.valid}; найдено в базе региона по СНИЛС: {report.linked}.")
            return True

    if not asyncio.run(run()):
        sys.exit(1)


def cmd_destroy_personal_data(args: argparse.Namespace) -> None:
    """The nightly destruction, now (after a backup is restored, say): prints how many were destroyed."""
    from app.retention import destroy_personal_data

    counts = asyncio.run(destroy_personal_data({}, region_id=args.region))
    print(f"Уничтожено: по отзыву согласия {counts['withdrawal']}, по истечении срока хранения {counts['retention']}.")
    if counts["failed_regions"]:
        sys.exit(f"Не удалось в регионах: {counts['failed_regions']} (подробности в журнале)")


SERVERS = ("uvicorn", "granian")


def cmd_serve(args: argparse.Namespace) -> None:
    """Uvicorn (the default) or Granian's ASGI interface, with `--workers` processes sharing one socket
    (infra/DEPLOY.md says which serves best on two cores)."""
    _logging()
    host, port = args.host, int(os.environ.get("PORT", args.port))
    server = args.server or os.environ.get("WEB_SERVER", "uvicorn")
    workers = args.workers or int(os.environ.get("WEB_WORKERS", "1"))
    if server not in SERVERS:
        sys.exit(f"Unknown server {server!r}: one of {', '.join(SERVERS)}")
    if server == "granian":
        from granian import Granian
        from granian.constants import Interfaces, Loops

        Granian(
            "app.asgi:app",
            address=host,
            port=port,
            interface=Interfaces.ASGI,  # with the lifespan the app's startup and shutdown need
            workers=workers,
            loop=Loops.uvloop,
            log_access=False,  # paths can hold invitation tokens; the app logs route templates instead
            respawn_failed_workers=True,  # a worker that died is started again; the supervisor watches the rest
        ).serve()
        return
    import uvicorn

    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # paths can hold invitation tokens; the app logs route templates instead
        proxy_headers=False,  # the app believes forwarded headers from TRUSTED_PROXIES only (shared/proxies.py)
        log_level="info",
    )


def cmd_worker(_: argparse.Namespace) -> None:
    from app.worker import run

    _logging()
    run()


def cmd_run(_: argparse.Namespace) -> None:
    """Everything for a local demo: embedded PostgreSQL and Redis, migrations, demo data, web, worker, mail sink."""
    from infra.local import run_local
    from tenants.demo_accounts import DEMO_LOGINS, PASSWORD, SECOND_FACTOR_NOTE
    from tenants.roles import ROLE_LABELS

    lines = ["\n  Наставник: http://127.0.0.1:{port}\n", f"  Demo logins (password {PASSWORD}):"]
    lines += [f"    {email:<28} {ROLE_LABELS[role]}" for email, role in DEMO_LOGINS]
    lines += [f"  Second factor: {SECOND_FACTOR_NOTE}"]
    lines += ["  Outgoing mail is saved to .data/mail/ (Maildir).", "  Ctrl-C stops everything.\n"]
    run_local(DATA_DIR, "\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="nastavnik", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="the product with its demo region on embedded PostgreSQL and Redis").set_defaults(
        func=cmd_run
    )
    serve = sub.add_parser("serve", help="the web app only")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", default="8000")
    serve.add_argument("--server", choices=SERVERS, default="", help="uvicorn or granian (default: WEB_SERVER)")
    serve.add_argument("--workers", type=int, default=0, help="worker processes (default: WEB_WORKERS or 1)")
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("worker", help="the arq worker").set_defaults(func=cmd_worker)
    sub.add_parser("migrate", help="apply migrations as the owner role").set_defaults(func=cmd_migrate)
    sub.add_parser("bootstrap-db", help="create roles and database (superuser DATABASE_ADMIN_URL)").set_defaults(
        func=cmd_bootstrap_db
    )
    sub.add_parser("seed-demo", help="create the demo region (idempotent)").set_defaults(func=cmd_seed_demo)
    bench = sub.add_parser("seed-bench", help="a synthetic region for load tests, written with COPY")
    bench.add_argument("--participants", type=int, default=1_000_000)
    bench.add_argument("--dsn", default="", help="a superuser or BYPASSRLS connection (or ADMIN_DATABASE_URL)")
    bench.set_defaults(func=cmd_seed_bench)
    importing = sub.add_parser("import", help="bulk import into an organization's base").add_subparsers(
        dest="what", required=True
    )
    people = importing.add_parser("people", help="learners and staff from XLSX or CSV")
    people.add_argument("--organization", required=True, help="organization id or ИНН")
    people.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    people.add_argument("file")
    people.set_defaults(func=cmd_import_people)
    destroy = sub.add_parser("destroy-personal-data", help="run the nightly destruction of personal data now")
    destroy.add_argument("--region", default="", help="one region's id (default: every region)")
    destroy.set_defaults(func=cmd_destroy_personal_data)
    admin = sub.add_parser("create-admin", help="create a platform administrator")
    admin.add_argument("email")
    admin.set_defaults(func=cmd_create_admin)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
