"""Uploads: one size limit per kind of file, from settings, announced, and enforced on the request itself.

A route that takes a file says so with `opt=upload(kind, field, label)`. The composition root then gives that route
a request limit of the kind's size plus room for the form around the file (`apply_upload_limits`), so a body past it
is refused by its Content-Length before it is read; `read_upload` checks the file itself against the exact size.
The refusal names the field and the limit in Russian, on the page and in the API (413).
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar import Request
from litestar.types import Empty

from shared.errors import Errors, ValidationFailed
from shared.settings import Settings

if TYPE_CHECKING:
    from litestar import Litestar

# The other fields of an upload form and the multipart framing ride on top of the file itself.
FORM_ALLOWANCE = 64 * 1024
# The database's own ceiling for a stored file (CHECK constraints on the bytea columns): no setting may exceed it.
STORED_FILE_CEILING = 100 * 1024 * 1024


class UploadKind(enum.StrEnum):
    spreadsheet = "spreadsheet"  # an import of people (XLSX, CSV)
    scan = "scan"  # a signed consent or order
    document = "document"  # a roadmap event's evidence


@dataclass(frozen=True)
class UploadSpec:
    """What a route takes: the kind (its limit), the form field the file comes in, and how the page names it."""

    kind: UploadKind
    field: str = "file"
    label: str = "Файл"


@dataclass(frozen=True)
class UploadLimit:
    kind: UploadKind
    max_bytes: int

    @property
    def size(self) -> str:
        """«20 МБ», «1,5 МБ», «500 КБ»: how pages and messages state the limit."""
        megabytes = self.max_bytes / (1024 * 1024)
        if megabytes >= 1:
            return f"{megabytes:.1f}".removesuffix(".0").replace(".", ",") + " МБ"
        return f"{max(self.max_bytes // 1024, 1)} КБ"

    @property
    def message(self) -> str:
        return f"Файл больше {self.size}"


class UploadTooLarge(ValidationFailed):
    """A file over its kind's limit: a 413 in the API, an error at the field on a page."""

    def __init__(self, field: str, limit: UploadLimit) -> None:
        super().__init__({field: limit.message})
        self.field = field
        self.limit = limit


def upload(kind: UploadKind, field: str = "file", label: str = "Файл") -> dict[str, Any]:
    """The route's `opt`: it takes a file of this kind (the API then accepts multipart, with the CSRF header)."""
    return {"upload": UploadSpec(kind, field, label)}


def upload_limit(settings: Settings, kind: UploadKind) -> UploadLimit:
    sizes = {
        UploadKind.spreadsheet: settings.import_max_bytes,
        UploadKind.scan: settings.scan_max_bytes,
        UploadKind.document: settings.document_max_bytes,
    }
    return UploadLimit(kind, sizes[kind])


def upload_limits(settings: Settings) -> dict[str, UploadLimit]:
    """Every kind's limit, as `read_upload` enforces it."""
    return {kind.value: upload_limit(settings, kind) for kind in UploadKind}


def route_upload(request: Request[Any, Any, Any]) -> UploadSpec | None:
    spec = request.route_handler.opt.get("upload")
    return spec if isinstance(spec, UploadSpec) else None


def apply_upload_limits(app: Litestar, settings: Settings) -> None:
    """Each upload route's request limit from its kind; the others keep the app's."""
    for kind in UploadKind:
        if upload_limit(settings, kind).max_bytes > STORED_FILE_CEILING:
            raise RuntimeError(f"The {kind} upload limit exceeds the database's {STORED_FILE_CEILING} bytes")
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            spec = handler.opt.get("upload")
            if isinstance(spec, UploadSpec):
                handler.request_max_body_size = upload_limit(settings, spec.kind).max_bytes + FORM_ALLOWANCE
                handler._resolved_request_max_body_size = Empty  # resolved lazily, on the first request


async def read_upload(request: Request[Any, Any, Any]) -> tuple[bytes, str] | None:
    """The route's file and its name, or None when none was chosen; a file over the kind's size is refused."""
    spec = route_upload(request)
    if spec is None:
        raise RuntimeError(f"{request.route_handler.handler_name} takes no upload: mark it with opt=upload(...)")
    form = await request.form()
    file = form.get(spec.field)
    if file is None or isinstance(file, str):
        return None
    limit = upload_limit(request.app.state.settings, spec.kind)
    content = await file.read()
    if len(content) > limit.max_bytes:
        raise UploadTooLarge(spec.field, limit)
    return content, str(file.filename or "")


# What a file is, by its content, not by its name or the browser's word.
SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
DOCUMENT_TYPES = frozenset(SIGNATURES.values())  # PDF, JPEG, PNG: a scan, a document, a photo
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})


def file_type(data: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES.items() if data.startswith(magic)), None)


def title_of(title: str, filename: str) -> str:
    """The title typed, or the file's name without its extension."""
    return " ".join(title.split()) or (filename.rsplit(".", 1)[0].strip() if filename else "")


def checked_type(
    errors: Errors, data: bytes | None, allowed: Collection[str], refusal: str, missing: str = "Выберите файл"
) -> str | None:
    """The file's type if it is one of `allowed`; otherwise the error at the field «file» and None."""
    if not data:
        errors.add("file", missing)
        return None
    found = file_type(data)
    if found not in allowed:
        errors.add("file", refusal)
        return None
    return found
