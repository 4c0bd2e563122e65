"""Preparing an application: the curator picks the nominee (or the pair) from the organization's base, fills
the consents, the essay, the video link and the files; the head confirms and sends it (applications.submit).
A person nominates themselves where the nomination allows it; their curator confirms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import msgspec

from services import mentoring
from services.contests import eligibility
from services.contests.records import ApplicationRecord, ContestRecord, NominationRecord, get_application, stages_of
from services.contests.tables import ApplicationState, ContestApplication, ContestUpload, NominationKind
from services.registry import ParticipationRole, base_members, contest_profile
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import parse_date
from shared.uploads import DOCUMENT_TYPES, checked_type, title_of
from tenants import get_organization

MAX_UPLOADS = 10
MAX_ESSAY = 20_000


class Nominee(msgspec.Struct, frozen=True, kw_only=True):
    """A person of the base (or a pair) who may be nominated, with the platform's eligibility verdict."""

    person_id: UUID
    mentorship_id: UUID | None
    mentee_person_id: UUID | None
    full_name: str
    eligibility: eligibility.Eligibility


@dataclass
class StartForm:
    nominee: str = ""  # a person id, or for «Лучшая пара» "<mentorship id>:<mentee id>"


@dataclass
class ApplicationForm:
    title: str = ""
    essay: str = ""
    video_url: str = ""
    participation_consent_on: str = ""
    publication_consent: str = ""
    representative_name: str = ""
    representative_consent_on: str = ""


async def _age_day(contest: ContestRecord, day: date) -> date:
    stages = await stages_of(contest.id)
    return stages[0].applications_until if stages else day


async def nominees(
    contest: ContestRecord, nomination: NominationRecord, organization_id: UUID, day: date
) -> list[Nominee]:
    """Everyone of the organization's base the nomination could name, eligible first."""
    age_day = await _age_day(contest, day)
    found: list[Nominee] = []
    if nomination.kind == NominationKind.best_pair:
        for pair in await mentoring.list_pairs(organization_id=organization_id):
            if pair.status not in ("active", "completed"):
                continue
            checked = await eligibility.check(nomination, pair.mentor_id, contest.year, age_day)
            for mentee in pair.mentees:
                found.append(
                    Nominee(
                        person_id=pair.mentor_id,
                        mentorship_id=pair.id,
                        mentee_person_id=mentee.id,
                        full_name=f"{pair.mentor.full_name} и {mentee.full_name}",
                        eligibility=checked,
                    )
                )
    else:
        roles = tuple(ParticipationRole(r) for r in nomination.roles)
        for member in await base_members(organization_id, roles):
            checked = await eligibility.check(nomination, member.id, contest.year, age_day)
            found.append(
                Nominee(
                    person_id=member.id,
                    mentorship_id=None,
                    mentee_person_id=None,
                    full_name=member.full_name,
                    eligibility=checked,
                )
            )
    return sorted(found, key=lambda n: not n.eligibility.eligible)


async def start(
    actor: Actor,
    contest: ContestRecord,
    nomination: NominationRecord,
    form: StartForm,
    day: date,
    *,
    self_person_id: UUID | None = None,
) -> UUID:
    """A draft application; `self_person_id` for a person nominating themselves."""
    if actor.organization_id is None:
        raise Forbidden()
    if nomination.contest_id != contest.id:
        raise NotFound()
    options = await nominees(contest, nomination, actor.organization_id, day)
    if self_person_id is not None:
        if not nomination.self_nomination:
            raise ValidationFailed({"nominee": "В этой номинации самовыдвижение не предусмотрено"})
        options = [n for n in options if n.person_id == self_person_id]
        chosen = options[0] if options else None
    else:
        chosen = next((n for n in options if _key(n) == form.nominee.strip()), None)
    if chosen is None:
        raise ValidationFailed({"nominee": "Выберите номинанта из базы организации"})
    if not chosen.eligibility.eligible:
        raise ValidationFailed({"nominee": "Номинант не подходит: " + "; ".join(chosen.eligibility.problems)})
    existing = (
        await ContestApplication.select(ContestApplication.id)
        .where(
            (ContestApplication.nomination_id == nomination.id)
            & (ContestApplication.person_id == chosen.person_id)
            & (ContestApplication.state != ApplicationState.withdrawn)
        )
        .first()
        .run()
    )
    if existing:
        raise ValidationFailed({"nominee": "На этого номинанта в номинации уже есть заявка"})
    profile = await contest_profile(chosen.person_id)
    rows = (
        await ContestApplication.insert(
            ContestApplication(
                region_id=actor.region_id,
                contest_id=contest.id,
                nomination_id=nomination.id,
                organization_id=actor.organization_id,
                municipality_id=await _municipality(actor),
                person_id=chosen.person_id,
                mentee_person_id=chosen.mentee_person_id,
                mentorship_id=chosen.mentorship_id,
                user_id=actor.user_id if self_person_id else None,
                self_nominated=self_person_id is not None,
                full_name=chosen.full_name if chosen.mentorship_id else profile.full_name,
                title="",
                state=ApplicationState.draft,
                representative_name="",
                essay="",
                video_url="",
                portfolio="{}",
                eligibility="{}",
                withdrawn_reason="",
                created_by=actor.user_id,
                created_at=now(),
            )
        )
        .returning(ContestApplication.id)
        .run()
    )
    await audit(actor, "contest.app.start", chosen.person_id, f"nomination={nomination.id}")
    application_id: UUID = rows[0]["id"]
    return application_id


