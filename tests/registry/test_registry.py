"""The participant bases: СНИЛС, consents of minors, withdrawal, the regional base and merging."""

from __future__ import annotations

import io
from typing import Any
from uuid import UUID

import openpyxl
import pytest

from services.registry.validation import format_snils, snils_problem
from shared import clock
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import PASSWORD, Tenant, login_api, login_page, make_client, post_form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("snils", "ok"),
    [
        ("112-233-445 95", True),
        ("11223344595", True),
        ("112-233-445 96", False),
        ("123-456-789 64", True),
        ("001-001-998 00", True),  # issued before the checksum: not checked
        ("001-001-997 55", True),
        ("001-001-999 00", False),  # just above the range: checked
        ("112-233-44", False),
        ("", True),
    ],
)
def test_snils_checksum(snils: str, ok: bool) -> None:
    assert (snils_problem(snils) is None) is ok


def test_snils_is_shown_grouped() -> None:
    assert format_snils("11223344595") == "112-233-445 95"


def years_ago(years: int) -> str:
    today = clock.today()
    return today.replace(year=today.year - years, day=min(today.day, 28)).strftime("%d.%m.%Y")


async def add_person(client: Any, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/people", json=fields)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def test_a_minor_cannot_consent_for_themselves(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        pupil = await add_person(
            client,
            surname="Малов",
            name="Петя",
            category="learner",
            birth_date=f"{clock.today().year - 14}-03-01",
            class_or_course="8А",
            roles=["mentee_candidate"],
        )
        refused = await client.post(
            f"/api/v1/people/{pupil['id']}/consents", json={"kind": "personal_data", "given_on": "2026-09-01"}
        )
        assert refused.status_code == 400
        assert "законный представитель" in refused.json()["errors"]["given_by"]
        incomplete = await client.post(
            f"/api/v1/people/{pupil['id']}/consents",
            json={"kind": "personal_data", "given_on": "2026-09-01", "given_by": "representative"},
        )
        assert set(incomplete.json()["errors"]) == {
            "representative_name",
            "representative_relation",
            "representative_document",
        }
        given = await client.post(
            f"/api/v1/people/{pupil['id']}/consents",
            json={
                "kind": "personal_data",
                "given_on": "2026-09-01",
                "given_by": "representative",
                "representative_name": "Малова Ирина Сергеевна",
                "representative_relation": "мать",
                "representative_document": "паспорт 8404 123456",
            },
        )
        assert given.status_code == 201


