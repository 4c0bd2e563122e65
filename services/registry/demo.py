"""Demo people: mentees and mentors with consents in every demo organization, so the bases look alive."""

from __future__ import annotations

import random
from datetime import date, timedelta
from uuid import UUID

from services.registry import importer, questionnaires
from services.registry.consents import ConsentForm, give_consent, withdraw_consent
from services.registry.curators import ensure_curator_person
from services.registry.people import ADULT_AGE, CONSENTED, add_roles, archive_person
from services.registry.questionnaire_answers import save_answers
from services.registry.questionnaire_requests import templates as template_versions
from services.registry.tables import Category, ConsentKind, ParticipationRole
from services.registry.validation import age_on
from shared import clock
from shared.actor import Actor
from shared.db import Level, Scope, current_connection, rescope
from tenants import Role, list_people

SURNAMES_M = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Ёлкин",
]
NAMES_M = [
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Матвей",
    "Роман",
    "Егор",
    "Арсений",
    "Иван",
    "Денис",
    "Евгений",
    "Тимофей",
    "Владимир",
]
NAMES_F = [
    "Анастасия",
    "Мария",
    "Анна",
    "Виктория",
    "Екатерина",
    "Наталья",
    "Марина",
    "Полина",
    "Дарья",
    "Алиса",
    "Ксения",
    "Александра",
    "Елена",
    "Ольга",
    "Татьяна",
    "Софья",
    "Вероника",
    "Ирина",
    "Алёна",
]
PATRONYMICS = [
    "Александров",
    "Дмитриев",
    "Сергеев",
    "Андреев",
    "Алексеев",
    "Михайлов",
    "Иванов",
    "Николаев",
    "Викторов",
    "Петров",
    "Владимиров",
    "Юрьев",
]
SUBJECTS = [
    "математика",
    "русский язык и литература",
    "физика",
    "химия",
    "биология",
    "история",
    "информатика",
    "английский язык",
    "география",
    "физическая культура",
    "начальные классы",
]
COLLEGE_POSITIONS = ["преподаватель", "мастер производственного обучения"]
RELATIONS = [("мать", "female"), ("отец", "male")]


def person_name(rng: random.Random, sex: str) -> tuple[str, str, str]:
    """A surname, a name and a patronymic of the given sex (also the synthetic region's)."""
    surname = rng.choice(SURNAMES_M)
    if sex == "female":
        surname = surname + "а"
        return surname, rng.choice(NAMES_F), rng.choice(PATRONYMICS) + "на"
    return surname, rng.choice(NAMES_M), rng.choice(PATRONYMICS) + "ич"


