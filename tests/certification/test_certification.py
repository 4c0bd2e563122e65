"""Curator certification: the round's rules, the commission's size, the portfolio from the platform's own data,
completeness before sending, the conflict of a member of the applicant's organization, totals and the pass score,
decisions with their orders and certificates, re-certification and the registry's scope."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from services.certification.applications import renewal_start
from shared.clock import today
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests import factories
from tests.contests.factories_jury import advance_entry, close_panel, make_jury_contest, nominate
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant, post_form

API = "/api/v1/certification"
STEPS: dict[str, Any] = {
    "problem": {"problem": "Молодые учителя уходят из школы в первые два года работы"},
    "goal": {
        "goal": "Увеличить число молодых учителей, оставшихся в школе после первых двух лет работы",
        "smart_specific": "Закрепление молодых учителей в школе",
        "smart_measurable": "Доля оставшихся молодых учителей, %",
        "smart_achievable": "Есть опытные педагоги, готовые быть наставниками",
        "smart_relevant": "Школе не хватает учителей",
        "smart_time_bound": "К концу учебного года",
        "target_indicator": "mentor_registry",
        "target_baseline": "0",
        "target_value": "5",
        "target_deadline": factories.iso(200),
    },
    "audience": {"audience": "Молодые специалисты со стажем до трёх лет"},
    "results": {"results": [{"indicator": "mentor_registry", "target": "5"}], "qualitative_results": "Рост"},
    "implementers": {"implementers": "Куратор и методическое объединение"},
    "resources": {"resources": "Кабинет, методические материалы"},
    "regulations": {"regulations": "Положение о наставничестве"},
}


def round_body(**extra: str) -> dict[str, str]:
    return {
        "title": f"Сертификация кураторов {uuid.uuid4().hex[:4]}",
        "applications_from": factories.iso(-5),
        "applications_until": factories.iso(30),
        "min_school_hours": "0",
        "min_curator_months": "0",
        "pass_score": "20",
        "in_person": "interview",
        "in_person_description": "Собеседование о программе наставничества",
        "in_person_max": "20",
        **extra,
    }


async def user_id(email: str) -> str:
    async with tenant_transaction(Scope(Level.platform)):
        value = await current_connection().fetchval("SELECT id FROM app_user WHERE email = $1", email)
    return str(value)


async def approved_programme_and_completed_pair(app: Any, tenant: Tenant) -> None:
    """The curator's organization: a programme approved by the head's order and a pair that completed it."""
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        programme = await factories.programme(client)
        for step, body in STEPS.items():
            saved = await client.put(f"/api/v1/programmes/{programme['id']}/steps/{step}", json=body)
            assert saved.status_code == 200, (step, saved.text)
        order = await client.post(f"/api/v1/programmes/{programme['id']}/orders", json={"kind": "approve_programme"})
        assert order.status_code == 201, order.text
        await factories.sign(order.json()["id"])
        mentor = await factories.person(client, "Наставникова", "mentor")
        mentee = await factories.person(client, "Подопечная", "mentee_candidate")
        pair_id = await factories.active_pair(client, programme, mentor, [mentee], starts=-120)
        done = await client.post(f"/api/v1/pairs/{pair_id}/status", json={"action": "complete"})
        assert done.status_code == 201, done.text


async def open_round(
    app: Any, tenant: Tenant, *, conflict_member: bool = True, chair: str = "", **extra: str
) -> dict[str, Any]:
    """A round with a required manual criterion and a commission of four (the head of the applicant's school
    among them), its order registered, open for applications."""
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        created = await client.post(f"{API}/rounds", json=round_body(**extra))
        assert created.status_code == 201, created.text
        round_id = created.json()["round"]["id"]
        manual = await client.post(
            f"{API}/rounds/{round_id}/criteria",
            json={"source": "manual", "title": "Эссе о работе куратора", "max_points": "10", "required": True},
        )
        assert manual.status_code == 201, manual.text
        chair = chair or tenant.regional
        members = [(e, e == chair) for e in (tenant.regional, tenant.municipal, tenant.other_curator)]
        if conflict_member:
            members.append((tenant.head, False))
        for email, is_chair in members:
            added = await client.post(
                f"{API}/rounds/{round_id}/members",
                json={"user_id": await user_id(email), "position": "Член комиссии", "is_chair": is_chair},
            )
            assert added.status_code == 201, added.text
        order = await client.post(f"{API}/rounds/{round_id}/commission-order")
        assert order.status_code == 201, order.text
        opened = await client.post(f"{API}/rounds/{round_id}/status", json={"status": "open"})
        assert opened.status_code == 201, opened.text
        await factories.sign(order.json()["order_id"])
        criteria = manual.json()["criteria"]
    return {"id": round_id, "criteria": criteria, "order_id": order.json()["order_id"]}


async def test_a_round_is_validated_and_its_commission_has_three_to_five_members(app: Any) -> None:
    tenant = await make_tenant("Сертификация")
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        bad = await client.post(
            f"{API}/rounds",
            json=round_body(title=" ", applications_until=factories.iso(-10), pass_score="0", in_person="exam"),
        )
        assert bad.status_code == 400
        assert {"title", "applications_until", "pass_score", "in_person"} <= set(bad.json()["errors"])
        created = await client.post(f"{API}/rounds", json=round_body())
        assert created.status_code == 201
        body = created.json()
        round_id = body["round"]["id"]
        assert body["round"]["status"] == "draft"
        sources = [c["source"] for c in body["criteria"]]
        assert {"approved_programme", "pairs_completed", "cases_published", "school_hours"} <= set(sources)

        for email in (tenant.regional, tenant.municipal):
            added = await client.post(
                f"{API}/rounds/{round_id}/members",
                json={"user_id": await user_id(email), "is_chair": email == tenant.regional},
            )
            assert added.status_code == 201, added.text
        too_few = await client.post(f"{API}/rounds/{round_id}/commission-order")
        assert too_few.status_code == 400 and "от 3 до 5" in too_few.json()["errors"]["members"]
        assert (await client.post(f"{API}/rounds/{round_id}/status", json={"status": "open"})).status_code == 400
        for email in (tenant.curator, tenant.other_curator, tenant.head):
            added = await client.post(f"{API}/rounds/{round_id}/members", json={"user_id": await user_id(email)})
            assert added.status_code == 201, added.text
        sixth = await client.post(f"{API}/rounds/{round_id}/members", json={"user_id": await user_id(tenant.mentor)})
        assert sixth.status_code == 400 and "user_id" in sixth.json()["errors"]
        order = await client.post(f"{API}/rounds/{round_id}/commission-order")
        assert order.status_code == 201, order.text
        document = await client.get(f"/api/v1/orders/{order.json()['order_id']}")
        assert document.status_code == 200 and document.json()["kind"] == "certification_commission"
        assert (await client.post(f"{API}/rounds/{round_id}/status", json={"status": "open"})).status_code == 201
        # The commission starts work only once the order naming it is registered.
        review = await client.post(f"{API}/rounds/{round_id}/status", json={"status": "review"})
        assert review.status_code == 400 and "commission" in review.json()["errors"]
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        assert (await client.post(f"{API}/rounds", json=round_body())).status_code == 403


async def test_completeness_names_each_missing_requirement_and_keeps_a_draft(app: Any) -> None:
    tenant = await make_tenant("Полнота")
    round_ = await open_round(app, tenant, min_school_hours="18", min_curator_months="12")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        started = await client.post(f"{API}/rounds/{round_['id']}/applications")
        assert started.status_code == 201, started.text
        application_id = started.json()["application"]["id"]
        sent = await client.post(f"{API}/applications/{application_id}/submit")
        assert sent.status_code == 400
        errors = sent.json()["errors"]
        manual = next(c for c in round_["criteria"] if c["source"] == "manual")
        assert "school_hours" in errors and "18" in errors["school_hours"]
        assert "curator_months" in errors and "12" in errors["curator_months"]
        assert f"criterion_{manual['id']}" in errors and "Эссе" in errors[f"criterion_{manual['id']}"]
        assert (await client.get(f"{API}/applications/{application_id}")).json()["application"]["state"] == "draft"
        page = await post_form(client, f"/certification/applications/{application_id}", {"action": "submit"})
        assert page.status_code == 422 and "обязательный критерий" in page.text and "Стаж куратора" in page.text


async def test_portfolio_conflict_scores_decisions_certificate_and_registry(app: Any) -> None:
    tenant = await make_tenant("Сертификация кураторов")
    await approved_programme_and_completed_pair(app, tenant)
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        put = await client.put(
            "/api/v1/region/settings",
            json={"require_second_factor": False, "archive_retention_days": 1095, "curator_certificate_years": 11},
        )
        assert put.status_code == 400 and "curator_certificate_years" in put.json()["errors"]
        put = await client.put(
            "/api/v1/region/settings",
            json={"require_second_factor": False, "archive_retention_days": 1095, "curator_certificate_years": 2},
        )
        assert put.status_code == 200 and put.json()["curator_certificate_years"] == 2
    round_ = await open_round(app, tenant)
    manual = next(c for c in round_["criteria"] if c["source"] == "manual")

    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        started = await client.post(f"{API}/rounds/{round_['id']}/applications")
        assert started.status_code == 201, started.text
        application_id = started.json()["application"]["id"]
        items = {i["source"]: i for i in started.json()["application"]["portfolio"]["items"]}
        # Numbers come as decimal strings, as the API gives every Decimal.
        assert float(items["approved_programme"]["count"]) == 1 and float(items["approved_programme"]["points"]) == 10
        assert float(items["pairs_completed"]["count"]) == 1 and float(items["pairs_completed"]["points"]) == 2
        assert items["cases_published"]["note"] == "опубликовано: 0"
        auto = started.json()["application"]["auto_points"]
        assert float(auto) == 12
        page = await client.get(f"/certification/applications/{application_id}")
        assert page.status_code == 200 and "опубликовано: 0" in page.text
        uploaded = await client.post(
            f"/certification/applications/{application_id}/uploads",
            data={"criterion_id": manual["id"], "title": "Эссе", "_csrf_token": await _token(client, application_id)},
            files={"file": ("essay.pdf", b"%PDF-1.4 essay", "application/pdf")},
        )
        assert uploaded.status_code == 303
        async with make_client(app) as member:  # a draft not yet sent does not exist for the commission
            await login_api(member, tenant.other_curator, PASSWORD)
            draft = await member.post(f"{API}/applications/{application_id}/scores", json={"in_person": "10"})
            assert draft.status_code == 404
        sent = await client.post(f"{API}/applications/{application_id}/submit")
        assert sent.status_code == 201, sent.text
        assert sent.json()["application"]["state"] == "submitted"

    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        assert (await client.post(f"{API}/rounds/{round_['id']}/status", json={"status": "review"})).status_code == 201

    # The head of the applicant's school sits in the commission: the application does not exist for them.
    async with make_client(app) as client:
        await login_api(client, tenant.head, PASSWORD)
        assert (await client.get(f"/certification/applications/{application_id}")).status_code == 404
        assert (await client.get(f"{API}/applications/{application_id}")).status_code == 404
        refused = await client.post(f"{API}/applications/{application_id}/scores", json={"in_person": "20"})
        assert refused.status_code == 404
        assert application_id not in (await client.get(f"/certification/rounds/{round_['id']}")).text

    scores = {tenant.regional: "16", tenant.municipal: "14", tenant.other_curator: "12"}
    for email, points in scores.items():
        async with make_client(app) as client:
            await login_api(client, email, PASSWORD)
            over = await client.post(f"{API}/applications/{application_id}/scores", json={"in_person": "25"})
            assert over.status_code == 400 and "in_person" in over.json()["errors"]
            saved = await client.post(
                f"{API}/applications/{application_id}/scores",
                json={"in_person": points, "comment": "Уверенно", "manual": {manual["id"]: "6"}},
            )
            assert saved.status_code == 201, saved.text
    # 12 counted + 6 for the essay (the members' mean) + (16 + 14 + 12) / 3 in person
    expected_total = 12 + 6 + 14

    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        overview = await client.get(f"/certification/applications/{application_id}")
        assert "Конфликт интересов: не оценивает" in overview.text
        listed = (await client.get(f"{API}/rounds/{round_['id']}/applications")).json()
        lines = {line["member"]["full_name"]: line for line in listed[0]["members"]}
        assert len(lines) == 4 and sum(line["conflict"] for line in lines.values()) == 1
        card = (await client.get(f"{API}/applications/{application_id}")).json()
        assert float(card["application"]["total_score"]) == expected_total and card["passes"] is True
        no_reason = await client.post(
            f"{API}/applications/{application_id}/decision", json={"outcome": "not_certified"}
        )
        assert no_reason.status_code == 400 and "reasons" in no_reason.json()["errors"]
        returned = await client.post(
            f"{API}/applications/{application_id}/decision",
            json={"outcome": "returned", "reasons": "Приложите приказ о назначении куратором"},
        )
        assert returned.status_code == 201 and returned.json()["application"]["state"] == "returned"

    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        again = await client.post(f"{API}/applications/{application_id}/submit")
        assert again.status_code == 201, again.text
        assert again.json()["application"]["state"] == "submitted"

    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        decided = await client.post(f"{API}/applications/{application_id}/decision", json={"outcome": "certified"})
        assert decided.status_code == 201, decided.text
        application = decided.json()["application"]
        assert application["state"] == "certified" and application["decision_order_id"]
        order = (await client.get(f"/api/v1/orders/{application['decision_order_id']}")).json()
        assert order["kind"] == "certification_decision"
        registry = (await client.get(f"{API}/registry")).json()
        assert len(registry) == 1 and registry[0]["number"].startswith(f"СК-{today().year}-")
        assert registry[0]["valid_until"] == (today() + relativedelta(years=2)).isoformat()
        assert (await client.get(f"{API}/registry?municipality_id={tenant.other_municipality_id}")).json() == []
        xlsx = await client.get("/certification/registry.xlsx")
        assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)  # the first municipality's: the curator's own
        assert [r["number"] for r in (await client.get(f"{API}/registry")).json()] == [registry[0]["number"]]
        page = await client.get("/certification/registry")
        assert page.status_code == 200 and registry[0]["number"] in page.text
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)  # another organization: not in their scope
        assert (await client.get(f"{API}/registry")).json() == []

    # Re-certification: with the certificate expiring within six months the curator applies to a new round,
    # and the new certificate starts the day after the old one ends.
    old_until = today() + timedelta(days=40)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        await current_connection().execute(
            "UPDATE certificate SET valid_until = $2 WHERE id = $1", uuid.UUID(application["certificate_id"]), old_until
        )
    second = await open_round(app, tenant, conflict_member=False)
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        started = await client.post(f"{API}/rounds/{second['id']}/applications")
        assert started.status_code == 201, started.text
        renewal = started.json()["application"]
        assert renewal["previous_certificate_id"] == application["certificate_id"]
        second_manual = next(c for c in second["criteria"] if c["source"] == "manual")
        uploaded = await client.post(
            f"/certification/applications/{renewal['id']}/uploads",
            data={"criterion_id": second_manual["id"], "_csrf_token": await _token(client, renewal["id"])},
            files={"file": ("essay.pdf", b"%PDF-1.4 essay", "application/pdf")},
        )
        assert uploaded.status_code == 303
        assert (await client.post(f"{API}/applications/{renewal['id']}/submit")).status_code == 201
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        assert (await client.post(f"{API}/rounds/{second['id']}/status", json={"status": "review"})).status_code == 201
        scored = await client.post(f"{API}/applications/{renewal['id']}/scores", json={"in_person": "18"})
        assert scored.status_code == 201
        renewed = await client.post(f"{API}/applications/{renewal['id']}/decision", json={"outcome": "certified"})
        assert renewed.status_code == 201, renewed.text
    async with tenant_transaction(Scope(Level.platform)):
        starts_on, valid_until = await current_connection().fetchrow(
            "SELECT starts_on, valid_until FROM certificate WHERE id = $1",
            uuid.UUID(renewed.json()["application"]["certificate_id"]),
        )
    assert starts_on == old_until + timedelta(days=1)
    assert valid_until == old_until + timedelta(days=1) + relativedelta(years=2)


async def _token(client: Any, application_id: str) -> str:
    from tests.helpers import csrf_token

    return await csrf_token(client, f"/certification/applications/{application_id}")


def test_a_renewal_starts_the_day_after_the_old_certificate_ends() -> None:
    assert renewal_start(date(2026, 12, 2), date(2027, 1, 15)) == date(2027, 1, 16)
    assert renewal_start(date(2026, 12, 2), date(2026, 11, 1)) == date(2026, 12, 2)
    assert renewal_start(date(2026, 12, 2), None) == date(2026, 12, 2)


async def test_the_coordinator_builds_a_round_on_its_pages(app: Any) -> None:
    tenant = await make_tenant("Страницы сертификации")
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        assert (await client.get("/certification")).status_code == 200
        wrong = await post_form(
            client, "/certification/rounds", {**round_body(), "pass_score": "абв"}, "/certification"
        )
        assert wrong.status_code == 422 and "Укажите число" in wrong.text
        created = await post_form(client, "/certification/rounds", round_body(), "/certification")
        assert created.status_code == 303
        target = created.headers["location"]
        page = await client.get(target)
        assert page.status_code == 200 and "Критерии портфолио" in page.text and "появится позже" not in page.text
        for email, chair in ((tenant.regional, "on"), (tenant.municipal, ""), (tenant.other_curator, "")):
            added = await post_form(
                client, target, {"action": "add_member", "user_id": await user_id(email), "is_chair": chair}
            )
            assert added.status_code == 303
        page = await client.get(target)
        assert "Сформировать приказ о комиссии" in page.text
        ordered = await post_form(client, target, {"action": "commission_order"})
        assert ordered.status_code == 303 and ordered.headers["location"].startswith("/orders/")
        assert (await client.get(ordered.headers["location"])).status_code == 200
        opened = await post_form(client, target, {"action": "advance", "status": "open"})
        assert opened.status_code == 303
        assert "приём заявок" in (await client.get(target)).text
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        page = await client.get(target)
        assert page.status_code == 200 and "Подать заявку" in page.text
        applied = await post_form(client, f"{target}/apply", {}, target)
        assert applied.status_code == 303
        application = await client.get(applied.headers["location"])
        assert application.status_code == 200 and "Отправить в комиссию" in application.text
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        assert (await client.get(target)).status_code == 200
        assert (await client.get("/certification/registry")).status_code == 200


async def test_the_chair_decides_in_one_step_with_the_regions_order_and_certificate(app: Any) -> None:
    """The chair here is the municipal coordinator: the order and the certificate are still the region's."""
    tenant = await make_tenant("Председатель")
    round_ = await open_round(app, tenant, conflict_member=False, chair=tenant.municipal, pass_score="5")
    required = [c for c in round_["criteria"] if c["required"]]
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        application_id = (await client.post(f"{API}/rounds/{round_['id']}/applications")).json()["application"]["id"]
        for criterion in required:  # no platform data here: a document backs each required criterion
            uploaded = await client.post(
                f"/certification/applications/{application_id}/uploads",
                data={"criterion_id": criterion["id"], "_csrf_token": await _token(client, application_id)},
                files={"file": ("proof.png", b"\x89PNG\r\n\x1a\n proof", "image/png")},
            )
            assert uploaded.status_code == 303
        assert (await client.post(f"{API}/applications/{application_id}/submit")).status_code == 201
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        assert (await client.post(f"{API}/rounds/{round_['id']}/status", json={"status": "review"})).status_code == 201
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)  # a member, not the chair: may not decide
        scored = await client.post(f"{API}/applications/{application_id}/scores", json={"in_person": "10"})
        assert scored.status_code == 201
        refused = await client.post(f"{API}/applications/{application_id}/decision", json={"outcome": "certified"})
        assert refused.status_code == 403
    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        decided = await client.post(f"{API}/applications/{application_id}/decision", json={"outcome": "certified"})
        assert decided.status_code == 201, decided.text
        assert decided.json()["application"]["certificate_id"] and decided.json()["application"]["decision_order_id"]
    async with tenant_transaction(Scope(Level.platform)):
        order = await current_connection().fetchrow(
            "SELECT kind, organization_id, municipality_id FROM programme_order WHERE id = $1",
            uuid.UUID(decided.json()["application"]["decision_order_id"]),
        )
    assert dict(order) == {"kind": "certification_decision", "organization_id": None, "municipality_id": None}


