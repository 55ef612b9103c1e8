"""Server-side SVG charts for the monitoring dashboard.

The charts are plain SVG strings inlined into pages and WeasyPrint PDFs, so they have no
JavaScript, no inline styles (the Content-Security-Policy forbids them; presentation attributes
only) and no external references. User text is stripped of characters XML cannot hold,
escaped, and truncated with «…»; its full text stays in a <title> for the tooltip.
"""

import math
import re
from dataclasses import dataclass
from html import escape
from itertools import groupby

FONT = "Liberation Sans, Arial, sans-serif"
TEXT, MUTED, GRID, AXIS = "#212529", "#6c757d", "#dee2e6", "#adb5bd"
GREEN, AMBER, RED, BLUE = "#198754", "#ffc107", "#dc3545", "#0d6efd"
PALETTE = ("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#087990", "#d63384", "#495057")
NO_DATA = "Нет данных"
NBSP = "\u00a0"
CHAR_W = 0.6  # average glyph width in em; generous, Cyrillic is wide
SLANT = math.radians(40)
NICE_4 = (1, 2, 2.5, 5, 10)  # steps that divide an axis in four

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None = no data: no bar, «нет данных»
    target: float | None = None  # a marker line with «цель N»
    href: str = ""  # wraps the row in a link


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # one per x label / category; None = gap


def _clean(text) -> str:
    """Drop what XML 1.0 forbids and collapse whitespace (newlines would render as spaces)."""
    return " ".join(_NOT_XML.sub("", str(text)).split())


def _esc(text) -> str:
    return escape(_clean(text))


def _cut(text, limit: int) -> str:
    text = _clean(text)
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR_W


