"""The demo's case library: thirteen cases of the region's schools, colleges and centres (eleven published, one awaiting
Светлогорск's approval, one draft returned with a comment) and the «методическая копилка» of the region and of
Светлогорск: memos, meeting scripts and a workbook as small DOCX files. The texts follow the seeds' programmes
(002's forms and meeting scripts, 004's roadmaps). The cases are written through the domain's rules; the approvals
are seeded as stored data, with their dates."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from uuid import UUID
from xml.sax.saxutils import escape

from services.cases import library
from services.programmes import catalogue_choices
from shared.actor import Actor
from shared.clock import now, today
from shared.db import Level, Scope, current_connection, rescope

# (organization, form code, role model code, title, problem, goals, what was done, results, quotes, tags, status)
CASES: list[tuple[str, str, str, str, str, str, str, str, str, list[str], str]] = [
    (
        "МБОУ «СОШ № 1»",
        "teacher_teacher",
        "experienced_teacher_young_specialist",
        "Первый год без выгорания: наставник для молодого учителя математики",
        "Молодые учителя уходят из школы в первые два года: трудности с дисциплиной, планированием уроков и общением "
        "с родителями.",
        "Закрепить молодого специалиста в школе, снизить его тревожность, освоить приёмы управления классом.",
        "Знакомство и пробная встреча, индивидуальный план развития, взаимопосещение уроков раз в две недели, разбор "
        "видеозаписей уроков, совместная подготовка к родительскому собранию, открытый урок в конце года.",
        "Молодой учитель остался в школе и взял классное руководство; замечаний администрации на уроках стало вдвое "
        "меньше; успеваемость его классов выросла с 3,6 до 3,9.",
        "«Я перестала бояться класса: теперь знаю, что делать, если урок пошёл не по плану». — наставляемая",
        ["адаптация", "молодой педагог", "математика"],
        "published",
    ),
    (
        "МБОУ «СОШ № 1»",
        "learner_learner",
        "achiever_underachiever",
        "Старшеклассник рядом: пара «ученик – ученик» для пятиклассника",
        "Пятиклассник после перехода из начальной школы стал получать тройки по русскому языку и перестал ходить на "
        "внеурочные занятия.",
        "Вернуть интерес к учёбе, подтянуть русский язык, помочь освоиться в средней школе.",
        "Наставник-девятиклассник встречался с наставляемым после уроков: знакомство, пробное занятие, план на "
        "четверть; регулярные встречи с разбором домашних заданий, вместе готовили выступление на школьной "
        "конференции; итоговая встреча с куратором.",
        "Оценки по русскому языку выросли с «3» до «4»; наставляемый выступил на конференции и записался в "
        "кружок; по мониторингу влияния его уверенность и учебная мотивация выросли.",
        "«С ним можно было спросить то, что стесняешься спросить у учителя». — наставляемый",
        ["адаптация", "успеваемость", "ученик – ученик"],
        "published",
    ),
    (
        "МБОУ «Гимназия № 3»",
        "learner_learner",
        "achiever_underachiever",
        "Старшеклассники помогают пятиклассникам войти в среднюю школу",
        "При переходе из начальной школы пятиклассники теряют мотивацию, растёт число троек по русскому языку.",
        "Поддержать пятиклассников в адаптации, поднять успеваемость по русскому языку и математике.",
        "Десятиклассники-наставники вели группы по три ученика: встречи дважды в неделю после уроков, игры на "
        "знакомство, разбор домашних заданий, совместный проект «Гимназия, которую я знаю».",
        "У 14 из 18 наставляемых выросли оценки по русскому языку; наставники защитили индивидуальные проекты о "
        "своей работе; трое пятиклассников сами хотят стать наставниками.",
        "«Мне было проще спросить у Насти, чем у учителя». — наставляемый, 5 класс",
        ["адаптация", "успеваемость", "ученик – ученик"],
        "published",
    ),
    (
        "МБОУ «Гимназия № 3»",
        "teacher_teacher",
        "innovator_conservative_teacher",
        "Цифровая лаборатория: молодые педагоги учат опытных коллег",
        "Опытные учителя не используют цифровые инструменты, хотя школа получила оборудование «Точки роста».",
        "Научить педагогов со стажем более 20 лет проводить уроки с цифровыми лабораториями.",
        "Обратное наставничество: пять молодых педагогов провели серию мастер-классов, затем каждый сопровождал "
        "коллегу на трёх уроках; встречи в формате «вопрос – демонстрация – практика».",
        "Девять педагогов провели уроки с цифровыми лабораториями; оборудование используется на 70 % уроков физики "
        "и биологии вместо 15 %.",
        "«Оказалось, что это не страшно, если рядом человек, который не торопит». — педагог со стажем 27 лет",
        ["обратное наставничество", "цифровые технологии", "точка роста"],
        "published",
    ),
    (
        "ГПОУ «Светлогорский политехнический колледж»",
        "employer_student",
        "employer_future_employee",
        "Наставник с завода: от практики до первого рабочего места",
        "Выпускники колледжа по специальности «Сварочное производство» не идут работать на предприятия региона.",
        "Трудоустроить выпускников на АО «СМЗ», сократить срок их адаптации на производстве.",
        "Инженеры завода вели студентов третьего курса: экскурсии в цеха, производственная практика под "
        "руководством наставника, совместный проект по улучшению участка, защита проекта перед руководством завода.",
        "Из 12 студентов 9 получили предложения о работе, 7 трудоустроены; два проекта студентов внедрены на участке.",
        "«Наставник показал, как устроен завод изнутри, и я понял, что хочу здесь работать». — студент",
        ["профориентация", "трудоустройство", "работодатель"],
        "published",
    ),
    (
        "ГПОУ «Светлогорский политехнический колледж»",
        "student_student",
        "peer_to_peer",
        "Студенческий совет наставников для первокурсников из сёл",
        "Первокурсники из сельских школ живут в общежитии, часто пропускают занятия и отчисляются в первом семестре.",
        "Снизить число отчислений первокурсников, помочь им освоиться в городе и в колледже.",
        "Студенты-наставники старших курсов встречали первокурсников, помогали с расписанием и бытом, вели "
        "еженедельные встречи в общежитии и чат группы; куратор раз в месяц собирал наставников на супервизию.",
        "Отчислений в первом семестре стало 3 вместо 11; пропусков без уважительной причины — на треть меньше.",
        "«Первую неделю я вообще не понимал, куда идти. Потом стало легко». — первокурсник",
        ["адаптация", "общежитие", "студент – студент"],
        "published",
    ),
    (
        "МБУ ДО «Дом детского творчества»",
        "teacher_learner",
        "",
        "Театральная студия как пространство наставничества для подростков группы риска",
        "Подростки, состоящие на профилактическом учёте, не посещают кружки и мало общаются со сверстниками.",
        "Вовлечь подростков в творческую деятельность, развить навыки общения и ответственность.",
        "Педагог-наставник и старшие студийцы включили подростков в подготовку спектакля: роли, декорации, свет; "
        "встречи три раза в неделю, рефлексия после каждой репетиции, итоговый спектакль для родителей.",
        "Восемь из десяти подростков довели спектакль до премьеры; двое сняты с профилактического учёта.",
        "«Здесь меня никто не называл трудным». — участник студии",
        ["профилактика", "творчество", "группа риска"],
        "published",
    ),
    (
        "МОУ «Озёрская СШ»",
        "learner_learner",
        "leader_passive",
        "Совет лидеров: как пассивные ученики стали организаторами школьных дел",
        "В сельской школе одни и те же ученики участвуют во всех делах, остальные остаются в стороне.",
        "Вовлечь в школьную жизнь учащихся, которые не участвовали в мероприятиях.",
        "Лидеры ученического совета взяли по одному наставляемому; вместе они готовили школьные праздники, "
        "акцию «Чистый берег» и день самоуправления, каждый наставляемый отвечал за свой участок.",
        "Число учеников 7–9 классов, участвующих в школьных делах, выросло с 18 до 31; четверо наставляемых вошли в "
        "совет.",
        "«Я думала, что у меня ничего не получится, а провела целый праздник». — наставляемая, 8 класс",
        ["вовлечённость", "самоуправление", "сельская школа"],
        "published",
    ),
    (
        "МОУ «Берёзовская ОШ»",
        "teacher_teacher",
        "experienced_novice_subject_teacher",
        "Сетевое наставничество малокомплектной школы",
        "В малокомплектной школе один учитель ведёт несколько предметов, не с кем посоветоваться по методике.",
        "Обеспечить методическую поддержку учителю, который впервые ведёт химию и биологию.",
        "Наставник из опорной школы района вёл видеовстречи раз в две недели, присылал разработки уроков, дважды "
        "приезжал на открытые уроки; наставляемый прошёл курс сетевой школы наставников.",
        "Учитель подготовил двух учеников к муниципальной олимпиаде по биологии; средний балл ОГЭ по биологии вырос "
        "с 3,2 до 3,8.",
        "«Теперь у меня есть человек, которому можно позвонить вечером с вопросом про лабораторную». — учитель",
        ["сетевое взаимодействие", "малокомплектная школа", "дистанционно"],
        "published",
    ),
    (
        "ГПОУ «Озёрский аграрный техникум»",
        "employer_student",
        "successful_professional_career_chooser",
        "Фермер-наставник: практика в малом агробизнесе",
        "Студенты техникума не рассматривают работу в фермерских хозяйствах района и уезжают в город.",
        "Показать студентам перспективы агробизнеса, подготовить к работе в фермерских хозяйствах.",
        "Фермеры района приняли студентов на сезонную практику: наставник вёл студента от посадки до сбыта "
        "продукции, студенты составили бизнес-планы собственных хозяйств.",
        "Шесть бизнес-планов представлены на грантовый конкурс «Агростартап»; четыре выпускника остались работать в "
        "районе.",
        "«Я увидел, что на земле можно зарабатывать и жить хорошо». — студент третьего курса",
        ["агробизнес", "профориентация", "работодатель"],
        "published",
    ),
    (
        "МКОУ «Сосновская школа-интернат»",
        "teacher_learner",
        "",
        "Наставник для выпускника школы-интерната: подготовка к самостоятельной жизни",
        "Выпускники школы-интерната не готовы к самостоятельной жизни: не умеют распоряжаться деньгами, выбирать "
        "профессию, обращаться в учреждения.",
        "Подготовить выпускников к самостоятельной жизни и к поступлению в колледж.",
        "Педагоги-наставники и волонтёры вели выпускников весь учебный год: бюджет на месяц, поход в МФЦ и банк, "
        "профессиональные пробы в колледже, встречи с выпускниками прошлых лет.",
        "Все девять выпускников поступили в колледжи; каждый умеет составить бюджет и знает, куда обращаться.",
        "«Раньше я боялся идти в МФЦ один». — выпускник",
        ["социализация", "школа-интернат", "профессиональные пробы"],
        "published",
    ),
    (
        "МБОУ «СОШ № 1»",
        "teacher_teacher",
        "community_leader_struggling_teacher",
        "Команда поддержки педагога, переживающего профессиональный кризис",
        "Опытный педагог теряет интерес к работе, растёт число конфликтов с учениками.",
        "Восстановить мотивацию педагога, снизить число конфликтов.",
        "Наставник — руководитель методического объединения — вёл встречи раз в две недели, педагог включился в "
        "школьный проект по краеведению и провёл мастер-класс для коллег.",
        "Конфликтов с учениками стало меньше, педагог подал заявку на конкурс «Педагог года».",
        "",
        ["профессиональное выгорание", "мотивация"],
        "sent",
    ),
    (
        "МУ ДО «ЦДТТ»",
        "pupil_pupil",
        "",
        "Техностарт: юные конструкторы учат младших",
        "Младшие школьники быстро бросают занятия робототехникой.",
        "",
        "",
        "",
        "",
        ["робототехника"],
        "draft",
    ),
]

# (municipality or None for the region, kind, title, description, tags, paragraphs of the file)
MATERIALS: list[tuple[str | None, str, str, str, list[str], list[str]]] = [
    (
        None,
        "mentor_memo",
        "Памятка наставнику: первые встречи с наставляемым",
        "Как подготовить знакомство и пробную встречу, о чём договориться и как вести индивидуальный план развития.",
        ["памятка", "наставник", "знакомство"],
        [
            "Знакомство длится 30–40 минут: расскажите о себе, узнайте интересы и ожидания наставляемого.",
            "Пробная встреча — до часа: попробуйте вместе решить небольшую задачу.",
            "Договоритесь о регулярности: встречи не реже одного раза в две недели.",
            "Заполните вместе таблицу желаний и целей индивидуального плана развития.",
        ],
    ),
    (
        None,
        "mentee_memo",
        "Памятка наставляемому: как получить от наставничества больше",
        "Что делать до встречи, как ставить цели и просить обратную связь; права наставляемого.",
        ["памятка", "наставляемый", "цели"],
        [
            "Перед встречей запишите вопросы, которые хотите обсудить.",
            "Ставьте цели, которые можно измерить: что вы будете уметь к концу программы?",
            "Вы можете попросить куратора о замене наставника, если работа не складывается.",
        ],
    ),
    (
        None,
        "meeting_script",
        "Сценарий встречи-планирования (1–1,5 часа)",
        "Сценарий третьей встречи пары: цели, план действий, сроки и показатели; вопросы для рефлексии.",
        ["сценарий встречи", "планирование"],
        [
            "1. Итоги пробной встречи (10 минут).",
            "2. Цели наставляемого: результат, действия, срок, показатели (40 минут).",
            "3. График встреч и способы связи (15 минут).",
            "4. Рефлексия: что было полезно? что изменить? (10 минут).",
        ],
    ),
    (
        None,
        "meeting_script",
        "Сценарий итоговой встречи наставнической пары",
        "Как подвести итоги работы пары: достижения, оценка близости, планы после завершения программы.",
        ["сценарий встречи", "итоговая встреча"],
        [
            "Вспомните цели, поставленные на встрече-планировании, и отметьте выполненные.",
            "Оцените по шкале от 1 до 10, насколько вы стали ближе к своей цели.",
            "Обсудите, хочет ли наставляемый сам стать наставником.",
        ],
    ),
    (
        "Городской округ Светлогорск",
        "workbook",
        "Рабочая тетрадь молодого педагога",
        "Задания на каждый месяц первого года работы: планирование урока, работа с родителями, самоанализ.",
        ["рабочая тетрадь", "молодой педагог", "адаптация"],
        [
            "Сентябрь: составьте технологическую карту урока и обсудите её с наставником.",
            "Октябрь: проведите самоанализ урока по предложенной схеме.",
            "Ноябрь: подготовьте выступление на родительском собрании.",
        ],
    ),
    (
        "Городской округ Светлогорск",
        "other",
        "Анкета «Чем я могу быть полезен в качестве наставника?»",
        "Анкета для потенциальных наставников: опыт, интересы, готовность к работе с наставляемыми.",
        ["анкета", "наставник"],
        ["Ваш опыт работы.", "В чём вы можете помочь наставляемому?", "Сколько времени в неделю готовы уделять?"],
    ),
]


def docx(title: str, paragraphs: list[str]) -> bytes:
    """A small Word document: title and paragraphs, enough for any office suite to open."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>' for text in [title, *paragraphs]
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


