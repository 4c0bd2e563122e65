"""Every stage and every event of the seeds' roadmaps is in its template: 000 and 001 cell by cell (after the
template's declared rewordings of the source's own organization, site and year), 004's two roadmaps and 003's
event by event in the source's words; and no template names an organization, a site or a year.

The sources are read here with parsers of their own, not through the data module, from copies under
tests/fixtures/seeds (the originals live outside the repository).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.programmes.roadmap_templates import (
    LEVEL,
    MONTHS,
    ORG,
    TEMPLATES,
    RoadmapTemplate,
    month_range,
    template,
    templates_for,
    worded,
)

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"

STAGE = re.compile(r"Этап\s+(\d+)\.\s*(.*)")
EVENT = re.compile(r"(\d+)\.(\d+)\.?\s+(.*)")
INITIALS = re.compile(r"\s+[А-ЯЁ]\.\s*[А-ЯЁ]\.")
MONTH_NAMES = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


@dataclass
class SourceEvent:
    title: str
    period: str
    responsible: str
    result: str


@dataclass
class SourceStage:
    number: int
    title: str
    events: list[SourceEvent] = field(default_factory=list)


def normalise(text: str) -> str:
    """Whitespace (non-breaking spaces too) collapsed; —, – and a spaced hyphen made one dash."""
    text = " ".join(text.split())
    return text.replace("—", "–").replace(" - ", " – ")


def parse_college(text: str) -> list[SourceStage]:
    """Seed 000: a tab-separated table; "Этап N. heading" rows, each followed by its events
    "N.M. title<TAB>period<TAB>responsible<TAB>result"."""
    stages: list[SourceStage] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if stage := STAGE.match(line):
            stages.append(SourceStage(int(stage[1]), stage[2].split("\t")[0]))
        elif event := EVENT.match(line):
            assert stages, f"an event before the first stage: {line!r}"
            assert int(event[1]) == stages[-1].number, f"an event numbered outside its stage: {line!r}"
            assert int(event[2]) == len(stages[-1].events) + 1, f"an event out of sequence: {line!r}"
            cells = event[3].split("\t")
            assert len(cells) == 4, f"not four cells: {line!r}"
            stages[-1].events.append(SourceEvent(*cells))
        else:
            # Only the document's heading may come before the table; inside it every line is a stage or an event.
            assert not stages, f"a line that is neither a stage nor an event: {line!r}"
    return stages


def parse_school(text: str) -> list[SourceStage]:
    """Seed 001: blocks separated by blank lines. A tab-indented line opens a cell, an unindented one continues it.
    A stage is a block of one cell "Этап N. heading"; each event after it is a block of four cells: title, period,
    responsible, result (the result cell may be empty)."""
    blocks: list[list[str]] = []
    cells: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("\t"):
            cells.append(line[1:])
        elif line.strip():
            if cells:
                cells[-1] += " " + line
            else:
                # A line of its own outside any cell: only the document's heading, above the table.
                assert not any(STAGE.match(block[0].strip()) for block in blocks), f"a stray line: {line!r}"
        elif cells:
            blocks.append(cells)
            cells = []
    stages: list[SourceStage] = []
    for block in blocks:
        if stage := STAGE.match(block[0].strip()):
            assert len(block) == 1, f"a stage heading with more cells: {block!r}"
            stages.append(SourceStage(int(stage[1]), stage[2]))
        elif stages:
            assert len(block) == 4, f"an event that is not four cells: {block!r}"
            stages[-1].events.append(SourceEvent(*block))
    return stages


SOURCES: dict[str, tuple[str, Callable[[str], list[SourceStage]]]] = {
    "college_2020": ("000_51195d78bbd8d723.txt", parse_college),
    "school_teacher_teacher": ("001_6af88c98e5a0c9b7.txt", parse_school),
}
CODES = list(SOURCES)


def reworded(tmpl: RoadmapTemplate, text: str) -> str:
    """The source's text as the template words it: its declared rewordings applied in order."""
    text = normalise(text)
    for source, ours in tmpl.rewordings:
        text = text.replace(source, ours)
    return text


def load(code: str) -> tuple[RoadmapTemplate, list[SourceStage]]:
    name, parse = SOURCES[code]
    tmpl = template(code)
    stages = parse((SEEDS / name).read_text(encoding="utf-8"))
    for stage in stages:
        stage.events = [
            SourceEvent(reworded(tmpl, e.title), e.period, reworded(tmpl, e.responsible), reworded(tmpl, e.result))
            for e in stage.events
        ]
    return tmpl, stages


def source_months(period: str) -> tuple[int, int]:
    """The first and last month named in a source period such as "декабрь – март 2021" or "Июнь- август-"."""
    named = [MONTH_NAMES.index(word) + 1 for word in re.findall(r"[а-яё]+", period.lower()) if word in MONTH_NAMES]
    assert 1 <= len(named) <= 2, f"not a period of months: {period!r}"
    return named[0], named[-1]


