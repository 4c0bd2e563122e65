"""A case's way from the curator's draft to the public library and off it again: who may take each step, what the
public sees at each, the pair's own numbers pulled in, and every step in the audit log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from shared.db import Scope, current_connection, tenant_transaction
from tests.cases.factories import TEXTS, finished_pair, published, write_case
from tests.helpers import PASSWORD, login_api, make_client, make_tenant, post_form


async def test_draft_approval_publication_and_withdrawal(app: Any) -> None:
    tenant = await make_tenant("кейсы-процесс")
    pair = await finished_pair(app, tenant)
    async with make_client(app) as curator, make_client(app) as municipal, make_client(app) as visitor:
        await login_api(curator, tenant.curator, PASSWORD)
        await login_api(municipal, tenant.municipal, PASSWORD)
        case = await write_case(curator, title="Адаптация молодого педагога", mentorship_id=pair["pair_id"], problem="")
        url = f"/api/v1/cases/{case['id']}"
        assert case["status"] == "draft" and case["form"] and case["anonymised"] is True
        assert case["pair_numbers"]["meetings"] == 1 and case["pair_numbers"]["mentees"] == 1
        assert case["pair_numbers"]["score_before"] == 4 and case["pair_numbers"]["score_after"] == 7
        assert [p["label"] for p in case["participants"]] == ["Наставник", "Наставляемый"]
        assert all(p["name"] == "" for p in case["participants"])

        refused = await curator.post(f"{url}/send")
        assert refused.status_code == 400 and "problem" in refused.json()["errors"]
        bad_pair = await curator.put(url, json={"title": "", "mentorship_id": str(tenant.organization_id)})
        assert bad_pair.status_code == 400
        assert set(bad_pair.json()["errors"]) >= {"title", "mentorship_id"}
        saved = await curator.put(url, json={"title": case["title"], "mentorship_id": pair["pair_id"], **TEXTS})
        assert saved.status_code == 200, saved.text

        # Nobody else's, and not the public's, until it is published.
        assert (await visitor.get(url)).status_code == 404
        assert (await visitor.get(f"/cases/{case['id']}")).status_code == 404
        async with make_client(app) as other:
            await login_api(other, tenant.other_curator, PASSWORD)
            assert (await other.get(url)).status_code == 404
        early = await municipal.post(f"{url}/steps", json={"action": "approve"})
        assert early.status_code == 400 and "status" in early.json()["errors"]

        sent = await curator.post(f"{url}/send")
        assert sent.status_code == 200 and sent.json()["status"] == "sent"
        denied = await curator.post(f"{url}/steps", json={"action": "approve"})
        assert denied.status_code == 403, denied.text
        assert (await curator.put(url, json={"title": "Правка", **TEXTS})).status_code == 400  # sent: not editable
        no_comment = await municipal.post(f"{url}/steps", json={"action": "return"})
        assert no_comment.status_code == 400 and "comment" in no_comment.json()["errors"]
        returned = await municipal.post(f"{url}/steps", json={"action": "return", "comment": "Добавьте цифры"})
        assert returned.status_code == 200 and returned.json()["status"] == "draft"
        assert (await curator.get(url)).json()["return_comment"] == "Добавьте цифры"
        assert "Добавьте цифры" in (await curator.get(f"/cases/{case['id']}")).text

        assert (await curator.post(f"{url}/send")).status_code == 200
        approved = await municipal.post(f"{url}/steps", json={"action": "approve"})
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        assert (await visitor.get(url)).status_code == 404
        assert (await curator.post(f"{url}/steps", json={"action": "publish"})).status_code == 403
        published_case = await municipal.post(f"{url}/steps", json={"action": "publish"})
        assert published_case.status_code == 200 and published_case.json()["published_at"]

        public = await visitor.get(url)
        assert public.status_code == 200 and public.json()["return_comment"] == ""
        page = await visitor.get(f"/cases/{case['id']}")
        assert page.status_code == 200 and "Адаптация молодого педагога" in page.text and "до — 4" in page.text
        assert "Опубликовать" not in page.text
        assert case["id"] in {h["id"] for h in (await visitor.get("/api/v1/cases")).json()}

        withdrawn = await curator.post(f"{url}/steps", json={"action": "withdraw"})
        assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
        assert (await visitor.get(url)).status_code == 404
        assert case["id"] not in {h["id"] for h in (await visitor.get("/api/v1/cases")).json()}
        reopened = await post_form(curator, f"/cases/{case['id']}/steps", {"action": "reopen"}, f"/cases/{case['id']}")
        assert reopened.status_code == 303
        assert (await curator.get(url)).json()["status"] == "draft"

    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        actions = [
            r["action"]
            for r in await current_connection().fetch(
                "SELECT action FROM audit_log WHERE details LIKE $1 ORDER BY at, id", f"case={case['id']}%"
            )
        ]
    assert actions[0] == "case.create"
    for step in ("case.send", "case.return", "case.approve", "case.publish", "case.withdraw", "case.reopen"):
        assert step in actions, actions


async def test_the_regional_coordinator_approves_and_another_municipality_cannot(app: Any) -> None:
    tenant = await make_tenant("кейсы-регион")
    other = await make_tenant("кейсы-чужие")
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        forms = (await curator.get("/api/v1/catalogue/forms")).json()
        case = await write_case(curator, title="Практика гимназии", form_id=forms[0]["id"])
        assert (await curator.post(f"/api/v1/cases/{case['id']}/send")).status_code == 200
    url = f"/api/v1/cases/{case['id']}/steps"
    async with make_client(app) as stranger:
        await login_api(stranger, other.municipal, PASSWORD)
        assert (await stranger.post(url, json={"action": "approve"})).status_code == 404
    async with make_client(app) as neighbour:
        # The municipal coordinator of the region's other municipality: not theirs to see.
        from tenants import logic
        from tenants.roles import Role

        email = f"municipal-other-{case['id'][:6]}@test.local"
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            pass
        from shared.db import Level

        async with tenant_transaction(Scope(Level.platform)):
            user_id = await logic.ensure_user(email, PASSWORD, "Соседов", "Муниципальный")
            await logic.ensure_membership(
                user_id, Role.municipal_coordinator, tenant.region_id, tenant.other_municipality_id, None
            )
        await login_api(neighbour, email, PASSWORD)
        assert (await neighbour.post(url, json={"action": "approve"})).status_code == 404
    async with make_client(app) as regional:
        await login_api(regional, tenant.regional, PASSWORD)
        for action in ("approve", "publish"):
            assert (await regional.post(url, json={"action": action})).status_code == 200
    async with make_client(app) as head:
        await login_api(head, tenant.head, PASSWORD)
        assert (await head.post(url, json={"action": "withdraw"})).status_code == 403
        assert (await head.get("/cases/manage")).status_code == 200


async def test_pages_show_errors_next_to_the_field_in_russian(app: Any) -> None:
    tenant = await make_tenant("кейсы-страницы")
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        assert (await curator.get("/cases/manage")).status_code == 200
        empty = await post_form(curator, "/cases/new", {"title": " ", "year": "20x6"})
        assert empty.status_code == 400
        assert "Укажите название кейса" in empty.text and "Укажите год числом" in empty.text
        created = await post_form(curator, "/cases/new", {"title": "Кейс со страницы", "anonymised": "on"})
        assert created.status_code == 303
        case_path = created.headers["location"]
        page = await curator.get(case_path)
        assert page.status_code == 200 and "Проверено — отправить на согласование" in page.text
        refused = await post_form(curator, f"{case_path}/steps", {"action": "send"}, case_path)
        assert refused.status_code == 400 and "Опишите проблему" in refused.text
        case_id = UUID(case_path.rsplit("/", 1)[1])
        upload = await curator.post(
            f"{case_path}/files",
            data={"title": "Рабочая тетрадь", "_csrf_token": await _token(curator, f"{case_path}/edit")},
            files={"file": ("tetrad.pdf", b"%PDF-1.4 tetrad", "application/pdf")},
        )
        assert upload.status_code == 303, upload.text
        wrong = await curator.post(
            f"{case_path}/files",
            data={"_csrf_token": await _token(curator, f"{case_path}/edit")},
            files={"file": ("virus.exe", b"MZ\x90\x00", "application/octet-stream")},
        )
        assert wrong.status_code == 400 and "PDF, DOCX" in wrong.text
    published_id = await published(app, tenant, title="Опубликованный кейс")
    async with make_client(app) as visitor:
        page = await visitor.get(f"/cases/{published_id}")
        assert page.status_code == 200 and "<h1>Опубликованный кейс</h1>" in page.text
        assert (await visitor.get(f"/cases/{case_id}")).status_code == 404


async def _token(client: Any, page: str) -> str:
    from tests.helpers import csrf_token

    return await csrf_token(client, page)
