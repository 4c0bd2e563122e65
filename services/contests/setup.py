"""Setting up a contest: the contest itself, its nominations, its stages with their panels, and the criteria of each
stage and nomination. The organizer's only (`access.organizes`); the database says the same."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from uuid import UUID

import msgspec

from services.contests import presets, records
from services.contests.records import ContestRecord, StageRecord
from services.contests.tables import (
    Contest,
    ContestCriterion,
    ContestNomination,
    ContestPanel,
    ContestStage,
    ContestStatus,
    Level,
    NominationKind,
    PanelStatus,
    VotingMode,
)
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.errors import Errors, Forbidden, ValidationFailed
from shared.i18n import parse_date
from tenants import Principal, Role, list_municipalities

LEVEL_ORDER = {Level.organization: 1, Level.municipality: 2, Level.region: 3}
NOMINEE_ROLES = {"mentor": "наставник", "curator": "куратор"}
MAX_TITLE, MAX_TEXT = 300, 10000
MSK = timezone(timedelta(hours=3))  # voting days are Moscow days


# Forms and values --------------------------------------------------------------------------------------------------


@dataclass
class ContestForm:
    title: str = ""
    year: str = ""
    description: str = ""
    rules_url: str = ""


class ContestValues(msgspec.Struct, frozen=True, kw_only=True):
    level: Level
    municipality_id: UUID | None
    organization_id: UUID | None
    title: str
    year: int
    description: str
    rules_url: str


@dataclass
class NominationForm:
    kind: str = ""
    title: str = ""
    description: str = ""
    roles: str = ""  # comma separated: mentor, curator (the page sends one field per box, joined)
    min_experience_years: str = ""
    pair_completed_in_year: str = ""
    approved_programme: str = ""
    min_age: str = ""
    max_age: str = ""
    self_nomination: str = ""
    min_rating_points: str = ""
    voting_mode: str = "none"
    voting_weight: str = ""
    voting_from: str = ""
    voting_until: str = ""
    use_preset: str = ""  # «on»: fill what the form left empty from the kind's preset


class NominationValues(msgspec.Struct, frozen=True, kw_only=True):
    kind: NominationKind
    title: str
    description: str
    roles: list[str]
    min_experience_years: int | None
    pair_completed_in_year: bool
    approved_programme: bool
    min_age: int | None
    max_age: int | None
    self_nomination: bool
    min_rating_points: Decimal | None
    voting_mode: VotingMode
    voting_weight: Decimal
    voting_from: datetime | None
    voting_until: datetime | None


@dataclass
class StageForm:
    level: str = ""
    title: str = ""
    applications_from: str = ""
    applications_until: str = ""
    review_from: str = ""
    review_until: str = ""
    results_on: str = ""
    advance_count: str = ""


class StageValues(msgspec.Struct, frozen=True, kw_only=True):
    level: Level
    title: str
    applications_from: date
    applications_until: date
    review_from: date
    review_until: date
    results_on: date
    advance_count: int | None


@dataclass
class CriterionForm:
    title: str = ""
    descriptors: str = ""
    max_points: str = ""
    weight: str = "1"
    tie_break: str = ""


class CriterionValues(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    descriptors: str
    max_points: Decimal
    weight: Decimal
    tie_break: bool


def _on(text: str) -> bool:
    return text.strip().lower() in {"on", "true", "1", "yes"}


def _words(text: str) -> str:
    return " ".join(text.split())


def _day(errors: Errors, field: str, text: str) -> date | None:
    if not text.strip():
        errors.add(field, "Укажите дату")
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        errors.add(field, str(exc) or "Дата в виде дд.мм.гггг")
        return None


def _whole(errors: Errors, field: str, text: str, low: int, high: int, message: str) -> int | None:
    if not text.strip():
        return None
    try:
        value = int(text.strip())
    except ValueError:
        errors.add(field, message)
        return None
    if not low <= value <= high:
        errors.add(field, message)
        return None
    return value


def _decimal(errors: Errors, field: str, text: str, message: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ".") or "x")
    except InvalidOperation:
        errors.add(field, message)
        return None
    return value if value.is_finite() else None


def organizer_unit(principal: Principal) -> tuple[Level, UUID | None, UUID | None]:
    """The level of the contest a role may create: the region's, their municipality's, their organization's."""
    scope = principal.scope
    match principal.role:
        case Role.regional_coordinator:
            return Level.region, None, None
        case Role.municipal_coordinator:
            return Level.municipality, scope.municipality_id, None
        case Role.curator | Role.head:
            return Level.organization, scope.municipality_id, scope.organization_id
    raise Forbidden()


