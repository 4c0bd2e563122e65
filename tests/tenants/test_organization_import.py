"""The region's import of organizations: a preview naming each problem by row and column, all rows or none,
ИНН unique in the file and in the region, municipalities found or created on request, contingents, and the
invitations of curators and heads mailed after the commit."""

from __future__ import annotations

import io
import uuid
from typing import Any

import openpyxl

from shared.clock import school_year, today
from shared.db import Scope, current_connection, tenant_transaction
from tenants.organization_import import FIELD_TITLES, prepare
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, login_page, make_client, run_worker, upload_headers

YEAR = school_year(today())[0].year
HEADER = list(FIELD_TITLES.values())


def row(name: str, inn: str, municipality: str, **extra: str) -> list[str]:
    values = {
        "name": f"Муниципальное бюджетное общеобразовательное учреждение «{name}»",
        "short_name": f"МБОУ «{name}»",
        "kind": "школа",
        "inn": inn,
        "municipality": municipality,
        "head_name": "Кузнецова Марина Петровна",
        "address": "ул. Школьная, д. 1",
        "email": "",
        "phone": "",
        "website": "",
        "learners_total": "480",
        "learners_10_18": "350",
        "teachers": "40",
        "young_specialists": "5",
        "curator_email": "",
        "curator_name": "",
        "head_email": "",
    } | extra
    return [values[field] for field in FIELD_TITLES]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(";".join(r) for r in rows).encode(encoding)


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def inn() -> str:
    return str(uuid.uuid4().int)[:10]


async def count_organizations(tenant: Tenant, inns: list[str]) -> int:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return int(
            await current_connection().fetchval(
                "SELECT count(*) FROM organization WHERE region_id = $1 AND inn = ANY($2::text[])",
                tenant.region_id,
                inns,
            )
        )


def test_each_problem_is_named_by_row_and_column() -> None:
    first = inn()
    rows = [
        HEADER,
        row("СОШ № 5", first, "Район 1"),
        row("СОШ № 6", "12345", "Район 1", kind="университет", learners_10_18="600"),
        row("СОШ № 7", first, "Район 1", teachers="", curator_email="не-почта"),
    ]
    report = prepare(rows, YEAR).report
    found = {(e.row, e.column): e.message for e in report.errors}
    assert found[(3, "ИНН")] == "ИНН — 10 или 12 цифр"
    assert found[(3, "Тип")].startswith("Неизвестный тип «университет»")
    assert found[(3, "Из них 10–18 лет")] == "Не больше, чем обучающихся всего (480)"
    assert found[(4, "ИНН")] == "Тот же ИНН, что в строке 2"
    assert found[(4, "Педагогических работников")] == "Укажите число"
    assert found[(4, "E-mail куратора")] == "Проверьте адрес электронной почты"
    assert report.valid == 1 and not report.ok


def test_a_file_without_the_required_columns_is_refused() -> None:
    report = prepare([["Название", "ИНН"], ["Школа", inn()]], YEAR).report
    assert report.errors[0].row == 1 and report.errors[0].column == "Тип, Муниципалитет"


