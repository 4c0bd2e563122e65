"""A certification round: the region's requirements and criteria, its commission named by the region's order, and
its course draft → open (curators apply) → review (the commission scores) → closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

import msgspec
from piccolo.columns import Column

from services.certification.tables import (
    CertificationCriterion,
    CertificationMember,
    CertificationRound,
    CriterionSource,
    RoundStatus,
)
from services.programmes import BASIS, LevelOrder, OrderKind, Owner, create_level_order, get_order
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import Errors, NotFound, ValidationFailed
from shared.i18n import format_date, parse_date
from tenants import Role, list_people

STATUS_LABELS = {
    RoundStatus.draft: "черновик",
    RoundStatus.open: "приём заявок",
    RoundStatus.review: "работа комиссии",
    RoundStatus.closed: "завершён",
}
IN_PERSON_LABELS = {"interview": "собеседование", "defence": "защита портфолио"}
SOURCE_LABELS = {
    CriterionSource.approved_programme: "Утверждённая программа наставничества организации",
    CriterionSource.pairs_completed: "Завершённые наставнические пары (группы)",
    CriterionSource.monitoring_on_time: "Отчёты мониторинга, сданные в срок",
    CriterionSource.roadmap_held: "Выполненные мероприятия дорожной карты",
    CriterionSource.cases_published: "Опубликованные кейсы",
    CriterionSource.contest_results: "Результаты конкурсов",
    CriterionSource.school_hours: "Часы обучения в сетевой школе наставников",
    CriterionSource.manual: "Материалы, оцениваемые комиссией",
}
# (source, points per item, max points, required): what a new round starts from; the coordinator edits it.
DEFAULT_CRITERIA = [
    (CriterionSource.approved_programme, "10", "10", True),
    (CriterionSource.pairs_completed, "2", "20", True),
    (CriterionSource.monitoring_on_time, "5", "10", False),
    (CriterionSource.roadmap_held, "1", "15", False),
    (CriterionSource.cases_published, "5", "10", False),
    (CriterionSource.contest_results, "5", "10", False),
    (CriterionSource.school_hours, "0.5", "10", False),
]
MEMBER_ROLES = (Role.regional_coordinator, Role.municipal_coordinator, Role.curator, Role.head)
MIN_MEMBERS, MAX_MEMBERS = 3, 5


class RoundRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    title: str
    applications_from: date
    applications_until: date
    min_school_hours: Decimal
    min_curator_months: int
    pass_score: Decimal
    in_person: str
    in_person_description: str
    in_person_max: Decimal
    validity_years: int
    status: RoundStatus
    commission_order_id: UUID | None
    created_at: datetime

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def in_person_label(self) -> str:
        return IN_PERSON_LABELS.get(self.in_person, self.in_person)

    def accepts(self, day: date) -> bool:
        return self.status == RoundStatus.open and self.applications_from <= day <= self.applications_until


class CriterionRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    round_id: UUID
    position: int
    source: CriterionSource
    title: str
    points_per_item: Decimal
    max_points: Decimal
    required: bool


class MemberRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    round_id: UUID
    user_id: UUID
    full_name: str
    position: str
    organization_id: UUID | None
    is_chair: bool


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """Someone of the region the commission may name: a coordinator, a curator or a head."""

    user_id: UUID
    full_name: str
    role: Role
    organization_id: UUID | None


@dataclass
class RoundForm:
    title: str = ""
    applications_from: str = ""
    applications_until: str = ""
    min_school_hours: str = "0"
    min_curator_months: str = "0"
    pass_score: str = ""
    in_person: str = "interview"
    in_person_description: str = ""
    in_person_max: str = "0"


@dataclass
class CriterionForm:
    source: str = ""
    title: str = ""
    points_per_item: str = "1"
    max_points: str = ""
    required: str = ""


@dataclass
class MemberForm:
    user_id: str = ""
    position: str = ""
    is_chair: str = ""


def read_points(errors: Errors, field: str, text: str, *, positive: bool = False, label: str = "") -> Decimal:
    """A number of points as typed, «2,5» too; one decimal place, as the columns keep it."""
    try:
        value = Decimal(text.strip().replace(",", ".") or "x")
    except InvalidOperation:
        errors.add(field, f"Укажите число{label}")
        return Decimal(0)
    if not value.is_finite() or value < 0 or (positive and value == 0) or value >= 100000:
        errors.add(field, "Число должно быть больше нуля" if positive else "Число не может быть отрицательным")
        return Decimal(0)
    if value != value.quantize(Decimal("0.1")):
        errors.add(field, "Не больше одного знака после запятой")
    return value


def read_day(errors: Errors, field: str, text: str) -> date | None:
    if not text.strip():
        errors.add(field, "Укажите дату")
        return None
    try:
        return parse_date(text)
    except ValueError:
        errors.add(field, "Дата в виде дд.мм.гггг")
        return None


def _columns(values: dict[str, Any]) -> dict[Column | str, Any]:
    return dict(values.items())


def _is_on(text: str) -> bool:
    return text.strip().lower() in {"on", "true", "1", "yes"}


class RoundValues(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    applications_from: date
    applications_until: date
    min_school_hours: Decimal
    min_curator_months: int
    pass_score: Decimal
    in_person: str
    in_person_description: str
    in_person_max: Decimal


class CriterionValues(msgspec.Struct, frozen=True, kw_only=True):
    source: CriterionSource
    title: str
    points_per_item: Decimal
    max_points: Decimal
    required: bool


def clean_round(form: RoundForm) -> RoundValues:
    errors = Errors()
    title = " ".join(form.title.split())
    if not title or len(title) > 300:
        errors.add("title", "Назовите сертификацию (до 300 знаков)")
    starts = read_day(errors, "applications_from", form.applications_from)
    ends = read_day(errors, "applications_until", form.applications_until)
    if starts and ends and ends < starts:
        errors.add("applications_until", "Приём заявок заканчивается раньше, чем начинается")
    hours = read_points(errors, "min_school_hours", form.min_school_hours or "0")
    try:
        months = int(form.min_curator_months.strip() or "0")
        if not 0 <= months <= 240:
            raise ValueError
    except ValueError:
        errors.add("min_curator_months", "Укажите целое число месяцев от 0 до 240")
        months = 0
    pass_score = read_points(errors, "pass_score", form.pass_score, positive=True)
    if form.in_person not in IN_PERSON_LABELS:
        errors.add("in_person", "Выберите: собеседование или защита портфолио")
    in_person_max = read_points(errors, "in_person_max", form.in_person_max or "0")
    description = form.in_person_description.strip()
    if in_person_max > 0 and not description:
        errors.add("in_person_description", "Опишите, что комиссия оценивает очно")
    errors.raise_if_any()
    assert starts is not None and ends is not None
    return RoundValues(
        title=title,
        applications_from=starts,
        applications_until=ends,
        min_school_hours=hours,
        min_curator_months=months,
        pass_score=pass_score,
        in_person=form.in_person,
        in_person_description=description[:4000],
        in_person_max=in_person_max,
    )


def clean_criterion(form: CriterionForm) -> CriterionValues:
    errors = Errors()
    try:
        source = CriterionSource(form.source)
    except ValueError:
        errors.add("source", "Выберите, что засчитывается")
        source = CriterionSource.manual
    title = " ".join(form.title.split()) or SOURCE_LABELS.get(source, "")
    if len(title) > 300:
        errors.add("title", "Название — до 300 знаков")
    per_item = read_points(errors, "points_per_item", form.points_per_item or "0")
    max_points = read_points(errors, "max_points", form.max_points, positive=True)
    errors.raise_if_any()
    return CriterionValues(
        source=source,
        title=title,
        points_per_item=per_item,
        max_points=max_points,
        required=_is_on(form.required),
    )


# Reading ---------------------------------------------------------------------------------------------------------


def _round(row: object) -> RoundRecord:
    return msgspec.convert(dict(row), RoundRecord)  # type: ignore[call-overload]


async def get_round(round_id: UUID) -> RoundRecord:
    row = await CertificationRound.select().where(CertificationRound.id == round_id).first().run()
    if row is None:
        raise NotFound()
    return _round(row)


async def list_rounds() -> list[RoundRecord]:
    rows = await CertificationRound.select().order_by(CertificationRound.applications_from, ascending=False).run()
    return [_round(r) for r in rows]


async def criteria_of(round_id: UUID) -> list[CriterionRecord]:
    rows = (
        await CertificationCriterion.select()
        .where(CertificationCriterion.round_id == round_id)
        .order_by(CertificationCriterion.position)
        .run()
    )
    return [msgspec.convert(r, CriterionRecord) for r in rows]


async def members_of(round_id: UUID) -> list[MemberRecord]:
    rows = (
        await CertificationMember.select()
        .where(CertificationMember.round_id == round_id)
        .order_by(CertificationMember.is_chair, ascending=False)
        .run()
    )
    return [msgspec.convert(r, MemberRecord) for r in rows]


async def member_of(round_id: UUID, user_id: UUID) -> MemberRecord | None:
    return next((m for m in await members_of(round_id) if m.user_id == user_id), None)


async def candidates() -> list[Candidate]:
    """The region's coordinators, curators and heads, one entry per account and place."""
    found: dict[tuple[UUID, UUID | None], Candidate] = {}
    for account in await list_people():
        if account.role not in MEMBER_ROLES:
            continue
        name = " ".join(p for p in (account.surname, account.name, account.patronymic) if p)
        key = (account.id, account.organization_id)
        found.setdefault(
            key,
            Candidate(user_id=account.id, full_name=name, role=account.role, organization_id=account.organization_id),
        )
    return list(found.values())


