"""Markdown the organizations write for the public (announcements, introductions), rendered safely: CommonMark
with raw HTML off, so a post can carry no script, style or frame, and markdown-it's own link check refuses
`javascript:` and other unsafe schemes."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


@lru_cache(maxsize=512)  # texts are up to 20,000 characters: some MB at most
def _rendered(text: str) -> str:
    """The same text renders the same: a public page's introduction and announcements are rendered once per
    process, not on every visit."""
    return _RENDERER.render(text)


def markdown(text: str) -> Markup:
    return Markup(_rendered(text))  # noqa: S704 - html is off: the renderer escapes all the input
