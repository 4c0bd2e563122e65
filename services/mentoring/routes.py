"""Pairs and groups: the curator's lists and cards, the pairs in the cabinets, coordinators' counts, API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template

from services import programmes
from services.mentoring import access, accounts, lifecycle, meetings, overview, pairs, requests
from services.mentoring.access import CABINET
from services.mentoring.lifecycle import StatusChange
from services.mentoring.meetings import FORMAT_LABELS, MEETINGS, PLAN_COLUMNS, MeetingForm
from services.mentoring.pairs import STATUS_LABELS, PairForm
from services.mentoring.records import Meeting, Pair
from services.mentoring.records import Request as PairRequestRecord
from services.programmes import REPLACEMENT_REASONS
from shared import clock
from shared.actor import Actor
from shared.downloads import download_headers, download_name
from shared.errors import NotFound, ValidationFailed
from shared.pages import flash_problem, flashed, page, see_other
from tenants import Principal, Role, allow

STAFF = (Role.curator, Role.head)
COORDINATORS = (Role.municipal_coordinator, Role.regional_coordinator)


def _labels() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "meeting_guides": MEETINGS,
        "format_labels": FORMAT_LABELS,
        "plan_columns": PLAN_COLUMNS,
        "reasons": REPLACEMENT_REASONS,
        "today": clock.today(),
    }


def _yes(value: Any) -> bool:
    """A checkbox from a form ("1", "on") or a JSON boolean (stringified by the API)."""
    return str(value).lower() in ("1", "true", "on")


def _uuids(values: list[Any]) -> list[UUID]:
    try:
        return [UUID(str(v)) for v in values if v]
    except ValueError:
        raise ValidationFailed({"pair_ids": "Выберите пары из списка"}) from None


def meeting_form(data: Any) -> MeetingForm:
    kind = str(data.get("kind", "regular"))
    guide = MEETINGS.get(kind)  # type: ignore[call-overload]
    questions = [code for code, _ in guide.questions] if guide else []
    return MeetingForm(
        kind=kind,
        held_on=str(data.get("held_on", "")),
        minutes=str(data.get("minutes", "")),
        format=str(data.get("format", "in_person")),
        curator_present=_yes(data.get("curator_present")),
        participants=str(data.get("participants", "")),
        answers={code: str(data.get(f"q_{code}", "")) for code in questions},
        closeness=str(data.get("closeness", "")),
        wants_to_mentor=_yes(data.get("wants_to_mentor")),
    )


def plan_rows(data: Any, kind: str) -> list[dict[str, str]]:
    columns = [code for code, _ in PLAN_COLUMNS[kind]]
    values = {c: data.getall(c, []) for c in columns}
    count = max((len(v) for v in values.values()), default=0)
    return [{c: (values[c][i] if i < len(values[c]) else "") for c in columns} for i in range(count)]


def status_change(data: Any) -> StatusChange:
    return StatusChange(
        action=str(data.get("action", "")),
        end_reason=str(data.get("end_reason", "")),
        mentor_agrees=_yes(data.get("mentor_agrees")),
        curator_agrees=_yes(data.get("curator_agrees")),
        extended_to=str(data.get("extended_to", "")),
        extension_reason=str(data.get("extension_reason", "")),
        new_mentor_id=str(data.get("new_mentor_id", "")),
        reason=str(data.get("reason", "")),
        since=str(data.get("since", "")),
    )


# The curator's pages ---------------------------------------------------------------------------------------


class PairPages(Controller):
    path = "/pairs"

    @get("/", guards=[allow(*STAFF)])
    async def index(self, principal: NamedDependency[Principal], status: FromQuery[str] = "") -> Template:
        organization_id = principal.scope.organization_id
        programme = await programmes.current_programme(programmes.Owner(organization_id=organization_id))
        return page(
            "mentoring/pairs.html",
            pairs=await pairs.list_pairs(organization_id=organization_id, status=status),
            status=status,
            programme=programme,
            can_edit=principal.role == Role.curator,
            **_labels(),
        )

    @get("/new", guards=[allow(Role.curator)])
    async def new(self, principal: NamedDependency[Principal]) -> Template:
        return page("mentoring/pair_form.html", **await _pair_form_context(principal, PairForm(), {}))

    @post("/new", guards=[allow(Role.curator)])
    async def create(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
    ) -> Template | Redirect:
        data = await request.form()
        form = PairForm(
            mentor_id=str(data.get("mentor_id", "")),
            mentee_ids=[str(v) for v in data.getall("mentee_ids", [])],
            form_id=str(data.get("form_id", "")),
            role_model_id=str(data.get("role_model_id", "")),
            starts_on=str(data.get("starts_on", "")),
            ends_on=str(data.get("ends_on", "")),
            group_agreed=_yes(data.get("group_agreed")),
            group_agreed_on=str(data.get("group_agreed_on", "")),
        )
        programme = await programmes.current_programme(
            programmes.Owner(organization_id=principal.scope.organization_id)
        )
        if programme is None:
            raise NotFound()
        try:
            pair_id = await pairs.create_pair(actor, await programmes.get_programme(programme.id), form)
        except ValidationFailed as exc:
            return page("mentoring/pair_form.html", 422, **await _pair_form_context(principal, form, exc.errors))
        flash(request, "Пара создана как проект: её закрепит приказ", category="success")
        return see_other(f"/pairs/{pair_id}")

    @get("/accounts-office.xlsx", guards=[allow(*STAFF)])
    async def accounts_office(
        self, principal: NamedDependency[Principal], actor: NamedDependency[Actor]
    ) -> Response[bytes]:
        """Staff mentors with their pairs, periods and agreements, for the accounts office's additional pay."""
        organization_id = principal.scope.organization_id
        if organization_id is None:
            raise NotFound()
        content, _ = await accounts.accounts_office_xlsx(actor, organization_id)
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers=download_headers(download_name("Наставники для бухгалтерии", clock.today(), extension="xlsx")),
        )

    @get("/overview", guards=[allow(*COORDINATORS)])
    async def overview(self, principal: NamedDependency[Principal]) -> Template:
        return page("mentoring/overview.html", rows=await overview.counts(principal.scope.municipality_id), **_labels())

    @get("/{pair_id:uuid}", guards=[allow(*STAFF, *COORDINATORS)])
    async def card(
        self, principal: NamedDependency[Principal], actor: NamedDependency[Actor], pair_id: FromPath[UUID]
    ) -> Template:
        card = await pairs.read_card(actor, pair_id)
        mentors = await lifecycle.replacements(card.pair) if principal.role == Role.curator else []
        return page(
            "mentoring/pair.html",
            card=card,
            pair=card.pair,
            mentors=mentors,
            can_edit=principal.role == Role.curator and card.pair.organization_id == principal.scope.organization_id,
            base="/pairs",
            requests=await requests.requests_of(pair_id=pair_id),
            errors={},
            **_labels(),
        )

    @post("/{pair_id:uuid}/meetings", guards=[allow(Role.curator)])
    async def meeting(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
    ) -> Redirect:
        person_id = await access.recorder(principal, pair_id)
        with flashed(request, "Встреча записана"):
            await meetings.record_meeting(actor, pair_id, meeting_form(await request.form()), person_id)
        return see_other(f"/pairs/{pair_id}#meetings")

    @post("/{pair_id:uuid}/plan/{kind:str}", guards=[allow(Role.curator)])
    async def plan(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        kind: FromPath[str],
    ) -> Redirect:
        person_id = await access.recorder(principal, pair_id)
        if kind not in PLAN_COLUMNS:
            raise NotFound()
        with flashed(request, "План развития сохранён"):
            await meetings.save_plan(actor, pair_id, kind, plan_rows(await request.form(), kind), person_id)
        return see_other(f"/pairs/{pair_id}#plan")

    @post("/{pair_id:uuid}/status", guards=[allow(Role.curator)])
    async def change_status(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
    ) -> Redirect:
        """Complete, end early (by agreement), extend (documented absence) or replace the mentor (by order)."""
        await access.curator_pair(principal, pair_id)
        try:
            order_id = await lifecycle.change_status(actor, pair_id, status_change(await request.form()))
            if order_id:
                flash(request, "Подготовлен приказ о замене наставника: зарегистрируйте его после подписи", "success")
                return see_other(f"/orders/{order_id}")
        except ValidationFailed as exc:
            flash_problem(request, exc)
        else:
            flash(request, "Сохранено", category="success")
        return see_other(f"/pairs/{pair_id}")

    @post("/{pair_id:uuid}/requests/{request_id:uuid}/decline", guards=[allow(Role.curator)])
    async def decline_request(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        request_id: FromPath[UUID],
    ) -> Redirect:
        """The curator declines a mentee's or mentor's request, with a comment the requester reads."""
        await access.curator_pair(principal, pair_id)
        with flashed(request, "Ответ отправлен: просьба отклонена"):
            await requests.decline(actor, pair_id, request_id, str((await request.form()).get("answer", "")))
        return see_other(f"/pairs/{pair_id}#requests")

    @post("/{pair_id:uuid}/requests/{request_id:uuid}/accept", guards=[allow(Role.curator)])
    async def accept_request(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        request_id: FromPath[UUID],
    ) -> Redirect:
        """Accepting a request prepares the replacement order with the reason «по просьбе»."""
        await access.curator_pair(principal, pair_id)
        data = await request.form()
        try:
            order_id = await requests.accept(
                actor, pair_id, request_id, str(data.get("new_mentor_id", "")), str(data.get("since", ""))
            )
        except ValidationFailed as exc:
            flash_problem(request, exc)
            return see_other(f"/pairs/{pair_id}#requests")
        flash(request, "Просьба принята: подготовлен приказ о замене наставника", category="success")
        return see_other(f"/orders/{order_id}")


