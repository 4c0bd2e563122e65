"""The demo region's network mentor school (the storyline of issue 14): the regional school, programmes A, B and C,
cohorts 1–4 taught by Орлова, enrolments in every state, sessions with attendance, test scores, outcomes with one
override, and the school's enrolment and completion orders registered by the regional coordinator."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from services.programmes import LevelOrder, OrderKind, Owner, RegisterForm, create_level_order, register
from services.registry import (
    ConsentForm,
    ParticipationRole,
    PersonForm,
    base_members,
    create_person,
    give_consent,
    people_brief,
    person_name,
)
from services.school.access import SchoolAccess
from services.school.catalogue import (
    MaterialForm,
    ModuleForm,
    ProgrammeForm,
    QuestionForm,
    SchoolForm,
    add_material,
    add_module,
    add_question,
    create_programme,
    create_school,
    questions_of,
)
from services.school.cohorts import CohortForm, add_trainer, create_cohort, trainer_choices
from services.school.records import CohortRecord, get_cohort, modules_of
from shared.actor import Actor
from shared.clock import now, today
from shared.db import Level, Scope, current_connection, rescope
from tenants import MUNICIPALITIES, OrganizationKind, OrganizationSummary, Role, list_organizations, list_people

SCHOOL = "Региональная сетевая школа наставников"
TRAINER_EMAIL = "trainer@demo.local"
MSK = timedelta(hours=3)

PROGRAMME_A = "Основы наставнической деятельности"
MODULES_A = [
    ("Целевая модель наставничества: формы и роли", 2, "opening"),
    ("Технологии общения и мотивации", 4, "seminar"),
    ("Этапы наставнического цикла", 6, "training"),
    ("Этика и безопасность наставничества", 2, "webinar"),
    ("Развивающий и инструментальный стили", 4, "exchange"),
]
PROGRAMME_B = "Куратор программы наставничества"
MODULES_B = [
    ("Куратор в целевой модели: роль и полномочия", 4, "opening"),
    ("Программа наставничества и дорожная карта: конструктор", 8, "seminar"),
    ("Мониторинг и оценка эффективности программы", 8, "training"),
    ("Обмен опытом кураторов", 4, "exchange"),
]
PROGRAMME_C = "Наставничество в СПО: студент — ученик"
MODULES_C = [
    ("Форма «студент — ученик»: задачи и результаты", 2, "opening"),
    ("Профориентация через наставничество", 4, "seminar"),
    ("Стажировка на площадке колледжа", 6, "internship"),
]
QUESTIONS = [
    ("Сколько этапов в программе наставничества организации?", False, ["Пять", "Семь", "Десять"], ["1"]),
    (
        "Какие формы наставничества есть в целевой модели?",
        True,
        ["Ученик — ученик", "Учитель — учитель", "Директор — министр", "Работодатель — студент"],
        ["0", "1", "3"],
    ),
    (
        "Сколько наставляемых одновременно может быть у наставника, кроме групповой работы?",
        False,
        ["Один", "Два", "Пять"],
        ["1"],
    ),
    (
        "Как часто проходят встречи наставника и наставляемого?",
        False,
        ["Не реже раза в две недели", "Раз в полгода", "Когда получится"],
        ["0"],
    ),
    (
        "Что нужно до начала работы с наставляемым?",
        True,
        ["Согласие на обработку персональных данных", "Согласие на участие в программе", "Справка о доходах"],
        ["0", "1"],
    ),
]
OVERRIDE_REASON = "Пропустил тренинг по болезни (справка), тренинг отработан индивидуально с преподавателем"
DECLINE_REASON = "Нет педагогического стажа, рекомендована программа следующего года"
ABSENCE_REASONS = ["Болезнь", "Курсы повышения квалификации", "Проведение олимпиады в школе", "Семейные обстоятельства"]


@dataclass
class Participant:
    person_id: UUID
    organization_id: UUID
    organization_name: str
    full_name: str
    position: str
    audience: str  # mentor_candidate | mentor | curator
    user_id: UUID | None = None
    nominated_by: UUID | None = None


async def seed_school(region_id: UUID) -> None:
    """Idempotent: a region that already has a mentor school is left as it is."""
    await rescope(Scope.for_region(region_id))
    if await current_connection().fetchval("SELECT 1 FROM mentor_school WHERE region_id = $1", region_id):
        await rescope(Scope(Level.platform))
        return
    rng = random.Random(14)  # noqa: S311 - demo data, the same on every run
    day = today()
    actor = Actor(None, region_id, None, "seed-demo")
    accounts = await list_people()
    coordinator = next(a.id for a in accounts if a.role == Role.regional_coordinator)
    access = SchoolAccess(Role.regional_coordinator, coordinator, region_id, None, None)
    school_id = await create_school(
        actor, access, SchoolForm(SCHOOL, "Соколова Т. В.", "Руководитель регионального наставнического центра")
    )
    municipalities = {m["name"]: m["id"] for m in await current_connection().fetch("SELECT id, name FROM municipality")}
    second = municipalities[list(MUNICIPALITIES)[1]]
    a = await _programme(
        actor,
        access,
        school_id,
        ProgrammeForm(
            title=PROGRAMME_A,
            description="Первичное обучение кандидатов в наставники и наставников: целевая модель, технологии "
            "общения и мотивации, этапы наставнического цикла, этика и безопасность.",
            audience=["mentor_candidate", "mentor"],
            min_attendance_pct="75",
            min_hours="14",
            assessment="test",
            max_attempts="3",
            status="published",
        ),
        MODULES_A,
    )
    b = await _programme(
        actor,
        access,
        school_id,
        ProgrammeForm(
            title=PROGRAMME_B,
            description="Для кураторов наставнической деятельности организаций: программа, дорожная карта, "
            "мониторинг, работа с базами наставников и наставляемых.",
            training="in_process",
            audience=["curator"],
            min_attendance_pct="80",
            min_hours="18",
            assessment="assignment",
            assignment_text="Итоговое задание: дорожная карта внедрения целевой модели",
            status="published",
        ),
        MODULES_B,
    )
    await _programme(
        actor,
        access,
        school_id,
        ProgrammeForm(
            title=PROGRAMME_C,
            description="Для наставников профессиональных образовательных организаций Озёрского района.",
            audience=["mentor"],
            offered_to_all=False,
            municipality_ids=[str(second)],
            min_hours="10",
            status="draft",
        ),
        MODULES_C,
    )
    await add_material(
        actor,
        access,
        a,
        MaterialForm(
            title="Методические рекомендации по внедрению целевой модели наставничества", url="https://edu.gov.ru/"
        ),
    )
    memo = "Памятка наставника\n\n1. Встречайтесь не реже раза в две недели.\n2. Ведите план развития.\n"
    await add_material(
        actor, access, a, MaterialForm(title="Памятка наставника"), (memo.encode(), "Памятка наставника.txt")
    )
    for text, multiple, options, correct in QUESTIONS:
        await add_question(actor, access, a, QuestionForm(text, multiple, options, correct))

    trainer = next((u for u, name in await trainer_choices(region_id) if name.startswith("Орлова")), None)
    mentors, curators = await _people(rng, region_id, day)
    await rescope(Scope.for_region(region_id))
    cohorts = [
        ("Основы наставничества, поток 1", a, day - timedelta(days=100), day - timedelta(days=60), 15),
        ("Куратор программы наставничества, поток 1", b, day - timedelta(days=190), day - timedelta(days=150), 10),
        ("Основы наставничества, поток 2", a, day - timedelta(days=21), day + timedelta(days=21), 16),
        ("Основы наставничества, поток 3", a, day + timedelta(days=35), day + timedelta(days=70), 10),
    ]
    ids = []
    for n, (title, programme_id, starts, ends, capacity) in enumerate(cohorts):
        place = "г. Светлогорск, ГПОУ «Светлогорский политехнический колледж», ауд. 204"
        form = CohortForm(
            title,
            starts.isoformat(),
            ends.isoformat(),
            place,
            "https://vk.com/video_demo_school" if n == 2 else "",
            str(capacity),
            n == 3,
        )
        cohort_id = await create_cohort(actor, access, programme_id, form)
        if trainer:
            await add_trainer(actor, access, cohort_id, str(trainer))
        ids.append(cohort_id)
    first, second_cohort, third, fourth = ids
    await _finished_cohort(rng, actor, first, mentors[:12], trainer, override=10, failed=11)
    await _finished_cohort(rng, actor, second_cohort, curators, trainer)
    await _running_cohort(rng, third, mentors[12:26], trainer)
    await _open_cohort(fourth, mentors[26:43], coordinator)
    for n, cohort_id in enumerate(ids[:3]):
        await _orders(actor, cohort_id, n, day)


async def _programme(
    actor: Actor, access: SchoolAccess, school_id: UUID, form: ProgrammeForm, modules: list[tuple[str, int, str]]
) -> UUID:
    programme_id = await create_programme(actor, access, school_id, form)
    for topic, hours, format_ in modules:
        await add_module(actor, access, programme_id, ModuleForm(topic, str(hours), format_, form.training))
    return programme_id


async def _people(rng: random.Random, region_id: UUID, day: date) -> tuple[list[Participant], list[Participant]]:
    """Consenting staff mentors of the demo organizations (Кузнецов О. Д. of Озёрская СШ first, then one of
    СОШ № 1, then the rest mixed) and six curators: the two with accounts and four of other organizations."""
    users = {a.email: a.id for a in await list_people()}
    organizations = [o for o in await list_organizations() if o.kind != OrganizationKind.municipal_body]
    organizations.sort(key=lambda o: o.inn)
    curators_of: dict[UUID, UUID] = {}
    for account in await list_people():
        if account.role == Role.curator and account.organization_id:
            curators_of[account.organization_id] = account.id
    pools: list[list[Participant]] = []
    kuznetsov: Participant | None = None
    for organization in organizations:
        name = organization.short_name or organization.name
        found: list[Participant] = []
        for role in (ParticipationRole.mentor, ParticipationRole.mentor_candidate):
            members = [m for m in await base_members(organization.id, (role,)) if m.consented and m.category == "staff"]
            briefs = await people_brief([m.id for m in members])
            for m in members:
                if any(p.person_id == m.id for p in found):
                    continue
                found.append(
                    Participant(
                        m.id,
                        organization.id,
                        name,
                        m.full_name,
                        briefs[m.id].position if m.id in briefs else "",
                        role.value,
                        nominated_by=curators_of.get(organization.id),
                    )
                )
        for p in found:
            if p.full_name == "Кузнецов Олег Дмитриевич":
                kuznetsov = p
                p.user_id = users.get("curator2@demo.local")
        pools.append([p for p in found if p is not kuznetsov])
    mixed: list[Participant] = []
    while any(pools):
        for pool in pools:
            if pool:
                mixed.append(pool.pop(0))
    rng.shuffle(mixed)
    first_school = next((p for p in mixed if p.organization_name == "МБОУ «СОШ № 1»"), None)
    if first_school is not None:  # cohort 1 has СОШ № 1's mentor beside Озёрская's
        mixed.remove(first_school)
        mixed.insert(0, first_school)
    mentors = ([kuznetsov] if kuznetsov else []) + mixed
    curators = await _curators(rng, region_id, organizations, users, day)
    return mentors, curators


async def _curators(
    rng: random.Random, region_id: UUID, organizations: list[OrganizationSummary], users: dict[str, UUID], day: date
) -> list[Participant]:
    """The curators' own records (given a consent where missing), and four more curators of other organizations."""
    by_short = {o.short_name: o for o in organizations}
    chosen = [
        ("МБОУ «СОШ № 1»", "curator1@demo.local"),
        ("МОУ «Озёрская СШ»", "curator2@demo.local"),
        ("МБОУ «Гимназия № 3»", ""),
        ("ГПОУ «Светлогорский политехнический колледж»", ""),
        ("МОУ «Берёзовская ОШ»", ""),
        ("МБОУ «Верхнеречинская СШ № 2»", ""),
    ]
    found = []
    given_on = (day - timedelta(days=200)).strftime("%d.%m.%Y")
    for short, email in chosen:
        organization = by_short.get(short)
        if organization is None:
            continue
        org_id = organization.id
        await rescope(Scope(Level.organization, None, region_id, organization.municipality_id, org_id))
        actor = Actor(None, region_id, org_id, "seed-demo")
        members = await base_members(org_id, (ParticipationRole.curator,))
        if members:
            member = members[0]
            person_id, full_name = member.id, member.full_name
            if not member.consented:
                for kind in ("personal_data", "participation"):
                    await give_consent(actor, person_id, ConsentForm(kind=kind, given_on=given_on))
        else:
            sex = rng.choice(["male", "female"])
            surname, name, patronymic = person_name(rng, sex)
            position = "заместитель директора по учебно-воспитательной работе"
            form = PersonForm(
                surname=surname,
                name=name,
                patronymic=patronymic,
                sex=sex,
                category="staff",
                position=position,
                roles=["curator"],
            )
            person_id, _ = await create_person(
                actor, Scope(Level.organization, None, region_id, organization.municipality_id, org_id), form
            )
            for kind in ("personal_data", "participation"):
                await give_consent(actor, person_id, ConsentForm(kind=kind, given_on=given_on))
            full_name = f"{surname} {name} {patronymic}"
        brief = (await people_brief([person_id])).get(person_id)
        found.append(
            Participant(
                person_id,
                org_id,
                short,
                full_name,
                (brief.position if brief else "") or "куратор",
                "curator",
                user_id=users.get(email) if email else None,
            )
        )
    return found


