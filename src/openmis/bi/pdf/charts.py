"""Charts in the PDF (bars, lines, areas, scatter, pie), drawn with fpdf2's primitives in
ECharts' colours from the options the page's charts use."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from openmis.bi import charts
from openmis.bi.pdf.style import (
    AXIS,
    FONT,
    GRID,
    INK,
    MAX_BARS,
    MAX_POINTS,
    MUTED,
    PALETTE,
    PIE_SLICES,
    DashboardPDF,
    as_number,
    draw_message,
    nice_ticks,
    number_text,
)

# --- charts -----------------------------------------------------------------------------------


def _legend(pdf: DashboardPDF, names: list[str], x, y, w, note: str = ""):
    """Coloured squares and series names on one line; ``note`` at its right end."""
    pdf.set_font(FONT, "", 6.5)
    note_width = pdf.get_string_width(note) + 2 if note else 0
    right = x + w - note_width
    for index, name in enumerate(names):
        width = min(pdf.get_string_width(name) + 2, 45)
        if x + 3 + width > right:
            pdf.text_at(x, y, 4, 4, "…", size=6.5, color=MUTED)
            break
        pdf.set_fill_color(*PALETTE[index % len(PALETTE)])
        pdf.rect(x, y + 0.8, 2.4, 2.4, style="F")
        pdf.text_at(x + 2.8, y, width, 4, name, size=6.5, color=MUTED)
        x += 2.8 + width + 2
    if note:
        pdf.text_at(right, y, note_width, 4, note, size=6.5, color=MUTED, align="R")


def _value_axis(pdf: DashboardPDF, ticks, places, x, top, bottom):
    """The plot's left edge, the value→y map, the tick labels and their width (from ``x``)."""
    pdf.set_font(FONT, "", 6.5)
    labels = [number_text(t, places) for t in ticks]
    label_width = max(pdf.get_string_width(label) for label in labels) + 2 * pdf.c_margin + 2
    low, high = ticks[0], ticks[-1]

    def to_y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    return x + label_width, to_y, labels, label_width


def _draw_value_axis(pdf, ticks, labels, to_y, x, label_width, left, right):
    pdf.set_line_width(0.15)
    for tick, label in zip(ticks, labels, strict=True):
        pdf.set_draw_color(*GRID)
        pdf.line(left, to_y(tick), right, to_y(tick))
        pdf.text_at(
            x, to_y(tick) - 1.5, label_width - 1, 3, label, size=6.5, color=MUTED, align="R"
        )
    pdf.set_draw_color(*AXIS)
    pdf.set_line_width(0.25)
    zero = to_y(min(max(0.0, ticks[0]), ticks[-1]))
    pdf.line(left, zero, right, zero)
    return zero


def _category_labels(pdf: DashboardPDF, categories: list[str], left, slot, y):
    """Category names under the plot; every k-th one when they are too many to read."""
    step = max(1, math.ceil(12 / slot))
    for index in range(0, len(categories), step):
        centre = left + (index + 0.5) * slot
        width = slot * step
        pdf.text_at(
            centre - width / 2, y, width, 4, categories[index], size=6.5, color=MUTED, align="C"
        )


def draw_chart(pdf: DashboardPDF, kind: str, result: dict, dimensions: int | None, x, y, w, h):
    """The chart of a card's result: its ``kind`` (a ``Question.Chart`` value) in the box."""
    option = charts.options(kind, result, dimensions=dimensions)
    if option is None:
        draw_message(pdf, x, y, w, _("No rows"))
        return
    if kind == "pie":
        _draw_pie(pdf, option, x, y, w, h)
    elif kind == "scatter":
        _draw_scatter(pdf, option, x, y, w, h)
    else:
        _draw_axes_chart(pdf, kind, option, x, y, w, h)


def _shown_note(shown: int, total: int) -> str:
    if shown >= total:
        return ""
    return _("the first %(shown)s of %(total)s") % {
        "shown": number_text(shown, 0),
        "total": number_text(total, 0),
    }