def _rows(rng: random.Random, kind: str, today: date) -> list[list[str]]:
    header = [
        "Фамилия",
        "Имя",
        "Отчество",
        "Дата рождения",
        "Пол",
        "Категория",
        "Класс",
        "Должность",
        "Предмет",
        "Стаж",
        "Компания",
        "Роль",
        "Электронная почта",
    ]
    rows = [header]
    mentees = {"school": 14, "college": 14, "additional": 8, "employer": 0, "municipal_body": 0}[kind]
    mentors = {"school": 7, "college": 7, "additional": 4, "employer": 4, "municipal_body": 2}[kind]
    for n in range(mentees):
        sex = rng.choice(["male", "female"])
        surname, name, patronymic = person_name(rng, sex)
        if kind == "college":
            age, grade = rng.randint(16, 19), f"{rng.randint(1, 4)} курс"
        else:
            age = rng.randint(11, 17)
            grade = f"{age - 6}{rng.choice('АБВ')}"
        born = today - timedelta(days=365 * age + rng.randint(0, 360))
        rows.append(
            [
                surname,
                name,
                patronymic,
                born.strftime("%d.%m.%Y"),
                "м" if sex == "male" else "ж",
                "обучающийся",
                grade,
                "",
                "",
                "",
                "",
                "наставляемый",
                "",
            ]
        )
        if kind == "school" and n < 2:  # a young teacher who asked for a mentor
            sex = rng.choice(["male", "female"])
            surname, name, patronymic = person_name(rng, sex)
            born = today - timedelta(days=365 * rng.randint(23, 27))
            rows.append(
                [
                    surname,
                    name,
                    patronymic,
                    born.strftime("%d.%m.%Y"),
                    "м" if sex == "male" else "ж",
                    "педагог",
                    "",
                    "учитель",
                    rng.choice(SUBJECTS),
                    str(rng.randint(0, 2)),
                    "",
                    "наставляемый",
                    "",
                ]
            )
    if kind in ("school", "college"):  # a senior pupil or a student mentors a younger one (ученик – ученик)
        sex = rng.choice(["male", "female"])
        surname, name, patronymic = person_name(rng, sex)
        age = rng.randint(16, 17)
        born = today - timedelta(days=365 * age + rng.randint(0, 300))
        grade = f"{rng.randint(2, 3)} курс" if kind == "college" else f"{age - 6}А"
        rows.append(
            [
                surname,
                name,
                patronymic,
                born.strftime("%d.%m.%Y"),
                "м" if sex == "male" else "ж",
                "обучающийся",
                grade,
                "",
                "",
                "",
                "",
                "наставник",
                "",
            ]
        )
    for _ in range(mentors):
        sex = rng.choice(["male", "female"])
        surname, name, patronymic = person_name(rng, sex)
        born = today - timedelta(days=365 * rng.randint(30, 60))
        if kind == "employer":
            row = ["представитель работодателя", "", "инженер-технолог", "", "", "АО «СМЗ»"]
        elif kind == "college":
            row = ["педагог", "", rng.choice(COLLEGE_POSITIONS), rng.choice(SUBJECTS), str(rng.randint(5, 30)), ""]
        else:
            row = ["педагог", "", "учитель", rng.choice(SUBJECTS), str(rng.randint(5, 35)), ""]
        email = f"{rng.randint(1000, 9999)}@demo.local"
        rows.append(
            [
                surname,
                name,
                patronymic,
                born.strftime("%d.%m.%Y"),
                "м" if sex == "male" else "ж",
                *row,
                "наставник",
                email,
            ]
        )
    return rows


async def seed_people(region_id: UUID) -> None:
    """Idempotent: an organization that already has people is left as it is. Runs under a platform scope."""
    organizations = await current_connection().fetch(
        """SELECT o.id, o.municipality_id, o.kind, o.inn FROM organization o WHERE o.region_id = $1
           AND NOT EXISTS (SELECT 1 FROM participation pa WHERE pa.organization_id = o.id) ORDER BY o.inn""",
        region_id,
    )
    today = clock.today()
    for organization in organizations:
        rng = random.Random(organization["inn"])  # noqa: S311 - demo data, not secrets; the same on every run
        scope = Scope(Level.organization, None, region_id, organization["municipality_id"], organization["id"])
        await rescope(scope)
        actor = Actor(None, region_id, organization["id"], "seed-demo")
        prepared = importer.prepare(_rows(rng, organization["kind"], today))
        await importer.commit(actor, scope, prepared)
        people = await current_connection().fetch(
            """SELECT p.id, p.birth_date, p.sex, p.category, EXISTS (
                      SELECT 1 FROM participation pa WHERE pa.person_id = p.id AND pa.organization_id = $1
                      AND pa.role IN ('mentor_candidate', 'mentor')) AS mentor
               FROM person p WHERE p.organization_id = $1 ORDER BY p.sort_key""",
            organization["id"],
        )
        for number, person in enumerate(people, start=1):
            if rng.random() < 0.15:
                continue  # a few have not returned the signed consent yet
            day = today - timedelta(days=rng.randint(20, 80))
            given_on = day.strftime("%d.%m.%Y")
            age = age_on(person["birth_date"], day)
            minor = age is not None and age < ADULT_AGE
            if minor:
                relation, sex = rng.choice(RELATIONS)
                surname, name, patronymic = person_name(rng, sex)
                form = ConsentForm(
                    given_by="representative",
                    representative_name=f"{surname} {name} {patronymic}",
                    representative_relation=relation,
                    representative_document=f"паспорт {rng.randint(8400, 8499)} {rng.randint(100000, 999999)}",
                    given_on=given_on,
                )
            else:
                form = ConsentForm(given_on=given_on)
            for kind in (ConsentKind.personal_data, ConsentKind.participation):
                form.kind = kind.value
                await give_consent(actor, person["id"], form)
            if person["mentor"] and person["category"] == Category.staff:  # ст. 351.8 ТК РФ: with its agreement
                agreement = ConsentForm(
                    kind=ConsentKind.staff_duties.value,
                    given_on=given_on,
                    agreement_number=f"{number}-Н",
                    agreement_date=given_on,
                )
                await give_consent(actor, person["id"], agreement)
        await _answer_questionnaires(rng, actor, organization["id"])
        if organization["kind"] in ("school", "college"):
            # Mentors who passed selection are in the registry: the same three on every run, consenting ones first.
            await current_connection().execute(
                """UPDATE participation SET role = 'mentor' WHERE id IN (
                   SELECT pa.id FROM participation pa
                   JOIN person p ON p.region_id = pa.region_id AND p.id = pa.person_id
                   WHERE pa.organization_id = $1 AND pa.role = 'mentor_candidate' AND p.category <> 'learner'
                   ORDER BY NOT EXISTS (SELECT 1 FROM consent c WHERE c.person_id = p.id AND c.withdrawn_on IS NULL),
                            p.sort_key, p.birth_date LIMIT 3)""",
                organization["id"],
            )
        wishing = await current_connection().fetchval(
            """SELECT pa.person_id FROM participation pa JOIN person p ON p.region_id = pa.region_id
                      AND p.id = pa.person_id
               WHERE pa.organization_id = $1 AND pa.role = 'mentor_candidate' AND p.category = 'staff'
               ORDER BY p.sort_key LIMIT 1""",
            organization["id"],
        )
        if wishing is not None and organization["kind"] in ("school", "college"):  # wishes to become a curator
            await add_roles(actor, organization["id"], wishing, [ParticipationRole.curator_candidate])
        await _curators(rng, actor, organization["kind"], today)
    await rescope(Scope(Level.platform))


