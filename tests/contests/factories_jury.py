"""A contest ready for the jury, by direct inserts in the region's scope: two stages (municipal, regional), one
nomination with weighted criteria, the municipal panel of the tenant's first municipality with jurors who have
accounts, and submitted applications of the tenant's organizations with entries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from shared.db import Level, Scope, current_connection, tenant_transaction
from tenants import logic
from tenants.roles import Role
from tests.helpers import PASSWORD, Tenant


@dataclass
class JuryContest:
    contest_id: uuid.UUID
    nomination_id: uuid.UUID
    municipal_stage_id: uuid.UUID
    regional_stage_id: uuid.UUID
    panel_id: uuid.UUID  # the municipal panel of the tenant's first municipality
    regional_panel_id: uuid.UUID
    criteria: list[uuid.UUID]  # the first is the tie-break criterion
    jurors: list[tuple[str, uuid.UUID, uuid.UUID]] = field(default_factory=list)  # (e-mail, user id, juror id)
    entries: list[uuid.UUID] = field(default_factory=list)
    applications: list[uuid.UUID] = field(default_factory=list)


async def _person(db: Any, tenant: Tenant, organization_id: uuid.UUID, surname: str) -> uuid.UUID:
    value: uuid.UUID = await db.fetchval(
        """INSERT INTO person (region_id, organization_id, surname, name, category, sort_key)
           VALUES ($1, $2, $3, 'Анна', 'staff', '\\x00') RETURNING id""",
        tenant.region_id,
        organization_id,
        surname,
    )
    return value


async def juror_account(tenant: Tenant, label: str) -> tuple[str, uuid.UUID]:
    email = f"juror-{label}-{uuid.uuid4().hex[:6]}@test.local"
    async with tenant_transaction(Scope(Level.platform)):
        user_id = await logic.ensure_user(email, PASSWORD, "Жюри", label)
        await logic.ensure_membership(user_id, Role.juror, tenant.region_id, None, None)
    return email, user_id


async def add_juror(
    tenant: Tenant,
    contest: JuryContest,
    panel_id: uuid.UUID,
    label: str,
    *,
    chair: bool = False,
    organization_id: uuid.UUID | None = None,
    municipality_id: uuid.UUID | None = None,
) -> tuple[str, uuid.UUID, uuid.UUID]:
    email, user_id = await juror_account(tenant, label)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        juror_id: uuid.UUID = await current_connection().fetchval(
            """INSERT INTO contest_juror (region_id, contest_id, panel_id, user_id, full_name, is_chair,
                   organization_id, municipality_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""",
            tenant.region_id,
            contest.contest_id,
            panel_id,
            user_id,
            f"Жюри {label}",
            chair,
            organization_id,
            municipality_id,
        )
    seat = (email, user_id, juror_id)
    if panel_id == contest.panel_id:
        contest.jurors.append(seat)
    return seat


async def make_jury_contest(
    tenant: Tenant, *, entries: int = 3, jurors: int = 3, advance: int = 2, weights: tuple[str, ...] = ("1", "1")
) -> JuryContest:
    r = tenant.region_id
    async with tenant_transaction(Scope.for_region(r)):
        db = current_connection()
        contest_id = await db.fetchval(
            """INSERT INTO contest (region_id, level, title, year, status)
               VALUES ($1, 'region', 'Наставник года — 2026', 2026, 'announced') RETURNING id""",
            r,
        )
        nomination_id = await db.fetchval(
            """INSERT INTO contest_nomination (region_id, contest_id, kind, title, roles)
               VALUES ($1, $2, 'mentor_of_year', 'Наставник года', '{mentor}') RETURNING id""",
            r,
            contest_id,
        )
        stage_ids = []
        for position, level, n in ((1, "municipality", advance), (2, "region", None)):
            stage_ids.append(
                await db.fetchval(
                    """INSERT INTO contest_stage (region_id, contest_id, position, level, applications_from,
                           applications_until, review_from, review_until, results_on, advance_count)
                       VALUES ($1, $2, $3, $4, current_date - 30, current_date - 10, current_date - 10,
                           current_date + 10, current_date + 20, $5) RETURNING id""",
                    r,
                    contest_id,
                    position,
                    level,
                    n,
                )
            )
        criteria = []
        for stage_id in stage_ids:
            for index, weight in enumerate(weights):
                criterion = await db.fetchval(
                    """INSERT INTO contest_criterion (region_id, contest_id, stage_id, nomination_id, position, title,
                           max_points, weight, tie_break)
                       VALUES ($1, $2, $3, $4, $5, $6, 10, $7::numeric, $8) RETURNING id""",
                    r,
                    contest_id,
                    stage_id,
                    nomination_id,
                    index,
                    f"Критерий {index + 1}",
                    weight,
                    index == 0,
                )
                if stage_id == stage_ids[0]:
                    criteria.append(criterion)
        panel_id = await db.fetchval(
            """INSERT INTO contest_panel (region_id, contest_id, stage_id, nomination_id, level, municipality_id)
               VALUES ($1, $2, $3, $4, 'municipality', $5) RETURNING id""",
            r,
            contest_id,
            stage_ids[0],
            nomination_id,
            tenant.municipality_id,
        )
        regional_panel_id = await db.fetchval(
            """INSERT INTO contest_panel (region_id, contest_id, stage_id, nomination_id, level)
               VALUES ($1, $2, $3, $4, 'region') RETURNING id""",
            r,
            contest_id,
            stage_ids[1],
            nomination_id,
        )
        contest = JuryContest(
            contest_id, nomination_id, stage_ids[0], stage_ids[1], panel_id, regional_panel_id, criteria
        )
        for n in range(entries):
            person = await _person(db, tenant, tenant.organization_id, f"Участникова{n}")
            application = await db.fetchval(
                """INSERT INTO contest_application (region_id, contest_id, nomination_id, organization_id,
                       municipality_id, person_id, full_name, state, participation_consent_on, publication_consent)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted', current_date, true) RETURNING id""",
                r,
                contest_id,
                nomination_id,
                tenant.organization_id,
                tenant.municipality_id,
                person,
                f"Участникова{n} Анна",
            )
            entry = await db.fetchval(
                """INSERT INTO contest_entry (region_id, contest_id, panel_id, stage_id, nomination_id,
                       application_id, organization_id, municipality_id)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""",
                r,
                contest_id,
                panel_id,
                stage_ids[0],
                nomination_id,
                application,
                tenant.organization_id,
                tenant.municipality_id,
            )
            contest.applications.append(application)
            contest.entries.append(entry)
    for n in range(jurors):
        await add_juror(
            tenant, contest, panel_id, f"{n + 1}", chair=n == 0, municipality_id=tenant.other_municipality_id
        )
    return contest


