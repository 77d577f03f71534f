"""Bar charts as server-drawn SVG geometry: no JavaScript, readable on a 360 px phone.

The template draws what these dataclasses describe; every chart is also given to the page
as a table of its numbers, which is what screen readers read (the SVG is hidden from them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH = 360  # drawing units; a phone shows them about 1:1, wider screens cap the width in CSS
ROW = 38  # one category: its name on a line, its bar below
BAR = 14
COLUMN_AREA = 140


@dataclass(frozen=True)
class HBar:
    label: str
    value: int
    text_y: int
    bar_y: int
    width: float
    value_x: float


@dataclass(frozen=True)
class HChart:
    title: str
    height: int
    bars: list[HBar]
    bar_height: int = BAR
    width: int = WIDTH

    @property
    def rows(self) -> list[tuple[str, int]]:
        return [(b.label, b.value) for b in self.bars]


def horizontal(title: str, items: list[tuple[str, int]]) -> HChart:
    top = max((v for _, v in items), default=0) or 1
    usable = WIDTH - 50
    bars = []
    for i, (label, value) in enumerate(items):
        width = usable * value / top
        bars.append(HBar(label, value, i * ROW + 13, i * ROW + 18, round(width, 1), round(width + 5, 1)))
    return HChart(title, max(ROW, len(items) * ROW), bars)


@dataclass(frozen=True)
class Column:
    day: date
    value: int
    x: float
    y: float
    width: float
    height: float
    tick: str  # a date label under some columns, else ""


@dataclass(frozen=True)
class ColumnChart:
    title: str
    columns: list[Column]
    top: int
    height: int = COLUMN_AREA + 36
    base_y: int = COLUMN_AREA + 10
    width: int = WIDTH

    @property
    def rows(self) -> list[tuple[str, int]]:
        return [(c.day.isoformat(), c.value) for c in self.columns]


def columns(title: str, series: list[tuple[date, int]]) -> ColumnChart:
    top = max((v for _, v in series), default=0)
    scale = COLUMN_AREA / (top or 1)
    n = max(1, len(series))
    step = (WIDTH - 32) / n
    every = max(1, n // 5)
    cols = []
    for i, (day, value) in enumerate(series):
        height = value * scale
        tick = day.strftime("%d/%m") if i % every == 0 else ""
        cols.append(
            Column(
                day,
                value,
                round(30 + i * step, 1),
                round(COLUMN_AREA + 10 - height, 1),
                round(max(1.0, step * 0.7), 1),
                round(height, 1),
                tick,
            )
        )
    return ColumnChart(title, cols, top)