async def _pair_form_context(principal: Principal, form: PairForm, errors: dict[str, str]) -> dict[str, Any]:
    programme = await programmes.current_programme(programmes.Owner(organization_id=principal.scope.organization_id))
    if programme is None:
        return {"programme": None, "form": form, "errors": errors}
    programme = await programmes.get_programme(programme.id)
    mentors, mentees = await pairs.eligible(programme)
    forms, models = await programmes.catalogue_choices()
    chosen = [f for f in forms if f.id in programme.form_ids]
    return {
        "programme": programme,
        "mentors": [m for m in mentors if m.consented],
        "mentees": [m for m in mentees if m.consented],
        "forms": chosen,
        "models": [m for f in chosen for m in programmes.models_of_form(f, models)],
        "form": form,
        "errors": errors,
    }


# An organization's curator prepares the order for its programme's pairs; a municipal or regional coordinator for
# the pairs its programme's matching proposed (the order of that level, signed by its coordinator).
PAIR_ORDERERS = (Role.curator, Role.municipal_coordinator, Role.regional_coordinator)


@post("/programmes/{programme_id:uuid}/pairs/order", guards=[allow(*PAIR_ORDERERS)])
async def order_pairs(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
) -> Redirect:
    programme = await programmes.get_programme(
        programme_id, programmes.Access.of(principal.role, principal.scope).owner
    )
    ids = _uuids((await request.form()).getall("pair_ids", []))
    try:
        order_id = await lifecycle.request_approval(actor, programme, ids)
    except ValidationFailed as exc:
        flash_problem(request, exc)
        return see_other("/pairs?status=draft")
    flash(request, "Проект приказа о закреплении пар готов: подпишите и зарегистрируйте", category="success")
    return see_other(f"/orders/{order_id}")