async def test_csv_through_the_api_all_or_none_then_invitations_after_the_commit(
    app: Any, fresh: Tenant, smtp: Any
) -> None:
    inbox, port = smtp
    tag = uuid.uuid4().hex[:6]
    inns = [inn(), inn()]
    head, curator = f"head-{tag}@test.local", f"curator-{tag}@test.local"
    rows = [
        HEADER,
        row(
            "СОШ № 8",
            inns[0],
            f"Район 1 {fresh_tag(fresh)}",
            head_email=head,
            curator_email=curator,
            curator_name="Волкова Анна Сергеевна",
        ),
        row(
            "Колледж связи",
            inns[1],
            "Заречный округ",
            kind="колледж",
            learners_10_18="",
            learners_total="900",
            teachers="70",
            young_specialists="",
            curator_email=f"college-{tag}@test.local",
        ),
    ]
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        headers = await upload_headers(client)
        first = await client.post(
            "/api/v1/organizations/imports",
            files={"file": ("организации.csv", csv_bytes(rows, "cp1251"), "text/csv")},
            headers=headers,
        )
        assert first.status_code == 202, first.text
        await run_worker(app, port)
        refused = (await client.get(f"/api/v1/organizations/imports/{first.json()['id']}")).json()
        assert refused["status"] == "invalid"
        assert [(e["row"], e["column"]) for e in refused["report"]["errors"]] == [(3, "Муниципалитет")]
        assert "Заречный округ" in refused["report"]["errors"][0]["message"]
        commit = await client.post(f"/api/v1/organizations/imports/{first.json()['id']}/commit")
        assert commit.status_code == 400 and "status" in commit.json()["errors"]
        assert await count_organizations(fresh, inns) == 0  # the good row is not written either

        second = await client.post(
            "/api/v1/organizations/imports",
            files={"file": ("организации.csv", csv_bytes(rows), "text/csv")},
            data={"create_municipalities": "true"},
            headers=headers,
        )
        import_id = second.json()["id"]
        await run_worker(app, port)
        checked = (await client.get(f"/api/v1/organizations/imports/{import_id}")).json()
        assert checked["status"] == "checked", checked
        assert checked["report"]["new_municipalities"] == ["Заречный округ"]
        assert checked["report"]["invitations"] == 3
        assert await count_organizations(fresh, inns) == 0 and inbox.to(head) == []  # a preview writes nothing
        assert (await client.post(f"/api/v1/organizations/imports/{import_id}/commit")).status_code == 202
        await run_worker(app, port)
        assert (await client.get(f"/api/v1/organizations/imports/{import_id}")).json()["status"] == "done"
        assert await count_organizations(fresh, inns) == 2
        organizations = (await client.get("/api/v1/organizations", params={"q": "СОШ № 8"})).json()
        school = organizations[0]
        contingent = (await client.get(f"/api/v1/organizations/{school['id']}/contingent/{YEAR}")).json()
        assert contingent["learners_total"] == 480 and contingent["learners_10_18"] == 350
        assert any(m["name"] == "Заречный округ" for m in (await client.get("/api/v1/municipalities")).json())
    assert len(inbox.to(head)) == 1 and len(inbox.to(curator)) == 1
    letter = inbox.to(curator)[0].get_payload(decode=True).decode()
    assert "Здравствуйте, Анна Сергеевна!" in letter and "/invite/" in letter
    unnamed = inbox.to(f"college-{tag}@test.local")[0].get_payload(decode=True).decode()
    assert unnamed.startswith("Здравствуйте!") and "Колледж связи" in unnamed
    async with tenant_transaction(Scope.for_region(fresh.region_id)):
        roles = await current_connection().fetch(
            "SELECT role, surname FROM invitation WHERE organization_id = $1 ORDER BY role", uuid.UUID(school["id"])
        )
    assert [(r["role"], r["surname"]) for r in roles] == [("curator", "Волкова"), ("head", "Кузнецова")]

    async with make_client(app) as client:  # the same file again: every ИНН is already in the region
        await login_api(client, fresh.regional, PASSWORD)
        again = await client.post(
            "/api/v1/organizations/imports",
            files={"file": ("организации.csv", csv_bytes(rows), "text/csv")},
            data={"create_municipalities": "true"},
            headers=await upload_headers(client),
        )
        await run_worker(app, port)
        report = (await client.get(f"/api/v1/organizations/imports/{again.json()['id']}")).json()["report"]
        assert {(e["row"], e["column"], e["message"]) for e in report["errors"]} == {
            (2, "ИНН", "Организация с этим ИНН уже есть в регионе"),
            (3, "ИНН", "Организация с этим ИНН уже есть в регионе"),
        }


def fresh_tag(tenant: Tenant) -> str:
    """The fresh tenant's municipalities are named «Район 1 <tag>»: the tag is in its coordinators' e-mails."""
    return tenant.curator.rsplit("-", 1)[1].split("@")[0]


