"""The presets' sums and the stage rules that need no database: order of levels, dates, Russian errors."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.contests import presets, setup
from services.contests.records import ContestRecord, StageRecord
from services.contests.tables import ContestStatus, Level, NominationKind, VotingMode
from shared.errors import ValidationFailed


def contest(level: Level = Level.region) -> ContestRecord:
    return ContestRecord(
        id=uuid.uuid4(),
        region_id=uuid.uuid4(),
        level=level,
        municipality_id=None,
        organization_id=None,
        title="Наставник года — 2026",
        year=2026,
        description="",
        rules_url="",
        status=ContestStatus.draft,
        created_at=datetime.now(UTC),
    )


def stage(level: Level, results_on: date) -> StageRecord:
    return StageRecord(
        id=uuid.uuid4(),
        contest_id=uuid.uuid4(),
        position=1,
        level=level,
        title="",
        applications_from=date(2026, 2, 1),
        applications_until=date(2026, 2, 20),
        review_from=date(2026, 2, 21),
        review_until=date(2026, 3, 1),
        results_on=results_on,
        advance_count=3,
    )


def test_criteria_presets_sum_as_the_regulations_say() -> None:
    assert presets.CRITERIA_PRESETS["mari_el"].total == Decimal(50)
    assert len(presets.CRITERIA_PRESETS["mari_el"].criteria) == 5
    assert presets.CRITERIA_PRESETS["komi"].total == Decimal(60)
    assert len(presets.CRITERIA_PRESETS["national"].criteria) == 3
    assert presets.CRITERIA_PRESETS["yakutia"].advance_count == 120
    for preset in presets.CRITERIA_PRESETS.values():
        assert sum(c.tie_break for c in preset.criteria) == 1


def test_nomination_preset_fills_eligibility() -> None:
    values = setup.clean_nomination(setup.NominationForm(kind="mentor_of_year", use_preset="on"), contest())
    assert values.title == "Наставник года"
    assert values.roles == ["mentor"]
    assert values.min_experience_years == 3
    assert values.pair_completed_in_year
    assert values.voting_mode == VotingMode.none
    curator = setup.clean_nomination(setup.NominationForm(kind="curator_of_year", use_preset="on"), contest())
    assert curator.roles == ["curator"] and curator.approved_programme
    assert presets.NOMINATION_PRESETS[NominationKind.best_pair].pair_completed_in_year


def test_weighted_voting_share_is_bounded() -> None:
    form = setup.NominationForm(
        kind="custom",
        title="Своя",
        roles="mentor",
        voting_mode="weighted",
        voting_weight="0,7",
        voting_from="01.03.2026",
        voting_until="10.03.2026",
    )
    with pytest.raises(ValidationFailed) as failed:
        setup.clean_nomination(form, contest())
    assert failed.value.errors["voting_weight"] == "Доля голосов — число от 0,05 до 0,5"


def test_stage_levels_increase_and_dates_follow() -> None:
    first = stage(Level.municipality, date(2026, 3, 5))
    form = setup.StageForm(
        level="municipality",
        applications_from="01.03.2026",
        applications_until="10.03.2026",
        review_from="11.03.2026",
        review_until="20.03.2026",
        results_on="15.03.2026",
    )
    with pytest.raises(ValidationFailed) as failed:
        setup.clean_stage(form, contest(), [first])
    errors = failed.value.errors
    assert errors["level"].startswith("Каждый следующий этап — уровнем выше")
    assert errors["applications_from"] == "Этап начинается после итогов предыдущего (05.03.2026)"
    assert errors["results_on"] == "Итоги подводятся не раньше окончания экспертизы"


def test_a_municipal_contest_has_no_regional_stage() -> None:
    form = setup.StageForm(
        level="region",
        applications_from="01.03.2026",
        applications_until="10.03.2026",
        review_from="11.03.2026",
        review_until="20.03.2026",
        results_on="25.03.2026",
    )
    with pytest.raises(ValidationFailed) as failed:
        setup.clean_stage(form, contest(Level.municipality), [])
    assert failed.value.errors["level"] == "Этап не может быть выше уровня самого конкурса"
    assert setup.allowed_levels(contest(Level.organization)) == [Level.organization]