# Cabinets -----------------------------------------------------------------------------------------------------


class CabinetPages(Controller):
    path = "/cabinet"
    guards = [allow(*CABINET)]

    @get("/pairs/{pair_id:uuid}")
    async def pair(
        self, principal: NamedDependency[Principal], actor: NamedDependency[Actor], pair_id: FromPath[UUID]
    ) -> Template:
        person_id = await access.reader(principal)
        card = await pairs.read_card(actor, pair_id, person_id)
        return page(
            "mentoring/pair.html",
            card=card,
            pair=card.pair,
            mentors=[],
            can_edit=False,
            cabinet=True,
            requests=[r for r in await requests.requests_of(pair_id=pair_id) if r.person_id == person_id],
            asks_to_step_down=person_id == card.pair.mentor_id,
            base="/cabinet/pairs",
            errors={},
            **_labels(),
        )

    @post("/pairs/{pair_id:uuid}/meetings")
    async def meeting(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
    ) -> Redirect:
        person_id = await access.recorder(principal, pair_id)
        with flashed(request, "Встреча записана. Спасибо!"):
            await meetings.record_meeting(actor, pair_id, meeting_form(await request.form()), person_id)
        return see_other(f"/cabinet/pairs/{pair_id}")

    @post("/pairs/{pair_id:uuid}/requests")
    async def ask(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
    ) -> Redirect:
        """The mentee asks the curator for another mentor; the mentor asks to give up the duties."""
        person_id = await access.reader(principal)
        assert person_id is not None
        with flashed(request, "Просьба отправлена куратору: ответ появится здесь"):
            await requests.ask(actor, pair_id, person_id, str((await request.form()).get("reason", "")))
        return see_other(f"/cabinet/pairs/{pair_id}#requests")

    @post("/pairs/{pair_id:uuid}/plan/{kind:str}")
    async def plan(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        kind: FromPath[str],
    ) -> Redirect:
        person_id = await access.recorder(principal, pair_id)
        if kind not in PLAN_COLUMNS:
            raise NotFound()
        with flashed(request, "План развития сохранён"):
            await meetings.save_plan(actor, pair_id, kind, plan_rows(await request.form(), kind), person_id)
        return see_other(f"/cabinet/pairs/{pair_id}#plan")


