"""Upload limits of programmes' files (signed order scans, roadmap documents): from settings, announced on the page,
enforced on the request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.factories import roadmap_order, sign
from tests.helpers import CSRF_RE, PASSWORD, Tenant, login_api, make_client, running_app, small_upload_limits

KB = 1024
PDF = b"%PDF-1.4\n"


@pytest.fixture(scope="module")
async def small(app: Any) -> AsyncIterator[Any]:
    async with running_app(small_upload_limits()) as application:
        yield application


def pdf_of(size: int) -> bytes:
    return PDF + b"0" * (size - len(PDF))


async def post_file(client: httpx.AsyncClient, page: str, action: str, size: int) -> httpx.Response:
    """The page's own form: its CSRF token, a PDF of `size` bytes, and the page shown after the redirect."""
    token = CSRF_RE.search((await client.get(page)).text).group(1)  # type: ignore[union-attr]
    posted = await client.post(action, data={"_csrf_token": token}, files={"file": ("скан.pdf", pdf_of(size))})
    assert posted.status_code == 303, posted.text
    return await client.get(posted.headers["location"])


async def far_larger(client: httpx.AsyncClient, page: str, action: str) -> httpx.Response:
    """A megabyte announced by Content-Length: refused unread."""
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(16):
            sent += 64 * KB
            yield b"x" * (64 * KB)

    headers = {"content-type": "multipart/form-data; boundary=b", "content-length": str(KB * KB), "referer": page}
    response = await client.post(action, content=chunks(), headers=headers)
    assert sent == 0
    return response


async def programme(client: httpx.AsyncClient) -> str:
    created = await client.post(
        "/api/v1/programmes", json={"title": "Файлы", "starts_on": "2026-09-01", "ends_on": "2027-08-31"}
    )
    assert created.status_code == 201, created.text
    programme_id: str = created.json()["id"]
    return programme_id


async def test_an_order_scan_follows_the_scan_limit(small: Any, tenant_a: Tenant) -> None:
    async with make_client(small) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        order = await roadmap_order(client, await programme(client))
        await sign(order["id"])  # the head's; the curator attaches the signed scan
        page, action = f"/orders/{order['id']}", f"/orders/{order['id']}/scan"
        assert "PDF, JPEG или PNG до 2 КБ" in (await client.get(page)).text
        refused = await post_file(client, page, action, 2 * KB + 1)
        assert "Файл больше 2 КБ" in refused.text
        assert (await client.get(f"/api/v1/orders/{order['id']}")).json()["has_scan"] is False
        far = await far_larger(client, page, action)
        assert far.status_code == 413 and "Файл больше 2 КБ" in far.text and "«Скан подписанного приказа»" in far.text
        accepted = await post_file(client, page, action, 2 * KB)
        assert "Скан подписанного приказа приложен" in accepted.text
        assert (await client.get(f"/api/v1/orders/{order['id']}")).json()["has_scan"] is True


async def test_a_roadmap_document_follows_the_document_limit(small: Any, tenant_a: Tenant) -> None:
    async with make_client(small) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme_id = await programme(client)
        event = await client.post(
            f"/api/v1/programmes/{programme_id}/events",
            json={"stage": "1", "title": "Положение о наставничестве", "period_label": "Сентябрь"},
        )
        assert event.status_code == 201, event.text
        page = f"/programmes/{programme_id}/events/{event.json()['id']}"
        action = f"{page}/evidence"
        assert "DOCX, XLSX до 4 КБ" in (await client.get(page)).text
        refused = await post_file(client, page, action, 4 * KB + 1)
        assert "Файл больше 4 КБ" in refused.text and "скан.pdf" not in refused.text
        far = await far_larger(client, page, action)
        assert far.status_code == 413 and "Файл больше 4 КБ" in far.text
        accepted = await post_file(client, page, action, 4 * KB)
        assert "Файл приложен" in accepted.text and "скан.pdf" in accepted.text


async def test_the_default_limits_are_announced(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        programme_id = await programme(client)
        event = await client.post(
            f"/api/v1/programmes/{programme_id}/events",
            json={"stage": "1", "title": "Приказ", "period_label": "Сентябрь"},
        )
        page = await client.get(f"/programmes/{programme_id}/events/{event.json()['id']}")
        assert "DOCX, XLSX до 20 МБ" in page.text