# Writing ---------------------------------------------------------------------------------------------------------


async def create_round(actor: Actor, form: RoundForm, validity_years: int) -> UUID:
    """A draft round with the usual criteria, which the coordinator then edits."""
    values = clean_round(form)
    rows = (
        await CertificationRound.insert(
            CertificationRound(
                region_id=actor.region_id,
                status=RoundStatus.draft,
                validity_years=validity_years,
                created_by=actor.user_id,
                created_at=now(),
                **msgspec.structs.asdict(values),
            )
        )
        .returning(CertificationRound.id)
        .run()
    )
    round_id: UUID = rows[0]["id"]
    for position, (source, per_item, most, required) in enumerate(DEFAULT_CRITERIA):
        await _insert_criterion(
            actor.region_id,
            round_id,
            position,
            clean_criterion(CriterionForm(source.value, "", per_item, most, "on" if required else "")),
        )
    await audit(actor, "certification.round", None, "создан")
    return round_id


def _editable(round_: RoundRecord) -> None:
    if round_.status != RoundStatus.draft:
        raise ValidationFailed({"status": "Требования меняются только до начала приёма заявок"})


async def update_round(actor: Actor, round_id: UUID, form: RoundForm) -> None:
    round_ = await get_round(round_id)
    values = clean_round(form)
    # Once curators apply, only the window may be extended: the rules they applied under stay.
    fields = msgspec.structs.asdict(values)
    changed = [k for k, v in fields.items() if k not in ("applications_until", "title") and v != getattr(round_, k)]
    if round_.status != RoundStatus.draft and changed:
        raise ValidationFailed({"status": "Требования меняются только до начала приёма заявок"})
    await CertificationRound.update(_columns(fields)).where(CertificationRound.id == round_id).run()
    await audit(actor, "certification.round", None, "требования изменены")


