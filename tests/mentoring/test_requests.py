"""Requests from the cabinets reach the curator, who declines with a comment or accepts into the replacement order;
and the accounts office's list of staff mentors with their pairs, periods and agreements."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook

from shared.db import Level, Scope, tenant_transaction
from tests.factories import TODAY, active_pair, iso, person, programme
from tests.helpers import PASSWORD, Tenant, csrf_token, login_api, make_client


async def cabinet_account(tenant: Tenant, email: str, role: str) -> None:
    from tenants import logic as tenants
    from tenants.roles import Role

    async with tenant_transaction(Scope(Level.platform)):
        user_id = await tenants.ensure_user(email, PASSWORD, "Кабинетов", Role(role).value)
        await tenants.ensure_membership(
            user_id, Role(role), tenant.region_id, tenant.municipality_id, tenant.organization_id
        )


async def test_a_mentee_asks_for_another_mentor_and_a_mentor_to_step_down_from_the_cabinet(
    app: Any, fresh: Tenant
) -> None:
    tag = uuid.uuid4().hex[:6]
    mentor_email, mentee_email = f"rm-{tag}@test.local", f"re-{tag}@test.local"
    for email, role in ((mentor_email, "mentor"), (mentee_email, "mentee")):
        await cabinet_account(fresh, email, role)
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        prog = await programme(curator)
        mentor = await person(curator, f"Усталый{tag}", "mentor", email=mentor_email)
        successor = await person(curator, f"Сменщик{tag}", "mentor")
        mentee = await person(curator, f"Просящая{tag}", "mentee_candidate", email=mentee_email)
        pair = await active_pair(curator, prog, mentor, [mentee])

    async with make_client(app) as cabinet:
        await login_api(cabinet, mentee_email, PASSWORD)
        home = await cabinet.get("/cabinet")
        assert f'href="/cabinet/pairs/{pair}#requests"' in home.text and "Попросить другого наставника" in home.text
        token = await csrf_token(cabinet, f"/cabinet/pairs/{pair}")
        empty = await cabinet.post(f"/cabinet/pairs/{pair}/requests", data={"reason": " ", "_csrf_token": token})
        assert empty.status_code == 303
        assert "Напишите, почему" in (await cabinet.get(f"/cabinet/pairs/{pair}")).text
        asked = await cabinet.post(
            f"/cabinet/pairs/{pair}/requests", data={"reason": "Не совпадаем по времени", "_csrf_token": token}
        )
        assert asked.status_code == 303
        page = (await cabinet.get(f"/cabinet/pairs/{pair}")).text
        assert "Просьба наставляемого о другом наставнике" in page and "На рассмотрении у куратора" in page
        assert 'action="/cabinet/pairs/' not in page.split('id="requests"')[1].split("</section>")[0]  # one at once

    async with make_client(app) as cabinet:
        await login_api(cabinet, mentor_email, PASSWORD)
        token = await csrf_token(cabinet, f"/cabinet/pairs/{pair}")
        assert (
            "Попросить освободить меня от обязанностей наставника" in (await cabinet.get(f"/cabinet/pairs/{pair}")).text
        )
        await cabinet.post(
            f"/cabinet/pairs/{pair}/requests", data={"reason": "Большая нагрузка в этом году", "_csrf_token": token}
        )
        own = (await cabinet.get(f"/cabinet/pairs/{pair}")).text
        assert "Большая нагрузка" in own and "Не совпадаем по времени" not in own  # each sees only their own

    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        curator_home = (await curator.get("/workspace")).text
        assert f"Просьба наставляемого о другом наставнике: Просящая{tag}" in curator_home
        assert f"Просьба наставника освободить от обязанностей: Усталый{tag}" in curator_home
        card = (await curator.get(f"/pairs/{pair}")).text
        ids = [chunk.split("/")[0] for chunk in card.split(f"/pairs/{pair}/requests/")[1:]]
        token = await csrf_token(curator, f"/pairs/{pair}")
        step_down, new_mentor = ids[0], ids[2]  # newest first: the mentor's, then the mentee's
        no_comment = await curator.post(
            f"/pairs/{pair}/requests/{step_down}/decline", data={"answer": "", "_csrf_token": token}
        )
        assert no_comment.status_code == 303
        assert "Напишите, почему просьба отклонена" in (await curator.get(f"/pairs/{pair}")).text
        await curator.post(
            f"/pairs/{pair}/requests/{step_down}/decline",
            data={"answer": "Доработайте до конца четверти", "_csrf_token": token},
        )
        accepted = await curator.post(
            f"/pairs/{pair}/requests/{new_mentor}/accept",
            data={"new_mentor_id": successor, "since": TODAY.strftime("%d.%m.%Y"), "_csrf_token": token},
        )
        assert accepted.status_code == 303 and accepted.headers["location"].startswith("/orders/")
        order_id = accepted.headers["location"].removeprefix("/orders/")
        assert (await curator.get(f"/api/v1/orders/{order_id}")).json()["kind"] == "replace_mentor"
        history = (await curator.get(f"/api/v1/pairs/{pair}")).json()["history"]
        assert history[-1]["reason"] == "request" and history[-1]["pending"]
        twice = await curator.post(
            f"/pairs/{pair}/requests/{new_mentor}/decline", data={"answer": "Нет", "_csrf_token": token}
        )
        assert twice.status_code == 303
        assert "Просьба уже рассмотрена" in (await curator.get(f"/pairs/{pair}")).text
        assert "Просьбы наставников и наставляемых" not in (await curator.get("/workspace")).text  # all answered

    async with make_client(app) as cabinet:
        await login_api(cabinet, mentor_email, PASSWORD)
        own = (await cabinet.get(f"/cabinet/pairs/{pair}")).text
        assert "Отклонена" in own and "Ответ куратора: Доработайте до конца четверти" in own
    async with make_client(app) as cabinet:
        await login_api(cabinet, mentee_email, PASSWORD)
        assert "Принята: готовится приказ о замене наставника" in (await cabinet.get(f"/cabinet/pairs/{pair}")).text


async def test_the_accounts_office_list_names_staff_mentors_pairs_periods_and_agreements(
    app: Any, fresh: Tenant
) -> None:
    tag = uuid.uuid4().hex[:4]
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        prog = await programme(curator)
        mentor = await person(curator, f"Оплачиваемый{tag}", "mentor", position="учитель физики")
        mentee = await person(curator, f"Физичка{tag}", "mentee_candidate")
        draft_mentee = await person(curator, f"Черновая{tag}", "mentee_candidate")
        await active_pair(curator, prog, mentor, [mentee], starts=-10)
        other = await person(curator, f"Черновой{tag}", "mentor")
        draft = await curator.post(
            "/api/v1/pairs",
            json={
                "programme_id": prog["id"],
                "mentor_id": other,
                "mentee_ids": [draft_mentee],
                "form_id": prog["form_id"],
                "starts_on": iso(0),
            },
        )
        assert draft.status_code == 201
        assert 'href="/pairs/accounts-office.xlsx"' in (await curator.get("/pairs")).text
        response = await curator.get("/pairs/accounts-office.xlsx")
        assert response.status_code == 200
        assert "filename*=UTF-8''" in response.headers["content-disposition"]
        pairs = (await curator.get("/api/v1/pairs")).json()
    async with make_client(app) as head:
        await login_api(head, fresh.head, PASSWORD)
        assert (await head.get("/pairs/accounts-office.xlsx")).status_code == 200
    async with make_client(app) as outsider:
        await login_api(outsider, fresh.mentor, PASSWORD)
        assert (await outsider.get("/pairs/accounts-office.xlsx")).status_code == 403

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["№", "Наставник"] and "Соглашение №" in rows[0]
    assert len(rows) == 2  # the draft pair is not paid for yet
    paid = next(p for p in pairs if p["mentor"]["id"] == mentor)
    starts = paid["starts_on"].split("-")
    ends = paid["ends_on"].split("-")
    assert rows[1][1] == f"Оплачиваемый{tag} Тест" and rows[1][2] == "учитель физики"
    assert rows[1][3] == f"Физичка{tag} Тест"
    assert rows[1][5] == f"с {starts[2]}.{starts[1]}.{starts[0]} по {ends[2]}.{ends[1]}.{ends[0]}"
    assert rows[1][7] == f"ДС-{mentor[:4]}" and rows[1][8] == (TODAY - timedelta(days=90)).strftime("%d.%m.%Y")
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape"


async def test_the_requests_through_the_api_name_the_field_of_each_problem(app: Any, fresh: Tenant) -> None:
    tag = uuid.uuid4().hex[:6]
    mentee_email = f"ra-{tag}@test.local"
    await cabinet_account(fresh, mentee_email, "mentee")
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        prog = await programme(curator)
        mentor = await person(curator, f"Апишный{tag}", "mentor")
        successor = await person(curator, f"Преемник{tag}", "mentor")
        mentee = await person(curator, f"Апишная{tag}", "mentee_candidate", email=mentee_email)
        pair = await active_pair(curator, prog, mentor, [mentee])
    async with make_client(app) as cabinet:
        await login_api(cabinet, mentee_email, PASSWORD)
        empty = await cabinet.post(f"/api/v1/pairs/{pair}/requests", json={"reason": ""})
        assert empty.status_code == 400 and set(empty.json()["errors"]) == {"reason"}
        asked = await cabinet.post(f"/api/v1/pairs/{pair}/requests", json={"reason": "Хочу другого наставника"})
        assert asked.status_code == 201 and asked.json()["kind"] == "new_mentor" and asked.json()["status"] == "pending"
        again = await cabinet.post(f"/api/v1/pairs/{pair}/requests", json={"reason": "Ещё раз"})
        assert again.status_code == 400 and "уже у куратора" in again.json()["errors"]["reason"]
    request_id = asked.json()["id"]
    async with make_client(app) as curator:
        await login_api(curator, fresh.curator, PASSWORD)
        url = f"/api/v1/pairs/{pair}/requests/{request_id}"
        no_answer = await curator.post(f"{url}/decline", json={"answer": " "})
        assert no_answer.status_code == 400 and set(no_answer.json()["errors"]) == {"answer"}
        no_mentor = await curator.post(f"{url}/accept", json={})
        assert no_mentor.status_code == 400 and set(no_mentor.json()["errors"]) == {"new_mentor_id"}
        accepted = await curator.post(f"{url}/accept", json={"new_mentor_id": successor})
        assert accepted.status_code == 201, accepted.text
        assert accepted.json()["status"] == "accepted" and accepted.json()["order_id"]
        listed = (await curator.get(f"/api/v1/pairs/{pair}/requests")).json()
        assert [r["status"] for r in listed] == ["accepted"]
