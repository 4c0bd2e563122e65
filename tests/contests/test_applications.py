"""Applications: eligibility checked against the platform's data, the consent gate (the nominee's, and a minor
mentee's representative's), completeness, the deadline, sending into the first stage's panel, withdrawal."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from services.contests import applications, eligibility
from services.contests.records import entries_of, get_application, get_nomination
from services.reports import count_region
from shared import clock
from shared.actor import Actor
from shared.db import Scope, current_connection, tenant_transaction
from shared.errors import ValidationFailed
from tests import factories
from tests.contests.factories_jury import JuryContest, make_jury_contest
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant


async def sql(tenant: Tenant, query: str, *args: Any) -> Any:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return await current_connection().fetchval(query, *args)


async def person(
    tenant: Tenant, surname: str, role: str | None, *, experience: int | None = None, born: date | None = None
) -> uuid.UUID:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        person_id: uuid.UUID = await db.fetchval(
            """INSERT INTO person (region_id, organization_id, surname, name, category, sort_key, teaching_experience,
                   birth_date)
               VALUES ($1, $2, $3, 'Анна', 'staff', '\\x00', $4, $5) RETURNING id""",
            tenant.region_id,
            tenant.organization_id,
            surname,
            experience,
            born,
        )
        if role:
            await db.execute(
                """INSERT INTO participation (region_id, organization_id, person_id, role, since)
                   VALUES ($1, $2, $3, $4, current_date - 400)""",
                tenant.region_id,
                tenant.organization_id,
                person_id,
                role,
            )
    return person_id


async def draft(tenant: Tenant, contest: JuryContest, nominee: uuid.UUID, **values: Any) -> uuid.UUID:
    columns = ", ".join(values)
    placeholders = ", ".join(f"${i + 8}" for i in range(len(values)))
    extra = f", {columns}" if values else ""
    extra_values = f", {placeholders}" if values else ""
    application_id: uuid.UUID = await sql(
        tenant,
        f"""INSERT INTO contest_application (region_id, contest_id, nomination_id, organization_id, municipality_id,
               person_id, full_name{extra})
           VALUES ($1, $2, $3, $4, $5, $6, $7{extra_values}) RETURNING id""",
        tenant.region_id,
        contest.contest_id,
        contest.nomination_id,
        tenant.organization_id,
        tenant.municipality_id,
        nominee,
        "Номинантова Анна",
        *values.values(),
    )
    return application_id


async def accepting(tenant: Tenant, contest: JuryContest) -> None:
    await sql(
        tenant,
        """UPDATE contest_stage SET applications_from = current_date - 5, applications_until = current_date + 5,
               review_from = current_date + 6 WHERE id = $1""",
        contest.municipal_stage_id,
    )


@pytest.fixture
async def tenant(app: Any) -> Tenant:
    return await make_tenant("Заявки")


async def checks(tenant: Tenant, contest: JuryContest, nominee: uuid.UUID) -> dict[str, bool]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        nomination = await get_nomination(contest.nomination_id)
        result = await eligibility.check(nomination, nominee, 2026, date(2026, 3, 15))
    return {c.key: c.passed for c in result.checks}


async def test_eligibility_follows_the_nominations_rules(app: Any, tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=0, jurors=1)
    await sql(
        tenant,
        """UPDATE contest_nomination SET min_experience_years = 3, pair_completed_in_year = true,
               approved_programme = true, min_age = 25, max_age = 60 WHERE id = $1""",
        contest.nomination_id,
    )
    assert await checks(tenant, contest, await person(tenant, "Никто", None)) == {
        "roles": False,
        "experience": False,
        "pair_completed": False,
        "programme": False,
        "age": False,
    }
    young = await person(tenant, "Молодая", "mentor", experience=2, born=date(2001, 3, 16))  # 24 on 15.03.2026
    assert await checks(tenant, contest, young) == {
        "roles": True,
        "experience": False,
        "pair_completed": False,
        "programme": False,
        "age": False,
    }
    async with make_client(app) as client:
        assert (await login_api(client, tenant.curator, PASSWORD)).status_code == 200
        prog = await factories.programme(client)
        mentor = await factories.person(client, "Опытная", "mentor", teaching_experience=12, birth_date="15.03.2001")
        mentee = await factories.person(client, "Ученица", "mentee_candidate")
        pair = await factories.active_pair(client, prog, mentor, [mentee])
    mentor_id = uuid.UUID(mentor)
    await sql(
        tenant, "UPDATE mentorship SET status = 'completed', finished_on = '2025-12-20' WHERE id = $1", uuid.UUID(pair)
    )
    assert (await checks(tenant, contest, mentor_id))["pair_completed"] is False  # another year
    await sql(tenant, "UPDATE mentorship SET finished_on = '2026-05-20' WHERE id = $1", uuid.UUID(pair))
    found = await checks(tenant, contest, mentor_id)
    assert found["roles"] and found["experience"] and found["pair_completed"] and found["age"]  # 25 on the day
    await sql(tenant, "UPDATE programme SET approved_order_id = gen_random_uuid() WHERE id = $1", uuid.UUID(prog["id"]))
    assert all((await checks(tenant, contest, mentor_id)).values())

    # The mentor rating as a condition: not counted yet, then below and at the minimum.
    await sql(tenant, "UPDATE contest_nomination SET min_rating_points = 10 WHERE id = $1", contest.nomination_id)
    assert (await checks(tenant, contest, mentor_id))["rating"] is False
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await count_region(tenant.region_id)  # 0 meetings, the pair completed: 10 points by the default rules
        nomination = await get_nomination(contest.nomination_id)
        result = await eligibility.check(nomination, mentor_id, 2026, date(2026, 3, 15))
    assert result.eligible and "Рейтинг наставника: 10 баллов" in [c.text for c in result.checks]
    await sql(tenant, "UPDATE contest_nomination SET min_rating_points = 12.5 WHERE id = $1", contest.nomination_id)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        nomination = await get_nomination(contest.nomination_id)
        result = await eligibility.check(nomination, mentor_id, 2026, date(2026, 3, 15))
    assert result.problems == ["Рейтинг наставника: 10 баллов, нужно не меньше 12,5 балла"]


async def test_nothing_is_sent_without_consent_and_a_minor_needs_a_representative(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=0, jurors=1)
    await accepting(tenant, contest)
    nominee = await person(tenant, "Номинантова", "mentor")
    minor = await person(tenant, "Ученик", None, born=date(2012, 1, 1))
    application = await draft(tenant, contest, nominee, mentee_person_id=minor, essay="Моя история наставника")
    actor = Actor(None, tenant.region_id, tenant.organization_id)
    scope = Scope.for_region(tenant.region_id)
    async with tenant_transaction(scope):
        with pytest.raises(ValidationFailed) as refused:
            await applications.submit(actor, application, clock.today())
    assert set(refused.value.errors) == {"participation_consent_on", "representative_name"}
    with pytest.raises(Exception, match="check"):  # the database refuses it too
        await sql(tenant, "UPDATE contest_application SET state = 'submitted' WHERE id = $1", application)
    await sql(
        tenant,
        """UPDATE contest_application SET participation_consent_on = current_date,
               representative_name = 'Ученикова М. П.', representative_consent_on = current_date WHERE id = $1""",
        application,
    )
    async with tenant_transaction(scope):
        entry_id = await applications.submit(actor, application, clock.today())
        entries = await entries_of(contest.panel_id)  # the municipal panel of the nominee's municipality
        assert [e.id for e in entries] == [entry_id]
        assert (await get_application(application)).state == "submitted"
        with pytest.raises(ValidationFailed):
            await applications.submit(actor, application, clock.today())  # once
        await applications.withdraw(actor, application, "Номинант заболел")
        assert [e.state for e in await entries_of(contest.panel_id)] == ["withdrawn"]


async def test_completeness_and_the_deadline(tenant: Tenant) -> None:
    contest = await make_jury_contest(tenant, entries=0, jurors=1)  # the first stage closed ten days ago
    nominee = await person(tenant, "Опоздавшая", "mentor")
    application = await draft(tenant, contest, nominee, participation_consent_on=clock.today())
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        found = await applications.problems(await get_application(application), clock.today())
    assert found["state"].startswith("Приём заявок завершён") and "essay" in found