CURATOR_POSITIONS = {
    "school": "заместитель директора по воспитательной работе",
    "college": "заместитель директора по учебно-производственной работе",
    "additional": "методист",
    "employer": "руководитель службы наставничества",
}


async def _curators(rng: random.Random, actor: Actor, kind: str, today: date) -> None:
    """The curators with accounts are in the aggregated base; an organization without one has its curator,
    appointed by the head's order, in its base all the same. Each has consented to processing and to taking part."""
    assert actor.organization_id is not None
    people = []
    for account in await list_people(actor.organization_id):
        if account.role == Role.curator:
            people.append(await ensure_curator_person(actor, account.surname, account.name, account.patronymic))
    if not people and kind in CURATOR_POSITIONS:
        surname, name, patronymic = person_name(rng, "female")
        person_id = await ensure_curator_person(actor, surname, name, patronymic)
        await current_connection().execute(
            "UPDATE person SET position = $2 WHERE id = $1", person_id, CURATOR_POSITIONS[kind]
        )
        people.append(person_id)
    given_on = (today - timedelta(days=60)).strftime("%d.%m.%Y")
    for person_id in people:
        if person_id is None:
            continue
        for consent in (ConsentKind.personal_data, ConsentKind.participation):
            if not await current_connection().fetchval(
                "SELECT EXISTS (SELECT 1 FROM consent WHERE person_id = $1 AND kind = $2 AND withdrawn_on IS NULL)",
                person_id,
                consent.value,
            ):
                await give_consent(actor, person_id, ConsentForm(kind=consent.value, given_on=given_on))


MENTEE_WISHES = [
    "Подтянуть математику к экзаменам",
    "Научиться выступать перед классом",
    "Выбрать профессию",
    "Сделать свой первый проект",
    "Найти друзей в новом классе",
    "Разобраться с физикой",
]
MOTIVATIONS = [
    "Хочу передать опыт молодым коллегам",
    "Нравится видеть, как растут ученики",
    "Сам когда-то получил помощь наставника",
    "Хочу развивать проектную работу в школе",
]


