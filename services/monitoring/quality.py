"""The curator's questionnaire (004 §3.1, §7.1): how the conditions of the organization's mentoring meet the
requirements and principles of the target model. Part of each half-year report; the system suggests an answer
where its own data tells, and the curator decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.reports import Indicators
from shared.errors import Errors

LEVELS = {"meets": "соответствует", "partly": "частично", "no": "не соответствует"}


@dataclass(frozen=True)
class Condition:
    code: str
    text: str


CONDITIONS = (
    Condition("regulation", "Положение о наставничестве и программа наставничества утверждены приказом руководителя"),
    Condition("curator", "Назначен куратор внедрения целевой модели, его обязанности закреплены"),
    Condition(
        "bases", "Базы наставников и наставляемых сформированы и актуальны, согласия на обработку данных собраны"
    ),
    Condition("selection", "Наставники отобраны по критериям программы, реестр наставников утверждён"),
    Condition("pairs", "Пары и группы закреплены приказом, у каждой есть индивидуальный план"),
    Condition("rhythm", "Встречи наставников и наставляемых проходят не реже раза в две недели"),
    Condition("training", "Наставники прошли обучение (школа наставников), получают методическую поддержку"),
    Condition("feedback", "Собрана обратная связь: анкеты удовлетворённости наставников и наставляемых"),
    Condition("influence", "Влияние программы на участников оценено в два этапа: «до» и «после»"),
    Condition("openness", "На сайте размещены реестр и портфолио наставников, социальные партнёры и анонсы"),
    Condition("motivation", "Участники, показавшие высокие результаты, поощрены"),
)


def suggest(values: Indicators, has_curator: bool) -> dict[str, tuple[str, str]]:
    """What the organization's indicators for the half-year say of a condition: a level and why."""
    found: dict[str, tuple[str, str]] = {}
    programme = values.organizations_with_programme > 0
    found["regulation"] = (
        ("meets", "программа утверждена приказом") if programme else ("no", "нет утверждённой программы")
    )
    found["curator"] = ("meets", "у организации есть куратор") if has_curator else ("no", "куратор не назначен")
    people = values.learners + values.teachers
    found["bases"] = (
        ("meets", f"в базах {people} чел. с согласием") if people else ("no", "в базах нет людей с согласием")
    )
    found["selection"] = (
        ("meets", f"наставников в реестре: {values.mentors}") if values.mentors else ("no", "реестр пуст")
    )
    found["pairs"] = ("meets", f"пар и групп: {values.pairs}") if values.pairs else ("no", "пар нет")
    share = values.rhythm_share
    if share is None:
        found["rhythm"] = ("no", "в полугодии не было работающих пар")
    else:
        level = "meets" if share >= 80 else "partly" if share >= 50 else "no"
        found["rhythm"] = (level, f"встречаются не реже раза в две недели {share} % пар")
    satisfaction = values.satisfaction
    answered = [v for v in (satisfaction.mentors, satisfaction.mentees) if v is not None]
    found["feedback"] = (
        ("meets" if len(answered) == 2 else "partly", "анкеты удовлетворённости получены")
        if answered
        else ("no", "анкет удовлетворённости нет")
    )
    found["influence"] = (
        ("meets", "есть оценки «до» и «после»")
        if values.influence_change is not None
        else ("no", "нет парных оценок «до» и «после»")
    )
    return found


def read(data: dict[str, Any], errors: Errors) -> dict[str, dict[str, str]]:
    """Every condition needs a level; a comment is required where it is not met in full."""
    answers = {}
    for condition in CONDITIONS:
        item = data.get(condition.code)
        item = item if isinstance(item, dict) else {}
        level, comment = str(item.get("level", "")), str(item.get("comment", "")).strip()
        if level not in LEVELS:
            errors.add(f"quality_{condition.code}", "Отметьте, выполняется ли условие")
        elif level != "meets" and not comment:
            errors.add(f"quality_{condition.code}", "Напишите, что мешает выполнить условие")
        answers[condition.code] = {"level": level, "comment": comment}
    return answers


def conformity(answers: dict[str, dict[str, str]]) -> int | None:
    """The share of the target model's conditions met, a partly met one counting half."""
    if not answers:
        return None
    points = {"meets": 2, "partly": 1, "no": 0}
    return round(50 * sum(points.get(a["level"], 0) for a in answers.values()) / len(answers))
