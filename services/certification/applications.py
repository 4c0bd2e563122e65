"""A curator's application to a round: opened from their pages, its portfolio assembled (and re-assembled on demand)
from the platform's data, backed by uploads, checked for completeness, and sent to the commission."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import msgspec
from dateutil.relativedelta import relativedelta

from services.certificates import CertificateKind, Status, certificates_of, get_certificate
from services.certification import portfolio as portfolios
from services.certification.portfolio import Portfolio
from services.certification.rounds import criteria_of, get_round
from services.certification.tables import ApplicationState, CertificationApplication, CertificationUpload
from services.registry import ensure_curator_person
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed
from shared.i18n import format_date, sort_key
from shared.uploads import DOCUMENT_TYPES, checked_type, title_of
from tenants import Role, list_people, role_since

STATE_LABELS = {
    ApplicationState.draft: "черновик",
    ApplicationState.submitted: "подана, на рассмотрении",
    ApplicationState.certified: "сертифицирован",
    ApplicationState.not_certified: "не сертифицирован",
    ApplicationState.returned: "возвращена на доработку",
}
EDITABLE = (ApplicationState.draft, ApplicationState.returned)
# A certificate expiring within this may be renewed in an open round; the new one starts when it ends.
RENEWAL_WINDOW = relativedelta(months=6)


class ApplicationRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    round_id: UUID
    organization_id: UUID
    user_id: UUID
    person_id: UUID | None
    full_name: str
    state: ApplicationState
    portfolio: Portfolio
    auto_points: Decimal
    total_score: Decimal | None
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: UUID | None
    decision_reasons: str
    decision_order_id: UUID | None
    certificate_id: UUID | None
    previous_certificate_id: UUID | None
    created_at: datetime

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE


class UploadRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    application_id: UUID
    criterion_id: UUID | None
    title: str
    filename: str
    content_type: str
    created_at: datetime


_COLUMNS = ", ".join(f.name for f in msgspec.structs.fields(ApplicationRecord))


def _record(row: object) -> ApplicationRecord:
    data = dict(row)  # type: ignore[call-overload]
    data["portfolio"] = msgspec.to_builtins(portfolios.decode(data["portfolio"]))
    return msgspec.convert(data, ApplicationRecord)


async def get_application(application_id: UUID) -> ApplicationRecord:
    """RLS hides other organizations' applications, and a member's own organization's from other scopes."""
    row = await current_connection().fetchrow(
        f"SELECT {_COLUMNS} FROM certification_application WHERE id = $1", application_id
    )
    if row is None:
        raise NotFound()
    return _record(row)


async def applications_of_round(round_id: UUID) -> list[ApplicationRecord]:
    rows = await current_connection().fetch(
        f"SELECT {_COLUMNS} FROM certification_application WHERE round_id = $1", round_id
    )
    found = [_record(r) for r in rows]
    return sorted(found, key=lambda a: (a.state == ApplicationState.draft, sort_key(a.full_name)))


async def applications_of_user(user_id: UUID) -> list[ApplicationRecord]:
    rows = await current_connection().fetch(
        f"SELECT {_COLUMNS} FROM certification_application WHERE user_id = $1 ORDER BY created_at DESC", user_id
    )
    return [_record(r) for r in rows]


async def uploads_of(application_id: UUID) -> list[UploadRecord]:
    rows = await current_connection().fetch(
        """SELECT id, application_id, criterion_id, title, filename, content_type, created_at
           FROM certification_upload WHERE application_id = $1 ORDER BY created_at""",
        application_id,
    )
    return [msgspec.convert(dict(r), UploadRecord) for r in rows]


# The curator's own application ---------------------------------------------------------------------------------


async def _curator_names(user_id: UUID, organization_id: UUID) -> tuple[str, str, str]:
    for account in await list_people(organization_id):
        if account.id == user_id and account.role == Role.curator:
            return account.surname, account.name, account.patronymic
    raise NotFound()