async def _enrol(cohort: CohortRecord, p: Participant, state: str, requested: datetime, reason: str = "") -> UUID:
    decided = state in ("accepted", "waiting", "declined")
    enrolment_id: UUID = await current_connection().fetchval(
        """INSERT INTO school_enrolment (region_id, school_id, cohort_id, organization_id, person_id, user_id, audience,
               full_name, organization_name, position, state, requested_at, nominated_by, nominated_at, decided_at,
               reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id""",
        cohort.region_id,
        cohort.school_id,
        cohort.id,
        p.organization_id,
        p.person_id,
        p.user_id,
        p.audience,
        p.full_name,
        p.organization_name,
        p.position,
        state,
        requested,
        p.nominated_by if state != "applied" else None,
        requested if state != "applied" else None,
        requested + timedelta(days=2) if decided else None,
        reason,
    )
    return enrolment_id


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC) - MSK


async def _sessions(cohort: CohortRecord, days: list[date], code_today: str = "") -> list[tuple[UUID, Decimal, date]]:
    """One session per module, on the given days; today's has its check-in code open for two hours."""
    modules = await modules_of(cohort.programme_id)
    found = []
    for module, day in zip(modules, days, strict=True):
        is_today = day == today()
        starts = now() - timedelta(minutes=30) if is_today else _at(day)
        session_id: UUID = await current_connection().fetchval(
            """INSERT INTO school_session (region_id, school_id, cohort_id, module_id, title, starts_at, hours, place,
                   checkin_code, checkin_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id""",
            cohort.region_id,
            cohort.school_id,
            cohort.id,
            module.id,
            module.topic,
            starts,
            module.hours,
            cohort.place if module.format != "webinar" else "Онлайн",
            code_today if is_today else "",
            now() + timedelta(hours=2) if is_today else None,
        )
        found.append((session_id, module.hours, day))
    return found


