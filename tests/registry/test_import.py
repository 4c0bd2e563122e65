"""Bulk import: encodings, separators, Excel dates, lenient headers, all-or-none, the job and the command line."""

from __future__ import annotations

import io
import subprocess
import sys
import uuid
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from arq.worker import Worker

from app.worker import worker_settings
from services.registry.importer import ImportLimits, prepare, read_table
from shared.db import Scope, current_connection, tenant_transaction
from shared.settings import ROOT
from tests.helpers import PASSWORD, Tenant, login_api, make_client, upload_headers

ROWS = [
    ["  ФАМИЛИЯ ", "Имя", "Отчество", "Дата  рождения*", "Категория", "Класс", "СНИЛС", "Роль", "Любимый цвет"],
    ["Ёжикова", "Алёна", "Сергеевна", "12.04.2011", "обучающийся", "9А", "", "наставляемый", "синий"],
    ["Петров", "Пётр", "", "01.02.1980", "Учитель", "", "112-233-445 95", "наставник", ""],
]


LIMITS = ImportLimits(max_rows=100_000, max_unpacked_bytes=200 * 1024 * 1024)


def csv_bytes(rows: list[list[str]], separator: str, encoding: str) -> bytes:
    return "\r\n".join(separator.join(r) for r in rows).encode(encoding)


@pytest.mark.parametrize(
    ("separator", "encoding"), [(";", "utf-8"), (",", "utf-8-sig"), (";", "cp1251"), (",", "cp1251")]
)
def test_csv_encodings_and_separators(separator: str, encoding: str) -> None:
    rows = read_table(csv_bytes(ROWS, separator, encoding), LIMITS)
    prepared = prepare(rows)
    assert prepared.report.errors == []
    assert [values["surname"] for _, values, _ in prepared.people] == ["Ёжикова", "Петров"]
    assert prepared.people[0][1]["category"] == "learner" and prepared.people[0][1]["class_or_course"] == "9А"
    assert prepared.people[1][1]["snils"] == "11223344595"
    assert [r.value for r in prepared.people[1][2]] == ["mentor_candidate"]
    assert prepared.report.ignored_columns == ["Любимый цвет"]


def test_xlsx_with_excel_dates() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Фамилия", "Имя", "Дата рождения", "Категория"])
    sheet.append(["Серийная", "Дата", 40645, "обучающийся"])  # an Excel serial day: 12.04.2011
    sheet.append(["Настоящая", "Дата", datetime(2011, 4, 12), "обучающийся"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    prepared = prepare(read_table(buffer.getvalue(), LIMITS))
    assert prepared.report.errors == []
    assert {values["birth_date"].isoformat() for _, values, _ in prepared.people} == {"2011-04-12"}


def test_every_bad_row_is_named_by_row_and_column() -> None:
    rows = [
        ["Фамилия", "Имя", "Дата рождения", "СНИЛС", "Категория"],
        ["Верный", "Ряд", "01.01.1990", "", "педагог"],
        ["", "Безфамильный", "31.02.1990", "112-233-445 96", "инопланетянин"],
        ["Верный", "Ряд", "01.01.1990", "", "педагог"],
    ]
    report = prepare(rows).report
    found = {(e.row, e.column) for e in report.errors}
    assert {(3, "Фамилия"), (3, "Дата рождения"), (3, "СНИЛС"), (3, "Категория"), (4, "Фамилия")} <= found
    assert any("строки 2" in e.message for e in report.errors if e.row == 4)


def test_a_file_without_required_columns_is_refused() -> None:
    report = prepare([["ФИО", "Класс"], ["Иванов Иван", "5А"]]).report
    assert report.errors[0].message == "Нет обязательного столбца"


async def count_people(tenant: Tenant, surname: str) -> int:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return int(await current_connection().fetchval("SELECT count(*) FROM person WHERE surname = $1", surname))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "import", "people", *args], cwd=ROOT, capture_output=True, text=True
    )


async def test_command_line_imports_all_or_nothing(app: Any, tenant_a: Tenant, tmp_path: Any) -> None:
    bad = tmp_path / "bad.csv"
    rows = [["Фамилия", "Имя", "Дата рождения", "Категория"]]
    rows += [[f"Консольный{n}", "Тест", "01.01.1990", "педагог"] for n in range(20)]
    rows.append(["Консольный", "Сбой", "99.99.1990", "педагог"])
    bad.write_bytes(csv_bytes(rows, ";", "utf-8"))
    result = run_cli("--organization", str(tenant_a.organization_id), str(bad))
    assert result.returncode == 1
    assert "строка 22, Дата рождения" in result.stdout and "Ничего не импортировано" in result.stdout
    assert await count_people(tenant_a, "Консольный0") == 0

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(rows[:-1], ",", "cp1251"))
    dry = run_cli("--organization", str(tenant_a.organization_id), "--dry-run", str(good))
    assert dry.returncode == 0 and "Проверено строк: 20" in dry.stdout
    assert await count_people(tenant_a, "Консольный0") == 0
    done = run_cli("--organization", str(tenant_a.organization_id), str(good))
    assert done.returncode == 0, done.stdout + done.stderr
    assert await count_people(tenant_a, "Консольный0") == 1
    again = run_cli("--organization", str(tenant_a.organization_id), str(good))
    assert again.returncode == 1 and "Уже есть в базе организации" in again.stdout