async def renewable_certificate(person_id: UUID, day: date) -> tuple[UUID | None, str]:
    """The curator's valid certificate that the new one renews (expiring within six months), or why they may
    not apply yet (a certificate valid for longer)."""
    current = [
        c
        for c in await certificates_of([person_id])
        if c.kind == CertificateKind.curator and c.status(day) == Status.valid
    ]
    if not current:
        return None, ""
    latest = max(current, key=lambda c: c.valid_until or date.max)
    if latest.valid_until is None or latest.valid_until > day + RENEWAL_WINDOW:
        until = format_date(latest.valid_until) if latest.valid_until else "бессрочно"
        return None, (
            f"У вас действующий сертификат № {latest.number} (до {until}): повторная сертификация — "
            "за полгода до окончания срока"
        )
    return latest.id, ""


async def start(actor: Actor, round_id: UUID) -> UUID:
    """The curator's application with its portfolio assembled now; one per curator and round."""
    if actor.user_id is None or actor.organization_id is None:
        raise NotFound()
    round_ = await get_round(round_id)
    day = today()
    if not round_.accepts(day):
        raise ValidationFailed(
            {
                "round": f"Приём заявок — с {format_date(round_.applications_from)} по "
                f"{format_date(round_.applications_until)}, пока сертификация открыта"
            }
        )
    existing = await current_connection().fetchval(
        "SELECT id FROM certification_application WHERE round_id = $1 AND user_id = $2", round_id, actor.user_id
    )
    if existing is not None:
        return UUID(str(existing))
    surname, name, patronymic = await _curator_names(actor.user_id, actor.organization_id)
    person_id = await ensure_curator_person(actor, surname, name, patronymic)
    if person_id is None:
        raise ValidationFailed({"round": "В учётной записи нет фамилии и имени: заполните профиль"})
    previous, refusal = await renewable_certificate(person_id, day)
    if refusal:
        raise ValidationFailed({"round": refusal})
    rows = (
        await CertificationApplication.insert(
            CertificationApplication(
                region_id=actor.region_id,
                round_id=round_id,
                organization_id=actor.organization_id,
                user_id=actor.user_id,
                person_id=person_id,
                full_name=" ".join(p for p in (surname, name, patronymic) if p),
                state=ApplicationState.draft,
                portfolio="{}",
                auto_points=Decimal(0),
                decision_reasons="",
                previous_certificate_id=previous,
                created_at=now(),
            )
        )
        .returning(CertificationApplication.id)
        .run()
    )
    application_id: UUID = rows[0]["id"]
    await audit(actor, "certification.apply", person_id, "заявка на сертификацию")
    await reassemble(actor, application_id)
    return application_id


async def own_application(actor: Actor, application_id: UUID) -> ApplicationRecord:
    """The curator's own: another curator of the same organization does not edit it."""
    application = await get_application(application_id)
    if application.user_id != actor.user_id:
        raise NotFound()
    return application


async def _editable(actor: Actor, application_id: UUID) -> ApplicationRecord:
    application = await own_application(actor, application_id)
    if not application.editable:
        raise ValidationFailed({"state": f"Заявка {application.state_label}: изменить её нельзя"})
    return application


async def reassemble(actor: Actor, application_id: UUID) -> Portfolio:
    """The portfolio from the platform's data as of now, with the counts of uploads per criterion."""
    application = await _editable(actor, application_id)
    round_ = await get_round(application.round_id)
    criteria = await criteria_of(application.round_id)
    counts: dict[UUID, int] = {}
    for upload in await uploads_of(application_id):
        if upload.criterion_id is not None:
            counts[upload.criterion_id] = counts.get(upload.criterion_id, 0) + 1
    since = await role_since(application.user_id, Role.curator, application.organization_id)
    person_ids = [application.person_id] if application.person_id else []
    assembled = await portfolios.assemble(
        round_,
        criteria,
        application.organization_id,
        person_ids,
        since.date() if since else None,
        counts,
        today(),
    )
    await (
        CertificationApplication.update(
            {
                CertificationApplication.portfolio: portfolios.encode(assembled),
                CertificationApplication.auto_points: assembled.auto_points,
            }
        )
        .where(CertificationApplication.id == application_id)
        .run()
    )
    return assembled


