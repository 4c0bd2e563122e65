"""«Участников конкурсов» and «Желающих участвовать» computed by hand: one person once, per organization,
municipality and region, within the period."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from services.reports.indicators import Period, Reach, contest_indicators
from shared.db import Scope, current_connection, tenant_transaction
from tests.helpers import make_tenant

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


async def _person(db: Any, region_id: uuid.UUID, organization_id: uuid.UUID, surname: str) -> uuid.UUID:
    value: uuid.UUID = await db.fetchval(
        """INSERT INTO person (region_id, organization_id, surname, name, category, sort_key)
           VALUES ($1, $2, $3, 'Анна', 'staff', '\\x00') RETURNING id""",
        region_id,
        organization_id,
        surname,
    )
    return value


async def test_applicants_and_wishing_are_counted_once(app: Any) -> None:
    tenant = await make_tenant("Показатели конкурсов")
    r, org, mun = tenant.region_id, tenant.organization_id, tenant.municipality_id
    other_org, other_mun = tenant.other_organization_id, tenant.other_municipality_id
    async with tenant_transaction(Scope.for_region(r)):
        db = current_connection()
        contest = await db.fetchval(
            """INSERT INTO contest (region_id, level, title, year, status)
               VALUES ($1, 'region', 'Наставник года', 2026, 'announced') RETURNING id""",
            r,
        )
        nominations = [
            await db.fetchval(
                """INSERT INTO contest_nomination (region_id, contest_id, kind, title, roles)
                   VALUES ($1, $2, $3, $4, '{mentor}') RETURNING id""",
                r,
                contest,
                kind,
                title,
            )
            for kind, title in (("mentor_of_year", "Наставник года"), ("best_pair", "Лучшая пара"))
        ]
        anna = await _person(db, r, org, "Первая")
        boris = await _person(db, r, org, "Второй")
        vera = await _person(db, r, other_org, "Третья")
        rows = [
            (nominations[0], org, mun, anna, "submitted", "2026-03-01"),
            (nominations[1], org, mun, anna, "submitted", "2026-03-02"),  # the same person twice: once
            (nominations[0], org, mun, boris, "draft", None),  # not sent: not counted
            (nominations[0], other_org, other_mun, vera, "submitted", "2025-12-30"),  # before the period
        ]
        for nomination, organization, municipality, person, state, sent in rows:
            await db.execute(
                """INSERT INTO contest_application (region_id, contest_id, nomination_id, organization_id,
                       municipality_id, person_id, full_name, state, submitted_at, participation_consent_on)
                   VALUES ($1, $2, $3, $4, $5, $6, 'Тестовый', $7, $8::date, current_date)""",
                r,
                contest,
                nomination,
                organization,
                municipality,
                person,
                state,
                date.fromisoformat(sent) if sent else None,
            )
        wishes: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID | None, str, str]] = [
            (org, mun, None, "a@school.ru", "mentor_of_year"),
            (org, mun, None, "A@school.ru", "mentor_of_year"),  # the same e-mail: once
            (org, mun, anna, "", "curator_of_year"),
            (other_org, other_mun, None, "b@school.ru", "mentor_of_year"),
        ]
        for organization, municipality, wisher, email, kind in wishes:
            await db.execute(
                """INSERT INTO contest_wish (region_id, contest_id, nomination_kind, organization_id, municipality_id,
                       person_id, full_name, email, created_at)
                   VALUES ($1, $2, $3, $4, $5, $6, 'Желающий', $7, '2026-04-01')""",
                r,
                contest,
                kind,
                organization,
                municipality,
                wisher,
                email,
            )
        assert await contest_indicators(Reach(org, None), YEAR) == (1, 2)
        assert await contest_indicators(Reach(None, mun), YEAR) == (1, 2)
        assert await contest_indicators(Reach(None, other_mun), YEAR) == (0, 1)
        assert await contest_indicators(Reach(), YEAR) == (1, 3)
        assert await contest_indicators(Reach(), Period(date(2025, 1, 1), date(2026, 12, 31))) == (2, 3)
