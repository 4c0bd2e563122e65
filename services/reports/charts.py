"""Charts drawn on the server as SVG: no script, readable printed in black and white (values are written on the
bars, the target is a dashed line, series differ by pattern as well as by shade)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH = 720
ROW = 26
LABEL = 300
# A phone gets its own drawing, shown instead of the wide one by the stylesheet: 360 units across a ~330 px column
# keep its 13-unit text at 11 px or more, where the wide drawing would shrink its labels to 5 px.
NARROW = 360
NARROW_ROW = 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    href: str = ""


def hbar(bars: list[Bar], *, unit: str = "", maximum: float | None = None, target: float | None = None) -> str:
    """Horizontal bars, one per unit (municipality, organization or form), with an optional target line."""
    top = maximum or max([b.value or 0 for b in bars] + [target or 0, 1])
    aria = escape(", ".join(f"{b.label} {_fmt(b.value)}{unit}" for b in bars))
    return _hbar_wide(bars, unit, top, target, aria) + _hbar_narrow(bars, unit, top, target, aria)


def _label(bar: Bar, x: float, y: float, anchor: str) -> str:
    label = escape(bar.label if len(bar.label) <= 40 else bar.label[:39] + "…")
    text = f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{label}</text>'
    return f'<a href="{escape(bar.href)}">{text}</a>' if bar.href else text


def _hbar_wide(bars: list[Bar], unit: str, top: float, target: float | None, aria: str) -> str:
    plot = WIDTH - LABEL - 70
    height = ROW * len(bars) + 30
    parts = [
        f'<svg class="chart chart-wide" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="Диаграмма: {aria}">'
    ]
    for n, bar in enumerate(bars):
        y = 10 + n * ROW
        width = 0 if bar.value is None else plot * bar.value / top
        parts.append(_label(bar, LABEL - 8, y + 15, "end"))
        shown = _fmt(bar.value) + ("" if bar.value is None else unit)
        parts.append(
            f'<rect x="{LABEL}" y="{y + 3}" width="{width:.1f}" height="{ROW - 8}" class="bar" />'
            f'<text x="{LABEL + width + 6:.1f}" y="{y + 15}">{shown}</text>'
        )
    if target is not None:
        x = LABEL + plot * target / top
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 20}" class="target" />'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">цель {_fmt(target)}{unit}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _hbar_narrow(bars: list[Bar], unit: str, top: float, target: float | None, aria: str) -> str:
    """The label on its own line above its bar, so both get the phone's whole width."""
    left, plot = 2, NARROW - 64
    height = NARROW_ROW * len(bars) + 30
    parts = [
        f'<svg class="chart chart-narrow" viewBox="0 0 {NARROW} {height}" width="100%" role="img" '
        f'aria-label="Диаграмма: {aria}">'
    ]
    for n, bar in enumerate(bars):
        y = 6 + n * NARROW_ROW
        width = 0 if bar.value is None else plot * bar.value / top
        parts.append(_label(bar, left, y + 13, "start"))
        shown = _fmt(bar.value) + ("" if bar.value is None else unit)
        parts.append(
            f'<rect x="{left}" y="{y + 18}" width="{width:.1f}" height="16" class="bar" />'
            f'<text x="{left + width + 5:.1f}" y="{y + 31}">{shown}</text>'
        )
    if target is not None:
        x = left + plot * target / top
        parts.append(
            f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 20}" class="target" />'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">цель {_fmt(target)}{unit}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend(points: list[tuple[str, float | None]], *, unit: str = "", target: float | None = None) -> str:
    """A line over months; each point carries its value so the chart reads without colour."""
    aria = escape(", ".join(f"{m} {_fmt(v)}{unit}" for m, v in points))
    return _trend(points, unit, target, aria, WIDTH, "chart-wide") + _trend(
        points, unit, target, aria, NARROW, "chart-narrow"
    )


def _trend(
    points: list[tuple[str, float | None]], unit: str, target: float | None, aria: str, across: int, kind: str
) -> str:
    height, left, right, bottom = (220, 40, 20, 30) if across == WIDTH else (200, 24, 32, 30)
    values = [v for _, v in points if v is not None]
    top = max([*values, target or 0, 1])
    step = (across - left - right) / max(len(points) - 1, 1)
    every = math.ceil(46 / step)  # where month names would overlap (a phone), every other one is written

    def y(value: float) -> float:
        return height - bottom - (height - bottom - 20) * value / top

    parts = [
        f'<svg class="chart {kind}" viewBox="0 0 {across} {height}" width="100%" role="img" '
        f'aria-label="Динамика: {aria}">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{across - 10}" y2="{height - bottom}" class="axis" />',
    ]
    coords = [(left + n * step, y(v)) for n, (_, v) in enumerate(points) if v is not None]
    if len(coords) > 1:
        parts.append('<polyline class="line" points="' + " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords) + '" />')
    for n, (month, value) in enumerate(points):
        x = left + n * step
        written = (len(points) - 1 - n) % every == 0  # the latest month always
        if written:
            parts.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{escape(month)}</text>')
        if value is not None:
            parts.append(f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="4" class="dot" />')
            if written:
                parts.append(f'<text x="{x:.1f}" y="{y(value) - 9:.1f}" text-anchor="middle">{_fmt(value)}</text>')
    if target is not None:
        parts.append(
            f'<line x1="{left}" y1="{y(target):.1f}" x2="{across - 10}" y2="{y(target):.1f}" class="target" />'
            f'<text x="{across - 12}" y="{y(target) - 4:.1f}" text-anchor="end">цель {_fmt(target)}{unit}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}".replace(".", ",")
