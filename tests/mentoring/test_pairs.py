"""Pairs and groups: the one-year limit, early end, extension, replacement keeping the period, meetings, the
14-day alert firing once, cabinets that see only their own pairs, consents and the pulse."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.errors import ValidationFailed
from shared.settings import get_settings
from tests.factories import TODAY, active_pair, iso, person, programme, sign
from tests.helpers import PASSWORD, Tenant, login_api, make_client

# Matching -----------------------------------------------------------------------------------------------------


# The lifecycle ------------------------------------------------------------------------------------------------


async def test_a_pair_lasts_at_most_one_year(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Годовой", "mentor")
        mentee = await person(client, "Годовая", "mentee_candidate")
        body = {
            "programme_id": prog["id"],
            "mentor_id": mentor,
            "mentee_ids": [mentee],
            "form_id": prog["form_id"],
            "starts_on": iso(0),
        }
        too_long = await client.post("/api/v1/pairs", json={**body, "ends_on": iso(366)})
        assert too_long.status_code == 400 and "календарного года" in too_long.json()["errors"]["ends_on"]
        default = await client.post("/api/v1/pairs", json=body)
        assert default.status_code == 201
        assert default.json()["ends_on"] == (TODAY + relativedelta(years=1, days=-1)).isoformat()
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        from asyncpg import CheckViolationError

        with pytest.raises(CheckViolationError):
            await current_connection().execute(
                "UPDATE mentorship SET ends_on = starts_on + 400 WHERE id = $1", uuid.UUID(default.json()["id"])
            )


async def test_early_end_extension_and_replacement_keeping_the_period(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        tag = uuid.uuid4().hex[:4]
        first = await person(client, f"Первый{tag}", "mentor")
        second = await person(client, f"Второй{tag}", "mentor")
        mentees = [await person(client, f"Ученица{tag}{n}", "mentee_candidate") for n in range(2)]
        pair = await active_pair(client, prog, first, [mentees[0]])
        card = (await client.get(f"/api/v1/pairs/{pair}")).json()
        assert card["status"] == "active"
        period = (card["starts_on"], card["ends_on"])

        url = f"/api/v1/pairs/{pair}/status"
        no_reason = await client.post(url, json={"action": "extend", "extended_to": iso(400)})
        assert "extension_reason" in no_reason.json()["errors"]
        extended = await client.post(
            url, json={"action": "extend", "extended_to": iso(400), "extension_reason": "больничный лист № 123"}
        )
        assert extended.json()["extended_to"] == iso(400)

        bad_reason = await client.post(url, json={"action": "replace", "new_mentor_id": second, "reason": "надоел"})
        assert "reason" in bad_reason.json()["errors"]
        replaced = await client.post(
            url, json={"action": "replace", "new_mentor_id": second, "reason": "incompatibility"}
        )
        assert replaced.status_code == 201, replaced.text
        assert replaced.json()["mentor"]["id"] == first  # until the order is registered
        await sign(replaced.json()["order_id"])  # the head's signature: a curator may not register it
        after = (await client.get(f"/api/v1/pairs/{pair}")).json()
        assert after["mentor"]["id"] == second
        assert (after["starts_on"], after["ends_on"]) == period
        assert [h["mentor"] for h in after["history"]][-2:] == [f"Первый{tag} Тест", f"Второй{tag} Тест"]
        order_text = (await client.get(f"/api/v1/orders/{replaced.json()['order_id']}")).json()
        assert order_text["title"] == "О замене наставника"

        early = await active_pair(client, prog, first, [mentees[1]])
        alone = await client.post(
            f"/api/v1/pairs/{early}/status",
            json={"action": "end_early", "end_reason": "компетенции освоены", "mentor_agrees": True},
        )
        assert "agreement" in alone.json()["errors"]
        ended = await client.post(
            f"/api/v1/pairs/{early}/status",
            json={
                "action": "end_early",
                "end_reason": "компетенции освоены",
                "mentor_agrees": True,
                "curator_agrees": True,
            },
        )
        assert ended.json()["status"] == "ended_early" and ended.json()["finished_on"] == TODAY.isoformat()
        late_meeting = await client.post(f"/api/v1/pairs/{early}/meetings", json={"kind": "regular", "minutes": "60"})
        assert late_meeting.status_code == 400


async def test_meetings_follow_their_scripts_and_the_final_one_makes_a_mentor(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Итоговый", "mentor")
        mentee = await person(client, "Будущая", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee])
        url = f"/api/v1/pairs/{pair}/meetings"
        future = await client.post(url, json={"kind": "regular", "held_on": iso(3), "minutes": "60"})
        assert "held_on" in future.json()["errors"]
        final_without_scale = await client.post(url, json={"kind": "final", "minutes": "90"})
        assert "closeness" in final_without_scale.json()["errors"]
        regular = await client.post(
            url, json={"kind": "regular", "minutes": "75", "q_closer": "Да", "q_feeling": "Хорошо", "q_unknown": "x"}
        )
        assert regular.json()["answers"] == {"closer": "Да", "feeling": "Хорошо"}
        final = await client.post(
            url,
            json={
                "kind": "final",
                "minutes": "90",
                "closeness": "8",
                "wants_to_mentor": "1",
                "q_results": "Открытый урок",
            },
        )
        assert final.status_code == 201 and final.json()["closeness"] == 8
        roles = {p["role"] for p in (await client.get(f"/api/v1/people/{mentee}")).json()["participations"]}
        assert "mentor_candidate" in roles
        plan = await client.put(
            f"/api/v1/pairs/{pair}/plan/goal",
            json=[{"goal": "Провести открытый урок", "deadline": "май", "indicators": "урок проведён"}, {}],
        )
        assert plan.status_code == 200 and plan.json()["plan"]["goal"][0]["goal"] == "Провести открытый урок"


# Rhythm -------------------------------------------------------------------------------------------------------


async def test_the_fourteen_day_alert_fires_once_per_lapse(app: Any, tenant_a: Tenant, smtp: Any) -> None:
    from services.mentoring.jobs import check_rhythm

    inbox, port = smtp
    ctx = {"settings": replace(get_settings(), smtp_port=port), "redis": app.state.redis}
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Молчаливый", "mentor")
        mentee = await person(client, "Пропавшая", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee], starts=-20)
        await check_rhythm(ctx)
        await check_rhythm(ctx)

        async def alerts() -> list[Any]:
            async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
                return list(
                    await current_connection().fetch(
                        "SELECT kind, lapse, mailed_at FROM rhythm_alert WHERE mentorship_id = $1", uuid.UUID(pair)
                    )
                )

        found = await alerts()
        assert len(found) == 1 and found[0]["kind"] == "no_meeting" and found[0]["mailed_at"] is not None
        mails = [m for m in inbox.to(tenant_a.curator) if pair in m.get_payload(decode=True).decode()]
        assert len(mails) == 1
        home = await client.get("/workspace")
        assert "Под угрозой" in home.text and "нет встреч" in home.text

        # A short in-person meeting ends the silence but is itself a lapse, reported once.
        await client.post(
            f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "40", "format": "in_person"}
        )
        await check_rhythm(ctx)
        await check_rhythm(ctx)
        kinds = sorted(a["kind"] for a in await alerts())
        assert kinds == ["no_meeting", "short_meeting"]


# Cabinets -----------------------------------------------------------------------------------------------------


async def test_a_cabinet_sees_only_its_own_pairs(app: Any, tenant_a: Tenant) -> None:
    from tenants import logic as tenants
    from tenants.roles import Role

    tag = uuid.uuid4().hex[:6]
    email = f"mentor-{tag}@test.local"
    async with tenant_transaction(Scope(Level.platform)):
        user_id = await tenants.ensure_user(email, PASSWORD, "Кабинетов", "Пётр")
        await tenants.ensure_membership(
            user_id, Role.mentor, tenant_a.region_id, tenant_a.municipality_id, tenant_a.organization_id
        )
    async with make_client(app) as curator:
        await login_api(curator, tenant_a.curator, PASSWORD)
        prog = await programme(curator)
        own_mentor = await person(curator, f"Кабинетов{tag}", "mentor", email=email)
        other_mentor = await person(curator, f"Чужой{tag}", "mentor")
        mentees = [await person(curator, f"Подопечная{tag}{n}", "mentee_candidate") for n in range(2)]
        own = await active_pair(curator, prog, own_mentor, [mentees[0]])
        other = await active_pair(curator, prog, other_mentor, [mentees[1]])
    async with make_client(app) as cabinet:
        await login_api(cabinet, email, PASSWORD)
        listed = {p["id"] for p in (await cabinet.get("/api/v1/pairs")).json()}
        assert listed == {own}
        assert (await cabinet.get(f"/api/v1/pairs/{other}")).status_code == 404
        assert (await cabinet.get(f"/cabinet/pairs/{other}")).status_code == 404
        assert (await cabinet.post(f"/api/v1/pairs/{other}/meetings", json={"kind": "regular"})).status_code == 404
        page = await cabinet.get("/cabinet")
        assert page.status_code == 200 and f"Подопечная{tag}0" in page.text and f"Подопечная{tag}1" not in page.text
        recorded = await cabinet.post(
            f"/api/v1/pairs/{own}/meetings",
            json={"kind": "regular", "minutes": "60", "format": "video", "q_good": "Всё"},
        )
        assert recorded.status_code == 201
        assert (await cabinet.get("/pairs")).status_code == 403
        assert (await cabinet.get(f"/api/v1/people/{mentees[1]}")).status_code == 403


async def test_a_withdrawn_consent_stops_the_pair_records(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Согласный", "mentor")
        mentee = await person(client, "Отозвавшая", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee])
        consent = (await client.get(f"/api/v1/people/{mentee}/consents")).json()[0]
        withdrawn = await client.post(f"/api/v1/people/{mentee}/consents/{consent['id']}/withdraw", json={})
        assert withdrawn.status_code == 200, withdrawn.text
        refused = await client.post(f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "60"})
        assert refused.status_code == 400 and "consent" in refused.json()["errors"]
        plan = await client.put(f"/api/v1/pairs/{pair}/plan/wish", json=[{"wish": "x"}])
        assert plan.status_code == 400


async def test_the_programme_counts_its_pairs_live(app: Any, fresh: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        prog = await programme(client)
        before = (await client.get(f"/api/v1/programmes/{prog['id']}")).json()["indicators"]["pairs"]
        await active_pair(
            client,
            prog,
            await person(client, "Счётный", "mentor"),
            [await person(client, "Счётная", "mentee_candidate")],
        )
        after = (await client.get(f"/api/v1/programmes/{prog['id']}")).json()["indicators"]["pairs"]
        assert (before, after) == (0, 1)


async def test_the_pulse_goes_out_once_per_round_and_a_bad_answer_puts_the_pair_at_risk(
    app: Any,
    fresh: Tenant,
    smtp: Any,
) -> None:
    from services.mentoring.jobs import check_rhythm
    from services.mentoring.pulse import due_round
    from services.registry import questionnaire_requests as registry

    assert [due_round(TODAY - timedelta(days=d), TODAY) for d in (29, 30, 89, 90, 150)] == [None, 1, 1, 2, 3]
    _, port = smtp
    ctx = {"settings": replace(get_settings(), smtp_port=port), "redis": app.state.redis}
    async with make_client(app) as client:
        await login_api(client, fresh.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Пульсовая", "mentor", email=f"pulse-{uuid.uuid4().hex[:6]}@test.local")
        mentee = await person(client, "Пульсовой", "mentee_candidate")
        pair = await active_pair(client, prog, mentor, [mentee], starts=-35)
        await client.post(
            f"/api/v1/pairs/{pair}/meetings", json={"kind": "regular", "minutes": "60", "held_on": iso(-2)}
        )
        await check_rhythm(ctx)
        await check_rhythm(ctx)
        async with tenant_transaction(Scope.for_region(fresh.region_id)):
            sent = await current_connection().fetch(
                "SELECT round, person_id, request_id FROM pair_pulse WHERE mentorship_id = $1", uuid.UUID(pair)
            )
        assert sorted((r["round"], str(r["person_id"])) for r in sent) == sorted([(1, mentor), (1, mentee)])
        assert "Под угрозой" not in (await client.get("/workspace")).text
        request_id = next(r["request_id"] for r in sent if str(r["person_id"]) == mentee)
        token = registry.questionnaire_token(get_settings().secret_key, request_id)
        async with tenant_transaction(Scope()):
            await registry.submit_questionnaire(token, {"useful": ["3"], "continue": ["нет"]})
        home = (await client.get("/workspace")).text
        assert "участник не хочет продолжать" in home and "малополезные" in home


async def test_a_person_in_a_pair_is_not_merged_away(app: Any, tenant_a: Tenant) -> None:
    from services.registry import regional_base as registry

    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        prog = await programme(client)
        mentor = await person(client, "Слияние", "mentor")
        mentee = await person(client, "Слияемая", "mentee_candidate")
        await active_pair(client, prog, mentor, [mentee])
        duplicate = await person(client, "Слияемая", "mentee_candidate")
    actor = Actor(None, tenant_a.region_id, None)
    async with tenant_transaction(Scope.for_region(tenant_a.region_id)):
        with pytest.raises(ValidationFailed) as refused:
            await registry.merge(actor, uuid.UUID(duplicate), uuid.UUID(mentee))
        assert "участвует в наставнической паре" in refused.value.errors["duplicate_id"]
        await registry.merge(actor, uuid.UUID(mentee), uuid.UUID(duplicate))  # the other way round is fine
