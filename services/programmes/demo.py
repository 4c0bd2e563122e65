"""The demo region's programmes: one per organization with its roadmap in progress, mentor selection and orders
where the school has a curator, and a municipal programme built with the constructor."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta

from services.programmes import constructor, orders, roadmap, selection
from services.programmes.access import Access
from services.programmes.constructor import FormsForm, GoalForm, ResultRow
from services.programmes.programme import ProgrammeForm, create_programme, get_programme
from services.programmes.records import Owner, ProgrammeRecord
from services.programmes.regional_catalogue import catalogue_choices
from services.programmes.roadmap import EventForm, ProgressForm
from services.programmes.tables import EventStatus
from services.registry import organization_curators, people_brief
from shared.actor import Actor
from shared.clock import school_year, today
from shared.db import Level, Scope, current_connection, rescope
from tenants import MUNICIPALITIES, OrganizationKind, Role

K = OrganizationKind
FORMS_BY_KIND: dict[str, tuple[str, ...]] = {
    K.school: ("pupil_pupil", "teacher_learner", "schoolteacher_schoolteacher"),
    K.college: ("student_student", "teacher_learner", "employer_student", "teacher_teacher"),
    K.additional: ("teacher_learner",),
    K.employer: ("employer_student",),
}
MODELS_BY_KIND: dict[str, tuple[str, ...]] = {
    K.school: ("achiever_underachiever", "leader_passive", "experienced_teacher_young_specialist"),
    K.college: ("peer_to_peer", "employer_future_employee", "experienced_teacher_young_specialist"),
    K.additional: (),
    K.employer: ("employer_future_employee", "colleague_future_colleague"),
}
PROBLEMS: dict[str, str] = {
    K.school: (
        "В школе 18 % обучающихся 5–9 классов имеют неудовлетворительные результаты по математике и русскому языку, "
        "а двое из пяти молодых учителей, пришедших за последние три года, уволились в первые два года работы."
    ),
    K.college: (
        "Каждый пятый студент первого курса отчисляется или переводится в первый год обучения; "
        "треть выпускников не трудоустраивается по специальности в течение года после выпуска."
    ),
    K.additional: (
        "Половина обучающихся бросает занятия в объединениях в первые три месяца; педагогам не хватает "
        "опыта в работе с подростками, не определившимися с интересами."
    ),
    K.employer: (
        "Предприятию ежегодно не хватает 30–40 молодых рабочих; студенты-практиканты не остаются на заводе "
        "после практики, потому что не видят перспектив."
    ),
}


def _goal(kind: str, deadline: date) -> GoalForm:
    measurable = {
        K.school: ("mentor_registry", "0", "8"),
        K.college: ("mentor_registry", "0", "12"),
        K.additional: ("mentees", "10", "40"),
        K.employer: ("mentor_candidates", "2", "10"),
    }[K(kind)]
    return GoalForm(
        goal={
            K.school: "Повысить успеваемость и закрепить молодых учителей: к концу учебного года 8 наставников "
            "в реестре и ни одного ухода молодых специалистов",
            K.college: "Снизить отсев первокурсников вдвое и закрепить выпускников у партнёров-работодателей",
            K.additional: "Удержать в объединениях не менее 80 % обучающихся, пришедших в сентябре",
            K.employer: "Подготовить из студентов-практикантов будущих сотрудников завода",
        }[K(kind)],
        smart_specific="Закрепление обучающихся и молодых педагогов через наставничество",
        smart_measurable="Число наставников в утверждённом реестре и доля оставшихся участников",
        smart_achievable="В организации есть опытные педагоги и активные старшеклассники, готовые быть наставниками",
        smart_relevant="Результат нужен для выполнения целевой модели и сохранения кадров",
        smart_time_bound=f"До {deadline:%d.%m.%Y}",
        target_indicator=measurable[0],
        target_baseline=measurable[1],
        target_value=measurable[2],
        target_deadline=deadline.strftime("%d.%m.%Y"),
    )


async def seed_programmes(region_id: UUID) -> None:
    """Idempotent: organizations that already have a programme are left as they are."""
    day = today()
    organizations = await current_connection().fetch(
        """SELECT o.id, o.municipality_id, o.kind, o.short_name, o.inn FROM organization o
           WHERE o.region_id = $1 AND o.kind <> 'municipal_body'
             AND NOT EXISTS (SELECT 1 FROM programme p WHERE p.organization_id = o.id) ORDER BY o.inn""",
        region_id,
    )
    for n, organization in enumerate(organizations):
        scope = Scope(Level.organization, None, region_id, organization["municipality_id"], organization["id"])
        await rescope(scope)
        actor = Actor(None, region_id, organization["id"], "seed-demo")
        rural_teachers = organization["short_name"] == "МОУ «Берёзовская ОШ»"
        await _organization_programme(actor, dict(organization), day, rural_teachers, approve=n % 4 != 3)
    await rescope(Scope.for_region(region_id))
    municipality = await current_connection().fetchrow(  # the demo municipal coordinator's municipality
        """SELECT m.id FROM municipality m WHERE m.region_id = $1 AND m.name = $2 AND NOT EXISTS (
               SELECT 1 FROM programme p WHERE p.region_id = $1 AND p.municipality_id IS NOT NULL)""",
        region_id,
        next(iter(MUNICIPALITIES)),
    )
    if municipality is not None:
        await rescope(Scope(Level.municipality, None, region_id, municipality["id"]))
        await _municipal_programme(Actor(None, region_id, None, "seed-demo"), municipality["id"], day)
    await rescope(Scope(Level.platform))


async def _organization_programme(
    actor: Actor, organization: dict[str, Any], day: date, rural_teachers: bool, *, approve: bool
) -> None:
    owner = Owner(organization_id=organization["id"])
    kind = organization["kind"]
    if rural_teachers:  # seed 001: the «учитель – учитель» roadmap runs from April to December
        start = date(day.year if day.month >= 4 else day.year - 1, 4, 1)
        end, template, title = date(start.year, 12, 31), "school_teacher_teacher", "Программа «Учитель – учитель»"
    else:  # each kind of organization starts from a roadmap in its own wording
        start, end = school_year(day)
        template = {"school": "school_004", "additional": "school_004", "college": "college_2020"}.get(kind, "")
        title = f"Программа наставничества на {start.year}/{end.year} учебный год"
    programme_id = await create_programme(
        actor, owner, ProgrammeForm(title, start.strftime("%d.%m.%Y"), end.strftime("%d.%m.%Y"), template)
    )
    programme = await get_programme(programme_id)
    await _fill_constructor(programme, kind, end - timedelta(days=31), rural_teachers)
    september = f"01.09.{start.year}"
    await roadmap.add_event(
        programme,
        EventForm(
            "1",
            "Назначить куратора наставнической деятельности приказом",
            "",
            september,
            f"15.09.{start.year}",
            "Директор",
            "Приказ о назначении куратора",
        ),
    )
    if int(organization["inn"]) % 3 == 0:
        await roadmap.add_event(
            programme,
            EventForm(
                "1",
                "Разместить раздел «Наставничество» на сайте организации",
                "",
                september,
                f"30.09.{start.year}",
                "Куратор",
                "Раздел сайта с Положением и программой",
            ),
        )
    await _progress_roadmap(
        programme_id, day, {"Обучение наставников", "Разместить раздел «Наставничество» на сайте организации"}
    )
    programme = await get_programme(programme_id)
    if approve:
        order_id = await orders.create_order(actor, programme, "approve_programme")
        await orders.register(actor, order_id, orders.RegisterForm("15-о", _signed(start, day)))
    staff = await selection.organization_staff(organization["id"])
    if staff[Role.curator] or await organization_curators(organization["id"]):
        await _selection(actor, await get_programme(programme_id), organization, staff, day, start)


def _signed(start: date, day: date) -> str:
    return min(start + timedelta(days=14), day).strftime("%d.%m.%Y")


async def _fill_constructor(programme: ProgrammeRecord, kind: str, deadline: date, rural_teachers: bool) -> None:
    audience = {
        K.school: "Обучающиеся 5–11 классов с трудностями в учёбе и адаптации; молодые учителя со стажем до 3 лет",
        K.college: "Студенты первого курса; студенты выпускных курсов; преподаватели со стажем до 3 лет",
        K.additional: "Обучающиеся 10–15 лет, пришедшие в объединения впервые",
        K.employer: "Студенты колледжей-партнёров, проходящие практику на предприятии",
    }[K(kind)]
    if rural_teachers:
        audience = "Молодые учителя и учителя, вновь принятые на работу"
    await constructor.save_text_step(programme, "problem", PROBLEMS[kind])
    await constructor.save_goal(programme, _goal(kind, deadline))
    await constructor.save_text_step(programme, "audience", audience)
    await constructor.save_results(
        programme,
        [
            ResultRow("pairs", "", "0", "10"),
            ResultRow("mentor_registry", "", "0", "8"),
            ResultRow("mentees", "", "0", "25"),
            ResultRow("events_held", "", "0", "20"),
            ResultRow("manual", "Доля молодых специалистов, оставшихся в организации, %", "60", "90", "75"),
        ],
        "Рост удовлетворённости участников и желания продолжать работу; наставляемые готовы стать наставниками",
    )
    await constructor.save_text_step(
        programme,
        "implementers",
        "Куратор наставнической деятельности, руководители методических объединений, педагог-психолог; "
        "соорганизатор — управление образования",
    )
    await constructor.save_text_step(
        programme, "resources", "Кабинет для встреч, методические материалы школы наставников, сайт организации"
    )
    forms, models = await catalogue_choices()
    form_codes = ("schoolteacher_schoolteacher",) if rural_teachers else FORMS_BY_KIND[kind]
    model_codes = ("experienced_teacher_young_specialist",) if rural_teachers else MODELS_BY_KIND[kind]
    await constructor.save_forms(
        programme,
        FormsForm(
            form_ids=[str(f.id) for f in forms if f.code in form_codes],
            role_model_ids=[str(m.id) for m in models if m.code in model_codes],
            max_mentees_per_mentor="2",
            group_work=kind == K.additional,
            max_pair_months="9" if rural_teachers else "12",
        ),
    )


async def _progress_roadmap(programme_id: UUID, day: date, forgotten: set[str]) -> None:
    """Past events done (the forgotten ones are overdue), long-started ones mostly done, the rest planned."""
    stages = await roadmap.roadmap(programme_id, day)
    events = [event for stage in stages for event in stage.events]
    for position, event in enumerate(events):
        if event.title in forgotten:
            continue
        started = (day - event.starts_on).days
        link = "/people?base=mentees" if "наставляемых" in event.expected_result else ""
        if event.ends_on < day:
            done_on = min(event.ends_on, day)
        elif event.starts_on <= day and started >= 20 and position % 3:
            done_on = event.starts_on + timedelta(days=20)
        else:
            if event.starts_on <= day <= event.ends_on:
                await roadmap.set_progress(programme_id, event.id, ProgressForm(EventStatus.in_progress))
            continue
        await roadmap.set_progress(programme_id, event.id, ProgressForm(EventStatus.done, link, ""), on=done_on)


async def _selection(
    actor: Actor,
    programme: ProgrammeRecord,
    organization: dict[str, Any],
    staff: dict[Role, list[selection.StaffMember]],
    day: date,
    start: date,
) -> None:
    """A lawful commission, applications with interviews and decisions, and the registry approved by order: the
    curator with an account sits on the commission, else the curator of the organization's base, named."""
    from tenants import get_organization

    head = (await get_organization(organization["id"])).head_name
    if staff[Role.curator]:
        account = staff[Role.curator][0]
        curator = selection.MemberInput("curator", "", "куратор наставничества", str(account.user_id))
    else:
        named = await people_brief((await organization_curators(organization["id"]))[:1])
        curator = selection.MemberInput("curator", next(iter(named.values())).full_name, "куратор наставничества")
    await selection.set_commission(
        actor,
        programme,
        [
            selection.MemberInput("chair", head, "директор"),
            curator,
            selection.MemberInput("member", "Григорьева Людмила Павловна", "педагог-психолог"),
            selection.MemberInput("member", "Тихонов Игорь Семёнович", "руководитель методического объединения"),
        ],
    )
    candidates = [c for c in await selection.candidates(programme) if c.consented][:6]
    applied = min(start + timedelta(days=30), day)
    for n, candidate in enumerate(candidates):
        application_id = await selection.apply(
            actor,
            programme,
            selection.ApplicationForm(
                person_id=str(candidate.id),
                applied_on=applied.strftime("%d.%m.%Y"),
                motivation="Хочу передать опыт и помочь адаптироваться тем, кто только начинает",
                education="Высшее педагогическое образование, курсы «Основы наставничества» (36 ч)",
                experience=f"Педагогический стаж {8 + n * 3} лет, руководство проектами обучающихся",
                achievements="Победитель муниципального конкурса «Педагог года»"
                if n == 0
                else "Грамота управления образования",
            ),
        )
        if n == len(candidates) - 1:
            continue  # one application still waits for its interview
        interviewed = min(applied + timedelta(days=5), day)
        await selection.record_interview(
            actor,
            programme.id,
            application_id,
            selection.InterviewForm(
                interviewed.strftime("%d.%m.%Y"),
                "Понимает задачи наставника, готов(а) выделять 2 часа в неделю",
                list(selection.PRINCIPLES)[: 8 - n % 3],
            ),
        )
        rejected = n == len(candidates) - 2
        await selection.decide(
            actor,
            programme,
            application_id,
            "rejected" if rejected else "approved",
            "Не может выделять время на встречи в этом году" if rejected else "",
            on=interviewed,
        )
    if not (await selection.registry(programme)).mentors:
        return
    # Every organization's head signed its registry's order: the public page lists the mentors it approved.
    order_id = await orders.create_order(actor, programme, "approve_registry")
    signed = min(applied + timedelta(days=10), day).strftime("%d.%m.%Y")
    number = "31-о" if organization["short_name"] == "МБОУ «СОШ № 1»" else f"{20 + int(organization['inn']) % 40}-о"
    await orders.register(actor, order_id, orders.RegisterForm(number, signed))
    if organization["short_name"] == "МБОУ «СОШ № 1»":
        # The curator prepared the roadmap's order and sent it: the head has it on the home page to sign.
        roadmap_order = await orders.create_order(actor, programme, "approve_roadmap")
        curator_actor = Actor(staff[Role.curator][0].user_id, actor.region_id, actor.organization_id, actor.ip)
        await orders.submit(curator_actor, roadmap_order, Access(Role.curator, Owner.of(programme)))