def test_every_source_has_its_template() -> None:
    assert [t.code for t in TEMPLATES] == [*CODES, *WORDED]
    with pytest.raises(KeyError):
        template("no_such_template")


@pytest.mark.parametrize("code", CODES)
def test_every_rewording_is_used(code: str) -> None:
    """A rewording the source no longer has would hide nothing: each one changes the source somewhere."""
    tmpl = template(code)
    name, _ = SOURCES[code]
    text = normalise((SEEDS / name).read_text(encoding="utf-8"))
    for source, _ours in tmpl.rewordings:
        assert source in text, source


@pytest.mark.parametrize("code", CODES)
def test_the_parser_reads_seven_stages(code: str) -> None:
    _, source = load(code)
    assert [stage.number for stage in source] == [1, 2, 3, 4, 5, 6, 7]
    assert all(stage.events for stage in source)


@pytest.mark.parametrize("code", CODES)
def test_stages(code: str) -> None:
    tmpl, source = load(code)
    assert [stage.number for stage in tmpl.stages] == [stage.number for stage in source]
    assert [normalise(stage.title) for stage in tmpl.stages] == [normalise(stage.title) for stage in source]
    assert [len(stage.events) for stage in tmpl.stages] == [len(stage.events) for stage in source]


@pytest.mark.parametrize("code", CODES)
def test_event_titles(code: str) -> None:
    tmpl, source = load(code)
    for ours, theirs in zip(tmpl.stages, source, strict=True):
        assert [normalise(e.title) for e in ours.events] == [normalise(e.title) for e in theirs.events]
        assert all(e.title == " ".join(e.title.split()) for e in ours.events), "whitespace not normalised"


@pytest.mark.parametrize("code", CODES)
def test_results(code: str) -> None:
    """Non-empty results equal the source's; where the source cell is empty (001: the stage's result sits on its first
    event only) the template's is empty too."""
    tmpl, source = load(code)
    for ours, theirs in zip(tmpl.stages, source, strict=True):
        assert [normalise(e.result) for e in ours.events] == [normalise(e.result) for e in theirs.events]
        assert all(e.result == " ".join(e.result.split()) for e in ours.events), "whitespace not normalised"


@pytest.mark.parametrize("code", CODES)
def test_responsible(code: str) -> None:
    tmpl, source = load(code)
    for ours, theirs in zip(tmpl.stages, source, strict=True):
        expected = [normalise(INITIALS.sub("", e.responsible)).casefold() for e in theirs.events]
        assert [normalise(e.responsible).casefold() for e in ours.events] == expected


@pytest.mark.parametrize("code", CODES)
def test_months(code: str) -> None:
    tmpl, source = load(code)
    for ours, theirs in zip(tmpl.stages, source, strict=True):
        for event, original in zip(ours.events, theirs.events, strict=True):
            assert re.fullmatch(r"[А-ЯЁ][а-яё]+(–[а-яё]+)?", event.months), event.months
            first, last = month_range(event.months)
            assert 1 <= first <= 12 and 1 <= last <= 12
            assert (first, last) == source_months(original.period), (event.months, original.period)
    assert tmpl.first_month == month_range(tmpl.stages[0].events[0].months)[0]


def test_month_range() -> None:
    assert month_range("Октябрь–ноябрь") == (10, 11)
    assert month_range("Декабрь–март") == (12, 3)
    assert month_range("Май") == (5, 5)
    assert sorted(MONTHS) == sorted(MONTH_NAMES)
    assert [MONTHS[name] for name in MONTH_NAMES] == list(range(1, 13))
    with pytest.raises(ValueError):
        month_range("Весна")


# No template carries another organization's name, site or year -------------------------------------------------

URL = re.compile(r"https?://|www\.|\.ru\b", re.IGNORECASE)
YEAR = re.compile(r"\b(19|20)\d\d\b")
NAMED = re.compile(r"\b[МГ][А-Я]*ОУ\b|\bГБПОУ\b|\bРК «|\bУР «|«ЧАТ»|Карловск|Озоно|Чепецк|chapagroteh")


def texts(tmpl: RoadmapTemplate) -> list[str]:
    found = [tmpl.title, tmpl.source]
    for stage in tmpl.stages:
        found.append(stage.title)
        found += [text for e in stage.events for text in (e.title, e.responsible, e.result)]
    return found


@pytest.mark.parametrize("code", [t.code for t in TEMPLATES])
def test_no_template_carries_a_url_a_year_or_a_named_organization(code: str) -> None:
    for text in texts(template(code)):
        assert not URL.search(text), text
        assert not YEAR.search(text), text
        assert not NAMED.search(text), text
        assert "техникум" not in worded(text, "").lower(), text  # the college's own word becomes the owner's