async def _mark(
    cohort: CohortRecord,
    session_id: UUID,
    enrolment_id: UUID,
    organization_id: UUID,
    status: str,
    trainer: UUID | None,
    day: date,
    *,
    minutes: int | None = None,
    reason: str = "",
    via: str = "trainer",
    user_id: UUID | None = None,
) -> None:
    await current_connection().execute(
        """INSERT INTO school_attendance (region_id, school_id, cohort_id, organization_id, session_id, enrolment_id,
               status, minutes_late, reason, via, marked_by, marked_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""",
        cohort.region_id,
        cohort.school_id,
        cohort.id,
        organization_id,
        session_id,
        enrolment_id,
        status,
        minutes,
        reason,
        via,
        trainer if via == "trainer" else user_id,
        _at(day, 11),
    )


def _spread(starts: date, ends: date, count: int) -> list[date]:
    span = (ends - starts).days
    return [starts + timedelta(days=round(span * i / (count - 1))) for i in range(count)]


async def _finished_cohort(
    rng: random.Random,
    actor: Actor,
    cohort_id: UUID,
    people: list[Participant],
    trainer: UUID | None,
    *,
    override: int | None = None,
    failed: int | None = None,
) -> None:
    """Every session held with attendance; the rules' outcome for each, one override with its reason."""
    cohort = await get_cohort(cohort_id)
    await current_connection().execute("UPDATE school_cohort SET enrolment_open = false WHERE id = $1", cohort_id)
    sessions = await _sessions(
        cohort, _spread(cohort.starts_on, cohort.ends_on, len(await modules_of(cohort.programme_id)))
    )
    total = sum((h for _, h, _ in sessions), Decimal(0))
    programme = await current_connection().fetchrow(
        "SELECT assessment, min_attendance_pct, min_hours FROM school_programme WHERE id = $1", cohort.programme_id
    )
    questions = await questions_of(cohort.programme_id)
    requested = datetime.combine(cohort.starts_on - timedelta(days=20), time(9), tzinfo=UTC)
    for n, p in enumerate(people):
        enrolment_id = await _enrol(cohort, p, "accepted", requested + timedelta(hours=n))
        hours = Decimal(0)
        for s, (session_id, session_hours, day) in enumerate(sessions):
            if n == failed and s not in (0, 3):
                await _mark(
                    cohort,
                    session_id,
                    enrolment_id,
                    p.organization_id,
                    "absent",
                    trainer,
                    day,
                    reason=rng.choice(ABSENCE_REASONS),
                )
                continue
            if n == override and session_hours == max(h for _, h, _ in sessions):
                await _mark(
                    cohort, session_id, enrolment_id, p.organization_id, "absent", trainer, day, reason="Болезнь"
                )
                continue
            if n % 5 == 2 and s == 1:
                await _mark(
                    cohort,
                    session_id,
                    enrolment_id,
                    p.organization_id,
                    "late",
                    trainer,
                    day,
                    minutes=rng.choice([5, 10, 15, 25]),
                    reason="Пробки",
                )
            else:
                via = "code" if (n + s) % 4 == 0 and p.user_id else "trainer"
                await _mark(
                    cohort,
                    session_id,
                    enrolment_id,
                    p.organization_id,
                    "present",
                    trainer,
                    day,
                    via=via,
                    user_id=p.user_id,
                )
            hours += session_hours
        share = hours * 100 / total if total else Decimal(0)
        by_rules = share >= programme["min_attendance_pct"] and hours >= programme["min_hours"]
        passed = True
        if programme["assessment"] == "test":
            score = Decimal(40 + rng.randint(0, 20)) if n == failed else Decimal(rng.choice([80, 80, 100, 100, 60]))
            attempts = [score] if score >= 70 or n == failed else [score, Decimal(80)]
            for k, value in enumerate(attempts):
                answers = {str(q.id): [int(c) for c in q.correct] for q in questions}
                await _attempt(
                    cohort,
                    enrolment_id,
                    p.organization_id,
                    "test",
                    value,
                    value >= 70,
                    _at(cohort.ends_on - timedelta(days=2 - k), 15),
                    trainer,
                    json.dumps(answers),
                )
            passed = attempts[-1] >= 70
        else:
            await _attempt(
                cohort,
                enrolment_id,
                p.organization_id,
                "assignment",
                None,
                True,
                _at(cohort.ends_on - timedelta(days=3), 15),
                trainer,
                "{}",
                text="Дорожная карта внедрения целевой модели наставничества в организации на учебный год",
            )
        overridden = n == override
        completed = (by_rules and passed) or overridden
        await current_connection().execute(
            """UPDATE school_enrolment SET outcome = $2, outcome_overridden = $3, outcome_reason = $4, outcome_by = $5,
                   outcome_at = $6, hours_attended = $7, completed_on = $8 WHERE id = $1""",
            enrolment_id,
            "completed" if completed else "not_completed",
            overridden,
            OVERRIDE_REASON if overridden else "",
            trainer,
            _at(cohort.ends_on, 18),
            hours,
            cohort.ends_on if completed else None,
        )


