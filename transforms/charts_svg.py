"""Small inline-SVG charts for the HTML report: chart data in, SVG text out. Pure, no JS.

Horizontal positions are percentages of the chart's width and vertical ones are pixels, so a
chart stretches to its container (1280 px or 400 px wide) while its text keeps its size: a
viewBox would scale 12 px labels down to 6 px on a phone. SVG text does not wrap, so labels
are cut to fit a 400 px screen (the full text is in the mark's <title> and in the table
beside the chart). Every mark is a <rect class="mark"> with a <title>; fills come in three
patterns (solid, hatched, cross-hatched) so that colour is never the only signal, and the
numbers are written out as text beside the bars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

# fill name -> (pattern, fallback colour); the page's CSS restyles them (dark mode).
FILLS = {
    "solid": ("solid", "#2b6cb0"),
    "hatch": ("hatch", "#2b6cb0"),
    "warn": ("solid", "#c05621"),
    "cross": ("cross", "#c05621"),
    "muted": ("solid", "#8a94a6"),
}
LABEL_CHARS = 52  # about 330 px of 12 px system-ui text: fits a 400 px wide screen
_ROW_LABEL = 16
_TRACK = 12
_TRACK_GAP = 3
_ROW_GAP = 10
_GROUP_HEADING = 22
_BAR_SPAN = 66.0  # the longest bar takes this % of the width; the rest is room for its note
_STRIP = 30  # px, the tallest column of a strip
_AXIS = 18


@dataclass(frozen=True)
class Segment:
    """Part of a bar: a value drawn in one fill, with a tooltip."""

    value: float
    fill: str
    title: str


@dataclass(frozen=True)
class Track:
    """One bar (stacked segments) and the note written after it."""

    segments: tuple[Segment, ...]
    note: str = ""

    @property
    def total(self) -> float:
        """Sum of the segments."""
        return sum(s.value for s in self.segments)


@dataclass(frozen=True)
class Row:
    """A label line and one or more bars under it (two for a then-and-now pair)."""

    label: str
    tracks: tuple[Track, ...]


@dataclass(frozen=True)
class Group:
    """Rows under an optional heading ("New stories (0)")."""

    rows: tuple[Row, ...]
    heading: str = ""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, grouped; all bars share one scale."""

    key: str  # unique in the page: ids of the SVG's title and patterns derive from it
    title: str
    description: str
    groups: tuple[Group, ...]
    legend: tuple[tuple[str, str], ...] = ()  # (fill, meaning)

    @property
    def marks(self) -> int:
        """Number of non-empty segments (what the chart draws)."""
        return sum(1 for g in self.groups for r in g.rows for t in r.tracks for s in t.segments if s.value > 0)


