"""Every download reaches the user under a Russian name (`filename*`) with an ASCII fallback."""

from __future__ import annotations

import re
import uuid
from email.message import Message
from typing import Any
from urllib.parse import unquote

from shared import clock
from tests.factories import person, programme, roadmap_order
from tests.helpers import PASSWORD, csrf_token, login_api, make_client, make_tenant, run_worker

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def names(response: Any) -> tuple[str, str, str]:
    """(disposition, the ASCII filename, the UTF-8 filename*) of a download."""
    header = response.headers["content-disposition"]
    message = Message()
    message["Content-Disposition"] = header
    star = re.search(r"filename\*=UTF-8''([^;]+)", header)
    assert star, header
    fallback = message.get_param("filename", header="content-disposition")
    assert isinstance(fallback, str) and fallback.isascii()
    return header.split(";", 1)[0], fallback, unquote(star.group(1))


def today() -> str:
    return f"{clock.today():%d.%m.%Y}"


async def test_the_bases_scans_documents_and_exports_have_russian_names(app: Any, smtp: Any) -> None:
    tenant = await make_tenant(f"Имена {uuid.uuid4().hex[:4]}")
    async with make_client(app) as client:
        await login_api(client, tenant.curator, PASSWORD)
        me = (await client.get("/api/v1/me")).json()
        place = me["active_role"]["label"].split(" — ", 1)[1]
        pid = await person(client, "Именова", "mentor", consent=False)
        base = await client.get("/people/export.xlsx?base=mentors")
        disposition, fallback, name = names(base)
        assert (disposition, name) == ("attachment", f"База наставников {place} {today()}.xlsx")
        assert fallback.startswith("Baza nastavnikov ")

        token = await csrf_token(client, f"/people/{pid}/consents/new")
        given = await client.post(
            f"/people/{pid}/consents/new",
            data={"_csrf_token": token, "kind": "personal_data", "given_by": "self", "given_on": "01.09.2026"},
            files={"scan": ("scan001.pdf", PDF, "application/pdf")},
        )
        assert given.status_code == 303, given.text
        consents = (await client.get(f"/api/v1/people/{pid}/consents")).json()
        scanned = next(c for c in consents if c["kind"] == "personal_data")
        scan = await client.get(f"/people/{pid}/consents/{scanned['id']}/scan")
        assert names(scan)[0::2] == ("inline", "Согласие.pdf")

        prog = await programme(client)
        order = await roadmap_order(client, prog["id"])
        document = await client.get(f"/orders/{order['id']}/document")
        assert document.status_code == 200
        disposition, fallback, name = names(document)
        assert name.startswith("Приказ (проект) ") and name.endswith(".docx"), name
        assert fallback.startswith("Prikaz (proekt) ")

    async with make_client(app) as client:
        await login_api(client, tenant.municipal, PASSWORD)
        started = (await client.post("/api/v1/exports", json={"kind": "pairs", "format": "csv"})).json()
        await run_worker(app, smtp[1])
        for url in (started["download"], f"/exports/{started['id']}/download"):
            disposition, fallback, name = names(await client.get(url))
            assert (disposition, name) == ("attachment", f"Наставнические пары и группы {today()}.csv")
            assert fallback == f"Nastavnicheskie pary i gruppy {today()}.csv"