def clean_contest(form: ContestForm, principal: Principal) -> ContestValues:
    level, municipality_id, organization_id = organizer_unit(principal)
    errors = Errors()
    title = _words(form.title)
    if not title or len(title) > MAX_TITLE:
        errors.add("title", "Назовите конкурс (до 300 знаков)")
    year = _whole(errors, "year", form.year, 2000, 2100, "Укажите год конкурса, например 2026")
    if year is None:
        errors.add("year", "Укажите год конкурса, например 2026")
    description = form.description.strip()
    if len(description) > MAX_TEXT:
        errors.add("description", "Описание — до 10 000 знаков")
    rules_url = form.rules_url.strip()
    if rules_url and (not rules_url.startswith(("http://", "https://")) or len(rules_url) > 1000):
        errors.add("rules_url", "Ссылка на положение должна начинаться с http:// или https://")
    errors.raise_if_any()
    assert year is not None
    return ContestValues(
        level=level,
        municipality_id=municipality_id,
        organization_id=organization_id,
        title=title,
        year=year,
        description=description,
        rules_url=rules_url,
    )


def clean_nomination(form: NominationForm, contest: ContestRecord) -> NominationValues:
    errors = Errors()
    try:
        kind = NominationKind(form.kind)
    except ValueError:
        errors.add("kind", "Выберите номинацию")
        kind = NominationKind.custom
    preset = presets.NOMINATION_PRESETS[kind]
    use_preset = _on(form.use_preset)
    title = _words(form.title) or (preset.title if kind != NominationKind.custom else "")
    if not title or len(title) > MAX_TITLE:
        errors.add("title", "Назовите номинацию (до 300 знаков)")
    description = form.description.strip() or (preset.description if use_preset or not form.title else "")
    if len(description) > MAX_TEXT:
        errors.add("description", "Описание — до 10 000 знаков")
    roles = [r.strip() for r in form.roles.split(",") if r.strip()]
    if not roles and use_preset:
        roles = list(preset.roles)
    if not roles or any(r not in NOMINEE_ROLES for r in roles):
        errors.add("roles", "Отметьте, кто может быть номинантом: наставник, куратор")
    roles = sorted(set(roles) & set(NOMINEE_ROLES))
    experience = _whole(errors, "min_experience_years", form.min_experience_years, 0, 60, "Стаж — от 0 до 60 лет")
    if experience is None and use_preset and not form.min_experience_years.strip():
        experience = preset.min_experience_years
    pair = _on(form.pair_completed_in_year) or (use_preset and preset.pair_completed_in_year)
    programme = _on(form.approved_programme) or (use_preset and preset.approved_programme)
    min_age = _whole(errors, "min_age", form.min_age, 14, 100, "Возраст — от 14 до 100 лет")
    max_age = _whole(errors, "max_age", form.max_age, 14, 100, "Возраст — от 14 до 100 лет")
    if min_age is not None and max_age is not None and max_age < min_age:
        errors.add("max_age", "Наибольший возраст меньше наименьшего")
    rating: Decimal | None = None
    if form.min_rating_points.strip():
        rating = _decimal(errors, "min_rating_points", form.min_rating_points, "Баллы рейтинга — число от 0 до 10 000")
        if rating is not None and not Decimal(0) <= rating <= Decimal(10000):
            errors.add("min_rating_points", "Баллы рейтинга — число от 0 до 10 000")
            rating = None
    try:
        mode = VotingMode(form.voting_mode or "none")
    except ValueError:
        errors.add("voting_mode", "Выберите режим народного голосования")
        mode = VotingMode.none
    weight = Decimal(0)
    voting_from: datetime | None = None
    voting_until: datetime | None = None
    if mode == VotingMode.weighted:
        found = _decimal(errors, "voting_weight", form.voting_weight, "Доля голосов — число от 0,05 до 0,5")
        if found is not None and not Decimal("0.05") <= found <= Decimal("0.5"):
            errors.add("voting_weight", "Доля голосов — число от 0,05 до 0,5")
        elif found is not None and found != found.quantize(Decimal("0.01")):
            errors.add("voting_weight", "Не больше двух знаков после запятой")
        weight = found or Decimal(0)
    if mode != VotingMode.none:
        starts = _day(errors, "voting_from", form.voting_from)
        ends = _day(errors, "voting_until", form.voting_until)
        if starts and ends and ends < starts:
            errors.add("voting_until", "Голосование заканчивается раньше, чем начинается")
        if starts and ends:  # whole days in Moscow time: from 00:00 of the first to 24:00 of the last
            voting_from = datetime.combine(starts, time(), tzinfo=MSK)
            voting_until = datetime.combine(ends + timedelta(days=1), time(), tzinfo=MSK)
    errors.raise_if_any()
    return NominationValues(
        kind=kind,
        title=title,
        description=description,
        roles=roles,
        min_experience_years=experience,
        pair_completed_in_year=pair,
        approved_programme=programme,
        min_age=min_age,
        max_age=max_age,
        self_nomination=_on(form.self_nomination) or (use_preset and preset.self_nomination),
        min_rating_points=None if rating is None else rating.quantize(Decimal("0.01")),
        voting_mode=mode,
        voting_weight=weight,
        voting_from=voting_from,
        voting_until=voting_until,
    )


