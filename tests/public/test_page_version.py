"""The public page's indicators are its organization's dashboard's counted numbers, with their moment; its ETag is
read from the versions of what it shows, so an unchanged page answers 304 and a new announcement or a consent
withdrawn answers the new page (and the order naming the person is served no more)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from services.public.sites import INDICATORS
from shared.clock import ZONE
from shared.db import Scope, current_connection, tenant_transaction
from tests.factories import active_pair, person, programme
from tests.helpers import PASSWORD, login_api, login_page, make_client, make_tenant, post_form
from tests.public.factories import approved_registry, consent_to_publication, publish_page

STAT = re.compile(r'<div class="stat"><b>([^<]+)</b> ([^<]+)</div>')


async def test_the_indicators_are_the_dashboards(app: Any) -> None:
    tenant = await make_tenant("Показатели страницы")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        prog = await programme(api)
        mentor = await person(api, "Наставникова", "mentor")
        mentee = await person(api, "Подопечный", "mentee_candidate")
        await active_pair(api, prog, mentor, [mentee], starts=-20)
    url = await publish_page(app, tenant, list(INDICATORS))

    async with make_client(app) as visitor:  # nothing counted yet: no numbers rather than live counts
        before = await visitor.get(url)
        assert before.status_code == 200 and 'id="h-results"' not in before.text

    async with make_client(app) as api:  # the organization's dashboard counts it on the spot
        await login_api(api, tenant.curator, PASSWORD)
        dashboard = (await api.get("/api/v1/indicators")).json()
    assert dashboard["status"] == "counted" and dashboard["pairs"] == 1 and dashboard["mentors"] == 1

    async with make_client(app) as visitor:
        shown = await visitor.get(url, headers={"If-None-Match": before.headers["etag"]})
        assert shown.status_code == 200  # the count is a change of the page
        values = {label: int(value.replace("\xa0", "").replace(" ", "")) for value, label in STAT.findall(shown.text)}
    assert values == {
        INDICATORS["pairs"]: dashboard["pairs"],
        INDICATORS["mentor_registry"]: dashboard["mentors"],
        INDICATORS["mentees"]: 1,
        INDICATORS["events_held"]: dashboard["events_held"],
        INDICATORS["trained_mentors"]: dashboard["trained_mentors"],
        INDICATORS["contest_applicants"]: 0,
    }
    counted_at = datetime.fromisoformat(dashboard["counted_at"]).astimezone(ZONE)
    assert f"по состоянию на {counted_at:%d.%m.%Y %H:%M}" in shown.text


async def test_an_unchanged_page_is_a_304_and_a_change_is_the_new_page(app: Any) -> None:
    tenant = await make_tenant("Версия страницы")
    async with make_client(app) as api:
        await login_api(api, tenant.curator, PASSWORD)
        _, (mentor,) = await approved_registry(api, tenant, ["Видимова"])
        consent_id = await consent_to_publication(api, mentor)
    url = await publish_page(app, tenant, [])
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        order_id = await current_connection().fetchval(
            "SELECT id FROM programme_order WHERE organization_id = $1", tenant.organization_id
        )
    async with make_client(app) as client:  # the registry's order published beside the page
        await login_page(client, tenant.curator, PASSWORD)
        published = await post_form(
            client, "/public-page/documents/order", {"order_id": str(order_id)}, page="/public-page"
        )
        assert published.status_code == 303, published.text

    async with make_client(app) as visitor:
        first = await visitor.get(url)
        assert first.status_code == 200 and "Видимова" in first.text
        document = re.search(rf'href="({url}/documents/[0-9a-f-]+)"', first.text)
        assert document is not None and (await visitor.get(document.group(1))).status_code == 200
        etag = first.headers["etag"]
        for address in (url, f"{url}/embed", f"{url}/feed.atom"):
            own = (await visitor.get(address)).headers["etag"]
            again = await visitor.get(address, headers={"If-None-Match": own})
            assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == own, address
            assert again.headers["cache-control"] == "public, no-cache"  # kept, but asked for each time
        variants = {etag}
        for tail in ("/embed", "/feed.atom"):
            variants.add((await visitor.get(f"{url}{tail}")).headers["etag"])
        assert len(variants) == 3  # each variant its own

    async with make_client(app) as client:  # a new announcement: a new page
        await login_page(client, tenant.curator, PASSWORD)
        post = {"title": "Встреча наставников", "body": "В пятницу", "action": "publish"}
        assert (await post_form(client, "/public-page/posts/new", post)).status_code == 303
    async with make_client(app) as visitor:
        changed = await visitor.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and "Встреча наставников" in changed.text
        assert changed.headers["etag"] != etag
        etag = changed.headers["etag"]
        assert (await visitor.get(url, headers={"If-None-Match": etag})).status_code == 304

    async with make_client(app) as api:  # the consent withdrawn: the next conditional request gets the page without her
        await login_api(api, tenant.curator, PASSWORD)
        withdrawn = await api.post(f"/api/v1/people/{mentor}/consents/{consent_id}/withdraw", json={})
        assert withdrawn.status_code == 200
    async with make_client(app) as visitor:
        gone = await visitor.get(url, headers={"If-None-Match": etag})
        assert gone.status_code == 200 and "Видимова" not in gone.text
        assert gone.headers["etag"] != etag
        assert document.group(1) not in gone.text  # the order names her: neither listed nor served
        assert (await visitor.get(document.group(1))).status_code == 404
