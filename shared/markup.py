"""Markdown the organizations write for the public (announcements, introductions), rendered safely: CommonMark
with raw HTML off, so a post can carry no script, style or frame, and markdown-it's own link check refuses
`javascript:` and other unsafe schemes."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def markdown(text: str) -> Markup:
    return Markup(_RENDERER.render(text))  # noqa: S704 - html is off: the renderer escapes all the input