def allowed_levels(contest: ContestRecord) -> list[Level]:
    """A stage is never below the contest's level: a municipal contest has organization and municipal stages."""
    return [lv for lv in Level if LEVEL_ORDER[lv] <= LEVEL_ORDER[contest.level]]


def clean_stage(form: StageForm, contest: ContestRecord, stages: list[StageRecord]) -> StageValues:
    """The next stage: its level above the previous one's, its dates after the previous one's results."""
    errors = Errors()
    if len(stages) >= 3:
        raise ValidationFailed({"level": "У конкурса не больше трёх этапов"})
    try:
        level = Level(form.level)
    except ValueError:
        errors.add("level", "Выберите уровень этапа")
        level = contest.level
    if level not in allowed_levels(contest):
        errors.add("level", "Этап не может быть выше уровня самого конкурса")
    previous = stages[-1] if stages else None
    if previous is not None and LEVEL_ORDER[level] <= LEVEL_ORDER[previous.level]:
        errors.add("level", "Каждый следующий этап — уровнем выше предыдущего: организация → муниципалитет → регион")
    title = _words(form.title)
    if len(title) > MAX_TITLE:
        errors.add("title", "Название этапа — до 300 знаков")
    opens = _day(errors, "applications_from", form.applications_from)
    closes = _day(errors, "applications_until", form.applications_until)
    review_from = _day(errors, "review_from", form.review_from)
    review_until = _day(errors, "review_until", form.review_until)
    results_on = _day(errors, "results_on", form.results_on)
    if opens and closes and closes < opens:
        errors.add("applications_until", "Приём заявок заканчивается раньше, чем начинается")
    if opens and review_from and review_from < opens:
        errors.add("review_from", "Экспертиза не может начаться раньше приёма заявок")
    if review_from and review_until and review_until < review_from:
        errors.add("review_until", "Экспертиза заканчивается раньше, чем начинается")
    if review_until and results_on and results_on < review_until:
        errors.add("results_on", "Итоги подводятся не раньше окончания экспертизы")
    if previous is not None and opens and opens <= previous.results_on:
        errors.add(
            "applications_from",
            f"Этап начинается после итогов предыдущего ({previous.results_on.strftime('%d.%m.%Y')})",
        )
    advance = _whole(errors, "advance_count", form.advance_count, 1, 1000, "Сколько проходят дальше: от 1 до 1000")
    errors.raise_if_any()
    assert opens and closes and review_from and review_until and results_on
    return StageValues(
        level=level,
        title=title,
        applications_from=opens,
        applications_until=closes,
        review_from=review_from,
        review_until=review_until,
        results_on=results_on,
        advance_count=advance,
    )


