"""An organization's public page in a synthetic region of N participants (default 1,000,000): the server time of
`GET /o/<slug>` warm, and of the same request answered 304 by its ETag, next to a bare template page of the same
app (`GET /verify`: no database work beyond the middleware's transaction), with the time of each step of the page.

    .venv/bin/python bench/public_page.py [PARTICIPANTS]

Starts throwaway embedded servers, seeds the region with `seed_bench` and counts its dashboards as the hourly job does
(the page's indicators are read from that count; the seeding takes minutes, nothing is kept between runs); one of its
schools then publishes its page as a real one does: an introduction, partners, announcements, a document, the
roadmap's events, chosen indicators and the mentor registry its head approved by a registered order, most of its
mentors consenting to publication.
The app runs in-process behind httpx's ASGI transport; the time is the app's, from the request to its last byte.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MENTORS = 30  # listed in the registry order; every fifth has not consented to publication
RUNS = 50
WARM_UP = 5
STEP_RUNS = 20
SHOWN_STATEMENTS = 8
SUBJECTS = ("математики", "физики", "русского языка", "истории", "биологии", "информатики")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def start_servers() -> tuple[object, str]:
    from infra.bootstrap import throwaway

    servers = throwaway(ROOT / ".data" / f"bench-{uuid.uuid4().hex[:8]}", "nastavnik_bench")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(16))
    subprocess.run([sys.executable, "-m", "app.cli", "migrate"], check=True, cwd=ROOT, capture_output=True)
    return servers, os.environ["ADMIN_DATABASE_URL"]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def registry_rows(admin_dsn: str, region_id: uuid.UUID) -> dict[str, Any]:
    """The school's registry order, the mentors' consents and posts, and its roadmap, written as the platform would
    have them after the commission's work (direct inserts: that work is not what is measured)."""
    import asyncpg

    today = date.today()
    connection = await asyncpg.connect(admin_dsn)
    try:
        school = await connection.fetchrow(
            """SELECT o.id, o.municipality_id, o.short_name, p.id AS programme_id, p.starts_on
               FROM organization o JOIN programme p ON p.region_id = o.region_id AND p.organization_id = o.id
               WHERE o.region_id = $1 AND o.kind <> 'municipal_body' ORDER BY o.sort_key LIMIT 1""",
            region_id,
        )
        mentors = [
            row["id"]
            for row in await connection.fetch(
                """SELECT p.id FROM person p WHERE p.region_id = $1 AND p.organization_id = $2 AND p.category = 'staff'
                   AND EXISTS (SELECT 1 FROM participation pa WHERE pa.region_id = p.region_id
                               AND pa.person_id = p.id AND pa.role = 'mentor')
                   ORDER BY p.sort_key LIMIT $3""",
                region_id,
                school["id"],
                MENTORS,
            )
        ]
        for n, person_id in enumerate(mentors):
            await connection.execute(
                "UPDATE person SET position = $2, subject = $3 WHERE region_id = $4 AND id = $1",
                person_id,
                f"учитель {SUBJECTS[n % len(SUBJECTS)]}",
                SUBJECTS[n % len(SUBJECTS)],
                region_id,
            )
        names = {
            row["id"]: row["full_name"]
            for row in await connection.fetch(
                "SELECT id, full_name FROM person WHERE region_id = $1 AND id = ANY($2::uuid[])", region_id, mentors
            )
        }
        rows = [
            {"person_id": str(p), "cells": [names[p], f"учитель {SUBJECTS[n % len(SUBJECTS)]}", "от 01.09"]}
            for n, p in enumerate(mentors)
        ]
        order_id = await connection.fetchval(
            """INSERT INTO programme_order (region_id, organization_id, programme_id, kind, title, payload, number,
                   signed_on, document, created_at)
               VALUES ($1, $2, $3, 'approve_registry', 'Об утверждении реестра наставников', $4::jsonb, '12-о', $5,
                   '\\x504b0304'::bytea, now()) RETURNING id""",
            region_id,
            school["id"],
            school["programme_id"],
            json.dumps({"rows": rows}),
            school["starts_on"],
        )
        await connection.execute(
            "UPDATE programme SET registry_order_id = $3 WHERE region_id = $1 AND id = $2",
            region_id,
            school["programme_id"],
            order_id,
        )
        consenting = [p for n, p in enumerate(mentors) if n % 5 != 4]
        await connection.copy_records_to_table(
            "consent",
            records=[(region_id, school["id"], p, "publication", "self", school["starts_on"]) for p in consenting],
            columns=["region_id", "organization_id", "person_id", "kind", "given_by", "given_on"],
        )
        events = [  # (stage, title, starts in days from today, lasts days, done)
            (1, "Приказ о внедрении целевой модели наставничества", -90, 5, True),
            (2, "Анкетирование педагогов и обучающихся", -60, 14, True),
            (3, "Формирование базы наставников", -40, 20, True),
            (4, "Обучение наставников в сетевой школе", -20, 30, False),
            (5, "Встречи наставнических пар", -10, 120, False),
            (6, "Промежуточная рефлексия пар", 30, 7, False),
            (7, "Фестиваль наставнических практик", 100, 2, False),
            (7, "Итоговая конференция", 200, 1, False),
        ]
        await connection.copy_records_to_table(
            "roadmap_event",
            records=[
                (
                    region_id,
                    school["id"],
                    school["programme_id"],
                    stage,
                    n,
                    title,
                    today + timedelta(days=starts),
                    today + timedelta(days=starts + length),
                    "done" if done else "planned",
                    today + timedelta(days=starts + length) if done else None,
                )
                for n, (stage, title, starts, length, done) in enumerate(events)
            ],
            columns=[
                "region_id",
                "organization_id",
                "programme_id",
                "stage",
                "position",
                "title",
                "starts_on",
                "ends_on",
                "status",
                "done_on",
            ],
        )
        await connection.execute("ANALYZE person, consent, programme_order, programme, roadmap_event")
    finally:
        await connection.close()
    return {"school": dict(school), "mentors": mentors, "consenting": consenting, "names": names}


