"""The demo region's pairs: formed by the matching, approved by order, meeting with plans and feedback; some lapse,
so the rhythm alerts and the curator's home show something real. The demo mentor and mentee get a pair too."""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta
from uuid import UUID

from services import matching, mentoring, programmes, registry
from services.mentoring import MEETINGS, MeetingForm, MeetingFormat, MeetingKind
from services.programmes import ProgrammeRecord
from services.registry import check_answers
from shared.actor import Actor
from shared.clock import today
from shared.db import Level, Scope, current_connection, rescope
from shared.errors import ValidationFailed
from shared.settings import get_settings
from tenants import ACCOUNTS, Role

# Where some pairs have already finished: the demo curator's school and a college.
FINISHING = ("МБОУ «СОШ № 1»", "ГПОУ «Светлогорский политехнический колледж»")
DEMO_MENTEE = next(email for email, *_, roles in ACCOUNTS if any(role == Role.mentee for role, *_ in roles))
DEMO_MENTOR = next(email for email, *_, roles in ACCOUNTS if any(role == Role.mentor for role, *_ in roles))
ANSWERS: dict[str, list[str]] = {
    "ready": ["Да, договорились работать вместе", "Да, нашли общие интересы"],
    "goal": ["Разобраться с трудными темами по математике", "Подготовить проект к конференции"],
    "next": ["Через неделю после уроков", "В четверг в 15:00"],
    "worked": ["Разобрали две задачи вместе", "Составили список вопросов"],
    "liked": ["Спокойный разговор без оценок", "Практические примеры"],
    "closer": ["Да, стало понятнее", "Немного: нужно больше практики", "Да"],
    "good": ["Разобрали домашнее задание", "Подготовили план выступления", "Провели пробный урок"],
    "change": ["Встречаться чаще", "Начинать с повторения"],
    "feeling": ["Уверенно", "Спокойно, с интересом", "Устал, но доволен"],
    "todo": ["Решить три задачи", "Дописать введение проекта", "Подобрать материалы к уроку"],
    "agreements": ["Встречаемся раз в неделю, переписываемся в мессенджере", "Цель — открытый урок к весне"],
    "meetings": ["Около 15 встреч, очно и онлайн"],
}
WISHES = [
    {
        "wish": "Уверенно решать задачи ОГЭ",
        "have": "Учебник, желание",
        "lack": "Понимания темы «функции»",
        "measure": "Пробный ОГЭ на 4",
        "time": "3 месяца",
    },
    {
        "wish": "Выступить на школьной конференции",
        "have": "Идея проекта",
        "lack": "Опыта выступлений",
        "measure": "Доклад принят",
        "time": "2 месяца",
    },
]
GOALS = [
    {
        "goal": "Подтянуть математику",
        "result": "Оценка за четверть не ниже 4",
        "actions": "Еженедельный разбор задач",
        "deadline": "до конца четверти",
        "indicators": "Решено 30 задач",
        "done": "Разобрано 12 задач",
    },
    {
        "goal": "Подготовить проект",
        "result": "Проект представлен на конференции",
        "actions": "План, черновик, репетиция",
        "deadline": "март",
        "indicators": "Готовый доклад и презентация",
        "done": "План составлен",
    },
]


async def seed_pairs(region_id: UUID) -> None:
    """Idempotent: programmes that already have pairs are left as they are."""
    day = today()
    rows = await current_connection().fetch(
        """SELECT p.id, p.organization_id, o.municipality_id, o.inn, o.short_name FROM programme p
           JOIN organization o ON o.region_id = p.region_id AND o.id = p.organization_id
           WHERE p.region_id = $1 AND NOT EXISTS (SELECT 1 FROM mentorship m WHERE m.programme_id = p.id)
           ORDER BY o.inn""",
        region_id,
    )
    for row in rows:
        scope = Scope(Level.organization, None, region_id, row["municipality_id"], row["organization_id"])
        await rescope(scope)
        actor = Actor(None, region_id, row["organization_id"], "seed-demo")
        await _demo_accounts(actor, scope, row["short_name"])
        programme = await programmes.get_programme(row["id"])
        finish = row["short_name"] in FINISHING
        await _pairs(actor, programme, random.Random(row["inn"]), day, finish)  # noqa: S311 - demo data
    await rescope(Scope.for_region(region_id))
    await mentoring.find_lapses(day)
    await _pulses(region_id, day)
    await rescope(Scope(Level.platform))


async def _pulses(region_id: UUID, day: date) -> None:
    """The pulse rounds due by today went out and most people answered through their links; a few answers put
    their pairs on the curators' at-risk lists."""
    secret_key = get_settings().secret_key
    for n, item in enumerate(await mentoring.pulse.due(day)):
        sent = await mentoring.pulse.send(region_id, item, secret_key)
        if sent is None or n % 6 == 5:  # not everybody has answered yet
            continue
        answer = {"useful": [str(7 + n % 4)], "continue": ["да"]}
        if n % 10 == 3:
            answer = {"useful": ["3"], "continue": ["пока не знаю"]}
        elif n % 17 == 8:
            answer = {"useful": ["5"], "continue": ["нет"]}
        await registry.submit_questionnaire(sent.token, answer)