async def _answer_questionnaires(rng: random.Random, actor: Actor, organization_id: UUID) -> None:
    """Most consenting people have filled the questionnaire of their base, as the curator would have asked."""
    templates = {t.code: t for t in await template_versions()}
    people = await current_connection().fetch(
        f"""SELECT p.id, array_agg(pa.role) AS roles FROM person p JOIN participation pa ON pa.person_id = p.id
            WHERE pa.organization_id = $1 AND {CONSENTED} GROUP BY p.region_id, p.id ORDER BY p.sort_key""",
        organization_id,
    )
    for n, person in enumerate(people):
        if n and rng.random() < 0.2:  # the first always answers: every organization has answers to show
            continue
        tags = rng.sample(questionnaires.COMPETENCIES, 3)
        if "mentee_candidate" in person["roles"]:
            code = "mentee_needs"
            data = {
                "results": [str(rng.randint(4, 9))],
                "wishes": [rng.choice(MENTEE_WISHES)],
                "tags": tags,
                "time": [rng.choice(questionnaires.TIMES)],
            }
        else:
            code = "mentor_offer"
            data = {
                "experience": [rng.choice(["да, регулярный", "да, эпизодический", "нет"])],
                "motivation": [rng.choice(MOTIVATIONS)],
                "tags": tags,
                "frequency": [rng.choice(questionnaires.FREQUENCY)],
                "hours": [str(rng.randint(4, 12))],
                "mentee_age": [rng.choice(["13–15 лет", "16–18 лет", "молодые педагоги"])],
                "time": rng.sample(questionnaires.TIMES, 2),
                "training": rng.sample(questionnaires.TRAINING, 2),
            }
        template = templates[code]
        answers, found_tags, errors = questionnaires.check_answers(template.body, data)
        assert not errors, errors
        await save_answers(actor, person["id"], template.id, answers, found_tags)


async def seed_retention(region_id: UUID) -> bool:
    """A few people of two schools withdrew their consents or were archived long ago, so the regional
    coordinator's page of destruction has something already destroyed (the caller runs the destruction) and
    something falling due. False when the region has it already. Leaves the transaction under the region's scope."""
    await rescope(Scope.for_region(region_id))
    connection = current_connection()
    if await connection.fetchval(
        """SELECT EXISTS (SELECT 1 FROM consent WHERE region_id = $1 AND withdrawn_on IS NOT NULL)
               OR EXISTS (SELECT 1 FROM person WHERE region_id = $1 AND destroyed_at IS NOT NULL)""",
        region_id,
    ):
        return False
    today = clock.today()
    schools = await connection.fetch(
        "SELECT id FROM organization WHERE region_id = $1 AND kind = 'school' ORDER BY inn", region_id
    )
    seeded = 0
    for school in schools:
        actor = Actor(None, region_id, school["id"], "seed-demo")
        # People of this school only, in no pair, application or registry, and not a demo account's.
        people = await connection.fetch(
            """SELECT p.id FROM person p
               WHERE p.region_id = $1 AND p.organization_id = $2 AND p.merged_into IS NULL
                 AND p.email NOT LIKE '%@demo.local'
                 AND NOT EXISTS (SELECT 1 FROM participation pa WHERE pa.person_id = p.id
                                 AND (pa.organization_id <> $2 OR pa.role IN ('mentor', 'curator')))
                 AND NOT EXISTS (SELECT 1 FROM mentorship m WHERE m.mentor_id = p.id)
                 AND NOT EXISTS (SELECT 1 FROM mentorship_mentee mm WHERE mm.mentee_id = p.id)
                 AND NOT EXISTS (SELECT 1 FROM mentor_application a WHERE a.person_id = p.id)
                 AND EXISTS (SELECT 1 FROM consent c WHERE c.person_id = p.id)
                 AND NOT EXISTS (SELECT 1 FROM consent c WHERE c.person_id = p.id AND c.given_on > $3)
               ORDER BY p.sort_key LIMIT 5""",
            region_id,
            school["id"],
            today - timedelta(days=40),
        )
        ids = [row["id"] for row in people]
        if len(ids) < 5:
            continue  # most of this school's people are in pairs: the next one shows it
        # Two withdrew five weeks ago (destroyed), one twelve days ago (due in eighteen days).
        for person_id, days_ago in zip(ids[:3], (35, 35, 12), strict=False):
            for consent in await connection.fetch("SELECT id FROM consent WHERE person_id = $1", person_id):
                on = (today - timedelta(days=days_ago)).strftime("%d.%m.%Y")
                await withdraw_consent(actor, person_id, consent["id"], on)
        # One left three years ago (destroyed), one a fortnight before the region's period runs out.
        for person_id, days_ago in zip(ids[3:], (1100, 1080), strict=False):
            await archive_person(actor, person_id)
            await connection.execute(
                """UPDATE participation SET since = $2, archived_at = now() - make_interval(days => $3)
                   WHERE person_id = $1""",
                person_id,
                today - timedelta(days=days_ago + 400),
                days_ago,
            )
        seeded += 1
        if seeded == 2:
            break
    return True