async def publish(region_id: uuid.UUID, school: dict[str, Any], consenting: list[uuid.UUID]) -> str:
    """What the curator does in the editor: the page's text, partners, announcements, a document, three
    portfolios, and publication; through the domain's own functions, in the organization's scope."""
    from services.public import content, sites
    from services.public.content import PartnerForm, PostForm, ProfileForm
    from shared.actor import Actor
    from shared.db import Level, Scope, tenant_transaction

    organization_id = school["id"]
    actor = Actor(None, region_id, organization_id)
    scope = Scope(Level.organization, None, region_id, school["municipality_id"], organization_id)
    day = date.today()
    async with tenant_transaction(scope):
        site = await sites.ensure_site(actor, organization_id, school["short_name"])
        intro = (
            f"В {school['short_name']} действует **целевая модель наставничества**.\n\n"
            + "\n".join(f"- форма наставничества № {n}: «учитель — ученик», встречи раз в неделю;" for n in range(6))
            + "\n\nКуратор программы отвечает на вопросы родителей и наставников."
        )
        form = sites.SiteForm(
            slug=site.slug, intro=intro, indicators=["pairs", "mentor_registry", "mentees", "events_held"]
        )
        await sites.save_site(actor, site, form)
        for kind, name in (
            ("employer", "АО «Машиностроительный завод»"),
            ("education", "ГБПОУ «Политехнический колледж»"),
            ("culture", "МБУК «Центральная библиотека»"),
        ):
            partner = PartnerForm(
                kind=kind,
                name=name,
                subject="Наставники из числа сотрудников, экскурсии, профессиональные пробы",
                agreement="Соглашение о сотрудничестве № 14 от 01.09.2025",
                website="https://partner.example.ru",
            )
            await content.add_partner(actor, site, partner)
        for n in range(5):
            post = PostForm(
                title=f"Объявление № {n + 1}: встреча наставников",
                body="Приглашаем наставников, наставляемых и родителей. В программе — **презентации пар** и "
                "выступления выпускников.\n\n" * 3,
                event_on=f"{day + timedelta(days=10 * n + 5):%d.%m.%Y}" if n % 2 == 0 else "",
                place="Актовый зал" if n % 2 == 0 else "",
            )
            await content.add_post(actor, site, post, publish=n < 4)  # the last stays a draft
        await content.add_file(actor, site, "Положение о наставничестве", PDF, "Положение о наставничестве.pdf")
        for person_id in consenting[:3]:
            profile = ProfileForm(
                about="Учитель высшей категории, наставник молодых педагогов с 2015 года.",
                achievements="Победитель муниципального этапа «Наставник года»",
                shown="on",
            )
            await content.save_profile(actor, site, person_id, profile)
        site = await sites.get_site(organization_id) or site
        await sites.set_published(actor, site, True)
        return site.slug


def timed_app(app: Any, samples: list[float]) -> Callable[..., Awaitable[None]]:
    """The app, recording how long each request takes it, from the call to the last byte it sends."""

    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        started = time.perf_counter()
        await app(scope, receive, send)
        if scope["type"] == "http":
            samples.append(time.perf_counter() - started)

    return wrapper