def _n(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def _finite(value) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _fmt(value: float, unit: str = "", digits: int = 1) -> str:
    """Russian style: «12 345», «45,3 %» (no-break spaces, half rounded up)."""
    scale = 10**digits
    rounded = math.floor(abs(value) * scale + 0.5) / scale
    text = f"{rounded:,.{digits}f}".replace(",", NBSP).replace(".", ",")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    sign = "−" if value < 0 and rounded else ""
    return f"{sign}{text}{NBSP}{unit}" if unit else sign + text


def _nice_ceil(value: float, steps=(1, 2, 5, 10)) -> float:
    """The smallest step × 10^k not below value: 37 -> 50, 120 -> 200."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in steps if m * power >= value * (1 - 1e-9))


def _safe_href(href: str) -> str:
    """Relative links and http(s)/mailto only: a `javascript:` link from data is dropped."""
    href = re.sub(r"[\t\n\r]", "", _NOT_XML.sub("", href)).strip()
    scheme = _SCHEME.match(href)
    return "" if scheme and scheme[1].lower() not in {"http", "https", "mailto"} else href


def _text(x: float, y: float, text: str, *, size: float = 12, anchor="start", fill="", extra=""):
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{size}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if fill:
        attrs += f' fill="{fill}"'
    return f"<text {attrs}{extra}>{_esc(text)}</text>"


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1) -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{stroke}" stroke-width="{width}"/>'
    )


def _svg(title: str, width: int, height: float, body: list[str]) -> str:
    label = _esc(title)
    bold = ' font-weight="bold"'
    heading = _text(8, 20, _cut(title, int((width - 16) / (14 * CHAR_W))), size=14, extra=bold)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_n(height)}" '
        f'width="100%" role="group" aria-label="{label}" font-family="{FONT}" fill="{TEXT}">'
        f"<title>{label}</title>{heading}" + "".join(body) + "</svg>"
    )


def _empty(title: str, width: int) -> str:
    return _svg(title, width, 80, [_text(width / 2, 56, NO_DATA, size=13, anchor="middle")])


def _x_axis(labels: list[str], left: float, right: float, size: float = 11):
    """Labels under the x axis: flat if they fit, else wrapped in two lines, else slanted.

    Returns the left edge (moved right if slanted labels need room), the slot width, the
    SVG drawn from y=0 down, and its height."""
    cut = [_cut(label, 24) for label in labels]
    slot = (right - left) / len(labels)
    room = slot - 6
    lines = [[c] for c in cut]
    if any(_width(c, size) > room for c in cut):
        lines = [_wrap(c, room, size) for c in cut]
    slanted = any(len(ls) > 2 or any(_width(s, size) > room for s in ls) for ls in lines)
    if slanted:
        need = max(_width(c, size) * math.cos(SLANT) - slot * (i + 0.5) for i, c in enumerate(cut))
        left = max(left, need + 8)
        slot = (right - left) / len(labels)
    parts = []
    for i, (label, ls) in enumerate(zip(labels, lines, strict=True)):
        x = left + slot * (i + 0.5)
        if slanted:
            rotate = f' transform="rotate(-40 {_n(x)} 14)"'
            texts = [_text(x, 14, cut[i], size=size, anchor="end", extra=rotate)]
        else:
            texts = [_text(x, 14 + 13 * k, s, size=size, anchor="middle") for k, s in enumerate(ls)]
        parts.append(f"<g><title>{_esc(label)}</title>{''.join(texts)}</g>")
    widest = max(_width(c, size) for c in cut)
    height = widest * math.sin(SLANT) + 20 if slanted else 6 + 13 * max(map(len, lines))
    return left, slot, "".join(parts), height


def _wrap(text: str, room: float, size: float) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _width(f"{lines[-1]} {word}", size) <= room:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _legend(names: list[str], left: float, right: float) -> tuple[str, float]:
    """Colour swatches with series names, wrapped in rows; drawn from y=0 down."""
    parts, x, row = [], left, 0
    for i, name in enumerate(names):
        label = _cut(name, 30)
        item_w = 16 + _width(label, 11) + 18
        if x + item_w > right and x > left:
            x, row = left, row + 1
        y = row * 18
        parts.append(
            f'<g class="legend-item"><title>{_esc(name)}</title>'
            f'<rect x="{_n(x)}" y="{y}" width="11" height="11" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f"{_text(x + 16, y + 10, label, size=11)}</g>"
        )
        x += item_w
    return "".join(parts), (row + 1) * 18


def _y_grid(ticks: list[float], ypos, left: float, right: float, unit: str) -> list[str]:
    parts = []
    for v in ticks:
        y = ypos(v)
        parts.append(_line(left, y, right, y, AXIS if v == 0 else GRID))
        parts.append(_text(left - 6, y + 4, _fmt(v, unit, 2), size=10, anchor="end", fill=MUTED))
    return parts


def _finish(title, width, parts, bottom, x_labels, x_h, series, left, right) -> str:
    """Add the x labels and the legend under the plot and wrap it all up."""
    legend, legend_h = _legend([s.name for s in series], left, right)
    parts.append(f'<g transform="translate(0 {_n(bottom)})">{x_labels}</g>')
    parts.append(f'<g transform="translate(0 {_n(bottom + x_h + 8)})">{legend}</g>')
    return _svg(title, width, bottom + x_h + 8 + legend_h + 4, parts)


def _rows(series: list[Series], n: int) -> list[list[float | None]]:
    return [[_finite(v) for v in [*s.values, *[None] * n][:n]] for s in series]


def _tick_room(ticks: list[float], unit: str) -> float:
    return 14 + max(_width(_fmt(v, unit, 2), 10) for v in ticks)


def _bar_colour(value: float, target: float | None) -> str:
    if target is None:
        return BLUE
    if value >= target:
        return GREEN
    return AMBER if value >= 0.8 * target else RED


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    unit: str = "%",
    max_value: float | None = None,
    width: int = 720,
) -> str:
    """Horizontal bars, one row per item: label, bar coloured by target, value at the bar end."""
    if not bars:
        return _empty(title, width)
    values = [_finite(b.value) for b in bars]
    targets = [_finite(b.target) for b in bars]
    if max_value is None or not max_value > 0:
        known = [v for v in values + targets if v is not None]
        max_value = 100.0 if unit == "%" else max([1.0, *known])
    row_h = 34 if any(t is not None for t in targets) else 26
    label_w = min(270.0, width * 0.38)
    limit = min(40, int(label_w / (12 * CHAR_W)))
    value_w = max([_width(_fmt(v, unit), 12) for v in values if v is not None] + [60.0])
    x0, x1 = 16 + label_w, width - value_w - 18
    top = 36
    bottom = top + row_h * len(bars)

    def xpos(v: float) -> float:
        return x0 + (x1 - x0) * min(max(v, 0.0), max_value) / max_value

    parts = []
    for i in range(5):
        v = max_value * i / 4
        parts.append(_line(xpos(v), top - 4, xpos(v), bottom, AXIS if i == 0 else GRID))
        tick = _fmt(v, unit, 2)
        parts.append(_text(xpos(v), bottom + 14, tick, size=10, anchor="middle", fill=MUTED))
    for i, (bar, value, target) in enumerate(zip(bars, values, targets, strict=True)):
        y = top + row_h * i
        row = [_text(x0 - 8, y + 17, _cut(bar.label, limit), anchor="end")]
        if value is None:
            row.append(_text(x0 + 6, y + 17, "нет данных", fill=MUTED))
        else:
            end = xpos(value)
            row.append(
                f'<rect class="bar" x="{_n(x0)}" y="{y + 5}" width="{_n(end - x0)}" height="16" '
                f'fill="{_bar_colour(value, target)}"/>'
            )
            text_x = end + 4
            if target is not None and end - 2 <= xpos(target) <= end + 6 + value_w:
                text_x = max(end, xpos(target)) + 5  # step past the target marker
            row.append(_text(text_x, y + 17, _fmt(value, unit)))
        if target is not None:
            tx = xpos(target)
            row.append(_line(tx, y + 2, tx, y + 24, TEXT, 2))
            goal = f"цель {_fmt(target, unit)}"
            row.append(_text(min(max(tx, x0 + 24), x1), y + 32, goal, size=9, anchor="middle"))
        content = "".join(row)
        href = _safe_href(bar.href)
        if href:
            content = f'<a href="{escape(href)}">{content}</a>'
        # Not "row": Bootstrap's .row > * { width: 100% } would stretch every bar on the page.
        parts.append(f'<g class="chart-row"><title>{_esc(bar.label)}</title>{content}</g>')
    return _svg(title, width, bottom + 22, parts)


def line_chart(
    labels: list[str],
    series: list[Series],
    *,
    title: str,
    unit: str = "%",
    max_value: float | None = None,
    width: int = 720,
    height: int = 260,
) -> str:
    """Lines over periods with a value at each point; None breaks the line.

    `height` is the chart without room for slanted labels and extra legend rows."""
    if not labels or not series:
        return _empty(title, width)
    n = len(labels)
    rows = _rows(series, n)
    peak = max((v for r in rows for v in r if v is not None), default=0.0)
    if max_value is None or not max_value > 0:  # 100 %, or four nice steps
        max_value = 100.0 if unit == "%" and peak <= 100 else 4 * _nice_ceil(peak / 4, NICE_4)
    ticks = [max_value * i / 4 for i in range(5)]
    top, plot_h = 46, max(100, height - 104)
    bottom, right = top + plot_h, width - 16
    left, slot, x_labels, x_h = _x_axis(labels, _tick_room(ticks, unit), right)

    def ypos(v: float) -> float:
        return bottom - plot_h * min(max(v, 0.0), max_value) / max_value

    parts = _y_grid(ticks, ypos, left, right, unit)
    value_labels: list[list[tuple]] = [[] for _ in range(n)]  # per x: (y, colour, text)
    for k, (s, values) in enumerate(zip(series, rows, strict=True)):
        colour = PALETTE[k % len(PALETTE)]
        points = [
            None if v is None else (left + slot * (i + 0.5), ypos(v)) for i, v in enumerate(values)
        ]
        group = [f'<g class="series"><title>{_esc(s.name)}</title>']
        for gap, run in groupby(points, key=lambda point: point is None):
            if not gap and len(run := list(run)) > 1:  # one polyline per run between gaps
                coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
                group.append(
                    f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                    f'stroke-width="2" stroke-linejoin="round"/>'
                )
        for i, (point, v) in enumerate(zip(points, values, strict=True)):
            if point is not None:
                tip = _esc(f"{s.name} — {labels[i]}: {_fmt(v, unit)}")
                group.append(
                    f'<circle cx="{_n(point[0])}" cy="{_n(point[1])}" r="3.5" fill="{colour}" '
                    f'stroke="#fff" stroke-width="1"><title>{tip}</title></circle>'
                )
                value_labels[i].append((point[1], colour, _fmt(v, unit)))
        parts.append("".join(group) + "</g>")
    for i, column in enumerate(value_labels):
        x, last = left + slot * (i + 0.5), -math.inf
        for point_y, colour, text in sorted(column):
            # Above the point, else below it, else just under the previous label.
            fits = [y for y in (point_y - 8, point_y + 15) if y >= last + 11 and y <= bottom + 1]
            last = fits[0] if fits else last + 11
            parts.append(_text(x, last, text, size=10, anchor="middle", fill=colour))
    return _finish(title, width, parts, bottom, x_labels, x_h, series, left, right)


def grouped_bar_chart(
    categories: list[str], series: list[Series], *, title: str, unit: str = "", width: int = 720
) -> str:
    """Vertical bars grouped by category, one colour per series, values on top of the bars."""
    if not categories or not series:
        return _empty(title, width)
    n = len(categories)
    rows = _rows(series, n)
    top_value = _nice_ceil(max((v for r in rows for v in r if v is not None), default=0.0))
    ticks = [top_value * i / 5 for i in range(6)]
    right = width - 16
    left, slot, x_labels, x_h = _x_axis(categories, _tick_room(ticks, unit), right)
    bar_w = slot * 0.8 / len(series)
    known = [v for r in rows for v in r if v is not None]
    upright = any(_width(_fmt(v, unit), 10) > bar_w - 1 for v in known)  # turn value labels
    plot_h = 220
    # Room above the plot for the value labels of the tallest bars.
    overhang = [
        (_width(_fmt(v, unit), 10) if upright else 10) + 6 - plot_h * (1 - v / top_value)
        for v in known
    ]
    top = 36 + max([4.0, *overhang])
    bottom = top + plot_h

    def ypos(v: float) -> float:
        return bottom - plot_h * min(max(v, 0.0), top_value) / top_value

    parts = _y_grid(ticks, ypos, left, right, unit)
    for k, (s, values) in enumerate(zip(series, rows, strict=True)):
        colour = PALETTE[k % len(PALETTE)]
        group = [f'<g class="series"><title>{_esc(s.name)}</title>']
        for i, (category, v) in enumerate(zip(categories, values, strict=True)):
            x = left + slot * (i + 0.1) + bar_w * k
            cx = x + bar_w / 2
            if v is None:
                dash = _text(cx, bottom - 4, "—", size=10, anchor="middle", fill=MUTED)
                group.append(f"<g><title>нет данных</title>{dash}</g>")
                continue
            y, label = ypos(v), _fmt(v, unit)
            tip = _esc(f"{s.name} — {category}: {label}")
            group.append(
                f'<rect class="bar" x="{_n(x + 1)}" y="{_n(y)}" width="{_n(max(bar_w - 2, 1))}" '
                f'height="{_n(bottom - y)}" fill="{colour}"><title>{tip}</title></rect>'
            )
            if upright:
                turn = f' transform="rotate(-90 {_n(cx + 3.5)} {_n(y - 4)})"'
                group.append(_text(cx + 3.5, y - 4, label, size=10, extra=turn))
            else:
                group.append(_text(cx, y - 4, label, size=10, anchor="middle"))
        parts.append("".join(group) + "</g>")
    return _finish(title, width, parts, bottom, x_labels, x_h, series, left, right)