async def _demo_accounts(actor: Actor, scope: Scope, organization: str) -> None:
    """The documented mentor and mentee logins need their records in the organization's base."""
    for email, surname, name, patronymic, roles in ACCOUNTS:
        for role, _, place in roles:
            if place != organization or role not in (Role.mentor, Role.mentee):
                continue
            if await mentoring.person_of(email, actor.organization_id or UUID(int=0), mentor=role == Role.mentor):
                continue
            mentee = role == Role.mentee
            form = registry.PersonForm(
                surname=surname,
                name=name,
                patronymic=patronymic,
                email=email,
                birth_date=f"14.03.{today().year - 15}" if mentee else "",
                category="learner" if mentee else "staff",
                class_or_course="9А" if mentee else "",
                position="" if mentee else "учитель информатики",
                subject="" if mentee else "информатика",
                roles=["mentee_candidate" if mentee else "mentor"],
            )
            person_id, _ = await registry.create_person(actor, scope, form)
            consent = registry.ConsentForm(
                given_by="representative" if mentee else "self",
                representative_name="Лебедева Ольга Ивановна" if mentee else "",
                representative_relation="мать" if mentee else "",
                representative_document="паспорт" if mentee else "",
                given_on=f"01.09.{today().year}",
            )
            await registry.give_consent(actor, person_id, consent)


async def _pairs(actor: Actor, programme: ProgrammeRecord, rng: random.Random, day: date, finish: bool) -> None:
    if not programme.form_ids or programme.organization_id is None:
        return
    demo_mentee = await mentoring.person_of(DEMO_MENTEE, programme.organization_id, mentor=False)
    demo_mentor = await mentoring.person_of(DEMO_MENTOR, programme.organization_id, mentor=True)
    if demo_mentee and demo_mentor:  # they chose each other at the group meeting
        await matching.record_choices(actor, programme, str(demo_mentee), [str(demo_mentor)])
        await matching.record_choices(actor, programme, str(demo_mentor), [str(demo_mentee)])
    await _consents(actor, programme, rng)
    run_id = await matching.run(actor, programme, "count", matching.default_weights())
    latest = await matching.latest_run(programme.id)
    proposals = latest.proposals if latest else []
    start = max(min(programme.starts_on + timedelta(days=40), day - timedelta(days=25)), programme.starts_on)
    proposals.sort(key=lambda p: p.mentee_id != str(demo_mentee))  # the demo mentee's pair comes first
    accepted = []
    for proposal in proposals[:7]:
        accepted.append(await matching.accept(actor, programme, run_id, proposal.mentee_id, day))
    if not accepted:
        return
    approved = accepted[:-1] if len(accepted) > 2 else accepted  # with enough pairs, the last one stays a draft
    order_id = await mentoring.request_approval(actor, programme, approved)
    signed = min(start, day).strftime("%d.%m.%Y")
    await programmes.register(actor, order_id, programmes.RegisterForm(f"{40 + rng.randint(1, 9)}-о", signed))
    await _age(approved, (day - start).days)  # formed today by the rules, these pairs have worked since `start`
    if programme.ends_on - programme.starts_on < timedelta(days=300):
        # A short programme (seed 001): its pairs end with it, after the three months of joint work.
        await current_connection().execute(
            "UPDATE mentorship SET ends_on = $2 WHERE id = ANY($1::uuid[])",
            approved,
            max(mentoring.earliest_end(start), min(programme.ends_on, day + timedelta(days=25))),
        )
    for n, pair_id in enumerate(approved):
        await _meetings(actor, pair_id, start, day, rng, lapsing=n % 4 == 3, short=n == 2)
        await mentoring.save_plan(actor, pair_id, "wish", [WISHES[n % 2]])
        await mentoring.save_plan(actor, pair_id, "goal", [GOALS[n % 2]])
    if finish and len(approved) >= 3 and programme.organization_id is not None:
        # A mentee of the demo curator's school asks for another mentor: the request waits on the curator's home.
        pair = (await mentoring.pair_card(approved[2])).pair
        if str(pair.mentee_ids[0]) != str(demo_mentee):
            reason = "Мы не совпадаем по времени: наставник занят после уроков, когда я свободна"
            await mentoring.requests.ask(actor, pair.id, pair.mentee_ids[0], reason)
    if finish and len(approved) >= 2:
        # A short-term pair completed, another ended early by agreement.
        await _finish(actor, approved[0], day, rng)
        await mentoring.end_early(
            approved[1], "Необходимые компетенции освоены досрочно", True, True, day - timedelta(days=7)
        )


