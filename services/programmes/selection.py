"""Stage 4: applications of mentor candidates, the selection commission, interviews, decisions and the registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from services.programmes.records import Owner, ProgrammeRecord, record, records
from services.programmes.tables import CommissionMember, CommissionRole, Decision, MentorApplication
from services.programmes.values import read_date
from services.registry import ParticipationRole, base_members, organization_curators, people_brief
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed
from tenants import Role, get_organization, list_people

# The mentor's principles of 002 §8.4.1: the interview checklist.
PRINCIPLES: dict[str, str] = {
    "acceptance": "Принятие",
    "listening": "Умение слушать",
    "hearing": "Умение слышать",
    "questions": "Умение задавать вопросы",
    "equality": "Равенство",
    "honesty": "Честность и открытость",
    "reliability": "Надёжность",
    "consistency": "Последовательность",
}
DECISION_LABELS = {
    Decision.pending: "Ожидает решения",
    Decision.approved: "Включён в реестр",
    Decision.rejected: "Отклонён",
}
COMMISSION_ROLE_LABELS = {
    CommissionRole.chair: "Председатель",
    CommissionRole.curator: "Куратор",
    CommissionRole.member: "Член комиссии",
}
CANDIDATE_ROLES = (ParticipationRole.mentor_candidate, ParticipationRole.mentor)


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.lower().replace("ё", "е").split()) == " ".join(b.lower().replace("ё", "е").split())


@dataclass
class MemberInput:
    role: str = CommissionRole.member
    full_name: str = ""
    job_title: str = ""
    user_id: str = ""


@dataclass(frozen=True)
class MemberValues:
    role: CommissionRole
    full_name: str
    job_title: str
    user_id: UUID | None


class StaffMember(msgspec.Struct, frozen=True, kw_only=True):
    user_id: UUID
    full_name: str


class CommissionMemberRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    programme_id: UUID
    position: int
    role: CommissionRole
    full_name: str
    job_title: str
    user_id: UUID | None

    def as_input(self) -> MemberInput:
        return MemberInput(self.role, self.full_name, self.job_title, str(self.user_id or ""))


async def organization_staff(organization_id: UUID) -> dict[Role, list[StaffMember]]:
    """The organization's heads and curators with accounts: the commission's chair and curator come from here."""
    staff: dict[Role, list[StaffMember]] = {Role.head: [], Role.curator: []}
    for row in await list_people(organization_id):
        role = Role(row.role)
        if role in staff:
            name = " ".join(p for p in (row.surname, row.name, row.patronymic) if p)
            staff[role].append(StaffMember(user_id=row.id, full_name=name))
    return staff


async def commission_rule(organization_id: UUID, members: list[MemberInput]) -> tuple[list[MemberValues], Errors]:
    """3 to 5 members, chaired by the organization's head, with a curator of the organization among them: one with
    an account, or one named as the organization's base holds them with the curator role (appointed by order, not
    working in the platform)."""
    errors = Errors()
    organization = await get_organization(organization_id)
    staff = await organization_staff(organization_id)
    rows = [m for m in members if m.full_name.strip() or m.user_id]
    if not 3 <= len(rows) <= 5:
        errors.add("members", "В комиссии от 3 до 5 человек")
    chairs = [m for m in rows if m.role == CommissionRole.chair]
    curators = [m for m in rows if m.role == CommissionRole.curator]
    cleaned: list[MemberValues] = []
    for n, member in enumerate(rows):
        try:
            role = CommissionRole(member.role)
        except ValueError:
            errors.add(f"members.{n}.role", "Выберите роль в комиссии")
            continue
        name, user_id = member.full_name.strip(), None
        if member.user_id:
            known = {str(p.user_id): p for people in staff.values() for p in people}
            if member.user_id not in known:
                errors.add(f"members.{n}.user_id", "Такого сотрудника в организации нет")
                continue
            user_id, name = known[member.user_id].user_id, known[member.user_id].full_name
        if not name:
            errors.add(f"members.{n}.full_name", "Укажите ФИО")
        cleaned.append(MemberValues(role, name, member.job_title.strip(), user_id))
    people = [c.user_id or " ".join(c.full_name.lower().replace("ё", "е").split()) for c in cleaned]
    if len(set(people)) != len(people):
        errors.add("members", "Один человек входит в комиссию один раз")
    if len(chairs) != 1:
        errors.add("chair", "Комиссию возглавляет один председатель — руководитель организации")
    elif chair := next((c for c in cleaned if c.role == CommissionRole.chair), None):
        is_head = any(h.user_id == chair.user_id for h in staff[Role.head] if chair.user_id) or (
            bool(organization.head_name) and _same_name(chair.full_name, organization.head_name)
        )
        if not is_head:
            errors.add("chair", "Председатель комиссии — руководитель организации (см. реквизиты организации)")
    curator_ids = {c.user_id for c in staff[Role.curator]}
    named = [c.full_name for c in cleaned if c.role == CommissionRole.curator and c.user_id is None]
    in_base = [b.full_name for b in (await people_brief(await organization_curators(organization_id))).values()]
    lawful = any(c.user_id in curator_ids for c in cleaned if c.role == CommissionRole.curator) or any(
        _same_name(name, curator) for name in named for curator in in_base
    )
    if not curators or not lawful:
        errors.add("curator", "В комиссию входит куратор наставничества организации")
    return cleaned, errors


async def set_commission(actor: Actor, programme: ProgrammeRecord, members: list[MemberInput]) -> None:
    owner = Owner.of(programme)
    if owner.organization_id is None:
        raise ValidationFailed({"members": "Отбор наставников проводит организация"})
    cleaned, errors = await commission_rule(owner.organization_id, members)
    errors.raise_if_any()
    await CommissionMember.delete().where(CommissionMember.programme_id == programme.id).run()
    for position, member in enumerate(cleaned):
        await CommissionMember.insert(
            CommissionMember(
                region_id=programme.region_id,
                **owner.columns(),
                programme_id=programme.id,
                position=position,
                role=member.role,
                full_name=member.full_name,
                job_title=member.job_title,
                user_id=member.user_id,
            )
        ).run()


async def commission(programme_id: UUID) -> list[CommissionMemberRecord]:
    rows = (
        await CommissionMember.select()
        .where(CommissionMember.programme_id == programme_id)
        .order_by(CommissionMember.position)
        .run()
    )
    return records(rows, CommissionMemberRecord)


async def commission_problems(programme: ProgrammeRecord) -> dict[str, str]:
    """The rule checked again on the stored commission: the head or curator may have changed since."""
    owner = Owner.of(programme)
    if owner.organization_id is None:
        return {"members": "Отбор наставников проводит организация"}
    members = [m.as_input() for m in await commission(programme.id)]
    if not members:
        return {"members": "Комиссия не сформирована"}
    _, errors = await commission_rule(owner.organization_id, members)
    return errors.errors


@dataclass
class ApplicationForm:
    person_id: str = ""
    applied_on: str = ""
    motivation: str = ""
    education: str = ""
    experience: str = ""
    achievements: str = ""


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """A person of the mentor base, as selection lists them."""

    id: UUID
    full_name: str
    consented: bool


async def _mentor_base(organization_id: UUID) -> list[Candidate]:
    people = await base_members(organization_id, CANDIDATE_ROLES)
    return [msgspec.convert(p, Candidate, from_attributes=True) for p in people]


async def candidates(programme: ProgrammeRecord) -> list[Candidate]:
    """Mentor candidates of the organization's base who have not applied to this programme yet."""
    owner = Owner.of(programme)
    if owner.organization_id is None:
        return []
    applied = {a.person_id for a in await applications(programme.id)}
    return [p for p in await _mentor_base(owner.organization_id) if p.id not in applied]


