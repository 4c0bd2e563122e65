"""Upload limits of the registry's files (imports, consent scans): from settings, announced on the page, enforced on
the request; the API's CSRF header for uploads; the app's own limit for everything else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.helpers import (
    CSRF_RE,
    PASSWORD,
    Tenant,
    csrf_token,
    login_api,
    login_page,
    make_client,
    running_app,
    small_upload_limits,
    upload_headers,
)

KB = 1024
PDF = b"%PDF-1.4\n"


@pytest.fixture(scope="module")
async def small(app: Any) -> AsyncIterator[Any]:
    async with running_app(small_upload_limits()) as application:
        yield application


def csv_of(size: int) -> bytes:
    """A valid CSV of exactly `size` bytes."""
    head = "Фамилия;Имя\r\nРазмерова;Анна\r\n".encode()
    return head + b" " * (size - len(head))


class Counted:
    """A body that counts what the app read of it: a refusal by Content-Length reads nothing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.sent = 0

    async def chunks(self) -> AsyncIterator[bytes]:
        for _ in range(self.size // (64 * KB)):
            self.sent += 64 * KB
            yield b"x" * (64 * KB)

    def headers(self, content_type: str = "multipart/form-data; boundary=bound") -> dict[str, str]:
        return {"content-type": content_type, "content-length": str(self.size // (64 * KB) * 64 * KB)}


async def test_the_import_page_announces_the_limit_of_settings(app: Any, small: Any, tenant_a: Tenant) -> None:
    for application, announced in ((app, "до 20 МБ"), (small, "до 3 КБ")):
        async with make_client(application) as client:
            await login_page(client, tenant_a.curator, PASSWORD)
            form = await client.get("/people/import")
            assert announced in form.text
            assert f'data-max-bytes="{application.state.settings.import_max_bytes}"' in form.text


async def test_an_import_a_byte_over_the_limit_is_refused_at_its_field(small: Any, tenant_a: Tenant) -> None:
    async with make_client(small) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        token = await csrf_token(client, "/people/import")
        refused = await client.post(
            "/people/import",
            data={"_csrf_token": token},
            files={"file": ("класс.csv", csv_of(3 * KB + 1), "text/csv")},
        )
        assert refused.status_code == 413
        assert '<p class="error" id="e-file">Файл больше 3 КБ</p>' in refused.text  # the form, at its field
    async with make_client(small) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        headers = await upload_headers(client)
        over = await client.post(
            "/api/v1/imports", files={"file": ("класс.csv", csv_of(3 * KB + 1), "text/csv")}, headers=headers
        )
        assert over.status_code == 413
        assert over.json() == {"detail": "Файл больше 3 КБ", "errors": {"file": "Файл больше 3 КБ"}}
        exact = await client.post(
            "/api/v1/imports", files={"file": ("класс.csv", csv_of(3 * KB), "text/csv")}, headers=headers
        )
        assert exact.status_code == 202, exact.text


async def test_a_far_larger_import_is_refused_before_it_is_read(small: Any, tenant_a: Tenant) -> None:
    async with make_client(small) as client:
        await login_page(client, tenant_a.curator, PASSWORD)
        body = Counted(2 * 1024 * KB)
        page = await client.post(
            "/people/import",
            content=body.chunks(),
            headers={**body.headers(), "referer": "http://testserver.local/people/import"},
        )
        assert page.status_code == 413 and body.sent == 0
        assert "Файл больше 3 КБ" in page.text and "«Файл»" in page.text
        assert 'href="/people/import">Вернуться к форме' in page.text
    async with make_client(small) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        body = Counted(2 * 1024 * KB)
        headers = {**body.headers(), **await upload_headers(client)}
        api = await client.post("/api/v1/imports", content=body.chunks(), headers=headers)
        assert api.status_code == 413 and body.sent == 0
        assert api.json() == {"detail": "Файл больше 3 КБ", "errors": {"file": "Файл больше 3 КБ"}}


async def test_a_consent_scan_over_the_limit_is_refused_and_nothing_is_written(small: Any, tenant_a: Tenant) -> None:
    async with make_client(small) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        created = await client.post(
            "/api/v1/people",
            json={"surname": "Сканова", "name": "Вера", "category": "staff", "roles": ["mentor_candidate"]},
        )
        person_id = created.json()["id"]
        form_page = f"/people/{person_id}/consents/new"
        form = await client.get(form_page)
        assert "PDF, JPEG или PNG, до 2 КБ" in form.text and 'data-max-bytes="2048"' in form.text
        token = CSRF_RE.search(form.text).group(1)  # type: ignore[union-attr]
        fields = {"_csrf_token": token, "kind": "personal_data", "given_by": "self", "given_on": "01.09.2026"}

        async def post_scan(size: int) -> httpx.Response:
            scan = PDF + b"0" * (size - len(PDF))
            return await client.post(form_page, data=fields, files={"scan": ("согласие.pdf", scan, "application/pdf")})

        refused = await post_scan(2 * KB + 1)
        assert refused.status_code == 413
        assert '<p class="error" id="e-scan">Файл больше 2 КБ</p>' in refused.text
        assert 'value="01.09.2026"' in refused.text  # the rest of the form is kept
        assert (await client.get(f"/api/v1/people/{person_id}/consents")).json() == []
        body = Counted(1024 * KB)
        far = await client.post(form_page, content=body.chunks(), headers={**body.headers(), "referer": form_page})
        assert far.status_code == 413 and body.sent == 0
        assert "Файл больше 2 КБ" in far.text and "«Скан подписанного согласия»" in far.text
        assert (await client.get(f"/api/v1/people/{person_id}/consents")).json() == []
        accepted = await post_scan(2 * KB)
        assert accepted.status_code == 303
        [consent] = (await client.get(f"/api/v1/people/{person_id}/consents")).json()
        assert consent["has_scan"] is True


async def test_a_json_body_over_the_apps_limit_names_the_limit(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        body = Counted(13 * 1024 * KB)
        response = await client.post("/api/v1/people", content=body.chunks(), headers=body.headers("application/json"))
        assert response.status_code == 413 and body.sent == 0
        assert response.json() == {"detail": "Запрос больше 12 МБ", "errors": {"body": "Запрос больше 12 МБ"}}


# CSRF for the API's uploads ---------------------------------------------------------------------------------------


async def test_an_api_upload_needs_the_sessions_csrf_header(app: Any, tenant_a: Tenant) -> None:
    file = {"file": ("класс.csv", "Фамилия;Имя\r\nЗаголовкова;Ирина\r\n".encode(), "text/csv")}
    async with make_client(app) as client:
        login = await login_api(client, tenant_a.curator, PASSWORD)
        token = login.json()["csrf_token"]
        assert token and (await client.get("/api/v1/me")).json()["csrf_token"] == token  # kept by the session
        bare = await client.post("/api/v1/imports", files=file)
        assert bare.status_code == 403
        assert bare.json()["errors"] == {"X-CSRFToken": "Заголовок отсутствует или не совпадает с токеном сессии"}
        assert "X-CSRFToken" in bare.json()["detail"]
        wrong = await client.post("/api/v1/imports", files=file, headers={"X-CSRFToken": token[:-1] + "x"})
        assert wrong.status_code == 403
        accepted = await client.post("/api/v1/imports", files=file, headers={"X-CSRFToken": token})
        assert accepted.status_code == 202, accepted.text
        assert (await client.post("/api/v1/people", json={"surname": ""})).status_code == 400  # JSON needs none
    async with make_client(app) as other:  # another session's token is not this one's
        await login_api(other, tenant_a.curator, PASSWORD)
        foreign = await other.post("/api/v1/imports", files=file, headers={"X-CSRFToken": token})
        assert foreign.status_code == 403
    async with make_client(app) as anonymous:
        refused = await anonymous.post("/api/v1/imports", files=file, headers={"X-CSRFToken": token})
        assert refused.status_code == 403


async def test_the_openapi_description_tells_how_to_send_the_header(app: Any) -> None:
    async with make_client(app) as client:
        description = (await client.get("/schema/openapi.json")).json()["info"]["description"]
        assert "X-CSRFToken" in description and "csrf_token" in description
