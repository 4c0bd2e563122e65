"""The region's import of organizations: the upload page, the preview and its commit, the template file, and the
same in the API. Only a regional coordinator; the work is tenants.organization_import's."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from shared.actor import Actor
from shared.downloads import download_headers
from shared.errors import NotFound, ValidationFailed
from shared.pages import flash_problem, fragment, page, see_other
from shared.spreadsheets import CsvWriter, workbook
from shared.uploads import UploadKind, UploadTooLarge, read_upload, upload
from tenants import organization_import as importer
from tenants.contingent import school_year_choices, school_year_label
from tenants.guards import allow
from tenants.roles import Role

IMPORT_UPLOAD = upload(UploadKind.spreadsheet, "file", "Файл")
CHECKED = {"on", "true", "1", "yes", "да"}
TEMPLATE_NAME = "Шаблон импорта организаций"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _upload(request: Request[Any, Any, Any]) -> tuple[bytes, str, bool]:
    """The file within the import limit, and whether the missing municipalities are to be created."""
    uploaded = await read_upload(request)
    if uploaded is None:
        raise ValidationFailed({"file": "Выберите файл XLSX или CSV"})
    if not uploaded[0]:
        raise ValidationFailed({"file": "Файл пуст"})
    create = str((await request.form()).get("create_municipalities", "")).strip().lower() in CHECKED
    return uploaded[0], uploaded[1], create


def _form(status: int = 200, errors: dict[str, str] | None = None, create: bool = False) -> Template:
    return page(
        "tenants/organization_import.html",
        status,
        errors=errors or {},
        columns=list(importer.FIELD_TITLES.values()),
        required=[importer.FIELD_TITLES[f] for f in importer.REQUIRED],
        kinds=importer.KINDS_HINT,
        create=create,
        year=school_year_label(school_year_choices()[0]),
    )


def _download(content: bytes, filename: str, media_type: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers=download_headers(filename),
    )


def template_xlsx() -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Организации")
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for column, title in enumerate(importer.template_rows()[0]):
        sheet.write_string(0, column, title, bold)
        sheet.set_column(column, column, 38 if column in (0, 6) else 20)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def template_csv() -> bytes:
    text = io.StringIO()
    writer = CsvWriter(text)
    for row in importer.template_rows():
        writer.writerow(row)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


class OrganizationImportPages(Controller):
    path = "/organizations/import"
    guards = [allow(Role.regional_coordinator)]

    @get("/")
    async def form(self) -> Template:
        return _form()

    @get("/template.xlsx")
    async def template(self) -> Response[bytes]:
        return _download(template_xlsx(), f"{TEMPLATE_NAME}.xlsx", XLSX)

    @get("/template.csv")
    async def template_text(self) -> Response[bytes]:
        return _download(template_csv(), f"{TEMPLATE_NAME}.csv", "text/csv; charset=utf-8")

    @post("/", opt=IMPORT_UPLOAD)
    async def upload(self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> Template | Redirect:
        try:
            content, filename, create = await _upload(request)
        except ValidationFailed as exc:
            return _form(413 if isinstance(exc, UploadTooLarge) else 422, exc.errors)
        import_id = await importer.start_import(actor, content, filename, create_missing=create)
        return see_other(f"/organizations/import/{import_id}")

    @get("/{import_id:uuid}")
    async def status(self, request: Request[Any, Any, Any], import_id: FromPath[UUID]) -> Template | Response[str]:
        meta = await importer.import_status(import_id)
        if meta is None:
            raise NotFound()
        template = "tenants/organization_import_status.html"
        if request.headers.get("HX-Request"):
            return fragment(request, template, "status", meta=meta, import_id=import_id)
        return Template(template, context={"meta": meta, "import_id": import_id}, headers={"Vary": "HX-Request"})

    @post("/{import_id:uuid}/commit")
    async def commit(self, request: Request[Any, Any, Any], import_id: FromPath[UUID]) -> Redirect:
        return await _action(request, import_id, importer.request_commit)

    @post("/{import_id:uuid}/retry")
    async def retry(self, request: Request[Any, Any, Any], import_id: FromPath[UUID]) -> Redirect:
        return await _action(request, import_id, importer.retry_import)


async def _action(
    request: Request[Any, Any, Any], import_id: UUID, action: Callable[[UUID], Awaitable[None]]
) -> Redirect:
    """The commit and the retry: refused ones say why on the import's page."""
    if await importer.import_status(import_id) is None:
        raise NotFound()
    try:
        await action(import_id)
    except ValidationFailed as exc:
        flash_problem(request, exc)
    return see_other(f"/organizations/import/{import_id}")


class OrganizationImportApi(Controller):
    path = "/organizations/imports"
    tags = ["Организации"]
    guards = [allow(Role.regional_coordinator)]

    @post("/", opt=IMPORT_UPLOAD, status_code=202)
    async def upload(self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> dict[str, str]:
        """multipart/form-data: `file` (XLSX or CSV), optional `create_municipalities` ("true" creates the
        municipalities the file names and the region lacks), and the `X-CSRFToken` header; checked in the
        background, nothing written until `commit`."""
        content, filename, create = await _upload(request)
        import_id = await importer.start_import(actor, content, filename, create_missing=create)
        return {"id": str(import_id), "status": "checking"}

    @get("/{import_id:uuid}")
    async def status(self, import_id: FromPath[UUID]) -> importer.ImportOut:
        meta = await importer.import_status(import_id)
        if meta is None:
            raise NotFound()
        return meta.as_api()

    @post("/{import_id:uuid}/commit", status_code=202)
    async def commit(self, import_id: FromPath[UUID]) -> dict[str, str]:
        """Writes a checked file without errors, all rows or none; the curators and heads are then invited."""
        if await importer.import_status(import_id) is None:
            raise NotFound()
        await importer.request_commit(import_id)
        return {"id": str(import_id), "status": "importing"}

    @post("/{import_id:uuid}/retry", status_code=202)
    async def retry(self, import_id: FromPath[UUID]) -> dict[str, str]:
        if await importer.import_status(import_id) is None:
            raise NotFound()
        await importer.retry_import(import_id)
        state = await importer.import_status(import_id)
        return {"id": str(import_id), "status": state.status if state else "failed"}


page_router = Router(path="/", route_handlers=[OrganizationImportPages], include_in_schema=False)
api_router = Router(path="/api/v1", route_handlers=[OrganizationImportApi])
