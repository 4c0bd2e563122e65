"""Questionnaires sent by a personal link: the templates on offer, sending, opening and submitting by the link,
and what bulk sends and reminders ask about earlier links."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

import msgspec

from services.registry import questionnaires
from services.registry.bases import person_card
from services.registry.questionnaire_answers import save_answers
from services.registry.questionnaires import TemplateBody
from services.registry.tables import Person, QuestionnaireRequest, QuestionnaireTemplate
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import Level, Scope, current_connection, rescope
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.links import LinkUnusable, link_token, token_hash

LINK_DAYS = 14
ANSWERED = "Спасибо! Эта анкета уже заполнена."
REPLACED = "Эта ссылка больше не действует: куратор отправил новую. Откройте ссылку из последнего письма."


class QuestionnaireVersion(msgspec.Struct, kw_only=True):
    id: UUID
    code: str
    version: int
    title: str
    audience: str
    body: TemplateBody


async def templates() -> list[QuestionnaireVersion]:
    """The newest version of each template."""
    rows = await current_connection().fetch(
        """SELECT DISTINCT ON (code) id, code, version, title, audience, body FROM questionnaire_template
           ORDER BY code, version DESC"""
    )
    order = [t["code"] for t in questionnaires.BUILTIN]
    versions = msgspec.convert([dict(r) for r in rows], list[QuestionnaireVersion])
    return sorted(versions, key=lambda v: order.index(v.code) if v.code in order else 99)


@dataclass
class SentQuestionnaire:
    request_id: UUID
    token: str
    email: str  # where the link can be mailed; empty when the person has no e-mail


async def send_questionnaire(actor: Actor, person_id: UUID, code: str, secret_key: str) -> SentQuestionnaire:
    """A personal link to the newest version of a template; needs an active consent."""
    if actor.organization_id is None:
        raise Forbidden()
    card = await person_card(actor, person_id)
    if not card.consented:
        raise ValidationFailed({"template": "Нет согласия на обработку данных: анкету отправить нельзя"})
    template = next((t for t in await templates() if t.code == code), None)
    if template is None:
        raise ValidationFailed({"template": "Выберите анкету"})
    request_id = uuid4()
    token = questionnaire_token(secret_key, request_id)
    await QuestionnaireRequest.insert(
        QuestionnaireRequest(
            id=request_id,
            region_id=actor.region_id,
            organization_id=actor.organization_id,
            person_id=person_id,
            template_id=template.id,
            token_hash=token_hash(token),
            expires_at=now() + timedelta(days=LINK_DAYS),
            sent_by=actor.user_id,
            created_at=now(),
        )
    ).run()
    await audit(actor, "questionnaire", person_id, f"отправлена анкета «{template.title}»")
    return SentQuestionnaire(request_id, token, card.person.email)


class LinkState(enum.StrEnum):
    sent = "sent"
    opened = "opened"
    answered = "answered"
    expired = "expired"
    replaced = "replaced"


LINK_STATE_LABELS = {
    LinkState.sent: "отправлена",
    LinkState.opened: "открыта",
    LinkState.answered: "заполнена",
    LinkState.expired: "истекла",
    LinkState.replaced: "заменена новой",
}


class PersonalLink(msgspec.Struct, frozen=True, kw_only=True):
    """A questionnaire link sent to a person, as the card lists it."""

    id: UUID
    title: str
    sent_at: datetime
    expires_at: datetime
    opened_at: datetime | None
    answered_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> LinkState:
        if self.answered_at is not None:
            return LinkState.answered
        if self.revoked_at is not None:
            return LinkState.replaced
        if self.expires_at <= now():
            return LinkState.expired
        return LinkState.opened if self.opened_at is not None else LinkState.sent

    @property
    def state_label(self) -> str:
        return LINK_STATE_LABELS[self.state]

    @property
    def can_resend(self) -> bool:
        return self.state in (LinkState.sent, LinkState.opened, LinkState.expired)


async def person_links(person_id: UUID) -> list[PersonalLink]:
    """The links sent to the person from the organizations of the caller's scope, newest first."""
    rows = await current_connection().fetch(
        """SELECT r.id, t.title, r.created_at AS sent_at, r.expires_at, r.opened_at, r.answered_at, r.revoked_at
           FROM questionnaire_request r JOIN questionnaire_template t ON t.id = r.template_id
           WHERE r.person_id = $1 ORDER BY r.created_at DESC LIMIT 100""",
        person_id,
    )
    return msgspec.convert([dict(r) for r in rows], list[PersonalLink])


async def resend_questionnaire(actor: Actor, person_id: UUID, request_id: UUID, secret_key: str) -> SentQuestionnaire:
    """A new link to the same questionnaire (its newest version); the old one stops working at once."""
    row = await current_connection().fetchrow(
        """SELECT t.code, r.answered_at, r.revoked_at
           FROM questionnaire_request r JOIN questionnaire_template t ON t.id = r.template_id
           WHERE r.id = $1 AND r.person_id = $2 AND r.organization_id = $3 FOR UPDATE OF r""",
        request_id,
        person_id,
        actor.organization_id,
    )
    if row is None:
        raise NotFound()
    if row["answered_at"] is not None:
        raise ValidationFailed({"template": "Анкета по этой ссылке уже заполнена"})
    if row["revoked_at"] is not None:
        raise ValidationFailed({"template": "Эта ссылка уже заменена новой: отправьте ещё раз последнюю"})
    await current_connection().execute(
        "UPDATE questionnaire_request SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", request_id
    )
    return await send_questionnaire(actor, person_id, row["code"], secret_key)