def _key(nominee: Nominee) -> str:
    if nominee.mentorship_id is not None:
        return f"{nominee.mentorship_id}:{nominee.mentee_person_id}"
    return str(nominee.person_id)


async def _municipality(actor: Actor) -> UUID:
    assert actor.organization_id is not None
    return (await get_organization(actor.organization_id)).municipality_id


def editable(application: ApplicationRecord) -> None:
    if not application.in_preparation:
        raise ValidationFailed({"state": "Заявка уже отправлена или отозвана: её нельзя изменить"})


def _day(errors: Errors, field: str, text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        errors.add(field, str(exc))
        return None


async def save(actor: Actor, application_id: UUID, form: ApplicationForm, day: date) -> None:
    application = await get_application(application_id)
    editable(application)
    errors = Errors()
    consent_on = _day(errors, "participation_consent_on", form.participation_consent_on)
    if consent_on and consent_on > day:
        errors.add("participation_consent_on", "Дата согласия не может быть в будущем")
    representative_on = _day(errors, "representative_consent_on", form.representative_consent_on)
    if representative_on and representative_on > day:
        errors.add("representative_consent_on", "Дата согласия не может быть в будущем")
    title = " ".join(form.title.split())
    if len(title) > 300:
        errors.add("title", "Название — до 300 знаков")
    essay = form.essay.strip()
    if len(essay) > MAX_ESSAY:
        errors.add("essay", "Эссе — до 20 000 знаков")
    video = form.video_url.strip()
    if video and (not video.startswith(("http://", "https://")) or len(video) > 1000):
        errors.add("video_url", "Ссылка на видео должна начинаться с http:// или https://")
    representative = " ".join(form.representative_name.split())[:300]
    errors.raise_if_any()
    await (
        ContestApplication.update(
            {
                ContestApplication.title: title,
                ContestApplication.essay: essay,
                ContestApplication.video_url: video,
                ContestApplication.participation_consent_on: consent_on,
                ContestApplication.publication_consent: form.publication_consent.strip().lower() in ("on", "true", "1"),
                ContestApplication.representative_name: representative,
                ContestApplication.representative_consent_on: representative_on,
            }
        )
        .where(ContestApplication.id == application_id)
        .run()
    )
    await audit(actor, "contest.app.save", application.person_id, "заявка изменена")


async def prepare(actor: Actor, application_id: UUID, problems: dict[str, str]) -> None:
    """The curator hands a complete application to the head; `problems` is applications.problems' verdict."""
    application = await get_application(application_id)
    editable(application)
    if problems:
        raise ValidationFailed(problems)
    await (
        ContestApplication.update(
            {
                ContestApplication.state: ApplicationState.prepared,
                ContestApplication.prepared_by: actor.user_id,
                ContestApplication.prepared_at: now(),
            }
        )
        .where(ContestApplication.id == application_id)
        .run()
    )
    await audit(actor, "contest.app.prepare", application.person_id, "передана руководителю")


async def add_upload(actor: Actor, application_id: UUID, title: str, data: bytes | None, filename: str) -> UUID:
    application = await get_application(application_id)
    editable(application)
    errors = Errors()
    count = await ContestUpload.count().where(ContestUpload.application_id == application_id).run()
    if count >= MAX_UPLOADS:
        errors.add("file", f"Не больше {MAX_UPLOADS} файлов в заявке")
    text = title_of(title, filename)
    if not text or len(text) > 300:
        errors.add("title", "Назовите документ (до 300 знаков)")
    content_type = checked_type(errors, data, DOCUMENT_TYPES, "Документ — PDF, JPEG или PNG")
    errors.raise_if_any()
    assert data is not None and content_type is not None
    rows = (
        await ContestUpload.insert(
            ContestUpload(
                region_id=actor.region_id,
                contest_id=application.contest_id,
                organization_id=application.organization_id,
                application_id=application_id,
                title=text,
                filename=(filename or "file")[-200:],
                content_type=content_type,
                data=data,
                created_at=now(),
            )
        )
        .returning(ContestUpload.id)
        .run()
    )
    await audit(actor, "contest.app.upload", application.person_id, "документ добавлен")
    upload_id: UUID = rows[0]["id"]
    return upload_id


class UploadFile(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str
    data: bytes


async def upload_file(application_id: UUID, upload_id: UUID) -> UploadFile:
    row = (
        await ContestUpload.select(ContestUpload.filename, ContestUpload.content_type, ContestUpload.data)
        .where((ContestUpload.id == upload_id) & (ContestUpload.application_id == application_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return UploadFile(filename=row["filename"], content_type=row["content_type"], data=bytes(row["data"]))


async def remove_upload(actor: Actor, application_id: UUID, upload_id: UUID) -> None:
    application = await get_application(application_id)
    editable(application)
    await (
        ContestUpload.delete()
        .where((ContestUpload.id == upload_id) & (ContestUpload.application_id == application_id))
        .run()
    )
    await audit(actor, "contest.app.unupload", application.person_id, "документ удалён")
