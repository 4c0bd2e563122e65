"""What programmes' pages and API share: the asker's access, the labels templates show, the programme's context,
the constructor's step parser, uploads and downloads."""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from uuid import UUID

from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException

from services.programmes import constructor, roadmap_templates
from services.programmes.access import Access, NotSigner
from services.programmes.constructor import SMART, STEPS, FormsForm, GoalForm, ResultRow
from services.programmes.indicators import INDICATORS
from services.programmes.order_documents import TITLES, signed
from services.programmes.programme import get_programme
from services.programmes.records import Owner, ProgrammeRecord
from services.programmes.roadmap import STAGES, STATUS_LABELS, stage_titles, templates_for
from services.programmes.selection import COMMISSION_ROLE_LABELS, DECISION_LABELS, PRINCIPLES
from services.registry import CATEGORY_LABELS
from shared import clock
from shared.downloads import download_headers
from shared.errors import NotFound
from shared.uploads import UploadKind, read_upload
from shared.uploads import upload as upload_opt
from tenants import Principal


def provide_access(principal: NamedDependency[Principal]) -> Access:
    return Access.of(principal.role, principal.scope)


ORDER_STATES = {"draft": "проект", "awaiting": "на подписи", "registered": "зарегистрирован"}


def refused(exc: NotSigner) -> PermissionDeniedException:
    """403 with the Russian reason: the page shows it, the API names it under `signer`."""
    return PermissionDeniedException(detail=exc.message, extra={"errors": {"signer": exc.message}})


def labels() -> dict[str, Any]:
    return {
        "stage_titles": STAGES,
        "status_labels": STATUS_LABELS,
        "steps": STEPS,
        "smart": SMART,
        "indicators": INDICATORS,
        "principles": PRINCIPLES,
        "decision_labels": DECISION_LABELS,
        "commission_roles": COMMISSION_ROLE_LABELS,
        "order_titles": TITLES,
        "order_states": ORDER_STATES,
        "templates": roadmap_templates.TEMPLATES,
        "categories": CATEGORY_LABELS,
        "signed": signed,
    }


async def programme_context(access: Access, programme_id: UUID) -> dict[str, Any]:
    programme = await get_programme(programme_id)
    editable = access.may_edit(Owner.of(programme))
    owner = Owner.of(programme)
    return {
        "programme": programme,
        "editable": editable,
        "today": clock.today(),
        **labels(),
        "stage_titles": stage_titles(programme),
        "templates": await templates_for(owner) if editable else [],
    }


def result_rows(data: Any) -> list[ResultRow]:
    columns = {f.name: data.getall(f.name, []) for f in fields(ResultRow)}
    count = max((len(v) for v in columns.values()), default=0)
    return [
        ResultRow(**{name: (values[i] if i < len(values) else "") for name, values in columns.items()})
        for i in range(count)
    ]


async def save_step(programme: ProgrammeRecord, step: str, data: Any) -> None:
    """One step of the constructor from a posted form or the API's JSON (through JsonForm)."""
    if step in constructor.TEXT_STEPS:
        await constructor.save_text_step(programme, step, str(data.get(constructor.TEXT_STEPS[step][0], "")))
    elif step == "goal":
        form = GoalForm(**{f.name: str(data.get(f.name, "")) for f in fields(GoalForm)})
        await constructor.save_goal(programme, form)
    elif step == "results":
        await constructor.save_results(programme, result_rows(data), str(data.get("qualitative_results", "")))
    elif step == "forms":
        forms = FormsForm(
            form_ids=data.getall("form_ids", []),
            role_model_ids=data.getall("role_model_ids", []),
            max_mentees_per_mentor=str(data.get("max_mentees_per_mentor", "")),
            group_work=bool(data.get("group_work")),
            max_pair_months=str(data.get("max_pair_months", "")),
        )
        await constructor.save_forms(programme, forms)
    else:
        raise NotFound()


class JsonForm(dict[str, Any]):
    """Lets the API feed the same step parser as the pages' forms."""

    def getall(self, key: str, default: list[Any]) -> list[Any]:
        value = self.get(key, default)
        if key in {f.name for f in fields(ResultRow)} and "results" in self:
            return [str(r.get(key, "")) for r in self["results"]]
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]


SCAN_UPLOAD = upload_opt(UploadKind.scan, "file", "Скан подписанного приказа")
DOCUMENT_UPLOAD = upload_opt(UploadKind.document, "file", "Файл")


async def upload(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    """The route's file (empty when none was chosen); one past its kind's limit raises UploadTooLarge."""
    return await read_upload(request) or (b"", "")


def download(data: bytes, content_type: str, filename: str) -> Response[bytes]:
    return Response(
        data,
        media_type=content_type,
        headers=download_headers(filename),
    )
