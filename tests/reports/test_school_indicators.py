"""«Обученных наставников» and «Сертифицированных кураторов» against a region computed by hand: each organization,
each municipality and the region, one person once, on the dashboard, in the API, the export and a programme."""

from __future__ import annotations

import csv
import io
import random
import uuid
from datetime import timedelta
from typing import Any

import pytest

from shared import clock
from tests.factories import programme
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant, run_worker
from tests.reports.test_indicators import add_organization, counted

TODAY = clock.today()


def day(days: int) -> Any:
    return TODAY + timedelta(days=days)


def snils() -> str:
    from services.registry.validation import snils_checksum

    digits = str(random.randint(200_000_000, 999_999_999))
    return digits + f"{snils_checksum(digits):02d}"


async def person(
    tenant: Tenant, organization_id: uuid.UUID, municipality_id: uuid.UUID, surname: str, number: str = ""
) -> uuid.UUID:
    """A consenting staff mentor of the organization; the same СНИЛС in a second organization links the same
    record."""
    from services import registry
    from shared.actor import Actor
    from shared.db import Level, Scope, tenant_transaction

    actor = Actor(None, tenant.region_id, organization_id)
    scope = Scope(Level.organization, None, tenant.region_id, municipality_id, organization_id)
    async with tenant_transaction(scope):
        form = registry.PersonForm(
            surname=surname, name="Тест", birth_date="01.02.1985", category="staff", roles=["mentor"], snils=number
        )
        person_id, linked = await registry.create_person(actor, scope, form)
        if not linked:
            await registry.give_consent(actor, person_id, registry.ConsentForm(given_on=f"{day(-400):%d.%m.%Y}"))
    return person_id