async def nominate(tenant: Tenant, application_id: uuid.UUID, person_id: uuid.UUID) -> None:
    """The application made for a given person of the base (the factory's nominees have no consent)."""
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE contest_application SET person_id = $2 WHERE id = $1", application_id, person_id
        )


async def advance_entry(tenant: Tenant, contest: JuryContest, entry_id: uuid.UUID) -> uuid.UUID:
    """The entry's next-stage entry in the regional panel, as finishing the municipal panel makes it."""
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        value: uuid.UUID = await current_connection().fetchval(
            """INSERT INTO contest_entry (region_id, contest_id, panel_id, stage_id, nomination_id, application_id,
                   organization_id, municipality_id, from_entry_id)
               SELECT region_id, contest_id, $2, $3, nomination_id, application_id, organization_id,
                   municipality_id, id
               FROM contest_entry WHERE id = $1 RETURNING id""",
            entry_id,
            contest.regional_panel_id,
            contest.regional_stage_id,
        )
    return value


async def close_panel(
    tenant: Tenant,
    panel_id: uuid.UUID,
    outcomes: dict[uuid.UUID, tuple[str, int | None]],
    *,
    publish: bool = True,
    audience_prize: uuid.UUID | None = None,
) -> None:
    """The panel finished (and its results published), each entry given its state and place in rank order, as
    ranking.finish_panel and publish_results leave them."""
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        for rank, (entry_id, (state, place)) in enumerate(outcomes.items(), start=1):
            await db.execute(
                """UPDATE contest_entry SET state = $2, place = $3, rank = $4, audience_prize = $5
                   WHERE id = $1""",
                entry_id,
                state,
                place,
                rank,
                entry_id == audience_prize,
            )
        await db.execute(
            """UPDATE contest_panel SET status = 'finished', finished_at = now(),
                   results_published_at = CASE WHEN $2 THEN now() END WHERE id = $1""",
            panel_id,
            publish,
        )