async def _insert_criterion(region_id: UUID, round_id: UUID, position: int, values: CriterionValues) -> UUID:
    rows = (
        await CertificationCriterion.insert(
            CertificationCriterion(
                region_id=region_id, round_id=round_id, position=position, **msgspec.structs.asdict(values)
            )
        )
        .returning(CertificationCriterion.id)
        .run()
    )
    criterion_id: UUID = rows[0]["id"]
    return criterion_id


async def add_criterion(actor: Actor, round_id: UUID, form: CriterionForm) -> UUID:
    round_ = await get_round(round_id)
    _editable(round_)
    values = clean_criterion(form)
    position = len(await criteria_of(round_id))
    return await _insert_criterion(actor.region_id, round_id, position, values)


async def _criterion(round_id: UUID, criterion_id: UUID) -> CriterionRecord:
    found = next((c for c in await criteria_of(round_id) if c.id == criterion_id), None)
    if found is None:
        raise NotFound()
    return found


async def update_criterion(actor: Actor, round_id: UUID, criterion_id: UUID, form: CriterionForm) -> None:
    _editable(await get_round(round_id))
    await _criterion(round_id, criterion_id)
    values = clean_criterion(form)
    await (
        CertificationCriterion.update(_columns(msgspec.structs.asdict(values)))
        .where(CertificationCriterion.id == criterion_id)
        .run()
    )