async def _attempt(
    cohort: CohortRecord,
    enrolment_id: UUID,
    organization_id: UUID,
    kind: str,
    score: Decimal | None,
    passed: bool,
    at: datetime,
    trainer: UUID | None,
    answers: str,
    text: str = "",
) -> None:
    await current_connection().execute(
        """INSERT INTO school_attempt (region_id, school_id, cohort_id, organization_id, enrolment_id, kind, answers,
               text, score_pct, passed, comment, graded_by, submitted_at, graded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14)""",
        cohort.region_id,
        cohort.school_id,
        cohort.id,
        organization_id,
        enrolment_id,
        kind,
        answers,
        text,
        score,
        passed,
        "Зачтено" if kind == "assignment" else "",
        trainer if kind == "assignment" else None,
        at,
        at + timedelta(days=1) if kind == "assignment" else at,
    )


async def _running_cohort(rng: random.Random, cohort_id: UUID, people: list[Participant], trainer: UUID | None) -> None:
    """Two sessions held (present, late, absent with reasons, some by code), one today with its code, two ahead."""
    cohort = await get_cohort(cohort_id)
    await current_connection().execute("UPDATE school_cohort SET enrolment_open = false WHERE id = $1", cohort_id)
    day = today()
    days = [cohort.starts_on, day - timedelta(days=10), day, day + timedelta(days=10), cohort.ends_on]
    code = f"{rng.randint(0, 999_999):06d}"
    sessions = await _sessions(cohort, days, code)
    requested = datetime.combine(cohort.starts_on - timedelta(days=20), time(9), tzinfo=UTC)
    for n, p in enumerate(people):
        enrolment_id = await _enrol(cohort, p, "accepted", requested + timedelta(hours=n))
        hours = Decimal(0)
        for s, (session_id, session_hours, held) in enumerate(sessions[:2]):
            if n % 7 == 3 and s == 1:
                await _mark(
                    cohort,
                    session_id,
                    enrolment_id,
                    p.organization_id,
                    "absent",
                    trainer,
                    held,
                    reason=rng.choice(ABSENCE_REASONS),
                )
                continue
            if n % 5 == 1:
                await _mark(
                    cohort,
                    session_id,
                    enrolment_id,
                    p.organization_id,
                    "late",
                    trainer,
                    held,
                    minutes=rng.choice([5, 10, 20]),
                    reason="Задержался на уроке",
                )
            else:
                via = "code" if n % 3 == 0 else "trainer"
                await _mark(
                    cohort,
                    session_id,
                    enrolment_id,
                    p.organization_id,
                    "present",
                    trainer,
                    held,
                    via=via,
                    user_id=p.user_id,
                )
            hours += session_hours
        if n < 5:  # the first arrivals checked in with today's code
            await _mark(
                cohort,
                sessions[2][0],
                enrolment_id,
                p.organization_id,
                "present",
                trainer,
                day,
                via="code",
                user_id=p.user_id,
            )
        await current_connection().execute(
            "UPDATE school_enrolment SET hours_attended = $2 WHERE id = $1", enrolment_id, hours
        )


