"""The round page's result table (Table 1's layout) written in one pass: the same HTML as its template loop.

The loop rendered some thirty rows of seven cells through the template engine (a URL tag and a
number filter per cell, a sixth of the page's time); ``result_rows_html`` writes the same bytes
(tests/allocation/test_result_table.py compares it with the loop it replaces).
"""
from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from allocation.selectors.rows import ResultRow
from klyngeportal.formats import format_number

_SENTINEL = 987654321987


def _num(value, decimals: int = 0) -> str:
    """``{{ value|num:decimals }}``: ``format_number``, escaped as the template escapes it."""
    return escape(format_number(value, decimals))


def _figures(row: ResultRow) -> str:
    return (f'<td class="num">{_num(row.population, row.population_places)}</td>'
            f'<td class="num">{_num(row.municipalities_kr)}</td><td class="num">{_num(row.region_kr)}</td>'
            f'<td class="num">{_num(row.total_kr)}</td>')


def result_rows_html(rows: list[ResultRow], round_slug: str) -> SafeString:
    """The rows of ``allocation/round_detail.html``'s result table, with the loop's own whitespace."""
    head, _, tail = escape(reverse("allocation:round_cluster", args=[round_slug, _SENTINEL])).rpartition(
        str(_SENTINEL))
    out = []
    for row in rows:
        if row.row_kind == "cluster":
            tr = (f'<tr><td>{escape(row.region_name)}</td><td><a href="{head}{row.cluster.pk}{tail}">'
                  f'{escape(row.cluster_name)}</a></td>\n      {_figures(row)}<td></td></tr>')
        elif row.row_kind == "region_subtotal":
            tr = (f'<tr class="subtotal"><td>Region {escape(row.region_name)} i alt</td><td></td>{_figures(row)}'
                  f'<td class="num">{_num(row.rate, 2)}</td></tr>')
        else:
            tr = f'<tr class="total"><td>I alt</td><td></td>{_figures(row)}<td></td></tr>'
        out.append(f"\n    \n    {tr}\n    \n  ")
    return mark_safe("".join(out))