async def _ids(sql: str, *args: object) -> dict[str, tuple[UUID, UUID]]:
    rows = await current_connection().fetch(sql, *args)
    return {r["name"]: (r["id"], r["municipality_id"]) for r in rows}


async def seed_cases(region_id: UUID) -> None:
    """Once per region: nothing is added when the library already has anything."""
    await rescope(Scope.for_region(region_id))
    db = current_connection()
    if await db.fetchval("SELECT count(*) FROM practice_case WHERE region_id = $1", region_id):
        return
    organizations = await _ids(
        "SELECT short_name AS name, id, municipality_id FROM organization WHERE region_id = $1", region_id
    )
    municipalities = {r["name"]: r["id"] for r in await db.fetch("SELECT id, name FROM municipality")}
    forms, models = await catalogue_choices()
    form_ids = {f.code: f.id for f in forms if f.region_id is None}
    model_ids = {m.code: m.id for m in models if m.region_id is None}
    parents = {f.id: f.parent_id for f in forms}
    published_on = now() - timedelta(days=40)
    with_pair: set[UUID] = set()
    for n, (org, form, model, title, problem, goals, activities, results, quotes, tags, status) in enumerate(CASES):
        organization_id, municipality_id = organizations[org]
        await rescope(Scope(Level.organization, None, region_id, municipality_id, organization_id))
        actor = Actor(None, region_id, organization_id)
        pairs = [] if organization_id in with_pair else await library.finished_pairs(organization_id)
        # A case is written from a finished pair only when the pair's form is the case's (or a variant of it).
        pair = next((p for p in pairs if form_ids[form] in (p.form_id, parents.get(p.form_id))), None)
        if pair is not None:
            with_pair.add(organization_id)
        case_id = await library.create_case(
            actor,
            library.CaseForm(
                title=title,
                mentorship_id=str(pair.id) if pair else "",
                form_id=str(form_ids[form]),
                role_model_id=str(model_ids[model]) if model else "",
                problem=problem,
                goals=goals,
                activities=activities,
                results=results,
                quotes=quotes,
                tags=", ".join(tags),
                year=str((pair.finished_on or pair.end).year if pair else today().year if n % 3 else today().year - 1),
            ),
        )
        await rescope(Scope.for_region(region_id))
        if status == "published":
            day = published_on + timedelta(days=3 * n)
            await db.execute(
                """UPDATE practice_case SET status = 'published', sent_at = $2, approved_at = $3, published_at = $4
                   WHERE id = $1""",
                case_id,
                day - timedelta(days=6),
                day - timedelta(days=2),
                day,
            )
        elif status == "sent":
            await db.execute("UPDATE practice_case SET status = 'sent', sent_at = now() WHERE id = $1", case_id)
        else:
            await db.execute(
                "UPDATE practice_case SET return_comment = $2 WHERE id = $1",
                case_id,
                "Опишите цели и результаты: сколько детей продолжили занятия, что изменилось.",
            )
    for where, kind, title, description, tags, paragraphs in MATERIALS:
        keeper: UUID | None = municipalities[where] if where else None
        await rescope(Scope(Level.municipality, None, region_id, keeper) if where else Scope.for_region(region_id))
        actor = Actor(None, region_id, None)
        case_id = await library.create_material(
            actor,
            keeper,
            library.MaterialForm(title=title, material_kind=kind, problem=description, tags=", ".join(tags)),
        )
        await db.execute(
            """INSERT INTO practice_case_file (region_id, case_id, municipality_id, title, filename, content_type, data)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            region_id,
            case_id,
            keeper,
            title,
            f"{kind}.docx",
            library.FILE_SIGNATURES[b"PK\x03\x04"][0],
            docx(title, paragraphs),
        )
        await db.execute(
            "UPDATE practice_case SET status = 'published', published_at = $2 WHERE id = $1",
            case_id,
            published_on,
        )
