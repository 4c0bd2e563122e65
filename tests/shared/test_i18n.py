from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.i18n import format_date, format_datetime, parse_date, plural, sorted_ru
from tests.helpers import PASSWORD, Tenant, login_api, make_client


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (1, "организация"),
        (2, "организации"),
        (4, "организации"),
        (5, "организаций"),
        (11, "организаций"),
        (12, "организаций"),
        (14, "организаций"),
        (21, "организация"),
        (22, "организации"),
        (111, "организаций"),
        (0, "организаций"),
    ],
)
def test_russian_plurals(n: int, word: str) -> None:
    assert plural(n, "организация", "организации", "организаций") == word


def test_dates_are_dd_mm_yyyy() -> None:
    assert format_date(date(2026, 9, 1)) == "01.09.2026"
    assert format_datetime(datetime(2026, 3, 30, 21, 30, tzinfo=UTC)) == "31.03.2026 00:30"  # Moscow time
    assert parse_date(" 30.09.2026 ") == date(2026, 9, 30)
    assert parse_date("2026-09-30") == date(2026, 9, 30)  # as the API sends it
    assert parse_date("1.9.26") == parse_date("01/09/2026") == date(2026, 9, 1)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31.02.2011", "Такой даты нет: 31.02.2011"),
        ("29.02.2023", "Такой даты нет: 29.02.2023"),
        ("2011-02-31", "Такой даты нет: 2011-02-31"),
        ("00.01.2011", "Такой даты нет: 00.01.2011"),
        ("12.13.2011", "Такой даты нет: 12.13.2011"),
        ("31 февраля", "Дата в формате дд.мм.гггг"),
        ("2011.02.28", "Дата в формате дд.мм.гггг"),
        ("١٢.٠٤.٢٠١١", "Дата в формате дд.мм.гггг"),  # digits of another script
    ],
)
def test_an_impossible_date_is_told_apart_from_a_wrong_format(typed: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_date(typed)
    assert str(refused.value) == message
    assert parse_date("29.02.2024") == date(2024, 2, 29)


def test_cyrillic_collation() -> None:
    names = ["Яковлев", "Zeta", "Ёлкин", "Жуков", "егоров", "Абрамов", "Ежов"]
    assert sorted_ru(names) == ["Абрамов", "егоров", "Ежов", "Ёлкин", "Жуков", "Яковлев", "Zeta"]


async def test_lists_come_sorted_in_russian_order(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.regional, PASSWORD)
        for name in ("Ёлкинская школа", "Жуковская школа", "Егорьевская школа", "Абашевская школа"):
            response = await client.post(
                "/api/v1/organizations",
                json={"name": name, "kind": "school", "municipality_id": str(tenant_a.other_municipality_id)},
            )
            assert response.status_code == 201
        listed = [
            o["name"]
            for o in (await client.get(f"/api/v1/organizations?municipality={tenant_a.other_municipality_id}")).json()
        ]
        assert [n for n in listed if n.endswith("ская школа")] == [
            "Абашевская школа",
            "Егорьевская школа",
            "Ёлкинская школа",
            "Жуковская школа",
        ]
