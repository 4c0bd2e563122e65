"""Objects built through the API as a curator would, so each test makes what it needs and leaves nothing to others;
and the principal a logic rule sees."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

from shared import clock
from shared.db import Level, Scope
from tenants.access import ActiveRole, Principal
from tenants.roles import Role
from tests.helpers import Tenant

TODAY = clock.today()


def iso(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


async def programme(client: Any, *, capacity: int = 2, group: bool = False, months: int = 12) -> dict[str, Any]:
    created = await client.post(
        "/api/v1/programmes", json={"title": f"Пары {uuid.uuid4().hex[:6]}", "starts_on": iso(-60), "ends_on": iso(300)}
    )
    assert created.status_code == 201, created.text
    forms = (await client.get("/api/v1/catalogue/forms")).json()
    teacher = next(f for f in forms if f["code"] == "teacher_teacher")
    saved = await client.put(
        f"/api/v1/programmes/{created.json()['id']}/steps/forms",
        json={
            "form_ids": [teacher["id"]],
            "max_mentees_per_mentor": str(capacity),
            "group_work": "1" if group else "",
            "max_pair_months": str(months),
        },
    )
    assert saved.status_code == 200, saved.text
    return {**saved.json(), "form_id": teacher["id"]}


async def person(client: Any, surname: str, role: str, *, consent: bool = True, email: str = "", **extra: Any) -> str:
    response = await client.post(
        "/api/v1/people",
        json={"surname": surname, "name": "Тест", "category": "staff", "roles": [role], "email": email, **extra},
    )
    assert response.status_code == 201, response.text
    person_id: str = response.json()["id"]
    if consent:
        given = await client.post(
            f"/api/v1/people/{person_id}/consents", json={"kind": "personal_data", "given_on": iso(-90)}
        )
        assert given.status_code == 201, given.text
        taking_part = await client.post(
            f"/api/v1/people/{person_id}/consents", json={"kind": "participation", "given_on": iso(-90)}
        )
        assert taking_part.status_code == 201, taking_part.text
        if role == "mentor" and extra.get("category", "staff") == "staff":
            duties = await client.post(
                f"/api/v1/people/{person_id}/consents",
                json={
                    "kind": "staff_duties",
                    "given_on": iso(-90),
                    "agreement_number": f"ДС-{person_id[:4]}",
                    "agreement_date": iso(-90),
                },
            )
            assert duties.status_code == 201, duties.text
    return person_id


async def active_pair(client: Any, prog: dict[str, Any], mentor: str, mentees: list[str], starts: int = -20) -> str:
    """A pair put to work by its order today, then aged `starts` days back (a draft may not start in the past)."""
    created = await client.post(
        "/api/v1/pairs",
        json={
            "programme_id": prog["id"],
            "mentor_id": mentor,
            "mentee_ids": mentees,
            "form_id": prog["form_id"],
            "starts_on": iso(max(starts, 0)),
        },
    )
    assert created.status_code == 201, created.text
    pair_id: str = created.json()["id"]
    order = await client.post(f"/api/v1/programmes/{prog['id']}/pairs/order", json={"pair_ids": [pair_id]})
    assert order.status_code == 201, order.text
    await sign(order.json()["order_id"])
    if starts < 0:
        await age_pair(uuid.UUID(prog["region_id"]), uuid.UUID(pair_id), -starts)
    return pair_id


async def sign(order_id: str, *, on: date = TODAY) -> None:
    """The head's signature on an order the curator prepared (a curator may not register it), given in logic
    as the demo gives it: the head's account is recorded as the one who registered it."""
    from services import programmes
    from shared.actor import Actor
    from shared.db import tenant_transaction

    async with tenant_transaction(Scope(Level.platform)):
        order = await programmes.get_order(uuid.UUID(order_id))
    async with tenant_transaction(Scope.for_region(order.region_id)):
        actor = Actor(None, order.region_id, order.organization_id)
        form = programmes.RegisterForm(number=uuid.uuid4().hex[:8], signed_on=on.isoformat())
        await programmes.register(actor, order.id, form)


async def age_pair(region_id: uuid.UUID, pair_id: uuid.UUID, days: int) -> None:
    """Time passes for a pair: its period, order day and mentors' history move `days` back."""
    from shared.db import Scope, current_connection, tenant_transaction

    async with tenant_transaction(Scope.for_region(region_id)):
        await current_connection().execute(
            """UPDATE mentorship SET starts_on = starts_on - $2::integer, ends_on = ends_on - $2::integer,
                      approved_on = approved_on - $2::integer WHERE id = $1""",
            pair_id,
            days,
        )
        await current_connection().execute(
            "UPDATE mentor_change SET since = since - $2::integer WHERE mentorship_id = $1", pair_id, days
        )