@dataclass(frozen=True)
class Strip:
    """One series over the chart's days: a stack of segments per day."""

    label: str
    columns: tuple[tuple[Segment, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class StripChart:
    """Small multiples: one strip of day columns per series, on one shared scale."""

    key: str
    title: str
    description: str
    days: tuple[date, ...]
    strips: tuple[Strip, ...]
    legend: tuple[tuple[str, str], ...] = ()
    omitted: int = 0  # series left out (the chart shows the biggest ones)
    day_labels: tuple[str, ...] = field(default=())  # optional, one per day (default: ISO dates)

    @property
    def marks(self) -> int:
        """Number of non-empty segments (what the chart draws)."""
        return sum(1 for s in self.strips for col in s.columns for seg in col if seg.value > 0)


Chart = BarChart | StripChart


def clipped(text: str, limit: int = LABEL_CHARS) -> str:
    """`text` cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrapped(text: str, limit: int = LABEL_CHARS, lines: int = 2) -> list[str]:
    """`text` broken at spaces into at most `lines` lines of at most `limit` characters (cut with an ellipsis)."""
    words, out, line = text.split(), [], ""
    for i, word in enumerate(words):
        if line and len(line) + 1 + len(word) > limit:
            out.append(line)
            if len(out) == lines - 1:
                line = " ".join(words[i:])
                break
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [clipped(x, limit) for x in [*out, line] if x]


def _pct(x: float) -> str:
    return f"{round(x, 3):g}%"


def _defs(key: str, fills: set[str]) -> str:
    """Patterns for the hatched fills this chart uses (ids prefixed by the chart key)."""
    parts = []
    for name in sorted(fills):
        pattern, colour = FILLS[name]
        if pattern == "hatch":
            parts.append(
                f'<pattern id="{key}-{name}" patternUnits="userSpaceOnUse" width="6" height="6"'
                f' patternTransform="rotate(45)"><rect width="6" height="6" class="pbg" fill="#fff"/>'
                f'<rect width="2.5" height="6" class="f-{name}" fill="{colour}"/></pattern>'
            )
        elif pattern == "cross":
            parts.append(
                f'<pattern id="{key}-{name}" patternUnits="userSpaceOnUse" width="6" height="6"'
                f' patternTransform="rotate(45)"><rect width="6" height="6" class="pbg" fill="#fff"/>'
                f'<rect width="2" height="6" class="f-{name}" fill="{colour}"/>'
                f'<rect width="6" height="2" class="f-{name}" fill="{colour}"/></pattern>'
            )
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def _fill_attrs(key: str, name: str) -> str:
    pattern, colour = FILLS[name]
    if pattern == "solid":
        return f'class="mark f-{name}" fill="{colour}"'
    return f'class="mark p-{name}" fill="url(#{key}-{name})" stroke="{colour}" stroke-width="0.75"'


def _svg_open(key: str, title: str, description: str, height: int) -> str:
    return (
        f'<svg class="chart" id="{key}" width="100%" height="{height}" role="img"'
        f' aria-labelledby="{key}-title {key}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(description)}</desc>'
    )


def bar_chart_svg(chart: BarChart) -> str:
    """Horizontal bars: per row a label line, then each track's bar with its note after it."""
    scale = max((t.total for g in chart.groups for r in g.rows for t in r.tracks), default=0) or 1
    body: list[str] = []
    fills: set[str] = set()
    y = 4
    for group in chart.groups:
        if group.heading:
            body.append(f'<text class="heading" x="0" y="{y + 14}">{escape(clipped(group.heading))}</text>')
            y += _GROUP_HEADING
        for row in group.rows:
            for line in wrapped(row.label):
                body.append(f'<text class="label" x="0" y="{y + 12}">{escape(line)}</text>')
                y += _ROW_LABEL
            y += 2
            for track in row.tracks:
                # a 1 px stub at zero so an empty bar still shows where it starts
                body.append(f'<rect class="axis" x="0" y="{y}" width="1" height="{_TRACK}" fill="#888"/>')
                x = 0.0
                for seg in track.segments:
                    if seg.value <= 0:
                        continue
                    fills.add(seg.fill)
                    w = seg.value / scale * _BAR_SPAN
                    body.append(
                        f'<rect {_fill_attrs(chart.key, seg.fill)} x="{_pct(x)}" y="{y}" width="{_pct(w)}"'
                        f' height="{_TRACK}"><title>{escape(seg.title)}</title></rect>'
                    )
                    x += w
                if track.note:
                    body.append(
                        f'<text class="note" x="{_pct(x)}" dx="6" y="{y + _TRACK - 2}">{escape(track.note)}</text>'
                    )
                y += _TRACK + _TRACK_GAP
            y += _ROW_GAP
    head = _svg_open(chart.key, chart.title, chart.description, y)
    return head + _defs(chart.key, fills) + "".join(body) + "</svg>"


def strip_chart_svg(chart: StripChart) -> str:
    """Small multiples: per series a label line and a strip of day columns on a shared scale."""
    n = max(len(chart.days), 1)
    scale = max((sum(s.value for s in col) for st in chart.strips for col in st.columns), default=0) or 1
    col_w = 100 / n
    body: list[str] = []
    fills: set[str] = set()
    y = 4
    for strip in chart.strips:
        body.append(f'<text class="label" x="0" y="{y + 12}">{escape(clipped(strip.label, 30))}</text>')
        if strip.note:
            body.append(f'<text class="note" x="100%" y="{y + 12}" text-anchor="end">{escape(strip.note)}</text>')
        y += _ROW_LABEL + 4
        base = y + _STRIP
        # the last column is the report's day: a band behind it (the axis says "today" in words)
        body.append(
            f'<rect class="today" x="{_pct(col_w * (n - 1))}" y="{y - 2}" width="{_pct(col_w)}"'
            f' height="{_STRIP + 3}" fill="#eef2f7"/>'
        )
        body.append(f'<rect class="axis" x="0" y="{base}" width="100%" height="1" fill="#888"/>')
        for i, col in enumerate(strip.columns):
            top = base
            for seg in col:
                if seg.value <= 0:
                    continue
                fills.add(seg.fill)
                h = max(seg.value / scale * _STRIP, 2)
                top -= h
                body.append(
                    f'<rect {_fill_attrs(chart.key, seg.fill)} x="{_pct(col_w * i + col_w * 0.15)}"'
                    f' y="{round(top, 2):g}" width="{_pct(col_w * 0.7)}" height="{round(h, 2):g}">'
                    f"<title>{escape(seg.title)}</title></rect>"
                )
        y = base + 1 + _ROW_GAP
    labels = chart.day_labels or tuple(d.isoformat() for d in chart.days)
    if labels:
        y += 2
        body.append(f'<text class="axis-label" x="0" y="{y + 10}">{escape(labels[0])}</text>')
        if len(labels) > 1:
            body.append(f'<text class="axis-label" x="100%" y="{y + 10}" text-anchor="end">{escape(labels[-1])}</text>')
        y += _AXIS
    head = _svg_open(chart.key, chart.title, chart.description, y)
    return head + _defs(chart.key, fills) + "".join(body) + "</svg>"


def chart_svg(chart: Chart) -> str:
    """The chart as inline SVG markup (escaped, ready to paste into HTML)."""
    if isinstance(chart, StripChart):
        return strip_chart_svg(chart)
    return bar_chart_svg(chart)