def clean_criterion(form: CriterionForm) -> CriterionValues:
    errors = Errors()
    title = _words(form.title)
    if not title or len(title) > MAX_TITLE:
        errors.add("title", "Назовите критерий (до 300 знаков)")
    descriptors = form.descriptors.strip()
    if len(descriptors) > 4000:
        errors.add("descriptors", "Описание уровней — до 4000 знаков")
    points = _decimal(errors, "max_points", form.max_points, "Укажите наибольший балл числом")
    if points is not None and not Decimal(0) < points <= Decimal(1000):
        errors.add("max_points", "Наибольший балл — от 0,1 до 1000")
    elif points is not None and points != points.quantize(Decimal("0.1")):
        errors.add("max_points", "Не больше одного знака после запятой")
    weight = _decimal(errors, "weight", form.weight or "1", "Вес — число больше нуля, например 1 или 1,5")
    if weight is not None and not Decimal(0) < weight < Decimal(100):
        errors.add("weight", "Вес — число больше нуля и меньше 100")
    elif weight is not None and weight != weight.quantize(Decimal("0.01")):
        errors.add("weight", "Не больше двух знаков после запятой")
    errors.raise_if_any()
    assert points is not None and weight is not None
    return CriterionValues(
        title=title, descriptors=descriptors, max_points=points, weight=weight, tie_break=_on(form.tie_break)
    )


# Contests ----------------------------------------------------------------------------------------------------------


async def create_contest(actor: Actor, values: ContestValues) -> UUID:
    rows = (
        await Contest.insert(
            Contest(
                region_id=actor.region_id,
                status=ContestStatus.draft,
                created_by=actor.user_id,
                created_at=now(),
                **msgspec.structs.asdict(values),
            )
        )
        .returning(Contest.id)
        .run()
    )
    contest_id: UUID = rows[0]["id"]
    await audit(actor, "contest.create", None, f"level={values.level}")
    return contest_id


async def update_contest(actor: Actor, contest: ContestRecord, form: ContestForm, principal: Principal) -> None:
    values = clean_contest(form, principal)
    if contest.status == ContestStatus.finished:
        raise ValidationFailed({"title": "Конкурс завершён: его нельзя изменить"})
    await (
        Contest.update(
            {
                Contest.title: values.title,
                Contest.year: values.year,
                Contest.description: values.description,
                Contest.rules_url: values.rules_url,
            }
        )
        .where(Contest.id == contest.id)
        .run()
    )
    await audit(actor, "contest.update", None, "fields=title,year,description,rules_url")


async def announce_problems(contest: ContestRecord) -> list[str]:
    """What keeps a draft from being announced, in words the organizer can act on."""
    problems: list[str] = []
    nominations = await records.nominations_of(contest.id)
    stages = await records.stages_of(contest.id)
    if not nominations:
        problems.append("Добавьте хотя бы одну номинацию")
    if not stages:
        problems.append("Добавьте хотя бы один этап")
    for stage in stages:
        for nomination in nominations:
            if not await records.criteria_of(stage.id, nomination.id):
                problems.append(f"Задайте критерии: {stage.label}, номинация «{nomination.title}»")
    for previous, stage in itertools.pairwise(stages):
        if stage.applications_from <= previous.results_on:
            problems.append(f"{stage.label} начинается до итогов предыдущего этапа")
        if previous.advance_count is None:
            problems.append(f"{previous.label}: укажите, сколько участников проходят дальше")
    return problems


