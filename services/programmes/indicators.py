"""The live indicators a programme's expected results can be bound to.

Counting them is the read model's work (services/reports): the composition root hands its counter to the
programme pages as the `count_indicators` dependency, so programmes never import the domains it counts.
Contest applicants join this list with their domain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from services.programmes.records import ProgrammeRecord

INDICATORS: dict[str, str] = {
    "pairs": "Наставнических пар и групп",
    "mentor_registry": "Наставников в утверждённом реестре",
    "mentor_candidates": "Людей, желающих стать наставниками",
    "mentees": "Наставляемых в базе",
    "events_held": "Проведённых мероприятий по наставничеству",
    "organizations_in_programme": "Организаций с утверждённой программой",
    # 003 §4: «обученных наставников в регионе» — one person once, trained at the mentor school in the period
    "trained_mentors": "Обученных наставников",
    # 003 §4: «сертифицированных кураторов» — holders of a curator certificate valid on the period's last day
    "certified_curators": "Сертифицированных кураторов",
    # 003 §4: «участников конкурса «Наставник года»» — nominees with a submitted application, one person once
    "contest_applicants": "Участников конкурсов наставничества",
    # 003 §4: «желающих принять участие в конкурсах» — «Хочу участвовать», one person once
    "contest_wishing": "Желающих участвовать в конкурсах",
}

IndicatorCounter = Callable[[ProgrammeRecord], Awaitable[dict[str, int]]]