async def _open_cohort(cohort_id: UUID, people: list[Participant], coordinator: UUID) -> None:
    """Ten accepted, two on the waiting list, three nominated, one applied from the cabinet (СОШ № 1's curator
    confirms it), one declined with its reason."""
    cohort = await get_cohort(cohort_id)
    start = datetime.combine(today() - timedelta(days=14), time(9), tzinfo=UTC)
    states = ["accepted"] * 10 + ["waiting"] * 2 + ["nominated"] * 3 + ["declined"]
    applied = next((p for p in people if p.organization_name == "МБОУ «СОШ № 1»"), None)
    rest = [p for p in people if p is not applied]
    for n, (p, state) in enumerate(zip(rest, states, strict=False)):
        await _enrol(cohort, p, state, start + timedelta(hours=n * 5), DECLINE_REASON if state == "declined" else "")
    if applied is not None:
        await _enrol(cohort, applied, "applied", start + timedelta(days=10))
    await current_connection().execute(
        "UPDATE school_enrolment SET decided_by = $2 WHERE cohort_id = $1 AND decided_at IS NOT NULL",
        cohort_id,
        coordinator,
    )


async def _orders(actor: Actor, cohort_id: UUID, n: int, day: date) -> None:
    """The enrolment order of cohorts 1–3 and the completion order of the finished ones, registered."""
    cohort = await get_cohort(cohort_id)
    rows = await current_connection().fetch(
        """SELECT full_name, organization_name, position, outcome, hours_attended FROM school_enrolment
           WHERE cohort_id = $1 AND state = 'accepted' ORDER BY full_name""",
        cohort_id,
    )
    programme = await current_connection().fetchval(
        "SELECT title FROM school_programme WHERE id = $1", cohort.programme_id
    )
    dates = f"с {cohort.starts_on:%d.%m.%Y} по {cohort.ends_on:%d.%m.%Y}"
    enrolment = LevelOrder(
        preamble="В соответствии с региональной программой наставничества и в целях обучения наставников",
        points=[
            f"Зачислить на обучение по программе «{programme}» ({cohort.title}, {dates}) участников по списку "
            "(приложение).",
            "Руководителям образовательных организаций обеспечить участие педагогов в занятиях.",
            "Контроль за исполнением приказа оставляю за собой.",
        ],
        appendix_title="Список зачисленных",
        columns=["ФИО", "Организация", "Должность"],
        rows=[[r["full_name"], r["organization_name"], r["position"]] for r in rows],
        starts_on=f"{cohort.starts_on:%d.%m.%Y}",
        refs={"cohort_id": str(cohort_id)},
    )
    order_id = await create_level_order(actor, actor.region_id, Owner(), OrderKind.school_enrolment, enrolment)
    signed = min(cohort.starts_on - timedelta(days=7), day)
    await register(actor, order_id, RegisterForm(f"{21 + n}-шн", f"{signed:%d.%m.%Y}"))
    await current_connection().execute(
        "UPDATE school_cohort SET enrolment_order_id = $2 WHERE id = $1", cohort_id, order_id
    )
    if cohort.ends_on >= day:
        return
    completed = [r for r in rows if r["outcome"] == "completed"]
    completion = LevelOrder(
        preamble=f"По итогам обучения по программе «{programme}» ({cohort.title}, {dates})",
        points=[
            "Признать завершившими обучение участников по списку (приложение) и выдать им свидетельства о "
            "прохождении обучения.",
            "Контроль за исполнением приказа оставляю за собой.",
        ],
        appendix_title="Список завершивших обучение",
        columns=["ФИО", "Организация", "Часов"],
        rows=[[r["full_name"], r["organization_name"], str(r["hours_attended"]).replace(".", ",")] for r in completed],
        refs={"cohort_id": str(cohort_id)},
    )
    order_id = await create_level_order(actor, actor.region_id, Owner(), OrderKind.school_completion, completion)
    await register(actor, order_id, RegisterForm(f"{31 + n}-шн", f"{cohort.ends_on + timedelta(days=3):%d.%m.%Y}"))
    await current_connection().execute(
        "UPDATE school_cohort SET completion_order_id = $2 WHERE id = $1", cohort_id, order_id
    )