async def announce(actor: Actor, contest: ContestRecord) -> None:
    if contest.status != ContestStatus.draft:
        raise ValidationFailed({"status": "Объявить можно только черновик"})
    problems = await announce_problems(contest)
    if problems:
        raise ValidationFailed({"status": "; ".join(problems)})
    await Contest.update({Contest.status: ContestStatus.announced}).where(Contest.id == contest.id).run()
    await audit(actor, "contest.announce", None, "status=announced")


async def finish(actor: Actor, contest: ContestRecord) -> None:
    if contest.status != ContestStatus.announced:
        raise ValidationFailed({"status": "Завершить можно только объявленный конкурс"})
    await Contest.update({Contest.status: ContestStatus.finished}).where(Contest.id == contest.id).run()
    await audit(actor, "contest.finish", None, "status=finished")


def _editable(contest: ContestRecord, field: str) -> None:
    if contest.status == ContestStatus.finished:
        raise ValidationFailed({field: "Конкурс завершён: его нельзя изменить"})


# Nominations -------------------------------------------------------------------------------------------------------


async def add_nomination(actor: Actor, contest: ContestRecord, values: NominationValues) -> UUID:
    """A nomination, and its panels at every municipal and regional stage already made."""
    _editable(contest, "kind")
    position = len(await records.nominations_of(contest.id)) + 1
    rows = (
        await ContestNomination.insert(
            ContestNomination(
                region_id=actor.region_id, contest_id=contest.id, position=position, **msgspec.structs.asdict(values)
            )
        )
        .returning(ContestNomination.id)
        .run()
    )
    nomination_id: UUID = rows[0]["id"]
    for stage in await records.stages_of(contest.id):
        await make_panels(contest, stage, [nomination_id])
    await audit(actor, "contest.nomination.add", None, f"kind={values.kind}")
    return nomination_id


async def update_nomination(
    actor: Actor, contest: ContestRecord, nomination_id: UUID, values: NominationValues
) -> None:
    _editable(contest, "kind")
    await records.get_nomination(nomination_id)
    changes = msgspec.structs.asdict(values)
    await (
        ContestNomination.update({getattr(ContestNomination, k): v for k, v in changes.items()})
        .where((ContestNomination.id == nomination_id) & (ContestNomination.contest_id == contest.id))
        .run()
    )
    await audit(actor, "contest.nomination.update", None, "fields=" + ",".join(changes))


# Stages and panels -------------------------------------------------------------------------------------------------


async def add_stage(actor: Actor, contest: ContestRecord, values: StageValues) -> UUID:
    """The next stage; its panels of the municipal and regional levels are made now, by the organizer's scope."""
    _editable(contest, "level")
    stages = await records.stages_of(contest.id)
    if stages and stages[-1].advance_count is None:
        raise ValidationFailed({"advance_count": f"{stages[-1].label}: сначала укажите, сколько проходят дальше"})
    rows = (
        await ContestStage.insert(
            ContestStage(
                region_id=actor.region_id,
                contest_id=contest.id,
                position=len(stages) + 1,
                **msgspec.structs.asdict(values),
            )
        )
        .returning(ContestStage.id)
        .run()
    )
    stage_id: UUID = rows[0]["id"]
    stage = await records.get_stage(stage_id)
    await make_panels(contest, stage, [n.id for n in await records.nominations_of(contest.id)])
    await audit(actor, "contest.stage.add", None, f"position={stage.position},level={stage.level}")
    return stage_id


async def update_advance_count(actor: Actor, contest: ContestRecord, stage_id: UUID, text: str) -> None:
    _editable(contest, "advance_count")
    stage = await records.get_stage(stage_id)
    errors = Errors()
    count = _whole(errors, "advance_count", text, 1, 1000, "Сколько проходят дальше: от 1 до 1000")
    errors.raise_if_any()
    await (
        ContestStage.update({ContestStage.advance_count: count})
        .where((ContestStage.id == stage.id) & (ContestStage.contest_id == contest.id))
        .run()
    )
    await audit(actor, "contest.stage.advance_count", None, "fields=advance_count")


