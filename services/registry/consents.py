"""Consents to the processing of personal data and to participation: given (a minor's only by a legal
representative), withdrawn at once, with the scan kept beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

import msgspec

from services.registry.people import ADULT_AGE, CONSENTED, person_row
from services.registry.tables import Category, Consent, ConsentKind, ConsentScan
from services.registry.validation import age_on, parse_any_date
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import plural
from shared.uploads import file_type

CONSENT_LABELS: dict[ConsentKind, str] = {
    ConsentKind.personal_data: "На обработку персональных данных",
    ConsentKind.participation: "На участие в программе наставничества",
    ConsentKind.staff_duties: "На выполнение обязанностей наставника (ст. 351.8 ТК РФ)",
    ConsentKind.publication: "На публикацию сведений на страницах организации (ст. 10.1 152-ФЗ)",
}


class ConsentRecord(msgspec.Struct, kw_only=True):
    id: UUID
    region_id: UUID
    organization_id: UUID
    person_id: UUID
    kind: ConsentKind
    given_by: str  # "self" or "representative"
    representative_name: str
    representative_relation: str
    representative_document: str
    given_on: date
    withdrawn_on: date | None
    has_scan: bool
    created_by: UUID | None
    created_at: datetime
    agreement_number: str = ""
    agreement_date: date | None = None


class ScanFile(msgspec.Struct, kw_only=True):
    content_type: str
    filename: str
    data: bytes


@dataclass
class ConsentForm:
    kind: str = ConsentKind.personal_data.value
    given_by: str = "self"
    representative_name: str = ""
    representative_relation: str = ""
    representative_document: str = ""
    given_on: str = ""
    agreement_number: str = ""  # the staff-duties consent: the employment contract or additional agreement
    agreement_date: str = ""


DUPLICATE = "Такое согласие от этого же лица уже действует: второй раз его записывать не нужно"


async def give_consent(
    actor: Actor, person_id: UUID, form: ConsentForm, scan: bytes | None = None, scan_name: str = ""
) -> UUID:
    if actor.organization_id is None:
        raise Forbidden()
    person = await person_row(person_id)
    errors = Errors()
    try:
        kind = ConsentKind(form.kind)
    except ValueError:
        errors.add("kind", "Выберите вид согласия")
        kind = ConsentKind.personal_data
    given_on = None
    try:
        given_on = parse_any_date(form.given_on)
    except ValueError as exc:
        errors.add("given_on", str(exc))
    if given_on is None and "given_on" not in errors.errors:
        errors.add("given_on", "Укажите дату согласия")
    if given_on and given_on > today():
        errors.add("given_on", "Дата согласия не может быть в будущем")
    if form.given_by not in ("self", "representative"):
        errors.add("given_by", "Укажите, кто даёт согласие")
    age = age_on(person.birth_date, given_on or today())
    if form.given_by == "self" and age is not None and age < ADULT_AGE:
        errors.add(
            "given_by",
            f"Человеку {age} {plural(age, 'год', 'года', 'лет')}: "
            "за несовершеннолетнего согласие даёт законный представитель",
        )
    elif form.given_by == "self" and age is None and person.category == Category.learner:
        errors.add("given_by", "Укажите дату рождения обучающегося: без неё нельзя проверить совершеннолетие")
    if form.given_by == "representative":
        if not form.representative_name.strip():
            errors.add("representative_name", "Укажите ФИО законного представителя")
        if not form.representative_relation.strip():
            errors.add("representative_relation", "Укажите, кем приходится представитель")
        if not form.representative_document.strip():
            errors.add("representative_document", "Укажите документ, подтверждающий полномочия")
    agreement_number, agreement_date = form.agreement_number.strip()[:100], None
    if kind == ConsentKind.staff_duties:
        agreement_date = _staff_duties_problems(errors, person.category, form)
    content_type = None
    if scan and (content_type := file_type(scan)) is None:  # its size is the upload's (scan_max_bytes)
        errors.add("scan", "Скан согласия — PDF, JPEG или PNG")
    errors.raise_if_any()
    representative = form.given_by == "representative"
    giver = form.representative_name.strip() if representative else ""
    if await _active_same(person_id, actor.organization_id, kind, form.given_by, giver):
        raise ValidationFailed({"kind": DUPLICATE})
    rows = (
        await Consent.insert(
            Consent(
                region_id=actor.region_id,
                organization_id=actor.organization_id,
                person_id=person_id,
                kind=kind.value,
                given_by=form.given_by,
                representative_name=form.representative_name.strip() if representative else "",
                representative_relation=form.representative_relation.strip() if representative else "",
                representative_document=form.representative_document.strip() if representative else "",
                given_on=given_on,
                has_scan=bool(scan),
                created_by=actor.user_id,
                created_at=now(),
                agreement_number=agreement_number if kind == ConsentKind.staff_duties else "",
                agreement_date=agreement_date,
            )
        )
        .on_conflict(action="DO NOTHING")  # consent_active_once_idx: a concurrent twin got in first
        .returning(Consent.id)
        .run()
    )
    if not rows:
        raise ValidationFailed({"kind": DUPLICATE})
    consent_id: UUID = rows[0]["id"]
    if scan and content_type:
        await ConsentScan.insert(
            ConsentScan(
                region_id=actor.region_id,
                organization_id=actor.organization_id,
                consent_id=consent_id,
                content_type=content_type,
                filename=scan_name[:200],
                data=scan,
            )
        ).run()
    await audit(actor, "consent", person_id, f"получено: {CONSENT_LABELS[kind].lower()}")
    return consent_id


STAFF_ONLY = "Согласие на обязанности наставника даёт работник организации: у человека другая категория"
SELF_ONLY = "Согласие на обязанности наставника работник даёт сам, письменно"


def _staff_duties_problems(errors: Errors, category: str | None, form: ConsentForm) -> date | None:
    """ст. 351.8 ТК РФ: an employee's own written consent, its terms and pay in the employment contract or an
    additional agreement; returns the agreement's date."""
    if category != Category.staff:
        errors.add("kind", STAFF_ONLY)
    if form.given_by != "self":
        errors.add("given_by", SELF_ONLY)
    if not form.agreement_number.strip():
        errors.add("agreement_number", "Укажите номер трудового договора или дополнительного соглашения")
    agreement_date = None
    try:
        agreement_date = parse_any_date(form.agreement_date)
    except ValueError as exc:
        errors.add("agreement_date", str(exc))
    if agreement_date is None and "agreement_date" not in errors.errors:
        errors.add("agreement_date", "Укажите дату дополнительного соглашения")
    if agreement_date and agreement_date > today():
        errors.add("agreement_date", "Дата соглашения не может быть в будущем")
    return agreement_date