def _draw_axes_chart(pdf: DashboardPDF, kind: str, option: dict, x, y, w, h):
    """Vertical (grouped) bars, or lines, or filled areas over category slots."""
    categories = [str(c) for c in option["xAxis"]["data"]]
    cap = MAX_BARS if kind == "bar" else MAX_POINTS
    note = _shown_note(min(cap, len(categories)), len(categories))
    categories = categories[:cap]
    series = [(str(s["name"]), [as_number(v) for v in s["data"][:cap]]) for s in option["series"]]
    values = [v for _name, data in series for v in data if v is not None]
    if not values:
        draw_message(pdf, x, y, w, _("No numbers to draw"))
        return
    legend_h = 5.0 if len(series) > 1 or note else 0.0
    top, bottom = y + 2, y + h - legend_h - 5
    ticks, places = nice_ticks(min(0.0, *values), max(0.0, *values))
    left, to_y, labels, label_width = _value_axis(pdf, ticks, places, x, top, bottom)
    right = x + w - 1
    zero = _draw_value_axis(pdf, ticks, labels, to_y, x, label_width, left, right)
    slot = (right - left) / len(categories)
    _category_labels(pdf, categories, left, slot, bottom + 0.8)
    if kind == "bar":
        _bars(pdf, series, left, slot, zero, to_y)
    else:
        _lines(pdf, series, left, slot, zero, to_y, filled=kind == "area")
    if legend_h:
        _legend(
            pdf,
            [name for name, _data in series] if len(series) > 1 else [],
            x + 1,
            y + h - legend_h,
            w - 2,
            note,
        )


def _bars(pdf: DashboardPDF, series, left, slot, zero, to_y):
    group = slot * 0.72
    bar = group / len(series)
    pdf.set_font(FONT, "", 6)
    for index, (_name, data) in enumerate(series):
        pdf.set_fill_color(*PALETTE[index % len(PALETTE)])
        for position, value in enumerate(data):
            if value is None:
                continue
            bar_x = left + position * slot + (slot - group) / 2 + index * bar
            end = to_y(value)
            height = max(abs(end - zero), 0.2 if value else 0)
            if height:
                pdf.rect(bar_x + bar * 0.06, min(end, zero), bar * 0.88, height, style="F")
            label = number_text(value)
            if pdf.get_string_width(label) <= bar + 0.6:
                label_y = end - 3.2 if value >= 0 else end + 0.2
                pdf.text_at(bar_x - 1, label_y, bar + 2, 3, label, size=6, color=INK, align="C")


def _lines(pdf: DashboardPDF, series, left, slot, zero, to_y, *, filled: bool):
    count = len(series[0][1]) if series else 0
    labelled = len(series) == 1 and count <= 15  # labels of several lines would collide
    for index, (_name, data) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        segments, current = [], []
        for position, value in enumerate(data):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((left + (position + 0.5) * slot, to_y(value)))
        if current:
            segments.append(current)
        pdf.set_fill_color(*colour)
        pdf.set_draw_color(*colour)
        for points in segments:
            if filled and len(points) > 1:
                outline = [(points[0][0], zero), *points, (points[-1][0], zero)]
                with pdf.local_context(fill_opacity=0.3):
                    pdf.polygon(outline, style="F")
            if len(points) > 1:
                pdf.set_line_width(0.5)
                pdf.polyline(points)
            if len(points) == 1 or count <= 40:
                for px, py in points:
                    pdf.circle(px, py, 0.7, style="F")
        if labelled:
            for position, value in enumerate(data):
                if value is not None:
                    px = left + (position + 0.5) * slot
                    pdf.text_at(
                        px - slot / 2,
                        to_y(value) - 3.6,
                        slot,
                        3,
                        number_text(value),
                        size=6,
                        align="C",
                    )


