"""A table too wide for a phone scrolls sideways inside its wrapper, and a keyboard user scrolls it only if the
wrapper takes the focus: every scrolling wrapper of every template is a named region in the tab order
(tabindex="0", role="region" and an aria-label or aria-labelledby that is not empty)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLASS = re.compile(r"\bclass=\"(?:[^\"]*\s)?table-wrap(?:\s[^\"]*)?\"")
LABEL = re.compile(r"\baria-(?:label|labelledby)=\"\s*[^\"\s][^\"]*\"")


def templates() -> list[Path]:
    return sorted(p for top in ("services", "tenants", "shared", "app") for p in (ROOT / top).rglob("*.html"))


def wrappers(text: str) -> list[str]:
    """The opening tags holding the class, a Jinja expression or statement in one (which may hold a ">") whole."""
    tags = []
    for match in CLASS.finditer(text):
        start, end = text.rindex("<", 0, match.start()), match.end()
        while end < len(text) and text[end] != ">":
            closing = {"{{": "}}", "{%": "%}"}.get(text[end : end + 2])
            end = text.index(closing, end + 2) + 2 if closing else end + 1
        tags.append(text[start : end + 1])
    return tags


def unreachable(text: str) -> list[str]:
    """The opening tags of the scrolling wrappers the keyboard cannot reach or a screen reader cannot name."""
    found = []
    for tag in wrappers(text):
        if 'tabindex="0"' not in tag or 'role="region"' not in tag or not LABEL.search(tag):
            found.append(tag)
    return found


def test_the_scan_tells_a_reachable_wrapper_from_an_unreachable_one() -> None:
    assert unreachable('<div class="table-wrap"><table></table></div>') == ['<div class="table-wrap">']
    assert unreachable('<div class="table-wrap" tabindex="0" role="region" aria-label=""><table>')
    assert not unreachable('<div class="table-wrap" tabindex="0" role="region" aria-label="Пары"><table>')
    assert not unreachable('<div class="table-wrap" tabindex="0" role="region" aria-labelledby="h-pairs">')


def test_every_scrolling_table_wrapper_is_a_named_focusable_region() -> None:
    problems = []
    count = 0
    for path in templates():
        text = path.read_text(encoding="utf-8")
        count += len(wrappers(text))
        for tag in unreachable(text):
            line = text[: text.index(tag)].count("\n") + 1
            problems.append(f"{path.relative_to(ROOT)}:{line}: {tag}")
    assert count >= 80  # the scan still finds the wrappers it is about
    assert not problems, "\n".join(problems)