# The JSON API -------------------------------------------------------------------------------------------------


def pair_json(pair: Pair) -> dict[str, Any]:
    return {
        "id": str(pair.id),
        "programme_id": str(pair.programme_id),
        "status": pair.status.value,
        "form": pair.form_title,
        "role_model": pair.role_model_title,
        "mentor": {"id": str(pair.mentor_id), "full_name": pair.mentor.full_name},
        "mentees": [
            {"id": str(i), "full_name": m.full_name} for i, m in zip(pair.mentee_ids, pair.mentees, strict=True)
        ],
        "starts_on": pair.starts_on.isoformat(),
        "ends_on": pair.ends_on.isoformat(),
        "extended_to": pair.extended_to.isoformat() if pair.extended_to else None,
        "finished_on": pair.finished_on.isoformat() if pair.finished_on else None,
        "order_id": str(pair.order_id) if pair.order_id else None,
        "meetings": pair.meetings,
        "last_meeting": pair.last_meeting.isoformat() if pair.last_meeting else None,
        "score": pair.score,
        "group_agreed_on": pair.group_agreed_on.isoformat() if pair.group_agreed_on else None,
    }


def meeting_json(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": str(meeting.id),
        "kind": meeting.kind.value,
        "held_on": meeting.held_on.isoformat(),
        "minutes": meeting.minutes,
        "format": meeting.format.value,
        "answers": meeting.answers,
        "closeness": meeting.closeness,
        "wants_to_mentor": meeting.wants_to_mentor,
    }


