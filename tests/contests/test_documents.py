"""A finished final stage's documents opened back: the protocol DOCX with the jury and the ranking, the scores
XLSX, and the diplomas as PDF with their numbers verified publicly."""

from __future__ import annotations

import io
from typing import Any

import docx
import openpyxl
import pypdf

from shared.db import Scope, current_connection, tenant_transaction
from tests.contests.factories_jury import make_jury_contest
from tests.contests.test_sheets import score
from tests.helpers import PASSWORD, csrf_token, login_page, make_client, make_tenant, post_form, run_worker


async def test_protocol_scores_and_diplomas_of_a_final_stage(app: Any) -> None:
    tenant = await make_tenant("Протокол")
    contest = await make_jury_contest(tenant, entries=4, jurors=2, advance=2)
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        # A contest of one stage: the municipal stage is the final one.
        await current_connection().execute("DELETE FROM contest_stage WHERE id = $1", contest.regional_stage_id)
    for entry in range(4):
        for juror in range(2):
            await score(tenant, contest, juror, entry, [str(9 - entry), str(8 - entry)])
    base = f"/contests/{contest.contest_id}/panels/{contest.panel_id}"
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        assert (await client.get(f"{base}/protocol.docx")).status_code == 400  # not finished yet
        assert (await post_form(client, f"{base}/results", {"action": "finish"})).status_code == 303
        protocol = await client.get(f"{base}/protocol.docx")
        assert protocol.status_code == 200
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(protocol.content)).paragraphs)
        assert "ПРОТОКОЛ" in text and "Жюри 1 — председатель" in text and "Жюри 2 — член жюри" in text
        table = docx.Document(io.BytesIO(protocol.content)).tables[0]
        assert table.rows[1].cells[1].text == "Участникова0 Анна"
        assert table.rows[1].cells[0].text == "1" and "победитель" in table.rows[1].cells[5].text

        scores = await client.get(f"{base}/scores.xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(scores.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("Участник", "Организация", "Член жюри") and len(rows) == 1 + 4 * 2
        assert ("Участникова0 Анна", 9, 8, 17) in {(r[0], r[3], r[4], r[5]) for r in rows[1:]}

        token = await csrf_token(client, f"{base}/results")
        issued = await client.post(
            f"{base}/diplomas",
            data={"signatory_name": "Соколова Т. В.", "signatory_position": "Министр", "_csrf_token": token},
        )
        assert issued.status_code == 303
        await run_worker(app, 1)
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            numbers = await current_connection().fetch(
                """SELECT c.id, c.number, c.kind FROM contest_entry e JOIN certificate c ON c.id = e.certificate_id
                   WHERE e.panel_id = $1 ORDER BY e.rank""",
                contest.panel_id,
            )
        assert [r["kind"] for r in numbers] == ["diploma", "diploma", "diploma", "participant"]
        assert numbers[0]["number"].startswith("ДК-") and numbers[3]["number"].startswith("УК-")
        pdf = await client.get(f"/certificates/{numbers[0]['id']}/pdf")
        assert pdf.status_code == 200, pdf.status_code
        words = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Д И П Л О М" in words and numbers[0]["number"] in words and "Участникова0" in words
    async with make_client(app) as visitor:
        verified = await visitor.get(f"/verify/{numbers[0]['number']}")
        assert verified.status_code == 200 and "Диплом конкурса" in verified.text