async def make_panels(contest: ContestRecord, stage: StageRecord, nomination_ids: list[UUID]) -> int:
    """One panel per nomination and unit: at the region one, at the municipal level one per municipality of the
    contest's reach. An organization's panels of a bigger contest come with its first entry
    (`records.panel_for`); an organization's own contest has its one panel now."""
    units: list[tuple[UUID | None, UUID | None]]
    if stage.level == Level.region:
        units = [(None, None)]
    elif stage.level == Level.municipality:
        if contest.level == Level.municipality:
            units = [(contest.municipality_id, None)]
        else:
            units = [(m.id, None) for m in await list_municipalities()]
    elif contest.level == Level.organization:
        units = [(contest.municipality_id, contest.organization_id)]
    else:
        return 0
    made = 0
    for nomination_id in nomination_ids:
        existing = {
            (p.municipality_id, p.organization_id)
            for p in await records.panels_of(contest.id)
            if p.stage_id == stage.id and p.nomination_id == nomination_id
        }
        fresh = [
            ContestPanel(
                region_id=contest.region_id,
                contest_id=contest.id,
                stage_id=stage.id,
                nomination_id=nomination_id,
                level=stage.level,
                municipality_id=municipality_id,
                organization_id=organization_id,
                status=PanelStatus.open,
            )
            for municipality_id, organization_id in units
            if (municipality_id, organization_id) not in existing
        ]
        if fresh:
            await ContestPanel.insert(*fresh).run()
            made += len(fresh)
    return made


# Criteria ----------------------------------------------------------------------------------------------------------


async def _check_pair(contest: ContestRecord, stage_id: UUID, nomination_id: UUID) -> None:
    stage = await records.get_stage(stage_id)
    nomination = await records.get_nomination(nomination_id)
    if stage.contest_id != contest.id or nomination.contest_id != contest.id:
        raise ValidationFailed({"stage_id": "Выберите этап и номинацию этого конкурса"})


async def _clear_tie_break(stage_id: UUID, nomination_id: UUID) -> None:
    await (
        ContestCriterion.update({ContestCriterion.tie_break: False})
        .where((ContestCriterion.stage_id == stage_id) & (ContestCriterion.nomination_id == nomination_id))
        .run()
    )


async def add_criterion(
    actor: Actor, contest: ContestRecord, stage_id: UUID, nomination_id: UUID, values: CriterionValues
) -> UUID:
    _editable(contest, "title")
    await _check_pair(contest, stage_id, nomination_id)
    existing = await records.criteria_of(stage_id, nomination_id)
    if len(existing) >= 30:
        raise ValidationFailed({"title": "Не больше 30 критериев в листе"})
    if values.tie_break:
        await _clear_tie_break(stage_id, nomination_id)
    rows = (
        await ContestCriterion.insert(
            ContestCriterion(
                region_id=actor.region_id,
                contest_id=contest.id,
                stage_id=stage_id,
                nomination_id=nomination_id,
                position=len(existing) + 1,
                **msgspec.structs.asdict(values),
            )
        )
        .returning(ContestCriterion.id)
        .run()
    )
    await audit(actor, "contest.criterion.add", None, "fields=title,max_points,weight,tie_break")
    criterion_id: UUID = rows[0]["id"]
    return criterion_id


async def update_criterion(actor: Actor, contest: ContestRecord, criterion_id: UUID, values: CriterionValues) -> None:
    _editable(contest, "title")
    row = await ContestCriterion.select().where(ContestCriterion.id == criterion_id).first().run()
    if row is None or row["contest_id"] != contest.id:
        raise ValidationFailed({"title": "Критерий не найден"})
    if values.tie_break:
        await _clear_tie_break(row["stage_id"], row["nomination_id"])
    changes = msgspec.structs.asdict(values)
    await (
        ContestCriterion.update({getattr(ContestCriterion, k): v for k, v in changes.items()})
        .where(ContestCriterion.id == criterion_id)
        .run()
    )
    await audit(actor, "contest.criterion.update", None, "fields=" + ",".join(changes))