async def remove_criterion(actor: Actor, round_id: UUID, criterion_id: UUID) -> None:
    _editable(await get_round(round_id))
    await _criterion(round_id, criterion_id)
    await CertificationCriterion.delete().where(CertificationCriterion.id == criterion_id).run()


# The commission --------------------------------------------------------------------------------------------------


async def add_member(actor: Actor, round_id: UUID, form: MemberForm) -> UUID:
    round_ = await get_round(round_id)
    if round_.status == RoundStatus.closed:
        raise ValidationFailed({"user_id": "Сертификация завершена"})
    if round_.commission_order_id is not None:
        raise ValidationFailed({"user_id": "Приказ о комиссии уже сформирован: состав меняется новым приказом"})
    members = await members_of(round_id)
    errors = Errors()
    try:
        user_id = UUID(form.user_id)
    except ValueError:
        user_id = None
    chosen = next((c for c in await candidates() if c.user_id == user_id), None)
    if chosen is None:
        errors.add("user_id", "Выберите члена комиссии из координаторов, кураторов и руководителей региона")
    elif any(m.user_id == chosen.user_id for m in members):
        errors.add("user_id", "Он уже в комиссии")
    if len(members) >= MAX_MEMBERS:
        errors.add("user_id", f"В комиссии не больше {MAX_MEMBERS} человек")
    is_chair = _is_on(form.is_chair)
    if is_chair and any(m.is_chair for m in members):
        errors.add("is_chair", "Председатель уже назначен")
    position = " ".join(form.position.split())
    if len(position) > 300:
        errors.add("position", "Должность — до 300 знаков")
    errors.raise_if_any()
    assert chosen is not None
    rows = (
        await CertificationMember.insert(
            CertificationMember(
                region_id=actor.region_id,
                round_id=round_id,
                user_id=chosen.user_id,
                full_name=chosen.full_name,
                position=position,
                organization_id=chosen.organization_id,
                is_chair=is_chair,
            )
        )
        .returning(CertificationMember.id)
        .run()
    )
    await audit(actor, "certification.member", None, "добавлен член комиссии")
    member_id: UUID = rows[0]["id"]
    return member_id


async def remove_member(actor: Actor, round_id: UUID, member_id: UUID) -> None:
    round_ = await get_round(round_id)
    if round_.commission_order_id is not None:
        raise ValidationFailed({"member_id": "Приказ о комиссии уже сформирован: состав меняется новым приказом"})
    if not any(m.id == member_id for m in await members_of(round_id)):
        raise NotFound()
    await CertificationMember.delete().where(CertificationMember.id == member_id).run()
    await audit(actor, "certification.member", None, "исключён член комиссии")


def commission_problems(members: list[MemberRecord]) -> dict[str, str]:
    """3–5 members and one chair: what the order of the commission needs."""
    problems = {}
    if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
        problems["members"] = f"В комиссии должно быть от {MIN_MEMBERS} до {MAX_MEMBERS} человек, сейчас {len(members)}"
    if not any(m.is_chair for m in members):
        problems["is_chair"] = "Назначьте председателя комиссии"
    return problems


