"""Every stage and every event of the two source roadmaps (seeds 000 and 001) is in its template.

The sources are read here with parsers of their own, not through the data module, from copies under
tests/fixtures/seeds (the originals live outside the repository).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.programmes.roadmap_templates import MONTHS, TEMPLATES, RoadmapTemplate, month_range, template

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


def load(code: str) -> tuple[RoadmapTemplate, list[SourceStage]]:
    name, parse = SOURCES[code]
    return template(code), parse((SEEDS / name).read_text(encoding="utf-8"))


def source_months(period: str) -> tuple[int, int]:
    """The first and last month named in a source period such as "декабрь – март 2021" or "Июнь- август-"."""
    named = [MONTH_NAMES.index(word) + 1 for word in re.findall(r"[а-яё]+", period.lower()) if word in MONTH_NAMES]
    assert 1 <= len(named) <= 2, f"not a period of months: {period!r}"
    return named[0], named[-1]


def test_every_source_has_its_template() -> None:
    assert [t.code for t in TEMPLATES] == CODES
    with pytest.raises(KeyError):
        template("no_such_template")


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