def _draw_scatter(pdf: DashboardPDF, option: dict, x, y, w, h):
    """Dots on two value axes; text on the x axis is placed as categories in their order."""
    points = option["series"][0]["data"]
    note = _shown_note(min(MAX_POINTS, len(points)), len(points))
    points = points[:MAX_POINTS]
    xs = [p[0] for p in points]
    ys = [as_number(p[1]) for p in points]
    numeric_x = all(as_number(v) is not None for v in xs if v is not None)
    if numeric_x:
        xs = [as_number(v) for v in xs]
    else:
        categories = list(dict.fromkeys("" if v is None else str(v) for v in xs))
        xs = [categories.index("" if v is None else str(v)) for v in xs]
    pairs = [(px, py) for px, py in zip(xs, ys, strict=True) if px is not None and py is not None]
    if not pairs:
        draw_message(pdf, x, y, w, _("No numbers to draw"))
        return
    names_h = 4.0
    top, bottom = y + 2 + names_h, y + h - 5 - names_h
    ticks, places = nice_ticks(min(0.0, *(p[1] for p in pairs)), max(0.0, *(p[1] for p in pairs)))
    left, to_y, labels, label_width = _value_axis(pdf, ticks, places, x, top, bottom)
    right = x + w - 2
    _draw_value_axis(pdf, ticks, labels, to_y, x, label_width, left, right)
    if numeric_x:
        x_ticks, x_places = nice_ticks(
            min(0.0, *(p[0] for p in pairs)), max(0.0, *(p[0] for p in pairs))
        )

        def to_x(value):
            return left + (value - x_ticks[0]) / (x_ticks[-1] - x_ticks[0]) * (right - left)

        for tick in x_ticks:
            label = number_text(tick, x_places)
            pdf.text_at(
                to_x(tick) - 10, bottom + 0.8, 20, 4, label, size=6.5, color=MUTED, align="C"
            )
    else:
        slot = (right - left) / len(categories)

        def to_x(value):
            return left + (value + 0.5) * slot

        _category_labels(pdf, categories, left, slot, bottom + 0.8)
    pdf.text_at(x, y, w / 2, names_h, str(option["yAxis"]["name"]), size=6.5, color=MUTED)
    pdf.text_at(
        x + w / 2,
        bottom + 4.5,
        w / 2,
        names_h,
        str(option["xAxis"]["name"]),
        size=6.5,
        color=MUTED,
        align="R",
    )
    if note:
        pdf.text_at(x, bottom + 4.5, w / 2, names_h, note, size=6.5, color=MUTED)
    pdf.set_fill_color(*PALETTE[0])
    with pdf.local_context(fill_opacity=0.8):
        for px, py in pairs:
            pdf.circle(to_x(px), to_y(py), 0.9, style="F")


def _arc(cx, cy, radius, start, end) -> list[tuple[float, float]]:
    """Points of a clockwise arc from angle ``start`` to ``end`` (degrees, 90 is up)."""
    steps = max(2, math.ceil(abs(start - end) / 3))
    return [
        (
            cx + radius * math.cos(math.radians(start - (start - end) * i / steps)),
            cy - radius * math.sin(math.radians(start - (start - end) * i / steps)),
        )
        for i in range(steps + 1)
    ]


def _draw_pie(pdf: DashboardPDF, option: dict, x, y, w, h):
    """A ring of slices clockwise from the top (as ECharts draws it), with a legend."""
    slices = [(str(item["name"]), as_number(item["value"])) for item in option["series"][0]["data"]]
    slices = [(name, value) for name, value in slices if value is not None and value > 0]
    if not slices:
        draw_message(pdf, x, y, w, _("No numbers to draw"))
        return
    if len(slices) > PIE_SLICES:
        kept = set(sorted(range(len(slices)), key=lambda i: -slices[i][1])[: PIE_SLICES - 1])
        rest = sum(value for i, (_name, value) in enumerate(slices) if i not in kept)
        slices = [s for i, s in enumerate(slices) if i in kept] + [(_("Other"), rest)]
    total = sum(value for _name, value in slices)
    radius = min(h - 4, w * 0.45) / 2
    cx, cy = x + 2 + radius, y + h / 2
    angle = 90.0
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.3)
    for index, (_name, value) in enumerate(slices):
        sweep = 360.0 * value / total
        outer = _arc(cx, cy, radius, angle, angle - sweep)
        inner = _arc(cx, cy, radius * 0.5, angle - sweep, angle)
        pdf.set_fill_color(*PALETTE[index % len(PALETTE)])
        pdf.polygon(outer + inner, style="DF" if len(slices) > 1 else "F")
        angle -= sweep
    left = cx + radius + 6
    width = x + w - left
    row = 4.6
    top = cy - row * len(slices) / 2
    pdf.set_font(FONT, "", 7)
    amounts = [f"{number_text(v)} ({number_text(100 * v / total, 1)}\u00a0%)" for _n, v in slices]
    amount_width = max(pdf.get_string_width(a) for a in amounts) + 2
    for index, ((name, _value), amount) in enumerate(zip(slices, amounts, strict=True)):
        line_y = top + index * row
        pdf.set_fill_color(*PALETTE[index % len(PALETTE)])
        pdf.rect(left, line_y + 1, 2.6, 2.6, style="F")
        name_width = max(width - 3.2 - amount_width, 8)
        pdf.text_at(left + 3.2, line_y, name_width, row, name, size=7)
        pdf.text_at(
            left + 3.2 + name_width,
            line_y,
            amount_width,
            row,
            amount,
            size=7,
            color=MUTED,
            align="R",
        )
