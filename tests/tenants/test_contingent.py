"""The contingent: entered by the curator or head (page and API), checked field by field, seen and corrected by
the coordinators whose scope holds the organization, hidden from everyone else, and written to the audit log."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from shared.clock import school_year, today
from shared.db import Scope, current_connection, tenant_transaction
from shared.errors import ValidationFailed
from tenants.contingent import ContingentForm, clean_contingent
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, post_form

YEAR = school_year(today())[0].year
GOOD = {"learners_total": 540, "learners_10_18": 410, "teachers": 48, "young_specialists": 6}


def url(tenant: Tenant, year: int = YEAR) -> str:
    return f"/api/v1/organizations/{tenant.organization_id}/contingent/{year}"


async def test_curator_enters_the_contingent_on_its_page_and_the_card_shows_it(app: Any, fresh: Tenant) -> None:
    page_url = f"/organizations/{fresh.organization_id}/contingent"
    async with make_client(app) as curator:
        await login_page(curator, fresh.curator, PASSWORD)
        home = await curator.get("/workspace")
        assert page_url in home.text
        empty = await curator.get(page_url)
        assert empty.status_code == 200 and "нет данных о контингенте" in empty.text
        grades = {f"grade_{n}": "50" for n in range(1, 11)} | {"grade_11": "40"}
        saved = await post_form(
            curator, page_url, {"school_year": str(YEAR), **{k: str(v) for k, v in GOOD.items()}, **grades}
        )
        assert saved.status_code == 303, saved.text
        shown = await curator.get(saved.headers["location"])
        assert "Контингент сохранён" in shown.text and "540" in shown.text
        api = (await curator.get(url(fresh))).json()
        assert api["has_data"] is True and api["learners_10_18"] == 410
        assert api["learners_by_grade"]["11"] == 40 and sum(api["learners_by_grade"].values()) == 540
    async with make_client(app) as regional:
        await login_page(regional, fresh.regional, PASSWORD)
        card = await regional.get(f"/organizations/{fresh.organization_id}")
        assert "Контингент" in card.text and "540" in card.text
        other = await regional.get(f"/organizations/{fresh.other_organization_id}")
        assert "нет данных о контингенте" in other.text


async def test_the_page_names_each_problem_at_its_field_and_saves_nothing(app: Any, fresh: Tenant) -> None:
    page_url = f"/organizations/{fresh.organization_id}/contingent"
    async with make_client(app) as head:
        await login_page(head, fresh.head, PASSWORD)
        bad = await post_form(
            head,
            page_url,
            {
                "school_year": str(YEAR - 3),
                "learners_total": "100",
                "learners_10_18": "120",
                "teachers": "-4",
                "young_specialists": "2",
                "grade_1": "30",
                "grade_2": "30",
            },
        )
        assert bad.status_code == 422
        assert "Выберите учебный год" in bad.text
        assert "Не больше, чем обучающихся всего (100)" in bad.text
        assert "Укажите целое неотрицательное число" in bad.text
        assert 'id="e-learners_10_18"' in bad.text and 'id="e-teachers"' in bad.text
        sums = await post_form(
            head,
            page_url,
            {
                "school_year": str(YEAR - 1),
                "learners_total": "100",
                "learners_10_18": "80",
                "teachers": "10",
                "young_specialists": "11",
                "grade_1": "30",
                "grade_2": "30",
            },
        )
        assert sums.status_code == 422
        assert "Сумма по классам (60) не равна числу обучающихся всего (100)" in sums.text
        assert "Не больше, чем педагогических работников (10)" in sums.text
        assert (await head.get(url(fresh, YEAR - 1))).json()["has_data"] is False


async def test_the_api_checks_the_same_rules_and_names_the_field(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        assert (await curator.get(url(fresh))).json() == {
            "organization_id": str(fresh.organization_id),
            "school_year": YEAR,
            "school_year_label": f"{YEAR}/{(YEAR + 1) % 100:02d}",
            "has_data": False,
            "learners_total": None,
            "learners_10_18": None,
            "learners_by_grade": {},
            "teachers": None,
            "young_specialists": None,
        }
        missing = await curator.put(url(fresh), json={"learners_10_18": 5})
        assert missing.status_code == 400
        assert set(missing.json()["errors"]) == {"learners_total", "teachers"}
        grades = await curator.put(url(fresh), json={**GOOD, "learners_by_grade": {"5": 100, "6": -1}})
        assert grades.status_code == 400 and "learners_by_grade" in grades.json()["errors"]
        old = await curator.put(url(fresh, YEAR - 2), json=GOOD)
        assert old.status_code == 400 and "school_year" in old.json()["errors"]
        saved = await curator.put(url(fresh, YEAR - 1), json=GOOD)
        assert saved.status_code == 200 and saved.json()["learners_total"] == 540
        assert (await curator.get(url(fresh, YEAR - 1))).json()["teachers"] == 48
        assert (await curator.get(url(fresh))).json()["has_data"] is False  # another year
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        details = await current_connection().fetch(
            "SELECT details FROM audit_log WHERE action = 'contingent' AND organization_id = $1",
            fresh.organization_id,
        )
    assert len(details) == 1  # the refused ones wrote nothing
    assert "обучающихся всего: — → 540" in details[0]["details"]
    async with make_client(app) as regional:
        await login_page(regional, fresh.regional, PASSWORD)
        log = await regional.get("/audit", params={"action": "contingent"})
        assert "контингент организации" in log.text and "— → 540" in log.text


async def test_who_sees_and_changes_whose_contingent(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as other:
        await login_api(other, fresh.other_curator, PASSWORD)
        assert (await other.get(url(fresh))).status_code == 404
        assert (await other.put(url(fresh), json=GOOD)).status_code == 404
        assert (await other.get(f"/organizations/{fresh.organization_id}/contingent")).status_code == 404
    async with make_client(app) as mentor:
        await login_api(mentor, fresh.mentor, PASSWORD)
        assert (await mentor.get(url(fresh))).status_code == 403
    async with make_client(app) as municipal:
        await login_api(municipal, fresh.municipal, PASSWORD)
        assert (await municipal.put(url(fresh), json=GOOD)).status_code == 200
        neighbour = f"/api/v1/organizations/{fresh.other_organization_id}/contingent/{YEAR}"
        assert (await municipal.put(neighbour, json=GOOD)).status_code == 404
    async with make_client(app) as regional:
        await login_api(regional, fresh.regional, PASSWORD)
        neighbour = f"/api/v1/organizations/{fresh.other_organization_id}/contingent/{YEAR}"
        changed = await regional.put(neighbour, json={**GOOD, "teachers": 50})
        assert changed.status_code == 200 and changed.json()["teachers"] == 50
        assert (await regional.get(url(fresh))).json()["learners_total"] == 540


def test_a_college_counts_by_course_and_a_centre_needs_no_10_18() -> None:
    org = uuid.uuid4()
    courses = {"1": "200", "2": "180", "3": "150", "4": "120"}
    record = clean_contingent("college", org, ContingentForm(str(YEAR), "650", "", "60", "", courses), [YEAR, YEAR - 1])
    assert record.learners_by_grade == {"1": 200, "2": 180, "3": 150, "4": 120} and record.learners_10_18 is None
    with pytest.raises(ValidationFailed) as wrong:
        clean_contingent("college", org, ContingentForm(str(YEAR), "700", "", "60", "", courses), [YEAR])
    assert wrong.value.errors["learners_by_grade"] == "Сумма по курсам (650) не равна числу обучающихся всего (700)"
    with pytest.raises(ValidationFailed) as fifth:
        clean_contingent("college", org, ContingentForm(str(YEAR), "650", "", "60", "", {**courses, "5": "1"}), [YEAR])
    assert fifth.value.errors["learners_by_grade"] == "Курсы — от 1 до 4"
    with pytest.raises(ValidationFailed) as school:
        clean_contingent("school", org, ContingentForm(str(YEAR), "650", "", "60", "abc"), [YEAR])
    assert school.value.errors == {"learners_10_18": "Укажите число", "young_specialists": "Укажите целое число"}
    centre = clean_contingent("additional", org, ContingentForm(str(YEAR), "1200", "", "40", "3"), [YEAR])
    assert centre.learners_by_grade == {} and centre.young_specialists == 3
