"""Tiny server-side charts: one geometry, drawn as SVG for pages and as a ReportLab Drawing for PDFs.

The SVG uses presentation attributes only (fill=, font-size=, ...): the CSP forbids inline
styles and scripts. Each chart carries a <title> and a <desc> listing its figures, so a screen
reader gets the numbers, not just "chart". The page shows each chart's title above it (the
dashboard's <figcaption>); long labels wrap onto a second line, and a label still too long
ends in "…" with its full text as the label's tooltip.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

PALETTE = ("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1")
AXIS = "#6c757d"
GRID = "#dee2e6"
FONT_SIZE = 11


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    tip: str = ""


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 1.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start | middle | end
    size: float = FONT_SIZE
    fill: str = "#212529"
    tip: str = ""


@dataclass
class Chart:
    """Shapes in a `width` x `height` box, y growing downwards (as in SVG)."""

    title: str
    description: str
    width: float
    height: float
    shapes: list = field(default_factory=list)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, limit: int, lines: int = 2) -> list[str]:
    """`text` in at most `lines` lines of about `limit` characters, broken between words; the
    last line shortened with "…" when the text does not fit."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = _short(out[-1] + " " + " ".join(words), limit)
    return [_short(line, limit) for line in out] or [""]


#: Width of a character of the charts' labels, as a share of the font size (sans-serif,
#: Vietnamese diacritics included): how many characters a label's column holds.
CHAR_WIDTH = 0.56


def _nice_max(value: int) -> int:
    """The top of the value axis: the smallest 1, 2 or 5 x 10^n at or above `value`."""
    top = 1
    while top < value:
        top = top * 5 // 2 if str(top)[0] == "2" else top * 2
    return top