def questionnaire_token(secret_key: str, request_id: UUID) -> str:
    return link_token(secret_key, "questionnaire", request_id)


class QuestionnaireLink(msgspec.Struct, kw_only=True):
    """A sent personal link (its request), found by its token."""

    id: UUID
    region_id: UUID
    organization_id: UUID
    person_id: UUID
    template_id: UUID
    expires_at: datetime
    answered_at: datetime | None


@dataclass
class OpenQuestionnaire:
    request: QuestionnaireLink
    template: QuestionnaireVersion
    first_name: str


async def open_questionnaire(token: str) -> OpenQuestionnaire:
    """By the personal link, without an account. Narrows the transaction to the request's organization."""
    hashed = token_hash(token)
    await rescope(Scope().with_lookup(link_token_hash=hashed))
    request = await QuestionnaireRequest.select().where(QuestionnaireRequest.token_hash == hashed).first().run()
    if request is None:
        raise NotFound()
    if request["answered_at"] is not None:
        raise LinkUnusable(ANSWERED)
    if request["revoked_at"] is not None:
        raise LinkUnusable(REPLACED)
    if request["expires_at"] <= now():
        raise LinkUnusable("Срок действия ссылки истёк. Попросите куратора прислать новую.")
    await rescope(
        Scope(Level.organization, None, request["region_id"], None, request["organization_id"]).with_lookup(
            link_token_hash=hashed
        )
    )
    if request["opened_at"] is None:
        await current_connection().execute(
            "UPDATE questionnaire_request SET opened_at = now() WHERE id = $1 AND opened_at IS NULL", request["id"]
        )
    template = (
        await QuestionnaireTemplate.select().where(QuestionnaireTemplate.id == request["template_id"]).first().run()
    )
    person = await Person.select(Person.name).where(Person.id == request["person_id"]).first().run()
    assert template is not None and person is not None
    link = msgspec.convert(request, QuestionnaireLink)
    return OpenQuestionnaire(link, msgspec.convert(template, QuestionnaireVersion), person["name"])


async def submit_questionnaire(token: str, data: dict[str, list[str]]) -> None:
    opened = await open_questionnaire(token)
    request = opened.request
    # Concurrent submissions by one link wait here for the first; it marked the link answered, so they stop.
    answered = await current_connection().fetchrow(
        "SELECT answered_at, revoked_at FROM questionnaire_request WHERE id = $1 FOR UPDATE", request.id
    )
    if answered is not None and answered["revoked_at"] is not None:
        raise LinkUnusable(REPLACED)
    if answered is None or answered["answered_at"] is not None:
        raise LinkUnusable(ANSWERED)
    answers, tags, errors = questionnaires.check_answers(opened.template.body, data)
    if errors:
        raise ValidationFailed(errors)
    await save_answers(
        Actor(None, request.region_id, request.organization_id, ""),
        request.person_id,
        request.template_id,
        answers,
        tags,
        request.id,
    )
    await (
        QuestionnaireRequest.update({QuestionnaireRequest.answered_at: now()})
        .where(QuestionnaireRequest.id == request.id)
        .run()
    )


async def questionnaires_sent(person_ids: list[UUID], code: str, since: date) -> set[UUID]:
    """People who were already sent a template (any version) since a day: bulk sends skip them."""
    rows = await current_connection().fetch(
        """SELECT DISTINCT r.person_id FROM questionnaire_request r
           JOIN questionnaire_template t ON t.id = r.template_id
           WHERE r.person_id = ANY($1::uuid[]) AND t.code = $2 AND r.created_at >= $3""",
        person_ids,
        code,
        since,
    )
    return {row["person_id"] for row in rows}


class DueReminder(msgspec.Struct, kw_only=True):
    id: UUID  # the request
    region_id: UUID


async def due_questionnaire_reminders(codes: list[str], older_than: datetime) -> list[DueReminder]:
    """Unanswered, unexpired links of these templates sent before a moment and not yet reminded about;
    they are marked as reminded at once, so a reminder goes out only once."""
    rows = await current_connection().fetch(
        """UPDATE questionnaire_request r SET reminded_at = now()
           FROM questionnaire_template t
           WHERE t.id = r.template_id AND t.code = ANY($1::text[]) AND r.answered_at IS NULL
             AND r.reminded_at IS NULL AND r.revoked_at IS NULL AND r.expires_at > now() AND r.created_at < $2
             AND EXISTS (SELECT 1 FROM consent c WHERE c.region_id = r.region_id AND c.person_id = r.person_id
                         AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL)
           RETURNING r.id, r.region_id""",
        codes,
        older_than,
    )
    return msgspec.convert([dict(row) for row in rows], list[DueReminder])
