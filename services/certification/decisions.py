"""The decision on an application, one step by the commission's chair or the regional coordinator: certified (the
order «Об итогах сертификации» and the certificate), not certified with the reasons, or returned for completion.

One order per certified application: each decision takes effect on its own, and a curator's certificate never
waits for the rest of the round. The certificate is issued at once, under the order it names; its validity is the
region's setting, and a renewal starts the day after the old certificate ends."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta
from piccolo.columns import Column

from services.certificates import CertificateDraft, CertificateKind, CertificateRecord, issue_certificate
from services.certification.applications import (
    ApplicationRecord,
    get_application,
    previous_certificate_end,
    renewal_start,
)
from services.certification.rounds import RoundRecord, get_round, member_of, members_of
from services.certification.scoring import conflicted, passes, recount
from services.certification.tables import ApplicationState, CertificationApplication, RoundStatus
from services.programmes import BASIS, LevelOrder, OrderKind, Owner, create_level_order
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import Scope, widened
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.i18n import format_date
from tenants import Role, get_organization, get_region_settings

# The certificate's source: the table's varchar(20) holds no longer word than this (not «certification_application»).
SOURCE_KIND = "certification"


class Outcome(enum.StrEnum):
    certified = "certified"
    not_certified = "not_certified"
    returned = "returned"


OUTCOME_LABELS = {
    Outcome.certified: "сертифицировать",
    Outcome.not_certified: "отказать в сертификации",
    Outcome.returned: "вернуть на доработку",
}


async def may_decide(role: Role | None, user_id: UUID, round_: RoundRecord) -> bool:
    if role == Role.regional_coordinator:
        return True
    member = await member_of(round_.id, user_id)
    return member is not None and member.is_chair


async def region_years(region_id: UUID) -> int:
    return (await get_region_settings(region_id)).curator_certificate_years


async def decide(
    actor: Actor, role: Role | None, application_id: UUID, outcome: str, reasons: str
) -> ApplicationRecord:
    application = await get_application(application_id)
    round_ = await get_round(application.round_id)
    if actor.user_id is None or not await may_decide(role, actor.user_id, round_):
        raise Forbidden()
    chair = await member_of(round_.id, actor.user_id)
    if chair is not None and conflicted(chair, application) and role != Role.regional_coordinator:
        raise NotFound()
    try:
        chosen = Outcome(outcome)
    except ValueError:
        raise ValidationFailed({"outcome": "Выберите решение"}) from None
    if round_.status != RoundStatus.review:
        raise ValidationFailed({"outcome": "Решения принимаются на этапе работы комиссии"})
    if application.state != ApplicationState.submitted:
        raise ValidationFailed({"outcome": f"Заявка {application.state_label}: решение уже принято или её не подали"})
    text = " ".join(reasons.split())
    if chosen != Outcome.certified and not text:
        raise ValidationFailed({"reasons": "Укажите причины решения: куратор их увидит"})
    if len(text) > 4000:
        raise ValidationFailed({"reasons": "Причины — до 4000 знаков"})
    score = await recount(application_id)
    application = await get_application(application_id)
    if chosen == Outcome.certified and not passes(round_, application):
        raise ValidationFailed({"outcome": f"Набрано {score} при проходном балле {round_.pass_score}"})
    values: dict[Column | str, Any] = {
        CertificationApplication.state: ApplicationState(chosen.value),
        CertificationApplication.decided_at: now(),
        CertificationApplication.decided_by: actor.user_id,
        CertificationApplication.decision_reasons: text,
    }
    if chosen == Outcome.returned:
        values[CertificationApplication.state] = ApplicationState.returned
        values[CertificationApplication.submitted_at] = None
    async with widened(Scope.for_region(actor.region_id)):  # the region's order and certificate, by its chair too
        if chosen == Outcome.certified:
            certificate, order_id = await _certify(actor, round_, application)
            values[CertificationApplication.certificate_id] = certificate.id
            values[CertificationApplication.decision_order_id] = order_id
        await CertificationApplication.update(values).where(CertificationApplication.id == application_id).run()
        await audit(
            actor,
            "certification.decide",
            application.person_id,
            f"решение: {OUTCOME_LABELS[chosen]}",
            organization_id=application.organization_id,
        )
    return await get_application(application_id)


async def _certify(actor: Actor, round_: RoundRecord, application: ApplicationRecord) -> tuple[CertificateRecord, UUID]:
    if application.person_id is None:
        raise ValidationFailed({"outcome": "У заявки нет записи куратора в базе организации"})
    decided_on = today()
    starts_on = renewal_start(decided_on, await previous_certificate_end(application))
    valid_until = validity_end(starts_on, await region_years(actor.region_id))
    organization = await get_organization(application.organization_id)
    region = (await get_region_settings(actor.region_id)).name
    chair = next((m for m in await members_of(round_.id) if m.is_chair), None)
    certificate = await issue_certificate(
        actor,
        CertificateDraft(
            kind=CertificateKind.curator,
            organization_id=application.organization_id,
            person_id=application.person_id,
            user_id=application.user_id,
            holder_name=application.full_name,
            title=f"Куратор наставнической деятельности ({round_.title})",
            issued_on=decided_on,
            starts_on=starts_on,
            valid_until=valid_until,
            source_kind=SOURCE_KIND,
            source_id=application.id,
            issuer_name=f"Региональный наставнический центр — {region}",
            signatory_name=chair.full_name if chair else "",
            signatory_position="Председатель комиссии по сертификации кураторов" if chair else "",
        ),
    )
    place = organization.short_name or organization.name
    period = f"с {format_date(starts_on)} по {format_date(valid_until)}"
    details = LevelOrder(
        preamble=f"{BASIS}, на основании решения комиссии по сертификации кураторов наставнической деятельности",
        points=[
            f"Признать прошедшим сертификацию куратора наставнической деятельности: {application.full_name}, {place}.",
            f"Выдать сертификат куратора № {certificate.number}, срок действия {period}.",
            "Включить куратора в региональный реестр сертифицированных кураторов.",
            "Контроль за исполнением настоящего приказа оставляю за собой.",
        ],
        appendix_title="Сертифицированные кураторы наставнической деятельности",
        columns=["ФИО", "Организация", "Номер сертификата", "Срок действия"],
        rows=[[application.full_name, place, certificate.number, period]],
        refs={"application_id": str(application.id), "certificate_id": str(certificate.id)},
    )
    order_id = await create_level_order(actor, actor.region_id, Owner(), OrderKind.certification_decision, details)
    return certificate, order_id


def validity_end(starts_on: date, years: int) -> date:
    """The start plus the region's term in years (the setting «Срок действия сертификата куратора, лет»)."""
    return starts_on + relativedelta(years=years)