class PairApi(Controller):
    path = "/pairs"
    tags = ["Пары и группы"]

    @get("/", guards=[allow(*STAFF, *COORDINATORS, *CABINET)])
    async def index(self, principal: NamedDependency[Principal], status: FromQuery[str] = "") -> list[dict[str, Any]]:
        """A curator's or head's organization; a coordinator's scope; a mentor's or mentee's own pairs."""
        person_id = None
        if principal.role in CABINET:
            person_id = await access.cabinet_person(principal)
            if person_id is None:
                return []
        return [pair_json(p) for p in await pairs.list_pairs(status=status, person_id=person_id)]

    @post("/", guards=[allow(Role.curator)])
    async def create(
        self, principal: NamedDependency[Principal], actor: NamedDependency[Actor], data: JSONBody[dict[str, Any]]
    ) -> dict[str, Any]:
        """`programme_id`, `mentor_id`, `mentee_ids`, `form_id`, optional `role_model_id`, `starts_on`, `ends_on`;
        more than two mentees need `group_agreed` and `group_agreed_on`."""
        try:
            programme_id = UUID(str(data.get("programme_id", "")))
        except ValueError:
            raise ValidationFailed({"programme_id": "Укажите программу"}) from None
        programme = await programmes.get_programme(
            programme_id, programmes.Owner(organization_id=principal.scope.organization_id)
        )
        form = PairForm(
            mentor_id=str(data.get("mentor_id", "")),
            mentee_ids=[str(v) for v in data.get("mentee_ids") or []],
            form_id=str(data.get("form_id", "")),
            role_model_id=str(data.get("role_model_id") or ""),
            starts_on=str(data.get("starts_on", "")),
            ends_on=str(data.get("ends_on") or ""),
            group_agreed=_yes(data.get("group_agreed")),
            group_agreed_on=str(data.get("group_agreed_on") or ""),
        )
        pair_id = await pairs.create_pair(actor, programme, form)
        return pair_json(await pairs.get_pair(pair_id))

    @get("/{pair_id:uuid}", guards=[allow(*STAFF, *COORDINATORS, *CABINET)])
    async def read(
        self, principal: NamedDependency[Principal], actor: NamedDependency[Actor], pair_id: FromPath[UUID]
    ) -> dict[str, Any]:
        card = await pairs.read_card(actor, pair_id, await access.reader(principal))
        return {
            **pair_json(card.pair),
            "plan": card.plan,
            "meetings_list": [meeting_json(m) for m in card.meetings],
            "history": [
                {"mentor": h.mentor, "since": h.since.isoformat(), "reason": h.reason, "pending": h.pending}
                for h in card.history
            ],
        }

    @post("/{pair_id:uuid}/meetings", guards=[allow(Role.curator, *CABINET)])
    async def meeting(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        data: JSONBody[dict[str, Any]],
    ) -> dict[str, Any]:
        """`kind`, `held_on`, `minutes`, `format`, answers as `q_<code>`, `closeness` (final), `wants_to_mentor`."""
        person_id = await access.recorder(principal, pair_id)
        meeting_id = await meetings.record_meeting(
            actor, pair_id, meeting_form({k: str(v) for k, v in data.items()}), person_id
        )
        card = await pairs.pair_card(pair_id, person_id)
        return meeting_json(next(m for m in card.meetings if m.id == meeting_id))

    @put("/{pair_id:uuid}/plan/{kind:str}", guards=[allow(Role.curator, *CABINET)])
    async def plan(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        kind: FromPath[str],
        data: JSONBody[list[dict[str, str]]],
    ) -> dict[str, Any]:
        person_id = await access.recorder(principal, pair_id)
        await meetings.save_plan(actor, pair_id, kind, data, person_id)
        return {"plan": (await pairs.pair_card(pair_id, person_id)).plan}

    @post("/{pair_id:uuid}/status", guards=[allow(Role.curator)])
    async def change_status(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        data: JSONBody[dict[str, Any]],
    ) -> dict[str, Any]:
        """`action`: complete; end_early (end_reason, mentor_agrees, curator_agrees); extend (extended_to,
        extension_reason); replace (new_mentor_id, reason, since) — answers the replacement order's id."""
        await access.curator_pair(principal, pair_id)
        order_id = await lifecycle.change_status(actor, pair_id, status_change(data))
        result = {"order_id": str(order_id)} if order_id else {}
        return {**pair_json(await pairs.get_pair(pair_id)), **result}

    @get("/{pair_id:uuid}/requests", guards=[allow(*STAFF, *CABINET)])
    async def list_requests(self, principal: NamedDependency[Principal], pair_id: FromPath[UUID]) -> list[RequestOut]:
        """The pair's requests; a mentor or mentee reads only their own."""
        person_id = await access.reader(principal)
        await pairs.get_pair(pair_id, person_id)
        found = await requests.requests_of(pair_id=pair_id)
        return [RequestOut.of(r) for r in found if person_id is None or r.person_id == person_id]

    @post("/{pair_id:uuid}/requests", guards=[allow(*CABINET)])
    async def ask(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        data: JSONBody[AskIn],
    ) -> RequestOut:
        """The mentee asks for another mentor, the mentor to give up the duties."""
        person_id = await access.reader(principal)
        assert person_id is not None
        request_id = await requests.ask(actor, pair_id, person_id, data.reason)
        return await _request_out(pair_id, request_id)

    @post("/{pair_id:uuid}/requests/{request_id:uuid}/decline", guards=[allow(Role.curator)])
    async def decline(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        request_id: FromPath[UUID],
        data: JSONBody[DeclineIn],
    ) -> RequestOut:
        """`answer`: why the request is declined; the requester reads it."""
        await access.curator_pair(principal, pair_id)
        await requests.decline(actor, pair_id, request_id, data.answer)
        return await _request_out(pair_id, request_id)

    @post("/{pair_id:uuid}/requests/{request_id:uuid}/accept", guards=[allow(Role.curator)])
    async def accept(
        self,
        principal: NamedDependency[Principal],
        actor: NamedDependency[Actor],
        pair_id: FromPath[UUID],
        request_id: FromPath[UUID],
        data: JSONBody[AcceptIn],
    ) -> RequestOut:
        """`new_mentor_id`, optional `since`: the replacement order with the reason «request»."""
        await access.curator_pair(principal, pair_id)
        await requests.accept(actor, pair_id, request_id, data.new_mentor_id, data.since)
        return await _request_out(pair_id, request_id)


