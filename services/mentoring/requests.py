"""Requests from the cabinets: the mentee asks the curator for another mentor (004 §6.2), the mentor asks to give
up the duties (004 §5.2). The curator declines with a comment, or accepts and prepares the replacement order."""

from __future__ import annotations

from uuid import UUID

import msgspec

from services.mentoring.lifecycle import replace_mentor
from services.mentoring.pairs import get_pair
from services.mentoring.records import REQUEST_STATUS_LABELS, Request
from services.mentoring.tables import PairRequest, RequestKind, RequestStatus, Status
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed


async def ask(actor: Actor, pair_id: UUID, person_id: UUID, reason: str) -> UUID:
    """The pair's mentor asks to step down, a mentee asks for another mentor; one open request each."""
    pair = await get_pair(pair_id, person_id)
    if pair.status not in (Status.approved, Status.active):
        raise ValidationFailed({"reason": "Пара уже не работает: просить о замене поздно"})
    if not reason.strip():
        raise ValidationFailed({"reason": "Напишите, почему вы просите об этом: куратор рассмотрит причину"})
    kind = RequestKind.step_down if person_id == pair.mentor_id else RequestKind.new_mentor
    rows = (
        await PairRequest.insert(
            PairRequest(
                region_id=pair.region_id,
                organization_id=pair.organization_id,
                mentorship_id=pair_id,
                person_id=person_id,
                kind=kind,
                reason=reason.strip(),
                status=RequestStatus.pending,
                answer="",
                created_at=now(),
            )
        )
        .on_conflict(action="DO NOTHING")  # pair_request_pending_once
        .returning(PairRequest.id)
        .run()
    )
    if not rows:
        raise ValidationFailed({"reason": "Ваша просьба уже у куратора: дождитесь ответа"})
    return UUID(str(rows[0]["id"]))


async def requests_of(
    *, pair_id: UUID | None = None, organization_id: UUID | None = None, pending: bool = False
) -> list[Request]:
    """A pair's requests (for its page and cabinet), or an organization's (the curator's home), newest first."""
    rows = await current_connection().fetch(
        """SELECT r.*, p.full_name AS person FROM pair_request r
           JOIN person p ON p.region_id = r.region_id AND p.id = r.person_id
           WHERE ($1::uuid IS NULL OR r.mentorship_id = $1) AND ($2::uuid IS NULL OR r.organization_id = $2)
             AND (NOT $3 OR r.status = 'pending')
           ORDER BY r.created_at DESC""",
        pair_id,
        organization_id,
        pending,
    )
    return [msgspec.convert(dict(r), Request) for r in rows]


async def _pending(request_id: UUID, pair_id: UUID) -> Request:
    found = [r for r in await requests_of(pair_id=pair_id) if r.id == request_id]
    if not found:
        raise NotFound()
    if found[0].status != RequestStatus.pending:
        raise ValidationFailed({"status": f"Просьба уже рассмотрена: {found[0].status_label.lower()}"})
    return found[0]


async def _answer(actor: Actor, request: Request, status: RequestStatus, answer: str, order_id: UUID | None) -> None:
    await (
        PairRequest.update(
            {
                PairRequest.status: status,
                PairRequest.answer: answer,
                PairRequest.order_id: order_id,
                PairRequest.answered_at: now(),
                PairRequest.answered_by: actor.user_id,
            }
        )
        .where(PairRequest.id == request.id)
        .run()
    )
    await audit(actor, "change", request.person_id, f"ответ на просьбу: {REQUEST_STATUS_LABELS[status].lower()}")


async def decline(actor: Actor, pair_id: UUID, request_id: UUID, comment: str) -> None:
    request = await _pending(request_id, pair_id)
    if not comment.strip():
        raise ValidationFailed({"answer": "Напишите, почему просьба отклонена: ответ увидит тот, кто просил"})
    await _answer(actor, request, RequestStatus.declined, comment.strip(), None)


async def accept(actor: Actor, pair_id: UUID, request_id: UUID, new_mentor_id: str, since: str) -> UUID:
    """The replacement order with the reason «обоснованная просьба наставника или наставляемого»."""
    request = await _pending(request_id, pair_id)
    errors = Errors()
    if not new_mentor_id:
        errors.add("new_mentor_id", "Выберите нового наставника")
    errors.raise_if_any()
    order_id = await replace_mentor(actor, pair_id, new_mentor_id, "request", since)
    await _answer(actor, request, RequestStatus.accepted, "", order_id)
    return order_id
