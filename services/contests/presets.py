"""What a new nomination and a stage's criteria start from: the four nominations of the issue and the scoring
sheets found in regional regulations. Everything a preset fills in stays editable."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from services.contests.tables import NominationKind, VotingMode


class NominationPreset(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    description: str
    roles: tuple[str, ...]
    min_experience_years: int | None = None
    pair_completed_in_year: bool = False
    approved_programme: bool = False
    self_nomination: bool = False


class CriterionPreset(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    descriptors: str
    max_points: Decimal
    weight: Decimal = Decimal(1)
    tie_break: bool = False


class CriteriaPreset(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    title: str
    note: str
    criteria: tuple[CriterionPreset, ...]
    voting_mode: VotingMode | None = None  # Якутия: the top N go to a public vote
    advance_count: int | None = None

    @property
    def total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))


NOMINATION_PRESETS: dict[NominationKind, NominationPreset] = {
    NominationKind.mentor_of_year: NominationPreset(
        title="Наставник года",
        description="Наставник, чья работа с наставляемыми дала измеримый результат за год.",
        roles=("mentor",),
        min_experience_years=3,
        pair_completed_in_year=True,
    ),
    NominationKind.curator_of_year: NominationPreset(
        title="Куратор года",
        description="Куратор наставнической деятельности организации с утверждённой программой наставничества.",
        roles=("curator",),
        approved_programme=True,
    ),
    NominationKind.best_pair: NominationPreset(
        title="Лучшая пара «Наставник+»",
        description="Наставническая пара, завершившая работу в году конкурса, и её результаты до и после.",
        roles=("mentor",),
        pair_completed_in_year=True,
    ),
    NominationKind.best_practice: NominationPreset(
        title="Лучшие практики наставничества",
        description="Практика наставничества организации, которую можно повторить в других организациях.",
        roles=("mentor", "curator"),
        approved_programme=True,
    ),
    NominationKind.custom: NominationPreset(title="", description="", roles=("mentor",)),
}


def _points(n: int) -> Decimal:
    return Decimal(n)


CRITERIA_PRESETS: dict[str, CriteriaPreset] = {
    "national": CriteriaPreset(
        key="national",
        title="Национальный конкурс «Наставничество»",
        note="Три критерия по 10 баллов.",
        criteria=(
            CriterionPreset(
                title="Уникальность и инновационность",
                descriptors="0 — типовая практика; 5 — есть новые элементы; 10 — практика не имеет аналогов",
                max_points=_points(10),
            ),
            CriterionPreset(
                title="Результативность и практическая значимость",
                descriptors="0 — результатов нет; 5 — результаты описаны; 10 — результаты измерены до и после",
                max_points=_points(10),
                tie_break=True,
            ),
            CriterionPreset(
                title="Возможность масштабирования",
                descriptors="0 — только в своей организации; 5 — с доработкой; 10 — готова к переносу",
                max_points=_points(10),
            ),
        ),
    ),
    "mari_el": CriteriaPreset(
        key="mari_el",
        title="Республика Марий Эл",
        note="Пять критериев от 1 до 10 баллов, один лист на эксперта, не больше 50 баллов.",
        criteria=(
            CriterionPreset(
                title="Актуальность и обоснованность практики наставничества",
                descriptors="1 — проблема не названа; 10 — проблема подтверждена данными организации",
                max_points=_points(10),
            ),
            CriterionPreset(
                title="Соответствие целевой модели наставничества",
                descriptors="1 — формы и роли не определены; 10 — формы, ролевые модели и этапы выдержаны",
                max_points=_points(10),
            ),
            CriterionPreset(
                title="Результаты наставляемых до и после",
                descriptors="1 — результатов нет; 10 — рост подтверждён мониторингом",
                max_points=_points(10),
                tie_break=True,
            ),
            CriterionPreset(
                title="Методическая и документальная обеспеченность",
                descriptors="1 — документов нет; 10 — программа, план и отчёты утверждены",
                max_points=_points(10),
            ),
            CriterionPreset(
                title="Тиражируемость и открытость опыта",
                descriptors="1 — опыт не описан; 10 — опыт опубликован и перенесён в другие организации",
                max_points=_points(10),
            ),
        ),
    ),
    "komi": CriteriaPreset(
        key="komi",
        title="Республика Коми",
        note="Три критерия до 20 баллов каждый.",
        criteria=(
            CriterionPreset(
                title="Воспроизводимость",
                descriptors="0 — нельзя повторить; 20 — описана так, что повторит другая организация",
                max_points=_points(20),
            ),
            CriterionPreset(
                title="Масштабируемость",
                descriptors="0 — только для одной пары; 20 — применима в муниципалитете и регионе",
                max_points=_points(20),
            ),
            CriterionPreset(
                title="Уникальность",
                descriptors="0 — типовая; 20 — новая для региона",
                max_points=_points(20),
                tie_break=True,
            ),
        ),
    ),
    "yakutia": CriteriaPreset(
        key="yakutia",
        title="Якутия",
        note="Один лист эксперта; 120 заявок с наибольшими баллами выходят на народное голосование.",
        criteria=(
            CriterionPreset(
                title="Содержание и результаты наставничества",
                descriptors="0 — не раскрыто; 10 — раскрыто с подтверждёнными результатами",
                max_points=_points(10),
                tie_break=True,
            ),
            CriterionPreset(
                title="Качество представленных материалов",
                descriptors="0 — материалов нет; 10 — портфолио, эссе и видео полные",
                max_points=_points(10),
            ),
        ),
        voting_mode=VotingMode.audience_prize,
        advance_count=120,
    ),
}