async def step_times(slug: str, runs: int) -> list[tuple[str, list[float]]]:
    """Each step of `showcase.published_page` on its own, under the scope the page gives it, in an anonymous
    visitor's transaction as the middleware opens it."""
    from services import programmes, reports
    from services.public import content, showcase, sites
    from shared.db import Scope, tenant_transaction, widened

    steps: dict[str, list[float]] = {}

    def note(name: str, started: float) -> None:
        steps.setdefault(name, []).append(time.perf_counter() - started)

    for _ in range(runs + 1):  # the first run warms the caches and is not counted
        async with tenant_transaction(Scope()):
            started = time.perf_counter()
            site = await sites.find_site(slug)
            note("sites.find_site", started)
            started = time.perf_counter()
            await showcase.published_page(site)
            note("showcase.published_page (all of it)", started)
            organization_id = site.organization_id
            async with widened(Scope.public_region(site.region_id)):
                started = time.perf_counter()
                await content.posts_of(organization_id, published_only=True)
                await content.partners_of(organization_id)
                documents = await content.documents_of(organization_id)
                profiles = {p: r for p, r in (await content.profiles_of(organization_id)).items() if r.shown}
                note("  the page's rows (posts, partners, documents, portfolios)", started)
                async with widened(Scope.for_region(site.region_id)):
                    started = time.perf_counter()
                    await showcase._card(organization_id)
                    note("  organization card", started)
                    started = time.perf_counter()
                    programme = await programmes.current_programme(programmes.Owner(organization_id=organization_id))
                    note("  programmes.current_programme", started)
                    started = time.perf_counter()
                    await showcase._registry(programme, profiles)
                    note("  registry (order, consents, people)", started)
                    started = time.perf_counter()
                    await showcase._events(programme)
                    note("  roadmap events", started)
                    started = time.perf_counter()
                    for d in documents:
                        if d.order_id is not None:
                            await showcase._unpublishable(organization_id, d.order_id)
                    note("  documents' orders", started)
                    started = time.perf_counter()
                    await reports.counted_indicators(site.region_id, organization_id)
                    note("  reports.counted_indicators (the facts)", started)
            started = time.perf_counter()
            await showcase.page_version(site)
            note("showcase.page_version (the ETag, all of it)", started)
            async with widened(Scope.public_region(site.region_id)):
                started = time.perf_counter()
                _, orders = await content.rows_version(site.region_id, organization_id)
                note("  content.rows_version (the page's own rows)", started)
                async with widened(Scope.for_region(site.region_id)):
                    started = time.perf_counter()
                    await reports.public_page_version(site.region_id, organization_id, orders)
                    note("  reports.public_page_version (the other domains')", started)
    return [(name, samples[1:]) for name, samples in steps.items()]


async def query_times(
    slug: str, runs: int, step: str = "published_page"
) -> tuple[int, list[float], list[float], list[tuple[str, list[float]]]]:
    """The SQL statements of `showcase.published_page` (or of `showcase.page_version`, all a 304 reads besides
    the site) as PostgreSQL answers them (asyncpg's own timing of each), the slowest first: how many a page makes,
    and where its time goes."""
    from services.public import showcase, sites
    from shared.db import Scope, current_connection, tenant_transaction

    statements: dict[str, list[float]] = {}
    per_page, pages, in_sql = 0, [], []
    found: list[tuple[str, float]] = []
    for n in range(runs + 1):  # the first run warms the caches and is not counted
        found.clear()
        async with tenant_transaction(Scope()):
            site = await sites.find_site(slug)
            with current_connection().query_logger(lambda q: found.append((" ".join(q.query.split()), q.elapsed))):
                started = time.perf_counter()
                await getattr(showcase, step)(site)
                elapsed = time.perf_counter() - started
        if n == 0:
            continue
        per_page = len(found)
        pages.append(elapsed)
        in_sql.append(sum(seconds for _, seconds in found))
        totals: dict[str, float] = {}
        for text, elapsed in found:
            totals[text] = totals.get(text, 0.0) + elapsed
        for text, elapsed in totals.items():
            statements.setdefault(text, []).append(elapsed)
    ranked = sorted(statements.items(), key=lambda item: -statistics.median(item[1]))
    return per_page, pages, in_sql, ranked


async def count_region(region_id: uuid.UUID) -> float:
    """The hourly job's count of the region's dashboards (the page's indicators are read from it)."""
    from services.reports import indicators
    from services.reports.jobs import default_period
    from shared.clock import today
    from shared.db import Scope, tenant_transaction

    started = time.perf_counter()
    async with tenant_transaction(Scope.for_region(region_id)):
        await indicators.refresh(default_period(today()))
    return time.perf_counter() - started


async def measure(participants: int, admin_dsn: str) -> None:
    from services.reports.synthetic import seed_bench

    counts = await seed_bench(admin_dsn, participants)
    print(
        f"seed-bench: {counts['person']:,} people, {counts['mentorship']:,} pairs, {counts['meeting']:,} meetings, "
        f"{counts['organization']:,} organizations in {counts['seconds']} s"
    )
    region_id = uuid.UUID(counts["region_id"])
    seeded = await registry_rows(admin_dsn, region_id)
    await measure_page(region_id, seeded)