async def file_kept(tenant: Tenant, import_id: str) -> bool:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return bool(
            await current_connection().fetchval(
                "SELECT file IS NOT NULL FROM tracked_job WHERE id = $1", uuid.UUID(import_id)
            )
        )


async def run_worker() -> None:
    worker = Worker(**worker_settings(burst=True, poll_delay=0.05, handle_signals=False))
    try:
        await worker.main()
    finally:
        await worker.close()


async def test_import_through_the_api_and_the_worker(app: Any, tenant_a: Tenant) -> None:
    rows = [["Фамилия", "Имя", "Дата рождения", "Категория", "Класс"]]
    rows += [[f"Пакетный{n}", "Ученик", "01.09.2010", "обучающийся", "10Б"] for n in range(300)]
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        upload = await client.post(
            "/api/v1/imports",
            files={"file": ("класс.csv", csv_bytes(rows, ";", "cp1251"), "text/csv")},
            headers=await upload_headers(client),
        )
        assert upload.status_code == 202, upload.text
        import_id = upload.json()["id"]
        await run_worker()
        status = (await client.get(f"/api/v1/imports/{import_id}")).json()
        assert status["status"] == "checked" and status["report"]["valid"] == 300
        assert await file_kept(tenant_a, import_id)  # the commit needs it
        assert await count_people(tenant_a, "Пакетный0") == 0  # the preview writes nothing
        page = await client.get(f"/people/import/{import_id}")
        assert "готовы к импорту" in page.text
        assert (await client.post(f"/api/v1/imports/{import_id}/commit")).status_code == 202
        await run_worker()
        assert (await client.get(f"/api/v1/imports/{import_id}")).json()["status"] == "done"
        assert not await file_kept(tenant_a, import_id)  # personal data leaves once it is no longer needed
        assert await count_people(tenant_a, "Пакетный299") == 1
        fragment = await client.get(f"/people/import/{import_id}", headers={"HX-Request": "true"})
        assert "Импортировано 300 записей" in fragment.text and "<html" not in fragment.text
    async with make_client(app) as other:
        await login_api(other, tenant_a.other_curator, PASSWORD)
        assert (await other.get(f"/api/v1/imports/{import_id}")).status_code == 404


async def test_only_a_checked_import_is_committed_in_logic_by_page_and_by_api(app: Any, tenant_a: Tenant) -> None:
    from services.registry import jobs
    from shared.errors import ValidationFailed
    from tests.helpers import post_form

    rows = [["Фамилия", "Имя", "Дата рождения", "Категория"], ["Непроверенный", "", "31.13.2010", "обучающийся"]]
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        upload = await client.post(
            "/api/v1/imports",
            files={"file": ("плохой.csv", csv_bytes(rows, ";", "utf-8"))},
            headers=await upload_headers(client),
        )
        import_id = upload.json()["id"]
        await run_worker()
        assert (await client.get(f"/api/v1/imports/{import_id}")).json()["status"] == "invalid"
        async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
            with pytest.raises(ValidationFailed) as refused:
                await jobs.request_commit(uuid.UUID(import_id), tenant_a.organization_id)
        assert "status" in refused.value.errors
        api = await client.post(f"/api/v1/imports/{import_id}/commit")
        assert api.status_code == 400 and "status" in api.json()["errors"]
        page = await post_form(client, f"/people/import/{import_id}/commit", {}, page=f"/people/import/{import_id}")
        assert page.status_code == 303
        shown = await client.get(page.headers["location"])
        assert "Импортировать можно только проверенный файл без ошибок" in shown.text
        await run_worker()
    assert await count_people(tenant_a, "Непроверенный") == 0


def test_curators_and_senior_pupil_mentors_are_imported() -> None:
    rows = [
        ["Фамилия", "Имя", "Дата рождения", "Категория", "Роль"],
        ["Кураторова", "Анна", "01.01.1980", "педагог", "куратор"],
        ["Будущая", "Вера", "01.01.1985", "педагог", "желает стать куратором"],
        ["Старшеклассник", "Иван", f"01.01.{datetime.now().year - 16}", "обучающийся", "наставник"],
        ["Юный", "Пётр", f"01.01.{datetime.now().year - 16}", "обучающийся", "куратор"],
    ]
    prepared = prepare(rows)
    roles = {values["surname"]: [r.value for r in found] for _, values, found in prepared.people}
    assert roles["Кураторова"] == ["curator"] and roles["Будущая"] == ["curator_candidate"]
    assert roles["Старшеклассник"] == ["mentor_candidate"]
    assert [(e.row, e.column) for e in prepared.report.errors] == [(5, "Роль")]