async def remove_criterion(actor: Actor, contest: ContestRecord, criterion_id: UUID) -> None:
    _editable(contest, "title")
    if contest.status != ContestStatus.draft:
        raise ValidationFailed({"title": "Критерии объявленного конкурса не удаляются: измените их"})
    await (
        ContestCriterion.delete()
        .where((ContestCriterion.id == criterion_id) & (ContestCriterion.contest_id == contest.id))
        .run()
    )
    await audit(actor, "contest.criterion.remove", None, "count=1")


async def _replace_criteria(
    actor: Actor, contest: ContestRecord, stage_id: UUID, nomination_id: UUID, values: list[CriterionValues]
) -> int:
    if contest.status != ContestStatus.draft:
        raise ValidationFailed({"preset": "Лист критериев заменяется только у черновика конкурса"})
    await (
        ContestCriterion.delete()
        .where((ContestCriterion.stage_id == stage_id) & (ContestCriterion.nomination_id == nomination_id))
        .run()
    )
    if values:
        await ContestCriterion.insert(
            *[
                ContestCriterion(
                    region_id=actor.region_id,
                    contest_id=contest.id,
                    stage_id=stage_id,
                    nomination_id=nomination_id,
                    position=i,
                    **msgspec.structs.asdict(v),
                )
                for i, v in enumerate(values, start=1)
            ]
        ).run()
    return len(values)


async def apply_criteria_preset(
    actor: Actor, contest: ContestRecord, stage_id: UUID, nomination_id: UUID, key: str
) -> int:
    """The preset's sheet replaces the stage's criteria for the nomination; Якутия's also opens the nomination's
    public vote and sends the top 120 of the stage on."""
    preset = presets.CRITERIA_PRESETS.get(key)
    if preset is None:
        raise ValidationFailed({"preset": "Выберите набор критериев"})
    await _check_pair(contest, stage_id, nomination_id)
    values = [CriterionValues(**msgspec.structs.asdict(c)) for c in preset.criteria]
    count = await _replace_criteria(actor, contest, stage_id, nomination_id, values)
    if preset.advance_count is not None:
        await (
            ContestStage.update({ContestStage.advance_count: preset.advance_count})
            .where(ContestStage.id == stage_id)
            .run()
        )
    if preset.voting_mode is not None:
        nomination = await records.get_nomination(nomination_id)
        if nomination.voting_mode == VotingMode.none:
            stage = await records.get_stage(stage_id)
            await (
                ContestNomination.update(
                    {
                        ContestNomination.voting_mode: preset.voting_mode,
                        ContestNomination.voting_from: datetime.combine(stage.review_until, time(), tzinfo=MSK),
                        ContestNomination.voting_until: datetime.combine(
                            stage.results_on + timedelta(days=1), time(), tzinfo=MSK
                        ),
                    }
                )
                .where(ContestNomination.id == nomination_id)
                .run()
            )
    await audit(actor, "contest.criteria.preset", None, f"preset={key},count={count}")
    return count


async def copy_criteria(
    actor: Actor, contest: ContestRecord, source: tuple[UUID, UUID], target: tuple[UUID, UUID]
) -> int:
    """The sheet of one stage and nomination becomes another's, replacing what it had."""
    await _check_pair(contest, *source)
    await _check_pair(contest, *target)
    if source == target:
        raise ValidationFailed({"target": "Выберите другой этап или номинацию"})
    found = await records.criteria_of(*source)
    if not found:
        raise ValidationFailed({"target": "В исходном листе нет критериев"})
    values = [
        CriterionValues(
            title=c.title, descriptors=c.descriptors, max_points=c.max_points, weight=c.weight, tie_break=c.tie_break
        )
        for c in found
    ]
    count = await _replace_criteria(actor, contest, *target, values)
    await audit(actor, "contest.criteria.copy", None, f"count={count}")
    return count
