"""A horizontal bar chart drawn on the server as SVG geometry (no JavaScript, no chart library).

Each bar has its label on a line of its own above it, so the chart reads at 390 px wide; the
template draws the shapes and gives the chart a text alternative (the numbers are in the table).
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 360  # viewBox units: about one CSS pixel on a phone
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 10
VALUE_ROOM = 64  # right of the longest bar, for its value


@dataclass(frozen=True)
class Bar:
    """One bar: its label and value text, and where the template draws it."""

    label: str
    text: str
    label_y: int
    bar_y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    """The bars and the size of the drawing."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_height: int = BAR_HEIGHT


def bar_chart(items: list[tuple[str, float | None, str]]) -> BarChart:
    """Bars for (label, share 0…1 or None, value text); a missing value draws no bar, only its text."""
    bars: list[Bar] = []
    y = 0
    for label, share, text in items:
        length = (WIDTH - VALUE_ROOM) * max(0.0, min(1.0, share or 0.0))
        bars.append(Bar(label, text, y + LABEL_HEIGHT - 4, y + LABEL_HEIGHT, round(length, 1)))
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return BarChart(tuple(bars), WIDTH, max(y, 1))