async def _municipal_programme(actor: Actor, municipality_id: UUID, day: date) -> None:
    """Built step by step with the constructor of seed 003, with the regional roadmap's stages as events."""
    start, end = school_year(day)
    owner = Owner(municipality_id=municipality_id)
    programme_id = await create_programme(
        actor,
        owner,
        ProgrammeForm(
            f"Муниципальная программа наставничества «Учитель остаётся» на {start.year}–{end.year + 1} годы",
            start.strftime("%d.%m.%Y"),
            (end + relativedelta(years=1)).strftime("%d.%m.%Y"),
            "level_003",  # the municipality's own seven stages
        ),
    )
    programme = await get_programme(programme_id)
    await constructor.save_text_step(
        programme,
        "problem",
        "25 % молодых учителей округа уходят из школ после первых двух лет работы; выпускники педагогических "
        "колледжей не идут работать в школы округа.",
    )
    await constructor.save_goal(
        programme,
        GoalForm(
            goal="Увеличить к концу 2027/2028 учебного года на 25 % число молодых учителей, остающихся работать "
            "в школах округа после первых двух лет",
            smart_specific="Закрепление молодых учителей в школах округа",
            smart_measurable="Доля молодых учителей, оставшихся после двух лет работы: с 60 % до 75 %",
            smart_achievable="В каждой школе есть опытные педагоги; управление образования берёт на себя обучение",
            smart_relevant="Без этого к 2030 году школам округа не хватит учителей начальных классов и математики",
            smart_time_bound="К 31.05.2028",
            target_indicator="manual",
            target_title="Доля молодых учителей, оставшихся в школах округа после двух лет работы, %",
            target_baseline="60",
            target_value="75",
            target_deadline="31.05.2028",
        ),
    )
    await constructor.save_text_step(programme, "audience", "Молодые учителя со стажем до 3 лет и выпускники колледжей")
    await constructor.save_results(
        programme,
        [
            ResultRow("mentor_registry", "", "0", "40"),
            ResultRow("organizations_in_programme", "", "0", "5"),
            ResultRow("events_held", "", "0", "60"),
            ResultRow("trained_mentors", "", "0", "60"),  # counted from the mentor school
            ResultRow("certified_curators", "", "0", "5"),  # counted from the curator certification
            ResultRow("contest_applicants", "", "2", "10"),  # counted from the contests' applications
        ],
        "Рост удовлетворённости молодых учителей и желания продолжать работать",
    )
    await constructor.save_text_step(
        programme,
        "implementers",
        "Муниципальный наставнический центр при управлении образования; кураторы школ; соорганизатор — "
        "Светлогорский политехнический колледж",
    )
    await constructor.save_text_step(
        programme, "resources", "Методист центра (0,5 ставки), площадка колледжа для школы наставников, сайт"
    )
    forms, models = await catalogue_choices()
    await constructor.save_forms(
        programme,
        FormsForm(
            form_ids=[str(f.id) for f in forms if f.code in ("schoolteacher_schoolteacher", "teacher_teacher")],
            role_model_ids=[str(m.id) for m in models if m.code == "experienced_teacher_young_specialist"],
        ),
    )
    await _progress_roadmap(programme_id, day, {"Создать цифровую базу наставников школы/ муниципалитета"})
