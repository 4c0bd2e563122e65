"""Who may be nominated: the nomination's rules checked against the platform's own data, each check a sentence the
curator reads («Стаж педагогической работы 2 года, нужно не меньше 3»)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from dateutil.relativedelta import relativedelta

from services.contests.records import NominationRecord
from services.mentoring import pairs_completed_by
from services.programmes import Owner, current_programme
from services.registry import ContestProfile, contest_profile
from services.reports import rating_of
from shared.i18n import format_points as points
from shared.i18n import plural

ROLE_WORDS = {"mentor": "наставник", "curator": "куратор"}


class Check(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    passed: bool
    text: str


class Eligibility(msgspec.Struct, frozen=True, kw_only=True):
    checks: list[Check]

    @property
    def eligible(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def problems(self) -> list[str]:
        return [c.text for c in self.checks if not c.passed]


def years(n: int) -> str:
    return f"{n} {plural(n, 'год', 'года', 'лет')}"


def age_on(birth: date, day: date) -> int:
    return relativedelta(day, birth).years


async def check(nomination: NominationRecord, person_id: UUID, year: int, day: date) -> Eligibility:
    """`day` is the day the age is taken on: the end of the first stage's applications."""
    profile = await contest_profile(person_id)
    return Eligibility(checks=await _checks(nomination, profile, year, day))


async def _checks(nomination: NominationRecord, profile: ContestProfile, year: int, day: date) -> list[Check]:
    checks = []
    if nomination.roles:
        held = [r for r in nomination.roles if r in profile.roles]
        wanted = " или ".join(ROLE_WORDS.get(r, r) for r in nomination.roles)
        checks.append(
            Check(
                key="roles",
                passed=bool(held),
                text=f"Роль в базе: {wanted}" if held else f"Нужна роль «{wanted}» в базе организации",
            )
        )
    if nomination.min_experience_years is not None:
        have = profile.teaching_experience
        need = nomination.min_experience_years
        passed = have is not None and have >= need
        text = (
            "Стаж педагогической работы не указан в базе"
            if have is None
            else f"Стаж педагогической работы {years(have)}" + ("" if passed else f", нужно не меньше {need}")
        )
        checks.append(Check(key="experience", passed=passed, text=text))
    if nomination.pair_completed_in_year:
        count = await pairs_completed_by(profile.person_id, year)
        checks.append(
            Check(
                key="pair_completed",
                passed=count > 0,
                text=f"Завершённых пар (групп) в {year} году: {count}"
                if count
                else f"Нет пары (группы), завершённой в {year} году",
            )
        )
    if nomination.approved_programme:
        programme = await current_programme(Owner(organization_id=profile.organization_id), day)
        approved = programme is not None and programme.approved_order_id is not None
        checks.append(
            Check(
                key="programme",
                passed=approved,
                text="Программа наставничества утверждена приказом"
                if approved
                else "Программа наставничества организации не утверждена приказом",
            )
        )
    if nomination.min_rating_points is not None:
        least = nomination.min_rating_points
        standing = next(iter(await rating_of([profile.person_id])), None)
        passed = standing is not None and standing.points >= least
        wanted = f"нужно не меньше {points(least)}"
        if standing is None:
            text = f"Рейтинг наставника ещё не подсчитан, {wanted}"
        else:
            text = f"Рейтинг наставника: {points(standing.points)}" + ("" if passed else f", {wanted}")
        checks.append(Check(key="rating", passed=passed, text=text))
    if nomination.min_age is not None or nomination.max_age is not None:
        if profile.birth_date is None:
            checks.append(Check(key="age", passed=False, text="Дата рождения не указана в базе"))
        else:
            age = age_on(profile.birth_date, day)
            low, high = nomination.min_age, nomination.max_age
            passed = (low is None or age >= low) and (high is None or age <= high)
            limits = " ".join(p for p in (f"от {low}" if low else "", f"до {high}" if high else "") if p)
            checks.append(
                Check(
                    key="age",
                    passed=passed,
                    text=f"Возраст {years(age)}" + ("" if passed else f", нужно {limits} лет"),
                )
            )
    return checks
