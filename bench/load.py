"""The curator's pages under load: 50 concurrent clients, each signed in as the curator of another organization,
request the mentee list, a person card, the programme page and the dashboard, each for a bounded time, next to a
bare template page of the same app served by the same server (`GET /verify`: a form and no database work beyond
the middleware's transaction); it prints requests per second and p50/p95 of each, the ratios to the bare page, and
whether the targets hold (each page at least 0.5× the bare page's throughput, its p95 at most 10× the bare page's).

    .venv/bin/python bench/load.py [--servers uvicorn:1,granian:2] [--seconds 20] [--clients 50]

Starts throwaway embedded PostgreSQL and Redis, migrates, seeds a synthetic region with `seed_bench` (default
50,000 participants: 100 schools of 500), gives `--clients` of its schools a curator account, and starts the web
app as `make run` does (`nastavnik serve`, the server and worker count of each `--servers` entry, one after the
other against the same data); nothing is kept. With `BASE_URL` it drives that server instead: the region and the
accounts are then written into the database of `ADMIN_DATABASE_URL` (a role that bypasses row-level security; with
`make run` the embedded server's superuser is found by itself) and stay there.
The latency is the client's, from sending the request to the last byte of the answer: the clients run on the same
machine as the server, and their own CPU time is in the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Nagruzka12345"  # noqa: S105 - the bench's own throwaway accounts
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')
BARE = "bare"
MIN_THROUGHPUT, MAX_P95 = 0.5, 10.0  # the targets, as ratios to the bare page


@dataclass
class Curator:
    email: str
    organization_id: uuid.UUID
    programme_id: uuid.UUID
    person_id: uuid.UUID  # a mentee in a pair: the person card

    def pages(self) -> dict[str, str]:
        return {
            BARE: "/verify",
            "mentees": "/people?base=mentees",
            "card": f"/people/{self.person_id}",
            "programme": f"/programmes/{self.programme_id}",
            "dashboard": "/dashboard",
        }


LABELS = {
    BARE: "GET /verify (bare template page)",
    "mentees": "GET /people?base=mentees (mentee list)",
    "card": "GET /people/<id> (person card)",
    "programme": "GET /programmes/<id> (programme)",
    "dashboard": "GET /dashboard",
}


@dataclass
class Result:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    reconnects: int = 0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def percentiles(self) -> tuple[float, float]:
        ordered = sorted(self.latencies) or [float("nan")]
        return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def admin_dsn_for(base_url: str) -> str:
    """The throwaway servers' superuser, or with BASE_URL the one named (or `make run`'s embedded superuser)."""
    if not base_url:
        return os.environ["ADMIN_DATABASE_URL"]
    from infra.embedded import running_pg_port

    dsn = os.environ.get("ADMIN_DATABASE_URL", "")
    data_dir = ROOT / ".data"
    password_file, port = data_dir / "pg-superuser-password", running_pg_port(data_dir)
    if not dsn and password_file.is_file() and port:
        dsn = f"postgresql://postgres:{password_file.read_text().strip()}@127.0.0.1:{port}/nastavnik"
    if not dsn:
        raise SystemExit("With BASE_URL set ADMIN_DATABASE_URL: a role that bypasses row-level security")
    return dsn


async def seed(admin_dsn: str, participants: int, clients: int) -> list[Curator]:
    """The synthetic region, and a curator account (known password) in each of `clients` of its schools, written
    as the seeding writes (SQL as a role that bypasses row-level security): one argon2 hash for all of them."""
    import asyncpg

    from services.reports.synthetic import seed_bench
    from shared.i18n import sort_key
    from shared.passwords import hash_password

    counts = await seed_bench(admin_dsn, participants)
    print(
        f"seed-bench: {counts['person']:,} people, {counts['mentorship']:,} pairs, {counts['meeting']:,} meetings, "
        f"{counts['organization']:,} organizations in {counts['seconds']} s",
        flush=True,
    )
    region_id = uuid.UUID(counts["region_id"])
    digest = hash_password(PASSWORD)
    connection = await asyncpg.connect(admin_dsn)
    try:
        rows = await connection.fetch(
            """SELECT o.id, o.municipality_id, p.id AS programme_id,
                      (SELECT mm.mentee_id FROM mentorship_mentee mm
                       WHERE mm.region_id = o.region_id AND mm.organization_id = o.id
                       ORDER BY mm.mentee_id LIMIT 1) AS person_id
               FROM organization o JOIN programme p ON p.region_id = o.region_id AND p.organization_id = o.id
               WHERE o.region_id = $1 AND o.kind <> 'municipal_body' ORDER BY o.sort_key LIMIT $2""",
            region_id,
            clients,
        )
        if len(rows) < clients:
            raise SystemExit(f"{len(rows)} schools in the region: seed more participants for {clients} clients")
        curators = []
        for n, row in enumerate(rows):
            email = f"load{n + 1}.{region_id.hex[:6]}@bench.local"
            surname, name = f"Куратор{n + 1}", "Нагрузочный"
            user_id = uuid.uuid4()
            await connection.execute(
                """INSERT INTO app_user (id, email, password_hash, surname, name, patronymic, sort_key,
                                         is_platform_admin, is_active, created_at)
                   VALUES ($1, $2, $3, $4, $5, '', $6, false, true, now())""",
                user_id,
                email,
                digest,
                surname,
                name,
                sort_key(f"{surname} {name}"),
            )
            await connection.execute(
                """INSERT INTO membership (region_id, id, user_id, role, municipality_id, organization_id, created_at)
                   VALUES ($1, $2, $3, 'curator', $4, $5, now())""",
                region_id,
                uuid.uuid4(),
                user_id,
                row["municipality_id"],
                row["id"],
            )
            curators.append(Curator(email, row["id"], row["programme_id"], row["person_id"]))
        return curators
    finally:
        await connection.close()


async def sign_in(client: Any, curator: Curator) -> None:
    """Through the login form, as a browser does: its CSRF token from GET /login, then POST /login."""
    form = await client.get("/login")
    match = CSRF_RE.search(form.text)
    assert match, "no CSRF field on /login"
    response = await client.post(
        "/login", data={"email": curator.email, "password": PASSWORD, "_csrf_token": match.group(1)}
    )
    assert response.status_code in (302, 303), (curator.email, response.status_code, response.text[:300])


async def get(client: Any, url: str, result: Result) -> Any:
    """A GET, sent again once on a new connection when the server had just closed the idle one (its keep-alive
    timeout ran out while this client waited for the others), as a browser does; counted in `reconnects`."""
    import httpx

    try:
        return await client.get(url)
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
        result.reconnects += 1
        return await client.get(url)


async def drive(base_url: str, curators: list[Curator], seconds: float) -> dict[str, Result]:
    """Every client signs in and opens each page once (the dashboard counts its organization then, the mentee
    list adds the curator to the base of curators); then, page kind after page kind, all of them request that page
    in a loop for `seconds`, each waiting for its answer before the next request."""
    import httpx

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60, follow_redirects=False) for _ in curators
    ]
    try:
        await asyncio.gather(*(sign_in(c, k) for c, k in zip(clients, curators, strict=True)))

        async def warm(client: httpx.AsyncClient, curator: Curator) -> None:
            for url in curator.pages().values():
                response = await get(client, url, Result(seconds))
                assert response.status_code == 200, (url, response.status_code, response.text[:300])

        await asyncio.gather(*(warm(c, k) for c, k in zip(clients, curators, strict=True)))
        results: dict[str, Result] = {}
        for kind in LABELS:
            result = Result(seconds)
            deadline = time.perf_counter() + seconds

            async def loop(
                client: httpx.AsyncClient, url: str, result: Result = result, until: float = deadline
            ) -> None:
                while time.perf_counter() < until:
                    started = time.perf_counter()
                    response = await get(client, url, result)
                    elapsed = time.perf_counter() - started
                    if response.status_code == 200:
                        result.latencies.append(elapsed)
                    else:
                        result.errors += 1

            started = time.perf_counter()
            await asyncio.gather(*(loop(c, k.pages()[kind]) for c, k in zip(clients, curators, strict=True)))
            result.seconds = time.perf_counter() - started  # the last requests end a little after the deadline
            results[kind] = result
        return results
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def report(title: str, results: dict[str, Result]) -> bool:
    bare = results[BARE]
    _, bare_p95 = bare.percentiles()
    print(title)
    print(f"  {'page':42} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}   {'rps/bare':>8} {'p95/bare':>8}  targets")
    held = True
    for kind, label in LABELS.items():
        result = results[kind]
        p50, p95 = result.percentiles()
        line = f"  {label:42} {result.rps:7.1f} {p50 * 1000:7.1f} {p95 * 1000:7.1f}"
        if kind != BARE:
            throughput, tail = result.rps / bare.rps, p95 / bare_p95
            ok = throughput >= MIN_THROUGHPUT and tail <= MAX_P95
            held = held and ok and not result.errors
            verdict = "hold" if ok else "MISSED"
            line += f"   {throughput:7.2f}× {tail:7.1f}×  {verdict}"
        if result.errors:
            line += f"  ({result.errors} answers not 200)"
        if result.reconnects:
            line += f"  ({result.reconnects} sent again after the server closed an idle connection)"
        print(line)
    print(
        f"  targets: each page ≥ {MIN_THROUGHPUT}× the bare page's req/s and p95 ≤ {MAX_P95:g}× its p95 "
        f"({bare_p95 * 1000:.1f} ms): {'all hold' if held else 'NOT all hold'}",
        flush=True,
    )
    return held


def wait_until_serving(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see {log}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer within 60 s; see {log}")


def serve(server: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The web app as `make run` starts it (`nastavnik serve`), on a free port, in a process group of its own."""
    from infra.ports import free_port

    port = free_port()
    argv = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--server", server]
    env = {**os.environ, "PORT": str(port), "BASE_URL": f"http://127.0.0.1:{port}"}
    with log.open("ab") as out:
        argv += ["--workers", str(workers)]
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    wait_until_serving(base_url, proc, log)
    return proc, base_url