def _ticks(top: int) -> list[int]:
    step = max(1, top // 5 if str(top)[0] in "15" else top // 4)
    return list(range(0, top + 1, step))


def bar_chart(title: str, items: list[tuple[str, int]], width: float = 520) -> Chart:
    """Horizontal bars, one per (label, value); a long label wraps onto a second line (and
    ends in "…", its full text the tooltip, beyond that: the table below keeps it whole)."""
    row, line_h, label_w, pad = 24, 13, width * 0.46, 8
    limit = int((label_w - 10) / (FONT_SIZE * CHAR_WIDTH))
    wrapped = [_wrap(label, limit) for label, _value in items]
    heights = [max(row, line_h * len(lines) + 11) for lines in wrapped]
    height = sum(heights) + 2 * pad + 14 if items else row + 2 * pad + 14
    top = _nice_max(max((v for _, v in items), default=0))
    scale = (width - label_w - 2 * pad - 30) / top
    chart = Chart(title, "; ".join(f"{label}: {value}" for label, value in items), width, height)
    y = pad
    for (label, value), lines, h in zip(items, wrapped, heights):
        middle = y + h / 2
        first = middle - line_h * (len(lines) - 1) / 2 + 4
        tip = label if " ".join(lines) != label else ""
        for k, line in enumerate(lines):
            chart.shapes.append(Text(label_w - 6, first + k * line_h, line, anchor="end",
                                     tip=tip))
        chart.shapes.append(Rect(label_w, middle - (row - 8) / 2, max(value * scale, 0.5),
                                 row - 8, PALETTE[0], tip=f"{label}: {value}"))
        chart.shapes.append(Text(label_w + value * scale + 4, middle + 4, str(value)))
        y += h
    chart.shapes.append(Line(((label_w, pad), (label_w, y)), AXIS))
    return chart


def line_chart(title: str, x_labels: list[str], series: list[tuple[str, list[int]]],
               width: float = 520, height: float = 240) -> Chart:
    """One line per (name, values), a legend below, light grid lines at round values."""
    top = _nice_max(max((v for _, values in series for v in values), default=0))
    # Room for the widest tick on the left, for half the last month's label on the right.
    left, right, top_pad, bottom = 14 + FONT_SIZE * CHAR_WIDTH * len(str(top)), 28, 12, 58
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    description = "; ".join(
        f"{name}: " + ", ".join(f"{x} {v}" for x, v in zip(x_labels, values))
        for name, values in series)
    chart = Chart(title, description, width, height)
    n = max(len(x_labels) - 1, 1)

    def at(i: int, v: int) -> tuple[float, float]:
        return left + plot_w * i / n, top_pad + plot_h * (1 - v / top)

    for tick in _ticks(top):
        y = at(0, tick)[1]
        chart.shapes.append(Line(((left, y), (left + plot_w, y)), GRID))
        chart.shapes.append(Text(left - 4, y + 4, str(tick), anchor="end", fill=AXIS))
    every = max(1, len(x_labels) // 12)
    for i, label in enumerate(x_labels):
        if i % every == 0:
            chart.shapes.append(Text(at(i, 0)[0], top_pad + plot_h + 14, label, anchor="middle",
                                     size=9, fill=AXIS))
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = tuple(at(i, v) for i, v in enumerate(values))
        if len(points) == 1:
            points = (points[0], (points[0][0] + 1, points[0][1]))
        chart.shapes.append(Line(points, colour, 2))
        for i, v in enumerate(values):
            x, y = at(i, v)
            chart.shapes.append(Rect(x - 2.5, y - 2.5, 5, 5, colour,
                                     tip=f"{name} {x_labels[i]}: {v}"))
        lx = left + k * 170
        ly = height - 16
        chart.shapes.append(Rect(lx, ly - 8, 14, 4, colour))
        chart.shapes.append(Text(lx + 20, ly, name))
    return chart


def to_svg(chart: Chart, chart_id: str) -> Markup:
    """Inline SVG markup, labelled for assistive technology."""
    e = escape
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width:.0f} '
         f'{chart.height:.0f}" width="100%" role="img" class="report-chart" '
         f'aria-labelledby="{e(chart_id)}-title {e(chart_id)}-desc" font-family="sans-serif" '
         f'font-size="{FONT_SIZE}">'),
        f'<title id="{e(chart_id)}-title">{e(chart.title)}</title>',
        f'<desc id="{e(chart_id)}-desc">{e(chart.description)}</desc>',
    ]
    for s in chart.shapes:
        if isinstance(s, Rect):
            tip = f"<title>{e(s.tip)}</title>" if s.tip else ""
            out.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" '
                       f'height="{s.h:.1f}" fill="{s.fill}">{tip}</rect>')
        elif isinstance(s, Line):
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in s.points)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{s.stroke}" '
                       f'stroke-width="{s.width}"/>')
        else:
            tip = f"<title>{e(s.tip)}</title>" if s.tip else ""
            out.append(f'<text x="{s.x:.1f}" y="{s.y:.1f}" text-anchor="{s.anchor}" '
                       f'font-size="{s.size}" fill="{s.fill}">{tip}{e(s.text)}</text>')
    out.append("</svg>")
    # B704 does not apply: every text went through escape(), the rest are numbers and constants
    return Markup("".join(out))  # nosec B704


def to_drawing(chart: Chart, font: str, width: float | None = None):
    """A ReportLab Drawing of the chart (y flipped), scaled to `width` points if given."""
    from reportlab.graphics.shapes import Drawing, PolyLine, String
    from reportlab.graphics.shapes import Rect as RLRect
    from reportlab.lib.colors import HexColor

    h = chart.height
    drawing = Drawing(chart.width, chart.height)
    for s in chart.shapes:
        if isinstance(s, Rect):
            drawing.add(RLRect(s.x, h - s.y - s.h, s.w, s.h, fillColor=HexColor(s.fill),
                               strokeColor=None))
        elif isinstance(s, Line):
            flat = [c for x, y in s.points for c in (x, h - y)]
            drawing.add(PolyLine(flat, strokeColor=HexColor(s.stroke), strokeWidth=s.width))
        else:
            drawing.add(String(s.x, h - s.y, s.text, fontName=font, fontSize=s.size,
                               fillColor=HexColor(s.fill), textAnchor=s.anchor))
    if width and width < chart.width:
        factor = width / chart.width
        drawing.scale(factor, factor)
        drawing.width, drawing.height = chart.width * factor, chart.height * factor
    return drawing