async def apply(actor: Actor, programme: ProgrammeRecord, form: ApplicationForm) -> UUID:
    """Only people of the mentor base with an active consent: their data is processed from here on."""
    owner = Owner.of(programme)
    if owner.organization_id is None:
        raise ValidationFailed({"person_id": "Отбор наставников проводит организация"})
    errors = Errors()
    base = {str(p.id): p for p in await _mentor_base(owner.organization_id)}
    person = base.get(form.person_id)
    if person is None:
        errors.add("person_id", "Выберите кандидата из базы наставников организации")
    elif not person.consented:
        errors.add("person_id", "Нет действующего согласия на обработку персональных данных")
    applied_on = read_date(errors, "applied_on", form.applied_on, required=False) or today()
    if applied_on > today():
        errors.add("applied_on", "Дата заявления не может быть в будущем")
    errors.raise_if_any()
    assert person is not None
    if any(a.person_id == person.id for a in await applications(programme.id)):
        raise ValidationFailed({"person_id": "Заявление этого кандидата уже есть"})
    rows = (
        await MentorApplication.insert(
            MentorApplication(
                region_id=programme.region_id,
                **owner.columns(),
                programme_id=programme.id,
                person_id=person.id,
                applied_on=applied_on,
                motivation=form.motivation.strip(),
                education=form.education.strip(),
                experience=form.experience.strip(),
                achievements=form.achievements.strip(),
                interview_notes="",
                principles=[],
                decision=Decision.pending,
                decision_note="",
                created_at=now(),
            )
        )
        .returning(MentorApplication.id)
        .run()
    )
    await audit(actor, "change", person.id, "заявление кандидата в наставники")
    application_id: UUID = rows[0]["id"]
    return application_id