async def _active_same(person_id: UUID, organization_id: UUID, kind: ConsentKind, given_by: str, giver: str) -> bool:
    """An active consent of this kind from the same giver (the person, or this representative) is already kept."""
    found = await current_connection().fetchval(
        """SELECT EXISTS (SELECT 1 FROM consent WHERE person_id = $1 AND organization_id = $2 AND kind = $3
             AND given_by = $4 AND withdrawn_on IS NULL
             AND consent_giver_key(representative_name) = consent_giver_key($5))""",
        person_id,
        organization_id,
        kind.value,
        given_by,
        giver,
    )
    return bool(found)


async def withdraw_consent(actor: Actor, person_id: UUID, consent_id: UUID, on: str = "") -> ConsentKind:
    consent = await Consent.select().where((Consent.id == consent_id) & (Consent.person_id == person_id)).first().run()
    if consent is None:
        raise NotFound()
    if consent["withdrawn_on"] is not None:
        raise ValidationFailed({"withdrawn_on": "Согласие уже отозвано"})
    try:
        day = parse_any_date(on) or today()
    except ValueError as exc:
        raise ValidationFailed({"withdrawn_on": str(exc)}) from exc
    if day < consent["given_on"]:
        raise ValidationFailed({"withdrawn_on": "Дата отзыва раньше даты согласия"})
    if day > today():
        raise ValidationFailed({"withdrawn_on": "Дата отзыва не может быть в будущем"})
    await Consent.update({Consent.withdrawn_on: day}).where(Consent.id == consent_id).run()
    kind = ConsentKind(consent["kind"])
    # ст. 351.8 ТК РФ lets the employee end the duties early, with notice: the notice's date is the withdrawal's
    what = f"отменено досрочно с {day:%d.%m.%Y}" if kind == ConsentKind.staff_duties else "отозвано"
    await audit(actor, "consent", consent["person_id"], f"{what}: {CONSENT_LABELS[kind].lower()}")
    return kind


async def consent_scan(actor: Actor, person_id: UUID, consent_id: UUID) -> ScanFile:
    consent = await Consent.exists().where((Consent.id == consent_id) & (Consent.person_id == person_id)).run()
    row = await ConsentScan.select().where(ConsentScan.consent_id == consent_id).first().run()
    if row is None or not consent:
        raise NotFound()
    await audit(actor, "view", person_id, "скан согласия")
    return msgspec.convert(row, ScanFile)


class WorkConsents(msgspec.Struct, frozen=True, kw_only=True):
    """What a person's active consents allow in one organization: to be put in a pair (participation) and, for
    staff, to be named in the pairs order (the agreement on the additional duties)."""

    person_id: UUID
    participation: bool
    is_staff: bool
    agreement_number: str = ""
    agreement_date: date | None = None

    @property
    def has_agreement(self) -> bool:
        return bool(self.agreement_number) and self.agreement_date is not None