async def _consents(actor: Actor, programme: ProgrammeRecord, rng: random.Random) -> None:
    """Before any pair, the people of the bases consent to take part (a minor's representative for them), and each
    staff mentor signs the additional agreement on the duties of a mentor."""
    mentors, mentees = await mentoring.eligible(programme)
    given_on = (programme.starts_on - timedelta(days=5)).strftime("%d.%m.%Y")
    assert programme.organization_id is not None
    people = [*mentors, *mentees]
    taking_part = await mentoring.participating(programme.organization_id, [p.id for p in people])
    for person in people:
        if not person.consented or person.id in taking_part:
            continue
        try:
            await registry.give_consent(actor, person.id, registry.ConsentForm(kind="participation", given_on=given_on))
        except ValidationFailed as exc:
            if "given_by" not in exc.errors:
                continue
            representative = registry.ConsentForm(
                kind="participation",
                given_by="representative",
                representative_name=f"{person.full_name.split()[0]} (родитель)",
                representative_relation="мать",
                representative_document="паспорт",
                given_on=given_on,
            )
            with contextlib.suppress(ValidationFailed):
                await registry.give_consent(actor, person.id, representative)
    for person in mentors:
        if person.consented and person.category == registry.Category.staff:
            agreement = registry.ConsentForm(
                kind="staff_duties",
                given_on=given_on,
                agreement_number=f"{rng.randint(10, 99)}-НС",
                agreement_date=given_on,
            )
            with contextlib.suppress(ValidationFailed):
                await registry.give_consent(actor, person.id, agreement)


async def _age(pair_ids: list[UUID], days: int) -> None:
    """The demo's history: pairs put to work today by the rules are moved `days` back, as if formed then."""
    if days <= 0:
        return
    await current_connection().execute(
        """UPDATE mentorship SET starts_on = starts_on - $2::integer, ends_on = ends_on - $2::integer,
                  approved_on = approved_on - $2::integer WHERE id = ANY($1::uuid[])""",
        pair_ids,
        days,
    )
    await current_connection().execute(
        "UPDATE mentor_change SET since = since - $2::integer WHERE mentorship_id = ANY($1::uuid[])", pair_ids, days
    )


async def _finish(actor: Actor, pair_id: UUID, day: date, rng: random.Random) -> None:
    """The final meeting with its 10-point scale, completion, and both sides' satisfaction questionnaires."""
    final = MeetingForm(
        kind=MeetingKind.final,
        held_on=(day - timedelta(days=3)).strftime("%d.%m.%Y"),
        minutes="90",
        curator_present=True,
        answers={"valuable": "Поддержка и честная обратная связь", "results": "Провела открытый урок"},
        closeness="8",
        wants_to_mentor=True,
    )
    await mentoring.record_meeting(actor, pair_id, final)
    await mentoring.complete(pair_id, day - timedelta(days=2))
    pair = (await mentoring.pair_card(pair_id)).pair
    templates = {t.code: t for t in await registry.templates()}
    surveys = [
        (pair.mentor_id, "satisfaction_mentor", ("organization", "mentee_progress", "own_growth"), "continue"),
        *((m, "satisfaction_mentee", ("mentor", "goals", "meetings"), "recommend") for m in pair.mentee_ids),
    ]
    for person_id, code, scales, yes_no in surveys:
        data = {scale: [str(rng.randint(7, 10))] for scale in scales} | {yes_no: ["да"]}
        answers, tags, errors = check_answers(templates[code].body, data)
        assert not errors, errors
        await registry.save_answers(actor, person_id, templates[code].id, answers, tags)


async def _meetings(
    actor: Actor, pair_id: UUID, start: date, day: date, rng: random.Random, *, lapsing: bool, short: bool
) -> None:
    """Знакомство, пробная, планирование, then regular meetings about weekly; a lapsing pair stopped weeks ago."""
    plan = [(MeetingKind.acquaintance, 0, 35), (MeetingKind.trial, 6, 50), (MeetingKind.planning, 12, 80)]
    offset = 20
    stop = (day - start).days - (24 if lapsing else 3)
    while offset <= stop:
        plan.append((MeetingKind.regular, offset, rng.choice((60, 60, 75, 90))))
        offset += rng.choice((6, 7, 8, 10))
    for number, (kind, days, minutes) in enumerate(plan):
        held = start + timedelta(days=days)
        if held > day:
            break
        remote = kind == MeetingKind.regular and number % 3 == 0
        if short and kind == MeetingKind.regular and number == len(plan) - 1:
            minutes, remote = 40, False  # one in-person meeting under an hour: flagged
        answers = {code: rng.choice(ANSWERS[code]) for code, _ in MEETINGS[kind].questions if code in ANSWERS}
        form = MeetingForm(
            kind=kind,
            held_on=held.strftime("%d.%m.%Y"),
            minutes=str(30 if remote else minutes),
            format=MeetingFormat.chat if remote else MeetingFormat.in_person,
            curator_present=MEETINGS[kind].curator,
            answers={f"{code}": text for code, text in answers.items()},
        )
        await mentoring.record_meeting(actor, pair_id, form)
