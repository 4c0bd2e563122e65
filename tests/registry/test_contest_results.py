"""Winners in the person's portfolio: the person card loads the contest results from the contests (the registry may
not import them), the mentor's cabinet shows their own, the evidence pack lists them; another organization and a
person without consent get none."""

from __future__ import annotations

import io
from typing import Any
from uuid import UUID

from docx import Document
from pypdf import PdfReader

from tests import factories
from tests.contests.factories_jury import advance_entry, close_panel, make_jury_contest, nominate
from tests.helpers import PASSWORD, login_api, make_client, make_tenant

LINE = "Наставник года — 2026, номинация «Наставник года», региональный этап: 1 место (победитель)"


async def test_the_card_and_the_cabinet_show_a_winners_results(app: Any) -> None:
    tenant = await make_tenant("Победитель в карточке")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        winner = await factories.person(client, "Победителева", "mentor", email=tenant.mentor)
        silent = await factories.person(client, "Безсогласная", "mentor", consent=False)
    contest = await make_jury_contest(tenant, entries=2, jurors=0, advance=1)
    await nominate(tenant, contest.applications[0], UUID(winner))
    await nominate(tenant, contest.applications[1], UUID(silent))
    leader, other = contest.entries
    await close_panel(tenant, contest.panel_id, {leader: ("advanced", None), other: ("not_advanced", None)})
    await close_panel(tenant, contest.regional_panel_id, {await advance_entry(tenant, contest, leader): ("winner", 1)})
    fragment_url = f"/contests/people/{winner}/results"

    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        card = await client.get(f"/people/{winner}")
        assert card.status_code == 200 and f'hx-get="{fragment_url}"' in card.text
        fragment = await client.get(fragment_url, headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and "<html" not in fragment.text
        assert "Участие в конкурсах" in fragment.text and LINE in fragment.text
        assert "муниципальный этап: выход в следующий этап" in fragment.text
        assert "итоги опубликованы" in fragment.text
        # No consent: the card has no slot and the contests say nothing about the person.
        assert f"/contests/people/{silent}/results" not in (await client.get(f"/people/{silent}")).text
        assert (await client.get(f"/contests/people/{silent}/results")).status_code == 404
    async with make_client(app) as client:
        await login_api(client, tenant.regional, PASSWORD)
        assert LINE in (await client.get(fragment_url)).text
        audit = await client.get("/audit", params={"action": "view"})
        assert "результаты конкурсов" in audit.text
        # The evidence pack for the attestation lists them too.
        pack = await client.get(f"/reports/people/{winner}/evidence.docx")
        assert pack.status_code == 200, pack.text
        text = "\n".join(p.text for p in Document(io.BytesIO(pack.content)).paragraphs)
        assert f"5. Участие в конкурсах\n{LINE}; итоги опубликованы" in text
        pdf = await client.get(f"/reports/people/{winner}/evidence.pdf")
        assert pdf.status_code == 200
        read = " ".join(
            " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
        )
        assert "региональный этап: 1 место (победитель)" in read
    async with make_client(app) as client:
        await login_api(client, tenant.other_curator, PASSWORD)  # another organization and municipality
        assert (await client.get(fragment_url)).status_code == 404
    async with make_client(app) as client:
        await login_api(client, tenant.mentor, PASSWORD)
        assert (await client.get(fragment_url)).status_code == 403  # the card's fragment is the staff's
        cabinet = await client.get("/cabinet")
        assert cabinet.status_code == 200 and "Участие в конкурсах" in cabinet.text and LINE in cabinet.text