async def commission_order(actor: Actor, round_id: UUID) -> UUID:
    """«Сформировать приказ о комиссии»: a draft of the region's order, signed and registered as any order."""
    round_ = await get_round(round_id)
    if round_.commission_order_id is not None:
        raise ValidationFailed({"members": "Приказ о комиссии уже сформирован"})
    members = await members_of(round_id)
    if problems := commission_problems(members):
        raise ValidationFailed(problems)
    chair = next(m for m in members if m.is_chair)
    details = LevelOrder(
        preamble=f"{BASIS}, в целях проведения сертификации кураторов наставнической деятельности",
        points=[
            f"Создать комиссию по сертификации кураторов наставнической деятельности «{round_.title}» в составе "
            "согласно приложению.",
            f"Назначить председателем комиссии {chair.full_name}.",
            f"Комиссии рассмотреть заявки кураторов, поданные с {format_date(round_.applications_from)} по "
            f"{format_date(round_.applications_until)}, провести {round_.in_person_label} и принять решения о "
            "сертификации.",
            "Члену комиссии не участвовать в оценке заявок кураторов своей организации.",
            "Контроль за исполнением настоящего приказа оставляю за собой.",
        ],
        appendix_title="Состав комиссии по сертификации кураторов",
        columns=["ФИО", "Должность", "Роль в комиссии"],
        rows=[[m.full_name, m.position, "председатель" if m.is_chair else "член комиссии"] for m in members],
        refs={"round_id": str(round_id)},
    )
    order_id = await create_level_order(actor, actor.region_id, Owner(), OrderKind.certification_commission, details)
    await (
        CertificationRound.update({CertificationRound.commission_order_id: order_id})
        .where(CertificationRound.id == round_id)
        .run()
    )
    await audit(actor, "certification.commission", None, "сформирован приказ о комиссии")
    return order_id


async def commission_registered(round_: RoundRecord) -> bool:
    if round_.commission_order_id is None:
        return False
    try:
        return (await get_order(round_.commission_order_id)).registered
    except NotFound:
        return False


async def advance(actor: Actor, round_id: UUID, status: str) -> RoundStatus:
    """draft → open → review → closed, each step with what it needs."""
    round_ = await get_round(round_id)
    try:
        target = RoundStatus(status)
    except ValueError:
        raise ValidationFailed({"status": "Нет такого состояния"}) from None
    order = list(RoundStatus)
    if order.index(target) != order.index(round_.status) + 1:
        raise ValidationFailed({"status": f"Из состояния «{round_.status_label}» сюда не перейти"})
    errors = Errors()
    if target == RoundStatus.open:
        criteria = await criteria_of(round_id)
        if not criteria:
            errors.add("criteria", "Добавьте хотя бы один критерий портфолио")
        attainable = sum((c.max_points for c in criteria), Decimal(0)) + round_.in_person_max
        if round_.pass_score > attainable:
            errors.add("pass_score", f"Проходной балл {round_.pass_score} больше возможного ({attainable})")
        for field, message in commission_problems(await members_of(round_id)).items():
            errors.add(field, message)
        if round_.applications_until < today():
            errors.add("applications_until", "Срок приёма заявок уже прошёл")
    elif target == RoundStatus.review and not await commission_registered(round_):
        errors.add("commission", "Комиссия начинает работу после регистрации приказа о её составе")
    elif target == RoundStatus.closed:
        waiting = await current_connection().fetchval(
            "SELECT count(*) FROM certification_application WHERE round_id = $1 AND state = 'submitted'", round_id
        )
        if waiting:
            errors.add("status", f"Не по всем заявкам принято решение: ожидают {waiting}")
    errors.raise_if_any()
    await CertificationRound.update({CertificationRound.status: target}).where(CertificationRound.id == round_id).run()
    await audit(actor, "certification.round", None, f"состояние: {STATUS_LABELS[target]}")
    return target
