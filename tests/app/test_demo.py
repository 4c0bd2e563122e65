"""`seed-demo` builds the documented demo region, idempotently, and each demo login sees its own scope."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.cli import seed_demo_region
from shared.db import Level, Scope, current_connection, tenant_transaction
from tenants.demo import REGION_NAME
from tenants.demo_accounts import DEMO_LOGINS, PASSWORD, SECOND_FACTOR_ACCOUNT, SECOND_FACTOR_KEY
from tests.helpers import Tenant, login_api, login_page, make_client, post_form


@pytest.fixture(scope="module")
async def demo(app: Any) -> dict[str, Any]:
    region_id = await seed_demo_region()
    assert await seed_demo_region() == region_id  # a second run adds nothing
    async with tenant_transaction(Scope(Level.platform)):
        counts = await current_connection().fetchrow(
            """SELECT (SELECT count(*) FROM municipality WHERE region_id = $1) AS municipalities,
                      (SELECT count(*) FROM organization WHERE region_id = $1) AS organizations,
                      (SELECT count(DISTINCT kind) FROM organization WHERE region_id = $1) AS kinds,
                      (SELECT count(*) FROM membership WHERE region_id = $1) AS memberships,
                      (SELECT count(*) FROM invitation WHERE region_id = $1) AS invitations,
                      (SELECT count(*) FROM person WHERE region_id = $1) AS people,
                      (SELECT count(DISTINCT organization_id) FROM questionnaire_answer
                       WHERE region_id = $1) AS organizations_with_answers,
                      (SELECT count(*) FROM organization o WHERE region_id = $1 AND NOT EXISTS (
                          SELECT 1 FROM consent c JOIN participation pa ON pa.person_id = c.person_id
                          WHERE pa.organization_id = o.id AND c.withdrawn_on IS NULL)) AS without_consents,
                      (SELECT count(*) FROM consent c JOIN person p ON p.id = c.person_id
                       WHERE c.region_id = $1 AND c.given_by = 'self'
                         AND p.birth_date > current_date - interval '18 years') AS minors_self,
                      (SELECT count(*) FROM organization o WHERE region_id = $1 AND kind <> 'municipal_body'
                         AND NOT EXISTS (SELECT 1 FROM programme p JOIN roadmap_event e ON e.programme_id = p.id
                             AND e.status = 'done' WHERE p.organization_id = o.id)) AS without_roadmap_progress,
                      (SELECT count(*) FROM programme WHERE region_id = $1 AND municipality_id IS NOT NULL
                         AND approved_order_id IS NULL AND form_ids <> '{}') AS municipal_programmes,
                      (SELECT count(*) FROM programme WHERE region_id = $1) AS programmes,
                      (SELECT array_agg(r.indicator ORDER BY r.indicator) FROM programme_result r
                         JOIN programme p ON p.region_id = r.region_id AND p.id = r.programme_id
                         WHERE r.region_id = $1 AND p.organization_id IS NULL
                         AND (r.indicator IN ('trained_mentors', 'certified_curators')
                           OR r.title = 'Сертифицированных кураторов')) AS school_results,
                      (SELECT count(*) FROM programme_order WHERE region_id = $1 AND number IS NOT NULL
                         AND kind = 'approve_registry') AS registries_approved,
                      (SELECT count(*) FROM mentorship WHERE region_id = $1 AND status = 'active') AS active_pairs,
                      (SELECT count(DISTINCT mentorship_id) FROM meeting WHERE region_id = $1) AS pairs_meeting,
                      (SELECT count(DISTINCT mentorship_id) FROM plan_row WHERE region_id = $1) AS pairs_with_plans,
                      (SELECT count(*) FROM rhythm_alert WHERE region_id = $1 AND kind = 'no_meeting') AS lapses,
                      (SELECT count(*) FROM mentorship m JOIN mentorship_mentee mm ON mm.mentorship_id = m.id
                         JOIN person p ON p.id = mm.mentee_id WHERE m.region_id = $1 AND m.status = 'active'
                         AND p.email = 'mentee1@demo.local') AS demo_mentee_pairs,
                      (SELECT count(*) FROM mentorship WHERE region_id = $1 AND status = 'completed') AS completed,
                      (SELECT count(*) FROM mentorship WHERE region_id = $1 AND status = 'ended_early') AS ended_early,
                      (SELECT count(*) FROM questionnaire_answer qa
                         JOIN questionnaire_template t ON t.id = qa.template_id
                         WHERE qa.region_id = $1 AND t.code LIKE 'satisfaction%') AS satisfaction,
                      (SELECT count(*) FROM monitoring_report WHERE region_id = $1 AND submitted_at IS NOT NULL)
                         AS reports_submitted,
                      (SELECT count(*) FROM monitoring_report WHERE region_id = $1 AND submitted_at IS NULL)
                         AS reports_missing,
                      (SELECT count(*) FROM assessment WHERE region_id = $1 AND stage = 'after') AS assessed_after,
                      (SELECT count(*) FROM pair_pulse pp JOIN questionnaire_request r ON r.id = pp.request_id
                         WHERE pp.region_id = $1 AND r.answered_at IS NOT NULL) AS pulses_answered,
                      (SELECT count(*) FROM mentorship WHERE region_id = $1 AND status = 'active'
                         AND starts_on <= current_date - 30) AS pairs_due_a_pulse,
                      (SELECT count(DISTINCT organization_id) FROM indicator_fact WHERE region_id = $1
                         AND ends_on = current_date) AS organizations_counted,
                      (SELECT count(*) FROM organization WHERE region_id = $1 AND kind <> 'municipal_body')
                         AS organizations_to_count,
                      (SELECT count(*) FROM programme_order WHERE region_id = $1 AND number IS NULL
                         AND submitted_at IS NOT NULL AND kind = 'approve_roadmap') AS roadmaps_sent_for_signature,
                      (SELECT count(*) FROM programme_order po WHERE po.region_id = $1 AND po.number IS NOT NULL
                         AND (po.registered_by IS NOT NULL OR EXISTS (SELECT 1 FROM membership h
                           WHERE h.organization_id = po.organization_id AND h.role = 'head'))
                         AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.user_id = po.registered_by
                           AND m.region_id = po.region_id AND (
                             (po.organization_id IS NOT NULL AND m.role = 'head'
                                AND m.organization_id = po.organization_id)
                             OR (po.municipality_id IS NOT NULL AND m.role = 'municipal_coordinator')
                             OR (po.organization_id IS NULL AND po.municipality_id IS NULL
                                AND m.role = 'regional_coordinator')))) AS registered_by_another,
                      (SELECT count(*) FROM roadmap_event e JOIN organization o ON o.id = e.organization_id
                         WHERE e.region_id = $1 AND o.kind = 'school'
                         AND ((e.title || e.expected_result || e.responsible) ~* 'техникум|http'
                           OR e.responsible ~ '\\mУПР\\M')) AS college_words,
                      (SELECT count(*) FROM school_cohort WHERE region_id = $1) AS school_cohorts,
                      (SELECT count(*) FROM school_programme WHERE region_id = $1) AS school_programmes,
                      (SELECT count(*) FROM school_enrolment WHERE region_id = $1 AND state = 'accepted')
                         AS school_accepted,
                      (SELECT count(*) FROM school_enrolment WHERE region_id = $1 AND state = 'waiting')
                         AS school_waiting,
                      (SELECT count(*) FROM school_enrolment WHERE region_id = $1 AND state = 'nominated')
                         AS school_nominated,
                      (SELECT count(*) FROM school_enrolment WHERE region_id = $1 AND state = 'applied')
                         AS school_applied,
                      (SELECT count(*) FROM school_enrolment WHERE region_id = $1 AND outcome = 'completed')
                         AS school_completed,
                      (SELECT count(*) FROM school_enrolment WHERE region_id = $1 AND outcome_overridden)
                         AS school_overridden,
                      (SELECT count(*) FROM school_enrolment e WHERE e.region_id = $1 AND NOT EXISTS (
                          SELECT 1 FROM consent c WHERE c.person_id = e.person_id AND c.kind = 'personal_data'
                          AND c.withdrawn_on IS NULL)) AS school_without_consent,
                      (SELECT count(*) FROM school_session WHERE region_id = $1 AND checkin_code <> ''
                         AND checkin_until > now()) AS school_open_checkins,
                      (SELECT count(*) FROM programme_order WHERE region_id = $1 AND number IS NOT NULL
                         AND kind IN ('school_enrolment', 'school_completion')) AS school_orders,
                      (SELECT count(*) FROM certificate WHERE region_id = $1 AND kind = 'training'
                         AND revoked_at IS NULL AND (valid_until IS NULL OR valid_until >= current_date))
                         AS school_certificates_valid,
                      (SELECT count(*) FROM certificate WHERE region_id = $1 AND revoked_at IS NOT NULL)
                         AS certificates_revoked,
                      (SELECT count(*) FROM certificate WHERE region_id = $1 AND valid_until < current_date)
                         AS certificates_expired""",
            region_id,
        )
    return {"region_id": region_id, **dict(counts)}


async def test_the_demo_region_has_the_documented_shape(demo: dict[str, Any]) -> None:
    assert demo["municipalities"] == 3
    assert demo["organizations"] >= 12
    assert demo["kinds"] == 5
    assert demo["memberships"] == 13  # the twelve documented logins' roles and the second factor's account
    assert demo["invitations"] == 2
    assert demo["people"] >= 150
    assert demo["organizations_with_answers"] == demo["organizations"]  # filled questionnaires everywhere
    assert demo["without_consents"] == 0  # every organization has consenting people
    assert demo["minors_self"] == 0  # minors' consents come from their representatives
    assert demo["without_roadmap_progress"] == 0  # every organization's roadmap is under way
    assert demo["municipal_programmes"] == 1
    assert demo["programmes"] == demo["organizations"] - 3 + 1  # municipal bodies run the municipal programme
    # Every school, college, centre and employer has its mentor registry approved by its head's order.
    assert demo["registries_approved"] == demo["organizations_to_count"]
    # The municipal programme counts both from the mentor school and the certification, none typed by hand.
    assert demo["school_results"] == ["certified_curators", "trained_mentors"]
    assert demo["active_pairs"] >= 25 and demo["pairs_meeting"] >= demo["active_pairs"]
    assert demo["pairs_with_plans"] >= demo["active_pairs"]
    assert demo["lapses"] >= 3  # some pairs stopped meeting: the alerts and the curator's home show them
    assert demo["demo_mentee_pairs"] == 1
    assert demo["reports_submitted"] == 4 and demo["reports_missing"] > 0  # a closed half-year: who did not report
    assert demo["assessed_after"] > 0  # the influence monitoring has its second stage for the finished pairs
    assert demo["completed"] >= 1 and demo["ended_early"] >= 1 and demo["satisfaction"] >= 2
    # The pulse goes out 30 days after a pair starts: early in the school year there is none yet.
    assert (demo["pulses_answered"] > 0) == (demo["pairs_due_a_pulse"] > 0)
    assert demo["organizations_counted"] == demo["organizations_to_count"]  # dashboards open counted, no waiting
    assert demo["roadmaps_sent_for_signature"] == 1  # СОШ № 1's head has it on the home page
    assert demo["registered_by_another"] == 0  # every order in effect was signed by its level's signer (if any)
    assert demo["college_words"] == 0  # a school's roadmap is in a school's words
    # The network mentor school: a finished, a running and an open cohort (and the curators' finished one).
    assert demo["school_programmes"] == 3 and demo["school_cohorts"] == 4
    assert min(demo[f"school_{state}"] for state in ("accepted", "waiting", "nominated", "applied")) >= 1
    assert demo["school_completed"] >= 10 and demo["school_overridden"] == 1
    assert demo["school_without_consent"] == 0  # every participant has a personal-data consent
    assert demo["school_open_checkins"] == 1 and demo["school_orders"] == 5
    # Every completed participant of the finished cohorts holds a certificate; one revoked, one expired.
    assert demo["school_certificates_valid"] >= demo["school_completed"]
    assert demo["certificates_revoked"] >= 1 and demo["certificates_expired"] >= 1


@pytest.mark.parametrize("email", [email for email, _ in DEMO_LOGINS])
async def test_each_demo_account_logs_in_by_page_and_api(app: Any, demo: dict[str, Any], email: str) -> None:
    async with make_client(app) as client:
        response = await login_page(client, email, PASSWORD)
        assert response.status_code == 303
        home = await client.get("/", follow_redirects=True)
        assert home.status_code == 200
    async with make_client(app) as client:
        response = await login_api(client, email, PASSWORD)
        assert response.status_code == 200
        assert response.json()["email"] == email


async def test_demo_scopes(app: Any, demo: dict[str, Any], tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, "region@demo.local", PASSWORD)
        organizations = (await client.get("/api/v1/organizations")).json()
        assert len(organizations) == demo["organizations"]
        assert all(o["id"] != str(tenant_a.organization_id) for o in organizations)
        region_page = await client.get("/region")
        assert REGION_NAME in region_page.text
    async with make_client(app) as client:
        me = (await login_api(client, "municipality@demo.local", PASSWORD)).json()
        municipality_id = me["active_role"]["municipality_id"]
        organizations = (await client.get("/api/v1/organizations")).json()
        assert 0 < len(organizations) < demo["organizations"]
        assert {o["municipality_id"] for o in organizations} == {municipality_id}
    curator_orgs = {}
    for email in ("curator1@demo.local", "curator2@demo.local", "head1@demo.local"):
        async with make_client(app) as client:
            me = (await login_api(client, email, PASSWORD)).json()
            curator_orgs[email] = me["active_role"]["organization_id"]
            workspace = await client.get("/workspace")
            assert workspace.status_code == 200
            assert "Карточка организации" in workspace.text
    assert curator_orgs["curator1@demo.local"] == curator_orgs["head1@demo.local"]
    assert curator_orgs["curator1@demo.local"] != curator_orgs["curator2@demo.local"]
    async with make_client(app) as client:
        await login_api(client, "curator1@demo.local", PASSWORD)
        other = await client.get(f"/api/v1/organizations/{curator_orgs['curator2@demo.local']}")
        assert other.status_code == 404


HREF = re.compile(r'href="(/[^"#]*)')
# What the Content-Security-Policy would refuse: inline scripts, event handler attributes, inline styles, js: URLs.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<[^>]+\son[a-z]+\s*=|<[^>]+\sstyle\s*=|<style|javascript:", re.I)


@pytest.mark.parametrize("email", [email for email, _ in DEMO_LOGINS])
async def test_every_page_a_demo_account_reaches_opens(app: Any, demo: dict[str, Any], email: str) -> None:
    """A walk of the links each demo role sees, a few levels deep: none answers a server error, and none holds
    inline code or styles the Content-Security-Policy would block."""
    async with make_client(app) as client:
        await login_page(client, email, PASSWORD)
        queue, seen, broken, inline = ["/"], set[str](), list[str](), list[str]()
        while queue and len(seen) < 120:
            path = queue.pop(0)
            if path in seen or path.startswith(("/logout", "/static/", "/schema")):
                continue
            seen.add(path)
            response = await client.get(path, follow_redirects=True)
            if response.status_code >= 500:
                broken.append(f"{path}: {response.status_code}")
            assert "script-src 'self'" in response.headers["content-security-policy"], path
            if response.headers.get("content-type", "").startswith("text/html"):
                queue += [link.replace("&amp;", "&") for link in HREF.findall(response.text) if link not in seen]
                inline += [f"{path}: {match.group(0)[:120]}" for match in INLINE.finditer(response.text)]
    assert len(seen) >= 3
    assert not broken, "\n".join(broken)
    assert not inline, "\n".join(inline)


async def test_the_demo_second_factor_account_asks_for_its_documented_code(app: Any, demo: dict[str, Any]) -> None:
    import pyotp

    email = SECOND_FACTOR_ACCOUNT[0]
    async with make_client(app) as client:
        response = await login_page(client, email, PASSWORD)
        assert response.headers["location"] == "/login/second-factor"  # the password alone opens nothing
        assert (await client.get("/region")).status_code in (302, 303)
        code = pyotp.TOTP(SECOND_FACTOR_KEY).now()
        assert (await post_form(client, "/login/second-factor", {"code": code})).status_code == 303
        region = await client.get("/region")
        assert region.status_code == 200 and REGION_NAME in region.text


async def test_the_demo_region_has_data_destroyed_and_data_falling_due(app: Any, demo: dict[str, Any]) -> None:
    async with make_client(app) as client:
        await login_api(client, "region@demo.local", PASSWORD)
        page = await client.get("/region/retention")
        assert page.status_code == 200
        due, done = page.text.split("<h2>Предстоит</h2>")[1].split("<h2>Выполнено</h2>")
        assert "отзыв согласия" in due and "истёк срок хранения" in due
        assert "<td>4</td><td>2</td><td>6</td>" in done  # two schools: two withdrawn, one archived long ago each