async def completeness(actor: Actor, application_id: UUID) -> dict[str, str]:
    application = await own_application(actor, application_id)
    return portfolios.problems(await get_round(application.round_id), application.portfolio)


async def submit(actor: Actor, application_id: UUID) -> None:
    """Re-assembled and checked first: an incomplete application stays a draft, with each problem named."""
    application = await _editable(actor, application_id)
    round_ = await get_round(application.round_id)
    if not round_.accepts(today()) and application.state != ApplicationState.returned:
        raise ValidationFailed({"state": "Приём заявок закрыт"})
    assembled = await reassemble(actor, application_id)
    if found := portfolios.problems(round_, assembled):
        raise ValidationFailed(found)
    await (
        CertificationApplication.update(
            {
                CertificationApplication.state: ApplicationState.submitted,
                CertificationApplication.submitted_at: now(),
            }
        )
        .where(CertificationApplication.id == application_id)
        .run()
    )
    await audit(actor, "certification.submit", application.person_id, "заявка отправлена в комиссию")


async def add_upload(
    actor: Actor, application_id: UUID, criterion: str, title: str, data: bytes | None, filename: str
) -> UUID:
    application = await _editable(actor, application_id)
    errors = Errors()
    criteria = {str(c.id): c for c in await criteria_of(application.round_id)}
    criterion_id = criteria[criterion].id if criterion in criteria else None
    if criterion and criterion_id is None:
        errors.add("criterion_id", "Выберите критерий из списка")
    text = title_of(title, filename)
    if not text or len(text) > 300:
        errors.add("title", "Назовите материал (до 300 знаков)")
    content_type = checked_type(errors, data, DOCUMENT_TYPES, "Материал — PDF, JPEG или PNG")
    errors.raise_if_any()
    assert data is not None and content_type is not None
    rows = (
        await CertificationUpload.insert(
            CertificationUpload(
                region_id=actor.region_id,
                round_id=application.round_id,
                organization_id=application.organization_id,
                application_id=application_id,
                criterion_id=criterion_id,
                title=text,
                filename=(filename or "file")[-200:],
                content_type=content_type,
                data=data,
                created_at=now(),
            )
        )
        .returning(CertificationUpload.id)
        .run()
    )
    await audit(actor, "certification.upload", application.person_id, "материал портфолио добавлен")
    await reassemble(actor, application_id)
    upload_id: UUID = rows[0]["id"]
    return upload_id


async def remove_upload(actor: Actor, application_id: UUID, upload_id: UUID) -> None:
    await _editable(actor, application_id)
    if not any(u.id == upload_id for u in await uploads_of(application_id)):
        raise NotFound()
    await CertificationUpload.delete().where(CertificationUpload.id == upload_id).run()
    await audit(actor, "certification.upload", None, "материал портфолио удалён")
    await reassemble(actor, application_id)


async def upload_file(application_id: UUID, upload_id: UUID) -> tuple[bytes, str, str]:
    await get_application(application_id)
    row = await current_connection().fetchrow(
        "SELECT data, content_type, filename FROM certification_upload WHERE id = $1 AND application_id = $2",
        upload_id,
        application_id,
    )
    if row is None:
        raise NotFound()
    return bytes(row["data"]), row["content_type"], row["filename"]


async def previous_certificate_end(application: ApplicationRecord) -> date | None:
    if application.previous_certificate_id is None:
        return None
    return (await get_certificate(application.previous_certificate_id)).valid_until


def renewal_start(decided_on: date, previous_until: date | None) -> date:
    """A renewed certificate starts the day after the old one ends, or on the decision day if that is later."""
    if previous_until is None:
        return decided_on
    return max(decided_on, previous_until + timedelta(days=1))
