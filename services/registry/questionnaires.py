"""The questionnaire engine: versioned templates of sections and questions, and checking of answers.

A template never changes once answered: a new wording is a new version, so old answers keep their meaning.
The built-in templates are written from the seeds (002 §8.2–8.6, 000 §3.1, §4.2).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from services.registry.validation import parse_any_date

Answer = int | str | list[str]  # a scale is a number, one choice or text a string, several choices a list
Answers = dict[str, Answer]  # by question code

TYPES = ("single", "multiple", "scale", "number", "date", "text", "long_text", "tags")

TIMES = ["после уроков", "вечером в будни", "в выходные", "онлайн в удобное время"]
FREQUENCY = ["раз в неделю", "раз в две недели", "раз в месяц"]
COMPETENCIES = [
    "#учёба",
    "#математика",
    "#естественные_науки",
    "#языки",
    "#проекты",
    "#исследования",
    "#профориентация",
    "#лидерство",
    "#общение",
    "#тайм_менеджмент",
    "#спорт",
    "#творчество",
    "#цифровые_навыки",
    "#методика",
    "#классное_руководство",
    "#наставничество",
]


def q(code: str, text: str, kind: str, options: list[str] | None = None, required: bool = False) -> dict[str, Any]:
    return {"code": code, "text": text, "type": kind, "options": options or [], "required": required}


BUILTIN: list[dict[str, Any]] = [
    {
        "code": "mentee_needs",
        "version": 1,
        "audience": "mentee",
        "title": "Анкета наставляемого: запрос и потребности",
        "sections": [
            {
                "title": "Учёба",
                "questions": [
                    q("results", "Как ты оцениваешь свои учебные результаты?", "scale", required=True),
                    q("hard_subjects", "Какие предметы даются труднее всего?", "text"),
                ],
            },
            {
                "title": "Я и мои цели",
                "questions": [
                    q("strengths", "Какие твои сильные стороны?", "long_text"),
                    q(
                        "traits",
                        "Что мешает тебе добиваться целей?",
                        "multiple",
                        ["неуверенность", "нехватка времени", "трудно начать", "не понимаю, зачем", "другое"],
                    ),
                    q("wishes", "Над чем ты хочешь поработать с наставником?", "long_text", required=True),
                    q("tags", "Отметь темы, которые тебе интересны", "tags", COMPETENCIES),
                    q("time", "Когда тебе удобно встречаться?", "multiple", TIMES),
                ],
            },
        ],
    },
    {
        "code": "mentor_offer",
        "version": 1,
        "audience": "mentor",
        "title": "«Чем я могу быть полезен в качестве наставника?»",
        "sections": [
            {
                "title": "Опыт",
                "questions": [
                    q(
                        "experience",
                        "Был ли у вас опыт наставничества?",
                        "single",
                        ["да, регулярный", "да, эпизодический", "нет"],
                        required=True,
                    ),
                    q("achievements", "Ваши профессиональные достижения, которыми вы можете поделиться", "long_text"),
                ],
            },
            {
                "title": "Намерения и мотивация",
                "questions": [
                    q("motivation", "Почему вы хотите стать наставником?", "long_text", required=True),
                    q(
                        "tags",
                        "Компетенции и интересы, которыми вы готовы делиться",
                        "tags",
                        COMPETENCIES,
                        required=True,
                    ),
                    q("hobbies", "Ваши увлечения", "text"),
                ],
            },
            {
                "title": "Работа с наставляемым",
                "questions": [
                    q(
                        "mentee_age",
                        "Возраст наставляемых, с которыми вам интересно работать",
                        "multiple",
                        ["10–12 лет", "13–15 лет", "16–18 лет", "студенты", "молодые педагоги"],
                    ),
                    q("time", "Удобное время встреч", "multiple", TIMES),
                    q("frequency", "Как часто вы готовы встречаться?", "single", FREQUENCY, required=True),
                    q("hours", "Сколько часов в месяц вы готовы уделять наставничеству?", "number"),
                ],
            },
        ],
    },
    {
        "code": "group_preference",
        "version": 1,
        "audience": "mentee",
        "title": "После групповой встречи: с кем я хочу продолжить",
        "sections": [
            {
                "title": "Выбор",
                "questions": [
                    q("first_choice", "С кем из наставников вы хотели бы работать? (ФИО)", "text", required=True),
                    q("second_choice", "Второй вариант (ФИО)", "text"),
                    q("why", "Почему?", "long_text"),
                ],
            }
        ],
    },
    {
        "code": "meeting_feedback",
        "version": 1,
        "audience": "any",
        "title": "Обратная связь по встрече",
        "sections": [
            {
                "title": "Встреча",
                "questions": [
                    q("date", "Дата встречи", "date", required=True),
                    q("useful", "Насколько полезной была встреча?", "scale", required=True),
                    q("comfortable", "Насколько комфортно вам было?", "scale", required=True),
                    q("next", "Что вы хотите обсудить на следующей встрече?", "long_text"),
                ],
            }
        ],
    },
    {
        "code": "satisfaction_mentor",
        "version": 1,
        "audience": "mentor",
        "title": "Удовлетворённость программой: наставник",
        "sections": [
            {
                "title": "Оценки",
                "questions": [
                    q("organization", "Организация программы наставничества", "scale", required=True),
                    q("mentee_progress", "Прогресс наставляемого", "scale", required=True),
                    q("own_growth", "Собственный профессиональный рост", "scale", required=True),
                    q(
                        "continue",
                        "Хотели бы вы продолжить участие?",
                        "single",
                        ["да", "нет", "пока не знаю"],
                        required=True,
                    ),
                    q("suggestions", "Что изменить в программе?", "long_text"),
                ],
            }
        ],
    },
    {
        "code": "satisfaction_mentee",
        "version": 1,
        "audience": "mentee",
        "title": "Удовлетворённость программой: наставляемый",
        "sections": [
            {
                "title": "Оценки",
                "questions": [
                    q("mentor", "Работа с наставником", "scale", required=True),
                    q("goals", "Насколько удалось достичь поставленных целей?", "scale", required=True),
                    q("meetings", "Регулярность и польза встреч", "scale", required=True),
                    q(
                        "recommend",
                        "Порекомендуете ли вы программу другим?",
                        "single",
                        ["да", "нет", "пока не знаю"],
                        required=True,
                    ),
                    q("suggestions", "Что изменить в программе?", "long_text"),
                ],
            }
        ],
    },
    {
        "code": "pair_pulse",
        "version": 1,
        "audience": "any",
        "title": "Как идёт работа в паре",
        "sections": [
            {
                "title": "Два вопроса",
                "questions": [
                    q("useful", "Насколько полезны встречи?", "scale", required=True),
                    q("continue", "Хотите продолжать?", "single", ["да", "нет", "пока не знаю"], required=True),
                ],
            }
        ],
    },
]


_MENTOR_OFFER = next(t for t in BUILTIN if t["code"] == "mentor_offer")
TRAINING = [
    "цели и принципы наставничества",
    "психология возраста наставляемых",
    "индивидуальный план развития",
    "проведение встреч и обратная связь",
    "разрешение конфликтов",
    "цифровые инструменты",
    "профориентация",
]

# One register (a new version of each template that mixed them): adults are addressed with «вы»; the templates a
# learner may get speak in the first person, as the seeds' own questions do (002 §8.6: «Над какими вопросами я
# хотел бы поработать?», «Что мне важно увидеть в наставнике?»). Question codes stay, so answers compare across
# versions.
REWORDED: list[dict[str, Any]] = [
    {
        **_MENTOR_OFFER,
        "version": 2,
        "sections": [
            *_MENTOR_OFFER["sections"],
            {
                "title": "Обучение",  # 000 §4.2: the analysis of the mentors' training needs
                "questions": [
                    q("training", "Какое обучение вам нужно, чтобы работать наставником?", "multiple", TRAINING),
                    q("training_other", "Что ещё вы хотели бы изучить?", "text"),
                ],
            },
        ],
    },
    {
        "code": "mentee_needs",
        "version": 2,
        "audience": "mentee",
        "title": "Анкета наставляемого: запрос и потребности",
        "sections": [
            {
                "title": "О себе",
                "questions": [
                    q("why", "Почему мне хочется принять участие в программе?", "long_text"),
                    q("strengths", "Мои сильные стороны", "long_text"),
                    q("results", "Как я оцениваю свои учебные или рабочие результаты?", "scale", required=True),
                    q("hard_subjects", "Что мне даётся труднее всего?", "text"),
                ],
            },
            {
                "title": "Мой запрос",
                "questions": [
                    q(
                        "traits",
                        "Что мешает мне добиваться целей?",
                        "multiple",
                        ["неуверенность", "нехватка времени", "трудно начать", "не понимаю, зачем", "другое"],
                    ),
                    q(
                        "wishes",
                        "Над какими вопросами или проблемами я хотел(а) бы поработать с наставником?",
                        "long_text",
                        required=True,
                    ),
                    q("mentor_wish", "Что мне важно увидеть в наставнике?", "long_text"),
                    q("tags", "Темы, которые мне интересны", "tags", COMPETENCIES),
                    q("time", "Когда мне удобно встречаться?", "multiple", TIMES),
                ],
            },
        ],
    },
    {
        "code": "group_preference",
        "version": 2,
        "audience": "mentee",
        "title": "После групповой встречи: с кем я хочу продолжить",
        "sections": [
            {
                "title": "Выбор",
                "questions": [
                    q("first_choice", "С кем из наставников я хотел(а) бы работать? (ФИО)", "text", required=True),
                    q("second_choice", "Второй вариант (ФИО)", "text"),
                    q("why", "Почему?", "long_text"),
                ],
            }
        ],
    },
    {
        "code": "meeting_feedback",
        "version": 2,
        "audience": "any",
        "title": "Обратная связь по встрече",
        "sections": [
            {
                "title": "Встреча",
                "questions": [
                    q("date", "Дата встречи", "date", required=True),
                    q("useful", "Насколько полезной была встреча?", "scale", required=True),
                    q("comfortable", "Насколько комфортно мне было?", "scale", required=True),
                    q("next", "Что я хочу обсудить на следующей встрече?", "long_text"),
                ],
            }
        ],
    },
    {
        "code": "satisfaction_mentee",
        "version": 2,
        "audience": "mentee",
        "title": "Удовлетворённость программой: наставляемый",
        "sections": [
            {
                "title": "Оценки",
                "questions": [
                    q("mentor", "Работа с наставником", "scale", required=True),
                    q("goals", "Насколько мне удалось достичь поставленных целей?", "scale", required=True),
                    q("meetings", "Регулярность и польза встреч", "scale", required=True),
                    q(
                        "recommend",
                        "Посоветую ли я программу другим?",
                        "single",
                        ["да", "нет", "пока не знаю"],
                        required=True,
                    ),
                    q("suggestions", "Что изменить в программе?", "long_text"),
                ],
            }
        ],
    },
    {
        "code": "pair_pulse",
        "version": 2,
        "audience": "any",
        "title": "Как идёт работа в паре",
        "sections": [
            {
                "title": "Два вопроса",
                "questions": [
                    q("useful", "Насколько полезны встречи?", "scale", required=True),
                    q("continue", "Хочу ли я продолжать?", "single", ["да", "нет", "пока не знаю"], required=True),
                ],
            }
        ],
    },
]


class Question(msgspec.Struct):
    code: str
    text: str
    type: str
    options: list[str] = []
    required: bool = False


class Section(msgspec.Struct):
    title: str
    questions: list[Question]


class TemplateBody(msgspec.Struct):
    """A template's sections and questions, as stored in its version's body (the built-ins are written as dicts)."""

    sections: list[Section]

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]


def check_answers(body: TemplateBody, data: dict[str, list[str]]) -> tuple[Answers, list[str], dict[str, str]]:
    """Answers by question code, the #tags among them, and errors by question code (in Russian)."""
    answers: Answers = {}
    tags: list[str] = []
    errors: dict[str, str] = {}
    for question in body.questions:
        code, kind, options = question.code, question.type, question.options
        values = [v.strip() for v in data.get(code, []) if v and v.strip()]
        if not values:
            if question.required:
                errors[code] = "Ответьте на этот вопрос"
            continue
        if kind in ("single", "scale", "number", "date", "text", "long_text"):
            value = values[0]
            if kind == "single" and value not in options:
                errors[code] = "Выберите один из вариантов"
            elif kind == "scale" and not (value.isdigit() and 1 <= int(value) <= 10):
                errors[code] = "Оценка от 1 до 10"
            elif kind == "number" and not re.fullmatch(r"\d{1,4}([.,]\d+)?", value):
                errors[code] = "Введите число"
            elif kind == "date":
                try:
                    parsed = parse_any_date(value)
                    value = parsed.isoformat() if parsed else ""
                except ValueError as exc:
                    errors[code] = str(exc)
            elif len(value) > 4000:
                errors[code] = "Не длиннее 4000 символов"
            answers[code] = int(value) if kind == "scale" and code not in errors else value
        else:
            chosen = list(dict.fromkeys(values))
            if kind == "multiple" and any(v not in options for v in chosen):
                errors[code] = "Выберите варианты из списка"
            if kind == "tags":
                chosen = ["#" + re.sub(r"[^\w]+", "_", v.lstrip("#").strip().lower()).strip("_") for v in chosen]
                chosen = [t for t in chosen if len(t) > 1]
                tags += chosen
            answers[code] = chosen
    return answers, list(dict.fromkeys(tags)), errors