async def test_a_learner_under_ten_is_not_a_mentee(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        response = await client.post(
            "/api/v1/people",
            json={
                "surname": "Крошкин",
                "name": "Ваня",
                "category": "learner",
                "birth_date": f"{clock.today().year - 8}-01-15",
                "roles": ["mentee_candidate"],
            },
        )
        assert response.status_code == 400
        assert "с 10 лет" in response.json()["errors"]["roles"]


async def test_without_consent_only_the_name_shows_and_withdrawal_hides_at_once(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        person = await add_person(
            client,
            surname="Скрытова",
            name="Ольга",
            patronymic="Ивановна",
            category="staff",
            email="skrytova@test.local",
            phone="+7 900 111-22-33",
            birth_date="1985-05-05",
            position="учитель физики",
            roles=["mentor_candidate"],
        )
        pid = person["id"]
        hidden = (await client.get(f"/api/v1/people/{pid}")).json()
        assert hidden["consented"] is False
        assert "email" not in hidden and "birth_date" not in hidden and hidden["surname"] == "Скрытова"
        card = await client.get(f"/people/{pid}")
        assert "skrytova@test.local" not in card.text and "Нет действующего согласия" in card.text

        token_page = await client.get(f"/people/{pid}/consents/new")
        token = token_page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        bad_scan = await client.post(
            f"/people/{pid}/consents/new",
            data={"_csrf_token": token, "kind": "personal_data", "given_by": "self", "given_on": "01.09.2026"},
            files={"scan": ("согласие.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        )
        assert bad_scan.status_code == 422 and "PDF, JPEG или PNG" in bad_scan.text
        given = await client.post(
            f"/people/{pid}/consents/new",
            data={"_csrf_token": token, "kind": "personal_data", "given_by": "self", "given_on": "01.09.2026"},
            files={"scan": ("согласие.pdf", PDF, "application/pdf")},
        )
        assert given.status_code == 303
        shown = (await client.get(f"/api/v1/people/{pid}")).json()
        assert shown["consented"] is True and shown["email"] == "skrytova@test.local"
        consent = (await client.get(f"/api/v1/people/{pid}/consents")).json()[0]
        scan = await client.get(f"/people/{pid}/consents/{consent['id']}/scan")
        assert scan.status_code == 200 and scan.content == PDF and scan.headers["content-type"] == "application/pdf"
        export = await client.get("/people/export.xlsx?base=mentors")
        assert "Скрытова" in sheet_text(export.content)

        withdrawn = await client.post(f"/api/v1/people/{pid}/consents/{consent['id']}/withdraw", json={})
        assert withdrawn.status_code == 200
        listed = (await client.get("/api/v1/people?base=mentors&q=Скрытова")).json()["items"]
        assert listed and all("email" not in item for item in listed)
        assert "Скрытова" not in sheet_text((await client.get("/people/export.xlsx?base=mentors")).content)
        assert "skrytova@test.local" not in (await client.get("/people?base=mentors")).text
        assert (await client.get("/api/v1/people?base=mentors&consent=yes&q=Скрытова")).json()["total"] == 0


def sheet_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row if cell)


async def test_search_is_typo_tolerant_and_sorted(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        for surname in ("Ёлкина", "Жаркова", "Егорова", "Абрамова"):
            await add_person(client, surname=surname, name="Мария", category="staff", roles=["mentor_candidate"])
        found = (await client.get("/api/v1/people?base=mentors&q=Жарквоа")).json()["items"]
        assert found and found[0]["surname"] == "Жаркова"
        names = [p["surname"] for p in (await client.get("/api/v1/people?base=mentors")).json()["items"]]
        ours = [n for n in names if n in ("Ёлкина", "Жаркова", "Егорова", "Абрамова")]
        assert ours == ["Абрамова", "Егорова", "Ёлкина", "Жаркова"]


async def test_one_person_in_two_organizations_by_snils(app: Any, tenant_a: Tenant, tenant_b: Tenant) -> None:
    snils = "123-456-789 64"
    async with make_client(app) as first:
        await login_api(first, tenant_a.curator, PASSWORD)
        created = await add_person(
            first,
            surname="Общий",
            name="Олег",
            category="staff",
            snils=snils,
            birth_date="1981-05-04",
            roles=["mentor_candidate"],
        )
    async with make_client(app) as second:
        await login_api(second, tenant_a.other_curator, PASSWORD)
        response = await second.post(
            "/api/v1/people",
            json={
                "surname": "Общий",
                "name": "Олег",
                "category": "staff",
                "snils": snils,
                "birth_date": "1981-05-04",
                "roles": ["mentee_candidate"],
            },
        )
        assert response.status_code == 200 and response.json()["linked_existing"] is True
        assert response.json()["id"] == created["id"]
        person = (await second.get(f"/api/v1/people/{created['id']}")).json()
        assert [p["role"] for p in person["participations"]] == ["mentee_candidate"]  # only its own roles
        other = await add_person(second, surname="Другой", name="Олег", category="staff")
        await second.post(
            f"/api/v1/people/{other['id']}/consents", json={"kind": "personal_data", "given_on": "2026-09-01"}
        )
        clash = await second.patch(f"/api/v1/people/{other['id']}", json={"snils": snils})
        assert clash.status_code == 400 and "другого человека" in clash.json()["errors"]["snils"]
    async with make_client(app) as region:
        await login_api(region, tenant_a.regional, PASSWORD)
        person = (await region.get(f"/api/v1/people/{created['id']}")).json()
        assert {p["role"] for p in person["participations"]} == {"mentor_candidate", "mentee_candidate"}
    async with make_client(app) as elsewhere:  # another region never finds (nor reads) this region's record
        await login_api(elsewhere, tenant_b.curator, PASSWORD)
        own = await elsewhere.post(
            "/api/v1/people",
            json={"surname": "Общий", "name": "Олег", "category": "staff", "snils": snils, "roles": ["mentor"]},
        )
        assert own.status_code == 201 and own.json()["id"] != created["id"]
    # The policy itself: a lookup by СНИЛС under another region's scope does not reach this region's record.
    elsewhere_scope = Scope(
        Level.organization, None, tenant_b.region_id, tenant_b.municipality_id, tenant_b.organization_id
    )
    async with tenant_transaction(elsewhere_scope.with_lookup(snils="12345678964")):
        found = await current_connection().fetchval("SELECT count(*) FROM person WHERE id = $1", UUID(created["id"]))
    assert found == 0


async def test_duplicates_are_merged_and_unmerged_by_a_coordinator(app: Any, tenant_a: Tenant) -> None:
    fields = {
        "surname": "Двойникова",
        "name": "Вера",
        "category": "staff",
        "birth_date": "1979-11-02",
        "roles": ["mentor_candidate"],
    }
    async with make_client(app) as one:
        await login_api(one, tenant_a.curator, PASSWORD)
        first = await add_person(one, **fields)
    async with make_client(app) as two:
        await login_api(two, tenant_a.other_curator, PASSWORD)
        second = await add_person(two, **fields)
    async with make_client(app) as region:
        await login_page(region, tenant_a.regional, PASSWORD)
        page = await region.get("/regional-base/duplicates")
        assert "Двойникова Вера" in page.text
        merged = await post_form(
            region,
            "/regional-base/merge",
            {"survivor_id": first["id"], "duplicate_id": second["id"]},
            page="/regional-base/duplicates",
        )
        assert merged.status_code == 303
        survivor = (await region.get(f"/api/v1/people/{first['id']}")).json()
        assert len(survivor["participations"]) == 2
        assert (await region.get(f"/api/v1/people/{second['id']}")).status_code == 404
        assert "Двойникова Вера" not in (await region.get("/regional-base/duplicates")).text.split("<h2>")[0]
        audit = await region.get("/audit?action=merge")
        assert "Двойникова" in audit.text
        merge_id = (await region.get("/regional-base/duplicates")).text.split("/regional-base/merges/")[1][:36]
        undone = await post_form(region, f"/regional-base/merges/{merge_id}/undo", {}, page="/regional-base/duplicates")
        assert undone.status_code == 303
        assert len((await region.get(f"/api/v1/people/{first['id']}")).json()["participations"]) == 1
        assert (await region.get(f"/api/v1/people/{second['id']}")).status_code == 200
    async with make_client(app) as two:
        await login_api(two, tenant_a.other_curator, PASSWORD)
        assert (await two.get(f"/api/v1/people/{second['id']}")).status_code == 200


async def test_every_card_view_is_audited(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        person = await add_person(
            curator, surname="Наблюдаемая", name="Ирина", category="staff", roles=["mentor_candidate"]
        )
        await curator.get(f"/people/{person['id']}")
        again = await curator.get(f"/people/{person['id']}")
        assert "просмотр" in again.text.split("<h2>История</h2>")[1]  # the card shows its own history
        assert (await curator.get("/audit")).status_code == 403
    async with make_client(app) as region:
        await login_api(region, tenant_a.regional, PASSWORD)
        log = await region.get("/audit?action=view")
        assert "Наблюдаемая Ирина" in log.text and "10.0.0.1" in log.text


async def test_api_validation_names_fields(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        response = await client.post(
            "/api/v1/people",
            json={"surname": "", "name": "Х", "category": "alien", "snils": "112-233-445 96", "email": "no"},
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) >= {"surname", "category", "snils", "email"}
        person = await add_person(client, surname="Правкин", name="Илья", category="staff", roles=["mentor_candidate"])
        patched = await client.patch(f"/api/v1/people/{person['id']}", json={"position": "учитель"})
        assert patched.status_code == 400 and "consent" in patched.json()["errors"]
