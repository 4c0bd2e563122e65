"""The aggregated base of curators, mentors and mentees (003 stage 4): curators with accounts and people wishing
to become curators are in it, per organization, municipality and region, each person once."""

from __future__ import annotations

from typing import Any

from services.registry.regional_base import aggregated_base
from shared.db import Scope, tenant_transaction
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant
from tests.registry.test_people_rules import add_person, consent, unique_snils


async def test_curators_and_candidates_are_counted_once(app: Any) -> None:
    tenant: Tenant = await make_tenant("База")
    snils = unique_snils()
    async with make_client(app) as first:
        await login_api(first, tenant.curator, PASSWORD)
        assert (await first.get("/people")).status_code == 200  # the curator's first visit: their own record
        curators = (await first.get("/api/v1/people", params={"base": "curators"})).json()["items"]
        assert [(c["surname"], c["name"]) for c in curators] == [("Тестов", "curator")]
        both = await add_person(
            first,
            surname="Многоролева",
            snils=snils,
            birth_date="1980-05-05",
            roles=["mentor_candidate", "curator_candidate"],
        )
        await consent(first, both)
        await add_person(
            first, surname="Ученикова", category="learner", birth_date="2012-01-01", roles=["mentee_candidate"]
        )
    async with make_client(app) as second:
        await login_api(second, tenant.other_curator, PASSWORD)
        linked = await add_person(
            second, surname="Многоролева", snils=snils, birth_date="1980-05-05", roles=["mentee_candidate", "curator"]
        )
        assert linked == both
    async with make_client(app) as again:  # a second visit adds no one
        await login_api(again, tenant.curator, PASSWORD)
        assert (await again.get("/people")).status_code == 200
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        base = await aggregated_base()
    first_municipality, second_municipality = sorted(base.municipalities, key=lambda m: m.municipality)
    [school] = first_municipality.organizations
    assert (school.counts.curators, school.counts.curator_candidates, school.counts.mentors) == (1, 1, 1)
    assert (school.counts.mentees, school.counts.people) == (1, 3)
    [other] = second_municipality.organizations
    assert (other.counts.curators, other.counts.mentees, other.counts.people) == (1, 1, 1)
    region = base.region
    assert (region.curators, region.curator_candidates, region.mentors, region.mentees) == (2, 1, 1, 2)
    assert region.people == 3  # Многоролева is a candidate, a mentor candidate, a curator and a mentee: once
    async with make_client(app) as coordinator:
        await login_api(coordinator, tenant.regional, PASSWORD)
        page = (await coordinator.get("/regional-base")).text
        assert "Желают стать куратором" in page and "<b>3</b>участника (каждый один раз)" in page


async def test_the_bases_link_to_the_import(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        for base in ("mentees", "mentors"):
            listed = (await client.get(f"/people?base={base}")).text
            assert 'href="/people/import"' in listed, base
        assert (await client.get("/people/import")).status_code == 200
    async with make_client(app) as client:
        await login_api(client, tenant_a.municipal, PASSWORD)  # reads the bases, imports nothing
        assert 'href="/people/import"' not in (await client.get("/people?base=mentees")).text