class School:
    """A regional mentor school with a cohort per completion date, written as the school's own pages would."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.school_id: uuid.UUID | None = None
        self.programme_id: uuid.UUID | None = None

    async def enrol(
        self,
        organization_id: uuid.UUID,
        person_id: uuid.UUID,
        outcome: str | None,
        completed: int,
        audience: str = "mentor",
    ) -> None:
        from shared.db import Scope, current_connection, tenant_transaction

        async with tenant_transaction(Scope.for_region(self.tenant.region_id)):
            db = current_connection()
            if self.school_id is None:
                self.school_id = await db.fetchval(
                    "INSERT INTO mentor_school (region_id, name) VALUES ($1, 'Школа') RETURNING id",
                    self.tenant.region_id,
                )
                self.programme_id = await db.fetchval(
                    """INSERT INTO school_programme (region_id, school_id, title, audience, published, assessment)
                       VALUES ($1, $2, 'Основы', '{mentor}', true, 'none') RETURNING id""",
                    self.tenant.region_id,
                    self.school_id,
                )
            cohort = await db.fetchval(
                """INSERT INTO school_cohort (region_id, school_id, programme_id, title, starts_on, ends_on, capacity)
                   VALUES ($1, $2, $3, 'Поток', $4, $5, 20) RETURNING id""",
                self.tenant.region_id,
                self.school_id,
                self.programme_id,
                day(completed - 30),
                day(completed),
            )
            await db.execute(
                """INSERT INTO school_enrolment (region_id, school_id, cohort_id, organization_id, person_id, audience,
                       full_name, state, outcome, completed_on, hours_attended)
                   VALUES ($1, $2, $3, $4, $5, $6, 'Тест', 'accepted', $7, $8, 18)""",
                self.tenant.region_id,
                self.school_id,
                cohort,
                organization_id,
                person_id,
                audience,
                outcome,
                day(completed) if outcome == "completed" else None,
            )


async def certificate(
    tenant: Tenant,
    organization_id: uuid.UUID,
    person_id: uuid.UUID,
    issued: int,
    valid: int | None,
    *,
    kind: str = "curator",
    revoked: bool = False,
) -> None:
    from shared.db import Scope, current_connection, tenant_transaction

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            """INSERT INTO certificate (region_id, number, kind, organization_id, person_id, holder_name, title,
                   issued_on, valid_until, issuer_name, source_kind, source_id, revoked_at, revoked_reason)
               VALUES ($1, $2, $3, $4, $5, 'Тест', 'Сертификация кураторов', $6, $7, 'Регион',
                   'certification', gen_random_uuid(), $8, $9)""",
            tenant.region_id,
            f"СК-{uuid.uuid4().hex[:10]}",
            kind,
            organization_id,
            person_id,
            day(issued),
            day(valid) if valid is not None else None,
            clock.now() if revoked else None,
            "Выдано ошибочно" if revoked else "",
        )


@pytest.fixture(scope="module")
async def region(app: Any) -> dict[str, Any]:
    """Municipality 1 holds organizations 1 and 3, municipality 2 organization 2; the period is the last 60 days.

    Trained (completed, as a mentor, in the period): A in organization 1 and again in organization 3 (one record,
    linked by СНИЛС); F in organization 2; G in organization 2, a duplicate merged into A. Not counted: B (completed
    100 days ago), C (not completed), D (completed the curators' course). Certified curators (valid today): H in
    organization 1 and again in organization 3; L in organization 2. Not counted: I (expired 10 days ago), J
    (revoked), K (issued in five days), F's training certificate."""
    from services.registry.regional_base import merge
    from shared.actor import Actor
    from shared.db import Scope, tenant_transaction

    tenant = await make_tenant("Обученные")
    m1, m2 = tenant.municipality_id, tenant.other_municipality_id
    o1, o2 = tenant.organization_id, tenant.other_organization_id
    o3 = await add_organization(tenant, m1, "school", "Третья школа")
    a_snils, h_snils = snils(), snils()
    a = await person(tenant, o1, m1, "Анисимова", a_snils)
    assert await person(tenant, o3, m1, "Анисимова", a_snils) == a
    b, c, d = [await person(tenant, o1, m1, name) for name in ("Борисова", "Васильев", "Дмитриева")]
    f = await person(tenant, o2, m2, "Фомина")
    g = await person(tenant, o2, m2, "Анисимова")
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await merge(Actor(None, tenant.region_id, o2), a, g)
    h = await person(tenant, o1, m1, "Харитонова", h_snils)
    assert await person(tenant, o3, m1, "Харитонова", h_snils) == h
    i, j = await person(tenant, o1, m1, "Ильина"), await person(tenant, o1, m1, "Журавлёв")
    k, cur_l = await person(tenant, o3, m1, "Киселёва"), await person(tenant, o2, m2, "Лебедева")

    school = School(tenant)
    await school.enrol(o1, a, "completed", -20)
    await school.enrol(o3, a, "completed", -10)
    await school.enrol(o2, f, "completed", -5)
    await school.enrol(o2, g, "completed", -30)
    await school.enrol(o1, b, "completed", -100)
    await school.enrol(o1, c, "not_completed", -20)
    await school.enrol(o1, d, "completed", -20, audience="curator")
    await certificate(tenant, o1, h, -100, 900)
    await certificate(tenant, o3, h, -50, 1000)
    await certificate(tenant, o2, cur_l, -30, None)
    await certificate(tenant, o1, i, -1200, -10)
    await certificate(tenant, o1, j, -100, 900, revoked=True)
    await certificate(tenant, o3, k, 5, 900)
    await certificate(tenant, o2, f, -5, None, kind="training")
    return {"tenant": tenant, "third": o3, "period": {"starts": day(-60).isoformat(), "ends": TODAY.isoformat()}}


def both(values: dict[str, Any]) -> tuple[int, int]:
    return values["trained_mentors"], values["certified_curators"]


async def test_both_indicators_for_each_organization_municipality_and_the_region(
    app: Any, region: dict[str, Any], smtp: Any
) -> None:
    tenant: Tenant = region["tenant"]
    period = region["period"]
    _, port = smtp
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        own = (await client.get("/api/v1/indicators", params=period)).json()
        assert both(own) == (1, 1)  # A; H
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        third = await counted(app, client, port, {**period, "organization_id": str(region["third"])})
        assert both(third) == (1, 1)  # A again; H again (K's certificate is not issued yet)
        second = await counted(app, client, port, {**period, "organization_id": str(tenant.other_organization_id)})
        assert both(second) == (2, 1)  # F and G-merged-into-A; L (F's is a training certificate)
        first_unit = await counted(app, client, port, {**period, "municipality_id": str(tenant.municipality_id)})
        assert both(first_unit) == (1, 1)  # A and H once each across organizations 1 and 3
        second_unit = await counted(app, client, port, {**period, "municipality_id": str(tenant.other_municipality_id)})
        assert both(second_unit) == (2, 1)
        whole = await counted(app, client, port, period)
        assert both(whole) == (2, 2)  # A and F; H and L
        assert [both(line) for line in whole["breakdown"]] == [(1, 1), (2, 1)]

        page = await client.get("/dashboard", params=period)
        assert page.status_code == 200
        assert "2</a></b>обученных наставника" in page.text and "2</a></b>сертифицированных куратора" in page.text
        assert f"действующий сертификат на {TODAY:%d.%m.%Y}" in page.text
        # The lists behind the numbers: A once (G was merged into A), F; H and L, not the expired or revoked.
        listed = (await client.get("/dashboard/people", params={**period, "key": "trained_mentors"})).text
        assert "Анисимова Тест" in listed and "Фомина Тест" in listed and "Борисова" not in listed
        assert listed.count("Анисимова Тест") == 1
        curators = (await client.get("/dashboard/people", params={**period, "key": "certified_curators"})).text
        assert "Харитонова Тест" in curators and "Лебедева Тест" in curators
        assert "Ильина" not in curators and "Журавлёв" not in curators and "Киселёва" not in curators

        # A period that ended 15 days ago: I's certificate was still valid then, A had not completed in
        # organization 3 yet, and B's completion 100 days ago falls inside.
        earlier = {"starts": day(-1300).isoformat(), "ends": day(-15).isoformat()}
        first = await counted(app, client, port, {**earlier, "organization_id": str(tenant.organization_id)})
        assert both(first) == (2, 2)  # A and B; H and I

        started = await client.post("/api/v1/exports", json={"kind": "indicators", "format": "csv", **period})
        assert started.status_code == 202, started.text
        await run_worker(app, port)
        text = (await client.get(started.json()["download"])).content.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text), delimiter=";"))
        trained, certified = table[0].index("Обученных наставников"), table[0].index("Сертифицированных кураторов")
        rows = {row[1]: (row[trained], row[certified]) for row in table[1:]}
        assert rows["Третья школа"] == ("1", "1")
        assert sorted(rows.values()) == [("1", "1"), ("1", "1"), ("2", "1")]


async def test_a_programme_binds_the_counted_indicators(app: Any, region: dict[str, Any]) -> None:
    tenant: Tenant = region["tenant"]
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        prog = await programme(client)  # 60 days ago to 300 days ahead: certificates are taken as of today
        saved = await client.put(
            f"/api/v1/programmes/{prog['id']}/steps/results",
            json={
                "results": [
                    {"indicator": "trained_mentors", "title": "", "baseline": "0", "target": "5"},
                    {"indicator": "certified_curators", "title": "", "baseline": "0", "target": "2"},
                ],
                "qualitative_results": "",
            },
        )
        assert saved.status_code == 200, saved.text
        read = (await client.get(f"/api/v1/programmes/{prog['id']}")).json()
        assert [(r["indicator"], r["title"]) for r in read["results"]] == [
            ("trained_mentors", "Обученных наставников"),
            ("certified_curators", "Сертифицированных кураторов"),
        ]
        assert (read["indicators"]["trained_mentors"], read["indicators"]["certified_curators"]) == (1, 1)
        card = await client.get(f"/programmes/{prog['id']}")
        assert card.status_code == 200 and "Обученных наставников" in card.text