async def measure_page(region_id: uuid.UUID, seeded: dict[str, Any], slug: str = "") -> None:
    """The page of a seeded region; `slug`: already published (a second run over the same region)."""
    import httpx

    from app.web import create_app

    app = create_app()
    for name in ("httpx", "nastavnik.web"):  # a line per request would bury the figures
        logging.getLogger(name).setLevel(logging.WARNING)
    samples: list[float] = []
    transport = httpx.ASGITransport(app=timed_app(app, samples), client=("10.0.0.1", 40000))
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        slug = slug or await publish(region_id, seeded["school"], seeded["consenting"])
        counted = await count_region(region_id)
        print(f"the hourly count of the region's dashboards (the page's indicators): {counted:.1f} s")
        first = await client.get(f"/o/{slug}")
        assert first.status_code == 200, first.text[:500]
        etag = first.headers["etag"]
        shown = [p for p in seeded["mentors"] if seeded["names"][p] in first.text]
        assert shown == seeded["consenting"], "the page shows exactly the mentors consenting to publication"
        print(
            f"page /o/{slug} of «{seeded['school']['short_name']}»: {len(seeded['mentors'])} mentors in the registry, "
            f"{len(shown)} consenting to publication and shown, 3 partners, 4 announcements, a document, the roadmap, "
            f"4 indicators; {len(first.content) / 1024:.0f} KiB"
        )
        assert "по состоянию на" in first.text, "the indicators are the counted ones"
        kinds: dict[str, tuple[str, dict[str, str], int]] = {
            "baseline": ("/verify", {}, 200),
            "page": (f"/o/{slug}", {}, 200),
            "not_modified": (f"/o/{slug}", {"If-None-Match": etag}, 304),
        }
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        for n in range(WARM_UP + RUNS):  # interleaved, so that a slow moment of the machine hits all three alike
            for kind, (url, headers, status) in kinds.items():
                response = await client.get(url, headers=headers)
                assert response.status_code == status, (url, response.status_code)
                if n >= WARM_UP:
                    times[kind].append(samples[-1])
        base_p50, base_p95 = percentiles(times["baseline"])
        print(
            f"{'GET /verify, a bare template page (baseline):':52} p50 {base_p50 * 1000:6.1f} ms   p95 "
            f"{base_p95 * 1000:6.1f} ms"
        )
        for kind, label in (
            ("page", "GET /o/<slug> (warm, 200):"),
            ("not_modified", "GET /o/<slug> If-None-Match (304):"),
        ):
            p50, p95 = percentiles(times[kind])
            print(
                f"{label:52} p50 {p50 * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   "
                f"/ baseline: p50 {p50 / base_p50:5.1f}   p95 {p95 / base_p95:5.1f}"
            )
        print(f"steps of the page (p50 / p95 of {STEP_RUNS}, warm):")
        for name, step in await step_times(slug, STEP_RUNS):
            p50, p95 = percentiles(step)
            print(f"  {name:58} p50 {p50 * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms")
        per_page, pages, in_sql, ranked = await query_times(slug, STEP_RUNS)
        page_p50, sql_p50 = statistics.median(pages), statistics.median(in_sql)
        print(
            f"showcase.published_page p50 {page_p50 * 1000:.1f} ms: {per_page} SQL statements {sql_p50 * 1000:.1f} ms "
            f"({sql_p50 / page_p50:.0%}), the rest in Python; the slowest statements (p50 / p95 of {STEP_RUNS}):"
        )
        for text, step in ranked[:SHOWN_STATEMENTS]:
            p50, p95 = percentiles(step)
            print(f"  {p50 * 1000:6.1f} ms / {p95 * 1000:6.1f} ms  {text[:100]}")
        rest = [statistics.median(step) for _, step in ranked[SHOWN_STATEMENTS:]]
        print(f"  {sum(rest) * 1000:6.1f} ms in the other {len(rest)} distinct statements")
        per_page, pages, in_sql, ranked = await query_times(slug, STEP_RUNS, "page_version")
        page_p50, sql_p50 = statistics.median(pages), statistics.median(in_sql)
        print(
            f"showcase.page_version (what a 304 reads besides the site) p50 {page_p50 * 1000:.1f} ms: {per_page} SQL "
            f"statements {sql_p50 * 1000:.1f} ms ({sql_p50 / page_p50:.0%}), of them the versions' two:"
        )
        for text, step in [r for r in ranked if "xmin" in r[0]]:
            p50, p95 = percentiles(step)
            print(f"  {p50 * 1000:6.1f} ms / {p95 * 1000:6.1f} ms  {text[:100]}")


def main() -> None:
    participants = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    servers, admin_dsn = start_servers()
    try:
        asyncio.run(measure(participants, admin_dsn))
    finally:
        servers.destroy()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
