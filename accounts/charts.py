"""Server-side SVG charts: no JavaScript, no CDN; the portal draws them itself."""
from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from klyngeportal.formats import format_kr

BUDGET_COLOUR = "#9cc3d5"
SPEND_COLOUR = "#005b7f"
OVER_COLOUR = "#a4161a"
TEXT_SIZE = 15  # px, the body text (static/css/site.css): no label is smaller
TITLE_SIZE = 17
LABEL_CHARS = 30  # an area's name is cut to fit the label column at TEXT_SIZE


def budget_vs_spend_svg(rows, *, title: str = "Budget og forbrug pr. indsatsområde") -> SafeString:
    """Horizontal bars: for each row (label, budget, spend) a budget bar and a spend bar on one scale.

    Rows are MoneyRow-like objects with ``label``, ``budget`` and ``spend``. Spend over budget is red.
    Drawn at its own size (one SVG unit is one CSS pixel, never shrunk) with every text at TEXT_SIZE, the
    body text's size, so a phone shows it legible and scrolls it inside its box (``.chart-box``).
    """
    rows = list(rows)
    width, label_w, value_w = 860, 250, 150
    bar_h, gap, top, legend_h = 14, 14, 30, 24
    plot_w = width - label_w - value_w
    row_h = 2 * bar_h + 4 + gap
    height = top + legend_h + max(len(rows), 1) * row_h
    largest = max([Decimal(0)] + [max(r.budget, r.spend, Decimal(0)) for r in rows])
    scale = (Decimal(plot_w) / largest) if largest > 0 else Decimal(0)

    def bar_len(value: Decimal) -> int:
        return int((max(value, Decimal(0)) * scale).to_integral_value()) if scale else 0

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<text x="0" y="16" font-size="{TITLE_SIZE}" font-weight="700" fill="#1d2733">{escape(title)}</text>',
        f'<rect x="{label_w}" y="{top}" width="12" height="12" fill="{BUDGET_COLOUR}"/>'
        f'<text x="{label_w + 18}" y="{top + 11}" font-size="{TEXT_SIZE}">Budget</text>'
        f'<rect x="{label_w + 90}" y="{top}" width="12" height="12" fill="{SPEND_COLOUR}"/>'
        f'<text x="{label_w + 108}" y="{top + 11}" font-size="{TEXT_SIZE}">Forbrug (netto)</text>'
        f'<rect x="{label_w + 250}" y="{top}" width="12" height="12" fill="{OVER_COLOUR}"/>'
        f'<text x="{label_w + 268}" y="{top + 11}" font-size="{TEXT_SIZE}">Forbrug over budget</text>',
    ]
    if not rows:
        parts.append(f'<text x="{label_w}" y="{top + legend_h + 16}" font-size="{TEXT_SIZE}">Ingen indsatsområder.</text>')
    for index, row in enumerate(rows):
        y = top + legend_h + index * row_h
        label = escape(row.label if len(row.label) <= LABEL_CHARS else row.label[:LABEL_CHARS - 1] + "…")
        over = row.spend > row.budget
        spend_colour = OVER_COLOUR if over else SPEND_COLOUR
        parts.append(
            f'<g class="bar-row" data-label="{escape(row.label)}">'
            f'<text x="{label_w - 8}" y="{y + bar_h + 4}" font-size="{TEXT_SIZE}" text-anchor="end">{label}</text>'
            f'<rect class="bar-budget" x="{label_w}" y="{y}" width="{bar_len(row.budget)}" height="{bar_h}" '
            f'fill="{BUDGET_COLOUR}"><title>{escape(row.label)}: budget {format_kr(row.budget)}</title></rect>'
            f'<text x="{label_w + bar_len(row.budget) + 6}" y="{y + bar_h - 3}" font-size="{TEXT_SIZE}">'
            f'{format_kr(row.budget)}</text>'
            f'<rect class="bar-spend" x="{label_w}" y="{y + bar_h + 4}" width="{bar_len(row.spend)}" '
            f'height="{bar_h}" fill="{spend_colour}"><title>{escape(row.label)}: forbrug '
            f'{format_kr(row.spend)}</title></rect>'
            f'<text x="{label_w + bar_len(row.spend) + 6}" y="{y + 2 * bar_h + 1}" font-size="{TEXT_SIZE}">'
            f'{format_kr(row.spend)}</text>'
            "</g>"
        )
    parts.append(f'<line x1="{label_w}" y1="{top + legend_h - 4}" x2="{label_w}" y2="{height}" stroke="#5b6775"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text part above is escaped


def cumulative_svg(month_names, budget, spend, *, months_passed: int = 12,
                   title: str = "Budget og forbrug over året, akkumuleret") -> SafeString:
    """Two cumulative lines over the twelve months: the phased budget and the net spend booked.

    ``budget`` and ``spend`` are the cumulative amounts per month (12 each); spend is drawn up to
    ``months_passed`` (the months to come have no spend yet). Every text at TEXT_SIZE or larger.
    """
    budget, spend = list(budget), list(spend)
    width, left, right, top, bottom = 860, 130, 30, 58, 40
    plot_w, plot_h = width - left - right, 260
    height = top + plot_h + bottom
    largest = max([Decimal(0), *budget, *spend])
    smallest = min([Decimal(0), *spend])
    span = (largest - smallest) or Decimal(1)
    step = Decimal(plot_w) / 11

    def x(index: int) -> int:
        return left + int((step * index).to_integral_value())

    def y(value: Decimal) -> int:
        return top + plot_h - int(((value - smallest) / span * plot_h).to_integral_value())

    def points(values) -> str:
        return " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))

    shown = spend[:max(months_passed, 0)]
    over = bool(shown) and shown[-1] > budget[len(shown) - 1]
    spend_colour = OVER_COLOUR if over else SPEND_COLOUR
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart cumulative" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="cumulative-title">',
        f'<title id="cumulative-title">{escape(title)}</title>',
        f'<text x="0" y="16" font-size="{TITLE_SIZE}" font-weight="700" fill="#1d2733">{escape(title)}</text>',
        f'<rect x="{left}" y="28" width="12" height="12" fill="{BUDGET_COLOUR}"/>'
        f'<text x="{left + 18}" y="39" font-size="{TEXT_SIZE}">Budget (periodiseret)</text>'
        f'<rect x="{left + 200}" y="28" width="12" height="12" fill="{spend_colour}"/>'
        f'<text x="{left + 218}" y="39" font-size="{TEXT_SIZE}">Forbrug (netto) bogført</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#5b6775"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#5b6775"/>',
    ]
    for value in (smallest, (smallest + largest) / 2, largest):
        parts.append(f'<text x="{left - 8}" y="{y(value) + 5}" font-size="{TEXT_SIZE}" text-anchor="end">'
                     f'{format_kr(value)}</text>')
    for index, name in enumerate(month_names):
        parts.append(f'<text x="{x(index)}" y="{top + plot_h + 24}" font-size="{TEXT_SIZE}" '
                     f'text-anchor="middle">{escape(name)}</text>')
    parts.append(f'<polyline class="line-budget" fill="none" stroke="{BUDGET_COLOUR}" stroke-width="4" '
                 f'points="{points(budget)}"/>')
    if shown:
        parts.append(f'<polyline class="line-spend" fill="none" stroke="{spend_colour}" stroke-width="3" '
                     f'points="{points(shown)}"/>')
    for index, name in enumerate(month_names):
        tip = f"{name}: budget {format_kr(budget[index])}"
        if index < len(shown):
            tip += f", forbrug {format_kr(shown[index])}"
        parts.append(f'<circle cx="{x(index)}" cy="{y(budget[index])}" r="4" fill="{BUDGET_COLOUR}">'
                     f'<title>{escape(tip)}</title></circle>')
        if index < len(shown):
            parts.append(f'<circle cx="{x(index)}" cy="{y(shown[index])}" r="4" fill="{spend_colour}">'
                         f'<title>{escape(tip)}</title></circle>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text part above is escaped