def stop(proc: subprocess.Popen[bytes]) -> None:
    from infra.supervisor import stop_for_sure

    stop_for_sure(proc, 15, lambda p: os.killpg(p.pid, signal.SIGTERM))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default="", help="server:workers, comma-separated (default: make run's)")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", "20")))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--participants", type=int, default=50_000)
    args = parser.parse_args()
    default = f"{os.environ.get('WEB_SERVER', 'uvicorn')}:{os.environ.get('WEB_WORKERS', '1')}"
    configurations = [(s.split(":")[0], int(s.split(":")[1] or 1)) for s in (args.servers or default).split(",")]
    base_url = os.environ.get("BASE_URL", "").rstrip("/")
    servers = None
    if not base_url:
        from infra.bootstrap import throwaway

        servers = throwaway(ROOT / ".data" / f"bench-{uuid.uuid4().hex[:8]}", "nastavnik_bench")
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(16))
        subprocess.run([sys.executable, "-m", "app.cli", "migrate"], check=True, cwd=ROOT, capture_output=True)
    try:
        curators = asyncio.run(seed(admin_dsn_for(base_url), args.participants, args.clients))
        how = f"{args.clients} clients, each the curator of another school, {args.seconds:g} s per page"
        if base_url:
            report(f"{base_url}: {how}", asyncio.run(drive(base_url, curators, args.seconds)))
            return
        assert servers is not None
        for server, workers in configurations:
            log = ROOT / ".data" / f"bench-load-{server}-{workers}.log"  # the server's output, kept
            proc, url = serve(server, workers, log)
            try:
                results = asyncio.run(drive(url, curators, args.seconds))
            finally:
                stop(proc)
            report(f"{server}, {workers} worker{'s' if workers > 1 else ''}: {how}", results)
    finally:
        if servers is not None:
            servers.destroy()


if __name__ == "__main__":
    main()
