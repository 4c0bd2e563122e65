"""The demo region's contingents (every school, college and centre, this school year and the last) and its sample
import file, which passes the organizations' import preview against the demo region."""

from __future__ import annotations

from typing import Any

from shared.clock import school_year, today
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.settings import ROOT
from shared.tabular import ImportLimits, read_table
from tenants.demo import seed_demo
from tenants.organization_import import check_against_region, prepare

YEAR = school_year(today())[0].year
SAMPLE = ROOT / "tenants" / "demo" / "organizations.csv"


async def seed_demo_region() -> Any:
    """The tenants' part of `seed-demo` (idempotent, as the whole command is)."""
    async with tenant_transaction(Scope(Level.platform)):
        return await seed_demo()


async def test_every_teaching_organization_of_the_demo_has_its_contingent(app: Any) -> None:
    region_id = await seed_demo_region()
    async with tenant_transaction(Scope.for_region(region_id)):
        rows = await current_connection().fetch(
            """SELECT o.short_name, o.kind, c.school_year, c.learners_total, c.learners_10_18, c.learners_by_grade::text
                      AS grades, c.teachers, c.young_specialists
               FROM organization o LEFT JOIN organization_contingent c
                    ON c.region_id = o.region_id AND c.organization_id = o.id
               WHERE o.region_id = $1 AND o.inn LIKE '041_0000__'""",
            region_id,
        )
    by_name: dict[str, dict[int, Any]] = {}
    for row in rows:
        by_name.setdefault(row["short_name"], {})[row["school_year"]] = row
    teaching = {
        name
        for name, years in by_name.items()
        if any(r["kind"] in ("school", "college", "additional") for r in years.values())
    }
    assert len(teaching) == 10
    for name in teaching:
        assert set(by_name[name]) == {YEAR, YEAR - 1}, name
        for record in by_name[name].values():
            assert record["learners_10_18"] <= record["learners_total"]
            assert record["young_specialists"] <= record["teachers"]
    school = by_name["МБОУ «СОШ № 1»"][YEAR]
    assert (school["learners_total"], school["learners_10_18"], school["teachers"]) == (665, 393, 52)
    assert '"11": 26' in school["grades"]
    college = by_name["ГПОУ «Светлогорский политехнический колледж»"][YEAR]
    assert college["learners_total"] == 785 and college["grades"].count(":") == 4
    assert by_name["МБОУ «СОШ № 1»"][YEAR - 1]["learners_total"] != 665
    bodies = [years for years in by_name.values() if all(r["kind"] == "municipal_body" for r in years.values())]
    assert bodies and all(set(years) == {None} for years in bodies)  # no learners of their own: no contingent


async def test_the_sample_import_file_passes_the_preview_against_the_demo(app: Any) -> None:
    region_id = await seed_demo_region()
    prepared = prepare(read_table(SAMPLE.read_bytes(), ImportLimits(1000, 10 * 1024 * 1024)), YEAR)
    assert prepared.report.errors == [] and prepared.report.valid == 5
    async with tenant_transaction(Scope.for_region(region_id)):
        await check_against_region(prepared, create_missing=True)
    assert prepared.report.ok, prepared.report.errors
    assert prepared.report.new_municipalities == ["Заречный муниципальный округ"]
    assert prepared.report.invitations == 7  # three curators, four heads
