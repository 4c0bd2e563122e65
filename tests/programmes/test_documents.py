"""The orders' documents in proper Russian: names declined as the sentence needs, the pairs' appendix with each
pair's own period and agreement, and no pairs' order dated after the pairs start."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

import docx
import pytest

from services.programmes import orders
from services.programmes.declension import decline, decline_list
from services.programmes.orders import PairsOrder, ReplacementOrder
from services.programmes.programme import get_programme
from shared import clock
from shared.actor import Actor
from shared.db import Scope, tenant_transaction
from tests import factories
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client


@pytest.mark.parametrize(
    ("name", "case", "declined"),
    [
        ("Васильева Марина Андреевна", "accs", "Васильеву Марину Андреевну"),
        ("Петров Иван", "accs", "Петрова Ивана"),
        ("Петров Иван Сергеевич", "ablt", "Петровым Иваном Сергеевичем"),
        ("Кузнецова Любовь Петровна", "gent", "Кузнецовой Любови Петровны"),
        ("Зырянская Ольга Павловна", "accs", "Зырянскую Ольгу Павловну"),
        # double-barrelled
        ("Петрова-Водкина Анна Сергеевна", "accs", "Петрову-Водкину Анну Сергеевну"),
        ("Салтыков-Щедрин Михаил Евграфович", "gent", "Салтыкова-Щедрина Михаила Евграфовича"),
        # indeclinable surnames, and a surname that declines for a man only
        ("Шевченко Тарас Григорьевич", "accs", "Шевченко Тараса Григорьевича"),
        ("Белых Анна Игоревна", "gent", "Белых Анны Игоревны"),
        ("Ким Елена Викторовна", "accs", "Ким Елену Викторовну"),
        ("Ким Олег Сергеевич", "accs", "Кима Олега Сергеевича"),
        # unknown or foreign: as written, never half-declined
        ("Гиясов Рустам Ахмедович", "accs", "Гиясов Рустам Ахмедович"),
        ("Мамедов Эльчин Ахмед оглы", "accs", "Мамедов Эльчин Ахмед оглы"),
        ("Smith John", "accs", "Smith John"),
        ("Иванов", "accs", "Иванов"),
    ],
)
def test_a_name_is_declined_by_the_gender_of_its_patronymic_or_name(name: str, case: Any, declined: str) -> None:
    assert decline(name, case) == declined


def test_a_group_of_mentees_is_declined_name_by_name() -> None:
    assert decline_list("Сидорова Анна Петровна, Орлов Пётр", "gent") == "Сидоровой Анны Петровны, Орлова Петра"


def document_text(data: bytes) -> tuple[str, list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    table = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return text, table


async def _order(tenant: Tenant, programme_id: str, kind: str, extra: Any) -> str:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        programme = await get_programme(UUID(programme_id))
        actor = Actor(None, tenant.region_id, tenant.organization_id)
        return str(await orders.create_order(actor, programme, kind, extra))


async def test_the_pairs_order_gives_each_pair_its_period_and_agreement(app: Any, tenant_a: Tenant) -> None:
    first, second = clock.today() - timedelta(days=5), clock.today() + timedelta(days=10)
    fmt = "%d.%m.%Y"
    rows = [
        [
            "Васильева Марина Андреевна",
            "Орлов Пётр",
            "учитель – учитель, опытный педагог – молодой специалист",
            f"с {first:{fmt}} по {first + timedelta(days=200):{fmt}}",
            "доп. соглашение № 12 от 01.09.2026",
        ],
        [
            "Сидоров Олег Ильич",
            "Белова Анна, Котов Илья",
            "ученик – ученик, равный – равному",
            f"с {second:{fmt}} по {second + timedelta(days=120):{fmt}}",
            "—",
        ],
    ]
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme = await factories.programme(client)
    extra = PairsOrder(rows=rows, starts_on=f"{first:{fmt}}", ends_on=f"{second + timedelta(days=120):{fmt}}")
    order_id = await _order(tenant_a, programme["id"], "approve_pairs", extra)

    async with make_client(app) as head:
        await login_page(head, tenant_a.head, PASSWORD)
        card = (await head.get(f"/orders/{order_id}")).text
        assert f'name="signed_on" type="text" value="{first:{fmt}}"' in card  # the form offers the first day
    async with make_client(app) as head:
        await login_api(head, tenant_a.head, PASSWORD)
        late = await head.post(
            f"/api/v1/orders/{order_id}/register",
            json={"number": uuid.uuid4().hex[:8], "signed_on": clock.today().isoformat()},
        )
        assert late.status_code == 400
        assert f"позже начала работы пар ({first:{fmt}})" in late.json()["errors"]["signed_on"]
        on_time = await head.post(
            f"/api/v1/orders/{order_id}/register",
            json={"number": uuid.uuid4().hex[:8], "signed_on": first.isoformat()},
        )
        assert on_time.status_code == 201, on_time.text
        text, table = document_text((await head.get(f"/api/v1/orders/{order_id}/document")).content)
    assert "на периоды, указанные в приложении для каждой пары (группы)" in text
    assert "на условиях дополнительных соглашений" in text
    header = ["№", "Наставник", "Наставляемые", "Форма, ролевая модель", "Период", "Дополнительное соглашение"]
    assert table[0] == header
    assert table[1] == ["1", *rows[0]]
    assert table[2] == ["2", *rows[1]]


async def test_an_order_stored_with_three_cells_a_pair_still_prints(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme = await factories.programme(client)
        rows = [["Васильева Марина Андреевна", "Орлов Пётр", "учитель – учитель"]]
        extra = PairsOrder(rows=rows, starts_on="01.09.2026", ends_on="31.05.2027")
        order_id = await _order(tenant_a, programme["id"], "approve_pairs", extra)
        text, table = document_text((await client.get(f"/api/v1/orders/{order_id}/document")).content)
    assert "на период с 01.09.2026 по 31.05.2027" in text
    assert table == [["№", "Наставник", "Наставляемые", "Форма, ролевая модель"], ["1", *rows[0]]]


async def test_the_replacement_order_declines_names_and_names_the_agreement(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme = await factories.programme(client)
        extra = ReplacementOrder(
            mentee="Орлова Дарья Сергеевна",
            old_mentor="Петров Иван Николаевич",
            new_mentor="Васильева Марина Андреевна",
            reason="request",
            starts_on="01.09.2026",
            ends_on="31.05.2027",
            new_mentor_agreement="№ 12 от 01.09.2026",
            refs={"since": clock.today().isoformat()},
        )
        order_id = await _order(tenant_a, programme["id"], "replace_mentor", extra)
        text, _ = document_text((await client.get(f"/api/v1/orders/{order_id}/document")).content)
    assert "Освободить Петрова Ивана Николаевича от обязанностей наставника Орловой Дарьи Сергеевны." in text
    assert (
        "Назначить наставником Орловой Дарьи Сергеевны Васильеву Марину Андреевну на условиях дополнительного "
        "соглашения к трудовому договору № 12 от 01.09.2026."
    ) in text