def test_the_owner_is_named_in_its_own_roadmap() -> None:
    college = template("college_2020")
    first = college.stages[0].events[0].result
    assert ORG in first
    assert worded(first, "ГБПОУ «Колледж»").endswith(
        "дорожной карты внедрения системы наставничества в ГБПОУ «Колледж»."
    )
    assert worded(first, "").endswith("в образовательной организации.")


def test_templates_by_kind() -> None:
    assert [t.code for t in templates_for("school")] == ["school_teacher_teacher", "school_004", "teachers_004"]
    assert [t.code for t in templates_for("college")] == ["college_2020", "teachers_004"]
    assert [t.code for t in templates_for(LEVEL)] == ["level_003"]
    school_words = " ".join(text for t in templates_for("school") for text in texts(t))
    assert "Зам по УПР" not in school_words and "студент – студент" not in school_words


# 004's two roadmaps and 003's, event by event in the source's words --------------------------------------------

WORD = re.compile(r"[а-яёa-z0-9]+")


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def position_in(words: list[str], source: list[str], start: int = 0, gap: int = 8) -> tuple[int, int] | None:
    """Where the words run through the source in order, each within `gap` words of the one before: the source's
    columns interleave and break words across lines («персонализирован / ных»), so a word may be two source words
    joined. (first, after) positions, or None."""
    for first in range(start, len(source)):
        here, ok, begin = first, True, None
        for n, word in enumerate(words):
            limit = here + 1 if n == 0 else min(len(source), here + gap)
            for j in range(here, limit):
                if source[j] == word:
                    step = 1
                elif j + 1 < len(source) and source[j] + source[j + 1] == word:
                    step = 2
                else:
                    continue
                begin = j if begin is None else begin
                here = j + step
                break
            else:
                ok = False
                break
        if ok and begin is not None:
            return begin, here
    return None


def section(name: str, first_line: str, last_line: str | None) -> list[str]:
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(first_line))
    end = next(n for n, line in enumerate(lines) if n > start and line.startswith(last_line)) if last_line else None
    return tokens("\n".join(lines[start + 1 : end]))


WORDED: dict[str, tuple[str, str, str | None]] = {
    "school_004": (
        "004_8ace7c72b2e2baeb.txt",
        "Дорожная карта внедрения целевой модели наставничества в",
        None,
    ),
    "teachers_004": (
        "004_8ace7c72b2e2baeb.txt",
        "Дорожная карта (план мероприятий) по реализации Положения о системе наставничества педагогических",
        "Дорожная карта внедрения целевой модели наставничества в",
    ),
    "level_003": ("003_ce55c4b65aa1fbb7.txt", "Распределите этапы реализации программы по наставничеству", None),
}


@pytest.mark.parametrize("code", list(WORDED))
def test_each_event_is_the_sources_in_its_order(code: str) -> None:
    tmpl = template(code)
    source = section(*WORDED[code])
    assert [stage.number for stage in tmpl.stages] == [1, 2, 3, 4, 5, 6, 7]
    after = 0
    for stage in tmpl.stages:
        assert stage.events
        for event in stage.events:
            found = position_in(tokens(event.title), source, after)
            assert found, f"not in the source, or out of its order: {event.title!r}"
            after = found[1]
            assert event.result == "", "these sources give no results"
            first, last = month_range(event.months)
            assert 1 <= first <= 12 and 1 <= last <= 12


@pytest.mark.parametrize("code", ["school_004", "level_003"])
def test_no_event_of_the_source_is_left_out(code: str) -> None:
    """Every word of the source's events is in some event of the template (the headings aside)."""
    tmpl = template(code)
    source = section(*WORDED[code])
    used = [False] * len(source)
    after = 0
    for event in (e for stage in tmpl.stages for e in stage.events):
        found = position_in(tokens(event.title), source, after)
        assert found
        for n in range(found[0], found[1]):
            used[n] = True
        after = found[1]
    headings = re.compile(r"\d*этап|\d+")  # «1этап», «2 этап»: the stages' own numbers
    left = [w for w, u in zip(source, used, strict=True) if not u and not headings.fullmatch(w)]
    assert len(left) <= len(source) // 10, left


def test_a_level_programme_has_the_regional_stages() -> None:
    titles = [stage.title for stage in template("level_003").stages]
    assert titles == [
        "Структура и программа наставничества",
        "Цифровая база наставников",
        "Наставнические инициативы в регионе",
        "Агрегированная база кураторов, наставников и наставляемых",
        "Обучение наставников и кураторов",
        "Мониторинг результатов и сертификация кураторов",
        "Празднование результатов и библиотека кейсов",
    ]