class AskIn(msgspec.Struct, kw_only=True):
    reason: str = ""


class DeclineIn(msgspec.Struct, kw_only=True):
    answer: str = ""


class AcceptIn(msgspec.Struct, kw_only=True):
    new_mentor_id: str = ""
    since: str = ""


class RequestOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    kind: str
    person_id: UUID
    reason: str
    status: str
    answer: str
    order_id: UUID | None
    created_at: str

    @classmethod
    def of(cls, request: PairRequestRecord) -> RequestOut:
        return cls(
            id=request.id,
            kind=request.kind.value,
            person_id=request.person_id,
            reason=request.reason,
            status=request.status.value,
            answer=request.answer,
            order_id=request.order_id,
            created_at=request.created_at.isoformat(),
        )


async def _request_out(pair_id: UUID, request_id: UUID) -> RequestOut:
    return RequestOut.of(next(r for r in await requests.requests_of(pair_id=pair_id) if r.id == request_id))


@post("/programmes/{programme_id:uuid}/pairs/order", guards=[allow(*PAIR_ORDERERS)])
async def order_pairs_api(
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    programme_id: FromPath[UUID],
    data: JSONBody[dict[str, list[str]]],
) -> dict[str, str]:
    """The order «о закреплении наставнических пар/групп» for the draft pairs named in `pair_ids`."""
    programme = await programmes.get_programme(
        programme_id, programmes.Access.of(principal.role, principal.scope).owner
    )
    order_id = await lifecycle.request_approval(actor, programme, _uuids(data.get("pair_ids", [])))
    return {"order_id": str(order_id)}


page_router = Router(path="/", route_handlers=[PairPages, CabinetPages, order_pairs], include_in_schema=False)
api_router = Router(path="/api/v1", route_handlers=[PairApi, order_pairs_api])