async def test_contest_results_count_the_curators_places_and_advances(app: Any) -> None:
    """Each result of a finished, published panel that placed or advanced counts points per item up to the
    criterion's maximum; a result still open, or a stage the curator did not pass, does not."""
    tenant = await make_tenant("Сертификация конкурсы")
    round_ = await open_round(app, tenant)
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        started = await client.post(f"{API}/rounds/{round_['id']}/applications")
        assert started.status_code == 201, started.text
        application = started.json()["application"]
        items = {i["source"]: i for i in application["portfolio"]["items"]}
        assert float(items["contest_results"]["count"]) == 0
        assert items["contest_results"]["note"] == "призовых мест и выходов в следующий этап: 0"
    curator = uuid.UUID(application["person_id"])
    contest = await make_jury_contest(tenant, entries=2, jurors=0, advance=1)
    await nominate(tenant, contest.applications[0], curator)
    leader, other = contest.entries
    await close_panel(tenant, contest.panel_id, {leader: ("advanced", None), other: ("not_advanced", None)})
    final = await advance_entry(tenant, contest, leader)
    earlier = await make_jury_contest(tenant, entries=1, jurors=0, advance=1)  # a stage the curator did not pass
    await nominate(tenant, earlier.applications[0], curator)
    await close_panel(tenant, earlier.panel_id, {earlier.entries[0]: ("not_advanced", None)})
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        url = f"{API}/applications/{application['id']}/assemble"
        assembled = (await client.post(url)).json()["application"]["portfolio"]["items"]
        item = next(i for i in assembled if i["source"] == "contest_results")
        assert float(item["count"]) == 1 and float(item["points"]) == 5  # the advance; the regional panel is open
        await close_panel(tenant, contest.regional_panel_id, {final: ("winner", 1)})
        assembled = (await client.post(url)).json()["application"]["portfolio"]["items"]
        item = next(i for i in assembled if i["source"] == "contest_results")
        assert float(item["count"]) == 2 and float(item["points"]) == 10  # 2 × 5, the maximum
        assert item["note"] == "призовых мест и выходов в следующий этап: 2"
        page = await client.get(f"/certification/applications/{application['id']}")
        assert "призовых мест и выходов в следующий этап: 2" in page.text
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        shown = await client.get(f"/certification/rounds/{round_['id']}")
        assert shown.status_code == 200 and "(появится позже)" not in shown.text  # every criterion is counted