class Applicant(msgspec.Struct, frozen=True, kw_only=True):
    """Who applied: the name always, the position only with consent (as the registry prints it)."""

    full_name: str = "—"
    sort_key: bytes = b""
    position: str = ""


class ApplicationRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    programme_id: UUID
    person_id: UUID
    applied_on: date
    motivation: str
    education: str
    experience: str
    achievements: str
    interviewed_on: date | None
    interview_notes: str
    principles: list[str]
    decision: Decision
    decision_note: str
    decided_on: date | None
    person: Applicant = Applicant()


async def applications(programme_id: UUID) -> list[ApplicationRecord]:
    rows = await MentorApplication.select().where(MentorApplication.programme_id == programme_id).run()
    people = await people_brief([r["person_id"] for r in rows])
    result = [
        msgspec.structs.replace(
            record(r, ApplicationRecord),
            person=msgspec.convert(people[r["person_id"]], Applicant, from_attributes=True)
            if r["person_id"] in people
            else Applicant(),
        )
        for r in rows
    ]
    result.sort(key=lambda r: bytes(r.person.sort_key))
    return result


async def get_application(programme_id: UUID, application_id: UUID) -> ApplicationRecord:
    for row in await applications(programme_id):
        if row.id == application_id:
            return row
    raise NotFound()


@dataclass
class InterviewForm:
    interviewed_on: str = ""
    interview_notes: str = ""
    principles: list[str] = field(default_factory=list)


async def record_interview(actor: Actor, programme_id: UUID, application_id: UUID, form: InterviewForm) -> None:
    application = await get_application(programme_id, application_id)
    errors = Errors()
    on = read_date(errors, "interviewed_on", form.interviewed_on)
    if on and on < application.applied_on:
        errors.add("interviewed_on", "Собеседование не может быть раньше заявления")
    if not form.interview_notes.strip():
        errors.add("interview_notes", "Запишите впечатления от собеседования")
    errors.raise_if_any()
    await (
        MentorApplication.update(
            {
                MentorApplication.interviewed_on: on,
                MentorApplication.interview_notes: form.interview_notes.strip(),
                MentorApplication.principles: [p for p in PRINCIPLES if p in form.principles],
            }
        )
        .where(MentorApplication.id == application_id)
        .run()
    )
    await audit(actor, "change", application.person_id, "собеседование кандидата в наставники")


async def decide(
    actor: Actor, programme: ProgrammeRecord, application_id: UUID, decision: str, note: str, on: date | None = None
) -> None:
    """The commission decides after the interview; without a lawful commission there is no decision."""
    application = await get_application(programme.id, application_id)
    try:
        value = Decision(decision)
    except ValueError:
        raise ValidationFailed({"decision": "Выберите решение"}) from None
    if value != Decision.pending:
        if problems := await commission_problems(programme):
            raise ValidationFailed({"decision": "Решение принимает комиссия: " + next(iter(problems.values()))})
        if application.interviewed_on is None:
            raise ValidationFailed({"decision": "Сначала проведите собеседование"})
        if value == Decision.rejected and not note.strip():
            raise ValidationFailed({"decision_note": "Укажите основание отказа"})
    await (
        MentorApplication.update(
            {
                MentorApplication.decision: value,
                MentorApplication.decision_note: note.strip(),
                MentorApplication.decided_on: None if value == Decision.pending else (on or today()),
            }
        )
        .where(MentorApplication.id == application_id)
        .run()
    )
    await audit(actor, "change", application.person_id, f"решение комиссии: {DECISION_LABELS[value]}")


class RegistryOrder(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    number: str
    signed_on: date
    payload: dict[str, Any]


@dataclass
class Registry:
    mentors: list[ApplicationRecord]
    order: RegistryOrder | None  # the registered order approving it
    approved: bool  # the order is registered and lists exactly these mentors

    @property
    def status(self) -> str:
        if self.approved:
            return "Утверждён приказом"
        if self.order:
            return "Изменён после утверждения: нужен новый приказ"
        return "Не утверждён: нужен приказ"


async def registry(programme: ProgrammeRecord) -> Registry:
    """The mentors the commission approved; "approved" only while its registered order lists exactly them."""
    mentors = [a for a in await applications(programme.id) if a.decision == Decision.approved]
    order = None
    if programme.registry_order_id:
        row = await current_connection().fetchrow(
            "SELECT id, number, signed_on, payload FROM programme_order WHERE id = $1 AND number IS NOT NULL",
            programme.registry_order_id,
        )
        order = record(row, RegistryOrder) if row else None
    approved = False
    if order is not None:
        listed = {row["person_id"] for row in order.payload.get("rows", [])}
        approved = listed == {str(m.person_id) for m in mentors}
    return Registry(mentors, order, approved)