async def test_xlsx_through_the_page_one_bad_row_writes_nothing(app: Any, fresh: Tenant, smtp: Any) -> None:
    _, port = smtp
    inns = [inn(), inn(), inn()]
    municipality = f"Район 2 {fresh_tag(fresh)}"
    rows = [
        HEADER,
        row("СОШ № 9", inns[0], municipality),
        row("СОШ № 10", inns[1], municipality, young_specialists="41"),
        row("СОШ № 11", inns[2], municipality),
    ]
    async with make_client(app) as client:
        await login_page(client, fresh.regional, PASSWORD)
        listing = await client.get("/organizations")
        assert 'href="/organizations/import"' in listing.text
        form = await client.get("/organizations/import")
        assert f"Контингент — на {YEAR}/{(YEAR + 1) % 100:02d} учебный год" in form.text
        token = await csrf_token(client, "/organizations/import")
        uploaded = await client.post(
            "/organizations/import",
            data={"_csrf_token": token},
            files={"file": ("школы.xlsx", xlsx_bytes(rows), "application/octet-stream")},
        )
        assert uploaded.status_code == 303, uploaded.text
        await run_worker(app, port)
        shown = await client.get(uploaded.headers["location"])
        assert "Ничего не импортировано" in shown.text
        assert (
            "<td>3</td><td>Из них молодых специалистов</td><td>Не больше, чем педагогических работников (40)</td>"
            in (shown.text)
        )
        assert await count_organizations(fresh, inns) == 0
        rows[2] = row("СОШ № 10", inns[1], municipality)
        token = await csrf_token(client, "/organizations/import")
        fixed = await client.post(
            "/organizations/import",
            data={"_csrf_token": token},
            files={"file": ("школы.xlsx", xlsx_bytes(rows), "application/octet-stream")},
        )
        await run_worker(app, port)
        status_page = fixed.headers["location"]
        assert "3 организации готовы к импорту" in (await client.get(status_page)).text
        token = await csrf_token(client, status_page)
        assert (await client.post(f"{status_page}/commit", data={"_csrf_token": token})).status_code == 303
        await run_worker(app, port)
        done = await client.get(status_page, headers={"HX-Request": "true"})
        assert "Добавлено 3 организации" in done.text and "<html" not in done.text
    assert await count_organizations(fresh, inns) == 3


async def test_the_template_has_the_header_row_the_import_reads(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        response = await client.get("/organizations/import/template.xlsx")
        assert response.status_code == 200
        assert "filename*=UTF-8''" in response.headers["content-disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
        assert header == HEADER
        report = prepare([header, row("СОШ № 12", inn(), "Район 1")], YEAR).report
        assert report.errors == [] and report.ignored_columns == []
        text = (await client.get("/organizations/import/template.csv")).content.decode("utf-8-sig")
        assert text.strip().split(";") == HEADER


async def test_only_the_regional_coordinator_imports(app: Any, fresh: Tenant, tenant_b: Tenant, smtp: Any) -> None:
    _, port = smtp
    for login in (fresh.municipal, fresh.curator):
        async with make_client(app) as client:
            await login_api(client, login, PASSWORD)
            assert (await client.get("/organizations/import")).status_code == 403
            upload = await client.post(
                "/api/v1/organizations/imports",
                files={"file": ("f.csv", csv_bytes([HEADER]), "text/csv")},
                headers=await upload_headers(client),
            )
            assert upload.status_code == 403
    async with make_client(app) as client:
        await login_api(client, fresh.regional, PASSWORD)
        started = await client.post(
            "/api/v1/organizations/imports",
            files={"file": ("f.csv", csv_bytes([HEADER, row("СОШ № 13", inn(), "Район 1")]), "text/csv")},
            headers=await upload_headers(client),
        )
        import_id = started.json()["id"]
        await run_worker(app, port)
    async with make_client(app) as other:
        await login_api(other, tenant_b.regional, PASSWORD)
        assert (await other.get(f"/api/v1/organizations/imports/{import_id}")).status_code == 404
        assert (await other.get(f"/organizations/import/{import_id}")).status_code == 404
        assert (await other.post(f"/api/v1/organizations/imports/{import_id}/commit")).status_code == 404