async def work_consents(organization_id: UUID, person_ids: list[UUID]) -> dict[UUID, WorkConsents]:
    """Participation needs its own consent and an active consent to the processing of personal data (nothing is
    done with a person without it); a staff mentor's agreement is the employee's own, still active, consent."""
    rows = await current_connection().fetch(
        f"""SELECT p.id, p.category = $3 AS is_staff,
                  {CONSENTED} AND EXISTS (SELECT 1 FROM consent c WHERE c.person_id = p.id AND c.organization_id = $1
                          AND c.kind = 'participation' AND c.withdrawn_on IS NULL) AS participation,
                  a.agreement_number, a.agreement_date
           FROM person p
           LEFT JOIN LATERAL (
               SELECT c.agreement_number, c.agreement_date FROM consent c
               WHERE c.person_id = p.id AND c.organization_id = $1 AND c.kind = 'staff_duties'
                 AND c.given_by = 'self' AND c.withdrawn_on IS NULL
               ORDER BY c.given_on DESC, c.created_at DESC LIMIT 1) a ON p.category = $3
           WHERE p.id = ANY($2::uuid[]) AND p.merged_into IS NULL AND p.destroyed_at IS NULL""",
        organization_id,
        person_ids,
        Category.staff.value,
    )
    return {
        row["id"]: WorkConsents(
            person_id=row["id"],
            participation=row["participation"],
            is_staff=row["is_staff"],
            agreement_number=row["agreement_number"] or "",
            agreement_date=row["agreement_date"],
        )
        for row in rows
    }


NO_PARTICIPATION = "нет согласия на участие в программе"
NO_AGREEMENT = "нет согласия на выполнение обязанностей наставника с реквизитами допсоглашения"


class MissingConsents(msgspec.Struct, frozen=True, kw_only=True):
    """What the card says is missing: before a pair, and before the pairs order for a staff mentor."""

    before_pair: list[str]
    before_order: list[str]


async def missing_consents(organization_id: UUID | None, person_id: UUID) -> MissingConsents:
    if organization_id is None:
        return MissingConsents(before_pair=[], before_order=[])
    roles = set(
        await current_connection().fetchval(
            """SELECT coalesce(array_agg(role), '{}') FROM participation
               WHERE person_id = $1 AND organization_id = $2 AND archived_at IS NULL""",
            person_id,
            organization_id,
        )
    )
    if not roles & {"mentee_candidate", "mentor_candidate", "mentor"}:
        return MissingConsents(before_pair=[], before_order=[])
    found = (await work_consents(organization_id, [person_id])).get(person_id)
    if found is None:
        return MissingConsents(before_pair=[], before_order=[])
    mentor = bool(roles & {"mentor_candidate", "mentor"})
    return MissingConsents(
        before_pair=[] if found.participation else [NO_PARTICIPATION],
        before_order=[NO_AGREEMENT] if mentor and found.is_staff and not found.has_agreement else [],
    )


# Of a person row `p`: may be shown publicly now (see publication_consented).
PUBLISHABLE = f"""p.merged_into IS NULL AND p.destroyed_at IS NULL AND {CONSENTED}
    AND EXISTS (SELECT 1 FROM consent c WHERE c.region_id = p.region_id AND c.person_id = p.id
                AND c.organization_id = p.organization_id AND c.kind = 'publication' AND c.withdrawn_on IS NULL)"""


async def publication_consented(person_ids: list[UUID]) -> set[UUID]:
    """Who of these people may be shown publicly now: an active consent to publication (a minor's by a legal
    representative, as every consent of a minor) beside an active consent to processing, in the organization that
    holds it. Withdrawing either removes the person from the public pages at once."""
    rows = await current_connection().fetch(
        f"SELECT p.id FROM person p WHERE p.id = ANY($1::uuid[]) AND {PUBLISHABLE}", person_ids
    )
    return {row["id"] for row in rows}


async def published_classes(person_ids: list[UUID]) -> dict[UUID, str]:
    """The class or course the registry keeps («10Б», «2 курс») of the learners among these people who may be
    shown publicly now (a minor's consent to publication given by a legal representative): nothing else of a
    learner's record ever reaches a public page beside the first name."""
    shown = await publication_consented(person_ids)
    rows = await current_connection().fetch(
        """SELECT p.id, p.class_or_course FROM person p
           WHERE p.id = ANY($1::uuid[]) AND p.category = 'learner' AND p.class_or_course <> ''""",
        [p for p in person_ids if p in shown],
    )
    return {row["id"]: row["class_or_course"] for row in rows}