async def roadmap_order(client: Any, programme_id: str) -> dict[str, Any]:
    """A draft order approving a one-event roadmap of the programme."""
    event = await client.post(
        f"/api/v1/programmes/{programme_id}/events",
        json={"stage": "1", "title": "Приказ о кураторе", "starts_on": iso(1), "ends_on": iso(2)},
    )
    assert event.status_code == 201, event.text
    order = await client.post(f"/api/v1/programmes/{programme_id}/orders", json={"kind": "approve_roadmap"})
    assert order.status_code == 201, order.text
    result: dict[str, Any] = order.json()
    return result


def principal(tenant: Tenant, role: Role, *, email: str = "", organization_id: uuid.UUID | None = None) -> Principal:
    """Who a logic rule sees: a role of the tenant's first municipality (or `organization_id`), as signed in."""
    organization = organization_id or tenant.organization_id
    municipality = (
        tenant.other_municipality_id if organization == tenant.other_organization_id else tenant.municipality_id
    )
    if role == Role.regional_coordinator:
        scope = Scope(Level.region, None, tenant.region_id)
    elif role == Role.municipal_coordinator:
        scope = Scope(Level.municipality, None, tenant.region_id, municipality)
    else:
        scope = Scope(Level.organization, None, tenant.region_id, municipality, organization)
    user_id = uuid.uuid4()
    return Principal(user_id, email or f"{user_id}@test.local", "Тестов", active=ActiveRole("test", role, scope, ""))


class Authenticator:
    """The phone's app for one key: successive codes, each of a later 30-second step than the last (a code works
    once), within the server's window of a step either side of now; it waits for the clock only when a test needs
    more codes than the window holds."""

    def __init__(self, secret: str) -> None:
        import pyotp

        self.totp = pyotp.TOTP(secret)
        self.last = 0

    async def code(self) -> str:
        import asyncio
        import time

        while True:
            now = time.time()
            step, into = int(now) // 30, now % 30
            # The previous step's code only while the server, a moment later, is sure to be in this step still.
            candidate = max(self.last + 1, step - 1 if into < 25 else step)
            if candidate <= step + 1:
                self.last = candidate
                return str(self.totp.generate_otp(candidate))
            await asyncio.sleep(30 - into + 0.05)

    def wrong(self) -> str:
        """A code of no step near now."""
        import time

        step = int(time.time()) // 30
        near = {self.totp.generate_otp(s) for s in range(step - 2, step + 3)}
        return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in near)


SECRET_ON_PAGE = re.compile(r'id="secret">([A-Z2-7 ]+)<')
RECOVERY_CODE = re.compile(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>")


async def turn_on_second_factor(client: Any) -> tuple[Authenticator, list[str]]:
    """Through the set-up page, as its signed-in user would: the key read off the page, the first code, the recovery
    codes shown once."""
    from tests.helpers import post_form

    page = "/profile/second-factor"
    assert (await post_form(client, f"{page}/start", {}, page)).status_code == 303
    shown = await client.get(page)
    match = SECRET_ON_PAGE.search(shown.text)
    assert match, shown.text
    app = Authenticator(match.group(1).replace(" ", ""))
    confirmed = await post_form(client, f"{page}/confirm", {"code": await app.code()}, page)
    assert confirmed.status_code == 200, confirmed.text
    codes = RECOVERY_CODE.findall(confirmed.text)
    assert len(codes) == 10
    return app, codes


async def contingent(
    region_id: uuid.UUID,
    organization_id: uuid.UUID,
    *,
    learners_total: int,
    teachers: int,
    learners_10_18: int | None = None,
    school_year: int | None = None,
) -> None:
    """An organization's contingent for a school year (by default the one today falls in), as its region enters it."""
    from shared.actor import Actor
    from shared.db import tenant_transaction
    from tenants import ContingentRecord, save_contingent

    year = school_year if school_year is not None else clock.school_year(TODAY)[0].year
    record = ContingentRecord(
        organization_id=organization_id,
        school_year=year,
        learners_total=learners_total,
        learners_10_18=learners_10_18,
        teachers=teachers,
    )
    async with tenant_transaction(Scope(Level.region, None, region_id)):
        await save_contingent(Actor(None, region_id, None), record)
